"""Export a deck: an Anki package (.apkg), CSV with Anki's import headers, or Markdown.

Anki re-import must update notes, not duplicate them, so every note's guid is derived from
the card id alone (`meshdrill:<card id>`): the same card exported twice is the same note.
The CSV carries the same guid, so the two routes into Anki agree. Cloze cards use a cloze
note type (our `{{c1::x::hint}}` syntax is Anki's). Tags: `meshdrill`, the deck id, the
card's topics and `domain::<domain>`.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
from pathlib import Path

from trainer.deckfile import Card, Deck

GUID_PREFIX = "meshdrill:"
FORMATS = ("apkg", "csv", "md")


def guid(card: Card) -> str:
    return GUID_PREFIX + card.id


def tags(card: Card, deck: Deck) -> list[str]:
    """Anki tags have no spaces; `::` makes a tag hierarchy."""
    out = ["meshdrill", deck.id, *card.topics]
    if card.domain:
        out.append(f"domain::{card.domain}")
    return [re.sub(r"\s+", "_", t) for t in dict.fromkeys(out) if t]


def sides(card: Card) -> tuple[str, str]:
    """Plain-text question and answer, with everything the card holds (snippet, choices, note)."""
    if card.type == "cloze":
        front = card.text
    else:
        front = card.front
    if card.type == "yaml":
        front = f"{front}\n\n{card.yaml}"
    if card.type == "choice" and card.choices:
        options = sorted([card.correct_option, *card.choices], key=str.lower)  # deterministic, answer not first
        front += "\n" + "\n".join(f"- {o}" for o in options)
    back = card.back
    if card.type == "yaml" and card.answer_line:
        back = f"line {card.answer_line}: {back}".strip(": ")
    if card.type == "typed" and card.accept:
        back = f"{back}\n(accepted: {', '.join(card.accept)})".strip()
    if card.note:
        back = f"{back}\n\nNote: {card.note}".strip()
    if card.ref:
        back = f"{back}\n\nSource: {card.ref}".strip()
    return front, back


# ---- Anki package ----------------------------------------------------------------------

_CSS = ".card { font-family: sans-serif; font-size: 18px; text-align: left; }\npre { font-size: 14px; }"


def _stable_id(name: str) -> int:
    """genanki wants int ids; derive them from names so every export uses the same ones."""
    return int(hashlib.sha1(name.encode()).hexdigest()[:8], 16) | (1 << 30)


def _models():
    import genanki

    basic = genanki.Model(
        _stable_id("meshdrill basic"), "meshdrill basic", fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}",
                    "afmt": '{{FrontSide}}<hr id="answer">{{Back}}'}], css=_CSS)
    cloze = genanki.Model(
        _stable_id("meshdrill cloze"), "meshdrill cloze", fields=[{"name": "Text"}, {"name": "Back Extra"}],
        templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}", "afmt": "{{cloze:Text}}<br>{{Back Extra}}"}],
        css=_CSS, model_type=genanki.Model.CLOZE)
    return basic, cloze


def _html(text: str) -> str:
    """Plain text to Anki field HTML; code blocks keep their layout."""
    parts = []
    for chunk in text.split("\n\n"):
        if "\n" in chunk and re.search(r"^\s*[\w-]+:|^\s*- ", chunk, re.M):
            parts.append(f"<pre>{html.escape(chunk)}</pre>")
        else:
            parts.append(html.escape(chunk).replace("\n", "<br>"))
    return "<br><br>".join(parts)


def export_apkg(deck: Deck, path: str | Path, now: float) -> int:
    """Write `deck` as an Anki package; returns the number of notes.

    `now` (seconds since the epoch) becomes the notes' modification time: Anki's default
    import updates a note only when the package's copy is newer than the collection's.
    """
    import genanki

    basic, cloze = _models()
    anki_deck = genanki.Deck(_stable_id(f"meshdrill deck {deck.id}"), deck.title)
    for card in deck.cards:
        front, back = sides(card)
        if card.type == "cloze":
            note = genanki.Note(model=cloze, fields=[html.escape(card.text), _html(back)],
                                tags=tags(card, deck), guid=guid(card))
        else:
            note = genanki.Note(model=basic, fields=[_html(front), _html(back)], tags=tags(card, deck),
                                guid=guid(card))
        anki_deck.add_note(note)
    # genanki also derives note ids from it; Anki matches re-imported notes by guid, not by id.
    genanki.Package(anki_deck).write_to_file(str(path), timestamp=now)
    return len(deck.cards)


# ---- CSV with Anki's headers -------------------------------------------------------------

CSV_COLUMNS = ("guid", "notetype", "deck", "front", "back", "tags")


def export_csv(deck: Deck) -> str:
    """Tab-separated text Anki imports as is (File > Import): the headers say what each column is."""
    out = io.StringIO()
    out.write("#separator:Tab\n#html:false\n")
    out.write("#columns:" + "\t".join(CSV_COLUMNS) + "\n")
    out.write("#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n")
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    for card in deck.cards:
        front, back = sides(card)
        notetype = "Cloze" if card.type == "cloze" else "Basic"
        writer.writerow([guid(card), notetype, deck.title, front, back, " ".join(tags(card, deck))])
    return out.getvalue()


# ---- Markdown ----------------------------------------------------------------------------

def export_md(deck: Deck) -> str:
    """A readable page: sections as headings, each card a question in bold and its answer."""
    lines = [f"# {deck.title}", ""]
    section = None
    for card in deck.cards:
        if card.section != section:
            section = card.section
            lines += [f"## {section or 'Other'}", ""]
        if card.type == "cloze":
            extra = sides(card)[1]
            lines += [f"- {_cloze_md(card.text)}", ""] + ([extra, ""] if extra else [])
            continue
        lines += [f"**{card.front}**", ""]
        if card.type == "yaml":
            lines += ["```yaml", card.yaml, "```", ""]
        _, back = sides(card)
        lines += [back, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _cloze_md(text: str) -> str:
    from trainer.deckfile import CLOZE

    return CLOZE.sub(lambda m: f"**{m.group(2)}**", text)
