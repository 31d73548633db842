"""Study notes in Markdown -> sections of typed blocks, with line numbers.

A real parser (markdown-it-py, which rich already depends on) reads the notes; this module
only flattens its token stream into what the deck builder reasons about: headings, and under
each heading paragraphs, lists, tables, blockquotes and code blocks. Inline markup is reduced
to plain text, keeping `code` spans and remembering where the **bold** spans are (the
builder turns them into cloze deletions).

Notes written by hand have malformed tables: a separator row without dashes (`|  |  |`) or
with an empty first cell makes markdown-it see a plain paragraph. A paragraph whose every line
is `| ... |` is read as a table here, and separator-like rows are dropped.
Mojibake is repaired before parsing (line numbers do not move: repairs never span a newline).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trainer.mojibake import repair

# Emoji the notes use as bullets or markers; stripped from text, remembered as `marker`.
MARKERS = ("✅", "❌", "❓", "📌", "👉", "⚠️", "⚠", "💡", "🔥", "👍")


@dataclass(frozen=True)
class Inline:
    """One run of inline Markdown as plain text; `bold` holds (start, end) offsets into `text`."""

    text: str
    bold: tuple[tuple[int, int], ...] = ()
    marker: str = ""  # a leading emoji marker (✅, ❌, 📌...) removed from `text`

    @property
    def bold_texts(self) -> tuple[str, ...]:
        return tuple(self.text[a:b] for a, b in self.bold)

    @property
    def all_bold(self) -> bool:
        """The whole run is one bold phrase (a label such as **What happens**)."""
        return len(self.bold) == 1 and self.bold[0] == (0, len(self.text))


@dataclass(frozen=True)
class Block:
    kind: str  # paragraph | list | table | quote | code
    line: int  # 1-based line in the notes
    inline: Inline = Inline("")  # paragraph, quote
    items: tuple[Inline, ...] = ()  # list items (nested items flattened, indented with "  ")
    rows: tuple[tuple[str, ...], ...] = ()  # table: header row first
    code: str = ""
    lang: str = ""
    unclosed: bool = False  # a code fence with no closing fence: it swallowed the rest of the notes


@dataclass(frozen=True)
class Section:
    """A heading and the blocks directly under it. `chapter` is the enclosing level-2 heading."""

    title: str
    level: int
    line: int
    chapter: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    marker: str = ""  # ✅ / ❌ ... in front of the heading

    @property
    def context(self) -> str:
        """How a card names where it comes from: the heading without its number."""
        return _NUMBERED.sub("", self.title)


_NUMBERED = re.compile(r"^(\d+)\.\s+")


def parse_notes(text: str) -> list[Section]:
    """Sections in document order. Text before the first heading is a section titled ""."""
    from markdown_it import MarkdownIt  # lazy: only the builder needs it

    text = repair(text)
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    lines = text.splitlines()
    sections: list[Section] = []
    title, level, line, chapter, marker = "", 0, 1, "", ""
    blocks: list[Block] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            sections.append(Section(title, level, line, chapter, tuple(blocks), marker))
            level = int(tok.tag[1])
            heading = _inline(tokens[i + 1])
            title, marker = heading.text, heading.marker
            line = tok.map[0] + 1
            if level <= 2:
                chapter = title if level == 2 else ""
            blocks = []
            i += 3
            continue
        block, i = _block(tokens, i, lines)
        if block is not None:
            blocks.append(block)
    sections.append(Section(title, level, line, chapter, tuple(blocks), marker))
    return [s for s in sections if s.title or s.blocks]


def _block(tokens, i: int, lines: list[str]) -> tuple[Block | None, int]:
    tok = tokens[i]
    line = tok.map[0] + 1 if tok.map else 0
    if tok.type == "paragraph_open":
        inline = tokens[i + 1]
        table = _pipe_table(inline.content)
        if table:
            return Block("table", line, rows=table), i + 3
        return Block("paragraph", line, inline=_inline(inline)), i + 3
    if tok.type in ("fence", "code_block"):
        return Block("code", line, code=tok.content, lang=tok.info.strip().lower(),
                     unclosed=tok.type == "fence" and not _closes(tok, lines)), i + 1
    end = _close(tokens, i)
    if tok.type == "blockquote_open":
        parts = [_inline(t) for t in tokens[i:end] if t.type == "inline"]
        return Block("quote", line, inline=_join(parts)), end + 1
    if tok.type in ("bullet_list_open", "ordered_list_open"):
        return Block("list", line, items=_items(tokens[i + 1:end])), end + 1
    if tok.type == "table_open":
        return Block("table", line, rows=_table_rows(tokens[i:end])), end + 1
    return None, (end + 1 if end > i else i + 1)  # hr, html: nothing to learn from


def _closes(fence, lines: list[str]) -> bool:
    """The fence's last line is a closing fence (CommonMark lets an unclosed one run to the end)."""
    last = lines[fence.map[1] - 1].strip() if fence.map and fence.map[1] - 1 > fence.map[0] else ""
    return last.startswith(fence.markup) and not last.strip(fence.markup[0])


