"""Import cards: CSV as Anki writes and reads it (its `#key:value` headers honoured), or Markdown
notes through the deck builder.

CSV columns: the field columns are front then back; `#guid column`, `#notetype column`,
`#deck column` and `#tags column` name the special ones (1-based, as Anki counts). Without a
`#separator` header the separator is guessed from the first row (tab, then ';', then ',').
A guid this program wrote (`meshdrill:<id>`) gives the card id back, so export -> import keeps
ids; other rows get an id from the deck and their front text.
"""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass, field

from trainer.card_templates import slug
from trainer.deck_builder import BuildResult, build_deck_cards
from trainer.deckfile import DOMAINS, Card
from trainer.errors import TrainerError
from trainer.export import GUID_PREFIX

# Anki's names for separators in `#separator:`
_SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|", "colon": ":"}


@dataclass
class CsvHeaders:
    separator: str | None = None
    html: bool = False
    tags: tuple[str, ...] = ()  # `#tags:` applied to every note
    columns: dict[str, int] = field(default_factory=dict)  # special column -> 0-based index
    names: tuple[str, ...] = ()  # `#columns:`
    lines: int = 0  # how many header lines there were


def read_headers(text: str, filename: str) -> CsvHeaders:
    headers = CsvHeaders()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#") or ":" not in line:
            break
        headers.lines = number
        key, value = (part.strip() for part in line[1:].split(":", 1))
        key = key.lower()
        if key == "separator":
            headers.separator = _SEPARATORS.get(value.lower(), value[:1] or None)
        elif key == "html":
            headers.html = value.lower() == "true"
        elif key == "tags":
            headers.tags = tuple(value.split())
        elif key == "columns":
            headers.names = tuple(value.split(headers.separator or ("\t" if "\t" in value else ",")))
        elif key.endswith(" column"):
            try:
                headers.columns[key[:-len(" column")]] = int(value) - 1
            except ValueError:
                raise TrainerError(f"{filename}:{number}: '#{key}' needs a column number, got {value!r}") from None
    return headers


def import_csv(text: str, deck_id: str, filename: str = "<csv>") -> list[Card]:
    headers = read_headers(text, filename)
    body = "\n".join(text.splitlines()[headers.lines:])
    separator = headers.separator or _guess_separator(body)
    special = set(headers.columns.values())
    cards: list[Card] = []
    taken: set[str] = set()
    for line, row in _rows(body, separator, headers.lines, filename):
        if not any(cell.strip() for cell in row):
            continue
        fields = [_clean(c, headers.html) for i, c in enumerate(row) if i not in special]
        if not cards and not headers.names and _is_column_names(fields):
            continue   # a spreadsheet's header row (front,back,tags), not a card
        if not fields or not fields[0]:
            raise TrainerError(f"{filename}:{line}: row has no front (first field column is empty)")
        front, back = fields[0], fields[1] if len(fields) > 1 else ""
        if not back and not re.search(r"\{\{c\d+::", front) and "cloze" not in _column(row, headers, "notetype").lower():
            raise TrainerError(f"{filename}:{line}: row has a front but no back",
                               hint=f"put the answer in the next column, separated by {_NAMES.get(separator, separator)!r}")
        get = lambda name: _column(row, headers, name)  # noqa: E731
        tag_list = list(headers.tags) + get("tags").split()
        topics = [t for t in tag_list if t not in ("meshdrill", deck_id) and not t.startswith("domain::")]
        domains = [t.split("::", 1)[1] for t in tag_list if t.startswith("domain::")]
        card_id = _card_id(get("guid"), deck_id, front, taken)
        cloze = "cloze" in get("notetype").lower() or re.search(r"\{\{c\d+::", front)
        common = dict(id=card_id, deck=deck_id, topics=tuple(dict.fromkeys(topics)),
                      domain=domains[0] if domains and domains[0] in DOMAINS else "", line=line)
        if cloze:
            cards.append(Card(type="cloze", text=front, back=back, **common))
        else:
            cards.append(Card(type="basic", front=front, back=back, **common))
    return cards


_COLUMN_NAMES = {"front", "back", "tags", "question", "answer", "text", "extra", "notes"}
_NAMES = {v: k for k, v in _SEPARATORS.items()}


def _is_column_names(fields: list[str]) -> bool:
    return len(fields) >= 2 and all(f.lower() in _COLUMN_NAMES for f in fields if f)


def _rows(body: str, separator: str, offset: int, filename: str):
    """(line where the row starts, row). Strict: a quote never closed is an error at its line,
    not a card that swallows the rest of the file."""
    reader = csv.reader(io.StringIO(body), delimiter=separator, strict=True)
    while True:
        start = offset + reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            why = "a quote opened in this row is never closed" if "end of data" in str(exc) else str(exc)
            raise TrainerError(f"{filename}:{start}: bad CSV row: {why}",
                               hint='a field that opens a " must close it; double a " inside a quoted field') from None
        yield start, row


def import_markdown(text: str, deck_id: str) -> BuildResult:
    return build_deck_cards(text, deck_id)


def _column(row: list[str], headers: CsvHeaders, name: str) -> str:
    index = headers.columns.get(name)
    return row[index].strip() if index is not None and index < len(row) else ""


def _guess_separator(body: str) -> str:
    first = body.splitlines()[0] if body.strip() else ""
    for candidate in ("\t", ";", ","):
        if candidate in first:
            return candidate
    return ","


def _clean(cell: str, is_html: bool) -> str:
    if is_html:
        cell = re.sub(r"<br\s*/?>", "\n", cell, flags=re.I)
        cell = html.unescape(re.sub(r"<[^>]+>", "", cell))
    return cell.strip()


def _card_id(guid: str, deck_id: str, front: str, taken: set[str]) -> str:
    if guid.startswith(GUID_PREFIX) and guid[len(GUID_PREFIX):].strip():
        candidate = guid[len(GUID_PREFIX):].strip()
    else:
        candidate = f"{deck_id}.{slug(front, 8)}"
    base, n = candidate, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate
