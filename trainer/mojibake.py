"""Repair mojibake: UTF-8 text that was decoded with a single-byte codec and saved again.

The shared notes are UTF-8 bytes read as Mac Roman ("—" = E2 80 94 shows up as "‚Äî",
"👉" as "\\uf8ffüëâ"); Windows tools do the same with cp1252 ("â€”") and latin-1.
Repair works on the damage itself, never on guesses about the language: for each codec,
map every character back to its byte; where a run of characters spells exactly one valid
UTF-8 sequence (lead byte + the right number of continuation bytes, strict decoding),
the run is replaced by the character it encodes. The round trip is exact by construction.

Correct text must stay untouched, so a run is repaired only on evidence:
- strong: a 3- or 4-byte sequence that decodes to punctuation or a symbol (dashes, quotes,
  arrows, ✅, emoji): three or four specific characters in a row that spell a dash do not
  occur in real text;
- weak: everything else (2-byte letters such as "Ã©" -> "é", CJK). Cheap to hit by accident
  ("CAFÉ’S" is C9 92 in cp1252), so weak runs are repaired only when the same codec found
  strong damage in the text, or when there are at least two of them and they explain every
  non-ASCII character of the text ("cafÃ© crÃ¨me"). A lone "cafÃ©" is ambiguous: left alone;
- the decoded character must be printable (no controls, surrogates, private use, unassigned).
The codec that repairs most wins; texts are repaired in one pass (no guessing at double damage).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

# Mac Roman first: it is what the shared notes suffered from, and ties go to the first codec.
CODECS = ("mac_roman", "cp1252", "latin-1")

_UNPRINTABLE = {"Cc", "Cs", "Co", "Cn"}


@dataclass(frozen=True)
class Repair:
    start: int  # index in the damaged text
    end: int
    damaged: str
    fixed: str


@cache
def _byte_of(codec: str) -> dict[str, int]:
    """Character -> byte for the high half of a codec (ASCII maps to itself everywhere).

    cp1252 leaves 0x81, 0x8D, 0x8F, 0x90, 0x9D undefined; tools that produce cp1252 mojibake
    pass those bytes through as the latin-1 control characters, so we do the same.
    """
    table = {}
    for byte in range(0x80, 0x100):
        try:
            char = bytes([byte]).decode(codec)
        except UnicodeDecodeError:
            char = chr(byte)
        table[char] = byte
    return table


def damage(text: str, codec: str = "mac_roman") -> str:
    """What `text` looks like after being saved as UTF-8 and read back as `codec` (for tests)."""
    chars = {byte: char for char, byte in _byte_of(codec).items()}
    return "".join(chars.get(b, chr(b)) for b in text.encode("utf-8"))


def find_repairs(text: str, codec: str) -> list[Repair]:
    """Every run in `text` that is one damaged UTF-8 character under `codec`, by the rules above."""
    table = _byte_of(codec)
    strong: list[Repair] = []
    weak: list[Repair] = []
    i, n = 0, len(text)
    while i < n:
        lead = table.get(text[i])
        size = _sequence_length(lead)
        if size and i + size <= n:
            run = text[i:i + size]
            fixed = _decode(run, table)
            if fixed is not None:
                is_strong = size > 2 and unicodedata.category(fixed)[0] in "PS"
                (strong if is_strong else weak).append(Repair(i, i + size, run, fixed))
                i += size
                continue
        i += 1
    if not strong and not _consistent(text, weak):
        weak = []
    return sorted(strong + weak, key=lambda r: r.start)


def repair(text: str) -> str:
    """`text` with mojibake repaired; correct text comes back unchanged."""
    return apply(text, diagnose(text)[1])


def diagnose(text: str) -> tuple[str, list[Repair]]:
    """The codec the text was mangled with ("" if none) and the repairs that undo it."""
    best_codec, best = "", []
    if text.isascii():
        return best_codec, best
    for codec in CODECS:
        found = find_repairs(text, codec)
        if len(found) > len(best):
            best_codec, best = codec, found
    return best_codec, best


def apply(text: str, repairs: list[Repair]) -> str:
    out, last = [], 0
    for r in repairs:
        out.append(text[last:r.start])
        out.append(r.fixed)
        last = r.end
    out.append(text[last:])
    return "".join(out)


def _consistent(text: str, weak: list[Repair]) -> bool:
    """Two or more weak repairs that explain every non-ASCII character of the text."""
    if len(weak) < 2:
        return False
    covered = sum(r.end - r.start for r in weak)
    return covered == sum(1 for c in text if not c.isascii())


def _sequence_length(lead: int | None) -> int:
    if lead is None:
        return 0
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def _decode(run: str, table: dict[str, int]) -> str | None:
    raw = bytearray()
    for char in run:
        byte = table.get(char)
        if byte is None:
            return None
        raw.append(byte)
    if any(not 0x80 <= b <= 0xBF for b in raw[1:]):
        return None
    try:
        fixed = raw.decode("utf-8")  # strict: rejects overlongs and surrogates
    except UnicodeDecodeError:
        return None
    if len(fixed) != 1 or unicodedata.category(fixed) in _UNPRINTABLE:
        return None
    return fixed