def _close(tokens, i: int) -> int:
    """Index of the token closing tokens[i] (same nesting level), or i for self-closing ones."""
    tok = tokens[i]
    if tok.nesting != 1:
        return i
    for j in range(i + 1, len(tokens)):
        if tokens[j].level == tok.level and tokens[j].nesting == -1:
            return j
    return len(tokens) - 1


def _items(tokens) -> tuple[Inline, ...]:
    items, depth = [], 0
    for tok in tokens:
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif tok.type == "list_item_open":
            items.append([])
        elif tok.type == "inline" and items:
            part = _inline(tok)
            if depth and not items[-1]:
                pad = "  " * depth
                part = Inline(pad + part.text, tuple((a + len(pad), b + len(pad)) for a, b in part.bold), part.marker)
            items[-1].append(part)
    # a nested item opens its own entry after its parent's, so order is document order
    return tuple(_join(parts) for parts in items if parts)


def _table_rows(tokens) -> tuple[tuple[str, ...], ...]:
    rows, row = [], []
    for tok in tokens:
        if tok.type == "tr_open":
            row = []
        elif tok.type == "inline":
            row.append(_inline(tok).text)
        elif tok.type == "tr_close":
            rows.append(tuple(row))
    return tuple(rows)


_SEPARATOR_CELL = re.compile(r"^[\s:\-]*$")


def _pipe_table(content: str) -> tuple[tuple[str, ...], ...]:
    """A paragraph that is really a table markdown-it refused (malformed separator row)."""
    lines = [ln.strip() for ln in content.splitlines() if ln.strip()]
    if len(lines) < 2 or not all(ln.startswith("|") and ln.endswith("|") for ln in lines):
        return ()
    rows = []
    for ln in lines:
        cells = tuple(_inline_text(c.strip()) for c in ln[1:-1].split("|"))
        if all(_SEPARATOR_CELL.match(c) for c in cells):
            continue  # "| - | - |", "|  |  |", "|   | -- |": separator rows, however broken
        rows.append(cells)
    return tuple(rows)


def _inline_text(markdown: str) -> str:
    """Plain text of a table cell we split ourselves (bold/italic markers dropped)."""
    return re.sub(r"(\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w))", "", markdown).strip()


def _inline(tok) -> Inline:
    text: list[str] = []
    bold: list[tuple[int, int]] = []
    start = None
    size = 0
    for child in tok.children or []:
        piece = ""
        if child.type == "text":
            piece = child.content
        elif child.type == "code_inline":
            piece = f"`{child.content}`"
        elif child.type in ("softbreak", "hardbreak"):
            piece = " "
        elif child.type == "strong_open":
            start = size
        elif child.type == "strong_close" and start is not None:
            bold.append((start, size))
            start = None
        elif child.type == "html_inline":
            piece = child.content
        text.append(piece)
        size += len(piece)
    return _strip_marker(_trim(Inline("".join(text), tuple(bold))))


def _trim(inl: Inline) -> Inline:
    """Strip surrounding whitespace, moving the bold offsets along."""
    left = len(inl.text) - len(inl.text.lstrip())
    text = inl.text.strip()
    bold = tuple((max(a - left, 0), min(b - left, len(text))) for a, b in inl.bold)
    return Inline(text, tuple((a, b) for a, b in bold if b > a), inl.marker)


def _strip_marker(inl: Inline) -> Inline:
    for marker in MARKERS:
        if inl.text.startswith(marker):
            cut = len(marker)
            rest = Inline(inl.text[cut:], tuple((a - cut, b - cut) for a, b in inl.bold), marker)
            return _trim(rest)
    return inl


def _join(parts: list[Inline]) -> Inline:
    """Several inline runs (lines of a quote, paragraphs of a list item) as one, space-separated."""
    text, bold, marker = "", [], ""
    for part in parts:
        if not part.text:
            marker = marker or part.marker
            continue
        offset = len(text) + (1 if text else 0)
        text = f"{text} {part.text}" if text else part.text
        bold.extend((a + offset, b + offset) for a, b in part.bold)
        marker = marker or part.marker
    return Inline(text, tuple(bold), marker)
