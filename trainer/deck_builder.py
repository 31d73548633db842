"""Study notes -> cards: the extraction rules, and a report of what did not become a card.

Each rule recognises one thing notes are made of (`_section_cards` applies them in order;
the phrasing of each card lives in `card_templates`):
  one-liners      "X = Y", "X → Y" list items and paragraphs       -> basic "X = ?"
  labelled blocks  **What happens** + list / quote / code           -> basic "<section>: What happens?"
  lead-ins         "It does NOT answer:" + list / quote / code      -> basic (question lists too)
  ✅/❌ lists      under a ✅/❌ heading, or items marked ✅/❌        -> basic, list or per item
  tables           one card per row (malformed tables included)     -> basic "<row> — <column>?"
  YAML blocks      one yaml card "what does this do?"               -> yaml
  definitions      quotes and paragraphs with **bold** key phrases  -> cloze; "X is/defines Y" -> basic
Card ids come from the section and the card's subject (never from the answer), so a rebuild
after editing an answer keeps the id and the review history.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from trainer.card_templates import MAX_WORDS, CardMaker, mixed_checks, one_liners
from trainer.deckfile import Card
from trainer.notes_parse import Block, Section, parse_notes


@dataclass(frozen=True)
class Skipped:
    """A part of the notes that did not become a card, and why."""

    line: int
    section: str
    kind: str
    reason: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.line}: [{self.section or 'preamble'}] {self.kind}: {self.reason}: {self.excerpt}"


@dataclass
class BuildResult:
    cards: list[Card] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def build_deck_cards(text: str, deck_id: str) -> BuildResult:
    """All cards the rules find in the Markdown `text`, in document order."""
    result = BuildResult()
    taken: set[str] = set()
    for section in parse_notes(text):
        for card in _section_cards(section, result):
            card = _normalized(replace(card, id=_unique(card.id, taken), deck=deck_id))
            result.cards.append(replace(card, generated=digest(card)))
    return result


def _normalized(card: Card) -> Card:
    """Text as `load_deck` will read it back, so a fresh card matches its own digest."""
    return replace(card, front=card.front.strip(), back=card.back.strip(), text=card.text.strip(),
                   yaml=card.yaml.strip("\n"))


def digest(card: Card) -> str:
    """Fingerprint of what `deck build` wrote; a hand edit makes the card differ from it."""
    return hashlib.sha1(repr(card.content_key()).encode("utf-8")).hexdigest()[:12]


def _section_cards(section: Section, result: BuildResult) -> list[Card]:
    def skip(block: Block, reason: str) -> None:
        excerpt = (block.inline.text or block.code or " | ".join(i.text for i in block.items)
                   or " | ".join(" / ".join(r) for r in block.rows))
        excerpt = " ".join(excerpt.split())
        result.skipped.append(Skipped(block.line, section.title, block.kind, reason,
                                      excerpt[:70] + ("…" if len(excerpt) > 70 else "")))

    if not section.chapter:  # preamble and the document title: chat, not notes
        for block in section.blocks:
            skip(block, "before the first '## ' section")
        return []
    cards: list[Card] = []
    make = CardMaker(section)
    blocks = section.blocks
    i = 0
    while i < len(blocks):
        block = blocks[i]
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if block.unclosed:     # everything after it is swallowed: say where, build nothing from it
            skip(block, "code block never closed, so the rest of the notes reads as code: add its "
                        "closing ``` line")
            i += 1
            continue
        lead = _lead_in(block)
        if lead and nxt is not None and nxt.kind in ("list", "quote", "code", "paragraph"):
            made = make.answer_block(lead, nxt, labelled=block.inline.all_bold)
            if made:
                if len(lead.split()) > 12:  # a definition that ends in a list: its bold phrases too
                    made = make.prose(block.inline) + made
                cards.extend(made)
                i += 2
                continue
        if i == 0 and block.kind == "list" and not section.marker and not one_liners(block) \
                and not mixed_checks(block):
            made = make.heading_list(block)  # a list right under its heading: the heading asks
        else:
            made = make.single(block)
        if made:
            cards.extend(made)
        else:
            skip(block, _why(block))
        i += 1
    if section.marker in ("✅", "❌") and not blocks:
        result.skipped.append(Skipped(section.line, section.title, "heading", "no content", ""))
    return cards


def _lead_in(block: Block) -> str:
    """A bold label (**What happens**) or a sentence ending with ':' that introduces the next block."""
    if block.kind != "paragraph":
        return ""
    inline = block.inline
    label = inline.all_bold and not inline.marker and len(inline.text.split()) <= 4
    if label or (inline.text.endswith(":") and len(inline.text.split()) <= MAX_WORDS):
        return inline.text.rstrip(":").strip()
    return ""


def _why(block: Block) -> str:
    if block.kind == "code":
        return "a code block that is not YAML and has no label"
    if block.kind == "list":
        return "a list with no label, lead-in or one-liners"
    return "prose without a recognisable fact (no bold key phrase, definition or one-liner)"


def _unique(card_id: str, taken: set[str]) -> str:
    candidate, n = card_id, 2
    while candidate in taken:
        candidate, n = f"{card_id}-{n}", n + 1
    taken.add(candidate)
    return candidate
