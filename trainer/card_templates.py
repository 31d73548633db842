"""Card templates: how each kind of note content is phrased as a card (used by deck_builder).

One `CardMaker` per notes section; it knows the section's name for the question ("<section>:
Modes: `STRICT` → ?"), the id scheme (section slug + subject slug) and the topic/domain guess.
"""

from __future__ import annotations

import re
import unicodedata

from trainer.deckfile import Card
from trainer.notes_parse import Block, Inline, Section

ONE_LINER = re.compile(r"^(?P<x>[^=→]{1,60}?)\s*(?P<sep>=|→|->)\s*(?P<y>[^=→]+)$")
DEFINITION = re.compile(r"^(?:an?\s+|the\s+)?(?P<x>.{2,50}?)\s+(?P<verb>is|are|defines|means|moves|manages)\s+(?P<y>.+)$",
                        re.I)
MAX_WORDS = 45  # longer prose is an explanation, not a fact to recall

# Keyword -> (topic, ICA domain). First match gives the domain; every match adds a topic.
_TOPICS = (
    ("peerauthentication", "peerauthentication", "security"),
    ("mtls", "mtls", "security"), ("istio_mutual", "mtls", "security"),
    ("cert", "certificates", "security"), ("identity", "identity", "security"),
    ("virtualservice", "virtualservice", "traffic"), ("destinationrule", "destinationrule", "traffic"),
    ("retr", "retries", "traffic"), ("timeout", "timeouts", "traffic"),
    ("circuit", "circuit-breaking", "traffic"), ("outlier", "circuit-breaking", "traffic"),
    ("weight", "traffic-splitting", "traffic"), ("subset", "subsets", "traffic"),
    ("gateway", "gateways", "traffic"), ("route", "routing", "traffic"),
    ("istiod", "control-plane", "installation"), ("control plane", "control-plane", "installation"),
    ("sidecar", "sidecar", "installation"), ("envoy", "envoy", "installation"),
    ("tracing", "observability", "troubleshooting"), ("metrics", "observability", "troubleshooting"),
    ("latency", "observability", "troubleshooting"),
)


class CardMaker:
    """Card templates for one section."""

    def __init__(self, section: Section, context: str = ""):
        self.section = section
        self.context = context or section.context
        self.key = slug(section.context, 4)

    def card(self, subject: str, type: str = "basic", **fields: str) -> Card:
        text = " ".join(fields.values())
        topics, domain = _classify(f"{self.section.chapter} {self.section.title} {text}")
        return Card(id=f"{self.key}.{slug(subject, 6)}", type=type, deck="",
                    section=self.section.chapter, topics=topics, domain=domain, **fields)

    def answer_block(self, lead: str, block: Block, labelled: bool) -> list[Card]:
        """Label/lead-in + the block it introduces: one card whose answer is that block."""
        if block.kind == "list" and one_liners(block):  # "Modes:" + "X → Y" items: a card each
            return CardMaker(self.section, f"{self.context} — {lead}").list_cards(block)
        if block.kind == "code" and block.lang in ("yaml", "yml"):
            return [self.yaml_card(block)]
        answer = _block_text(block)
        if not answer:
            return []
        if block.kind == "list" and all(i.text.endswith("?") for i in block.items):
            front = f"{self.context}: {lead} — which questions?"
        elif labelled:
            front = f"{self.context}: {lead}?"
        else:
            front = f"{self.context}: {lead} …"
        marker = self.section.marker
        if marker in ("✅", "❌"):
            front = f"{marker} {front}"
        return [self.card(lead, front=front, back=answer)]

    def heading_list(self, block: Block) -> list[Card]:
        title = self.context.rstrip(":?")
        chapter = _strip_number(self.section.chapter)
        front = f"{chapter}: {title}?" if self.section.level > 2 else f"{title}?"
        return [self.card(title, front=front, back=_block_text(block))]

    def single(self, block: Block) -> list[Card]:
        if block.kind == "table":
            return self.table(block)
        if block.kind == "code":
            return [self.yaml_card(block)] if block.lang in ("yaml", "yml") else []
        if block.kind == "list":
            return self.list_cards(block)
        return self.prose(block.inline)

    def list_cards(self, block: Block) -> list[Card]:
        items = block.items
        if self.section.marker in ("✅", "❌"):
            title = self.context.rstrip(":")
            front = f"{_strip_number(self.section.chapter)}: {self.section.marker} {title} …?"
            return [self.card(title, front=front, back=_block_text(block))]
        if mixed_checks(block):
            return [self.card(i.text, front=f"{self.context}: {i.text} — ✅ or ❌?",
                              back=f"{i.marker} {i.text}") for i in items]
        cards = one_liners(block)
        if cards:
            made = [self.one_liner(m) for m in cards]
            made += [c for i in items if not ONE_LINER.match(i.text) for c in self.prose(i)]
            return made
        return [c for i in items for c in self.prose(i)] if any(i.bold for i in items) else []

    def one_liner(self, m: re.Match) -> Card:
        x, sep, y = m.group("x").strip(), m.group("sep"), m.group("y").strip()
        arrow = "→" if sep != "=" else "="
        front = f"{x} = ?" if sep == "=" else f"{self.context}: {x} → ?"
        return self.card(x, front=front, back=y if sep == "=" else f"{x} {arrow} {y}")

    def table(self, block: Block) -> list[Card]:
        header, *rows = block.rows
        cards = []
        for row in rows:
            if not row or not row[0]:
                continue
            asked = [h for h in header[1:]]
            front = f"{self.context}: {header[0]} {row[0]} — {', '.join(asked)}?"
            values = list(row[1:]) + [""] * (len(asked) - len(row[1:]))
            back = values[0] if len(asked) == 1 else "; ".join(f"{h}: {v}" for h, v in zip(asked, values))
            cards.append(self.card(row[0], front=front, back=back))
        return cards

    def yaml_card(self, block: Block) -> Card:
        import yaml as pyyaml

        try:
            docs = [d for d in pyyaml.safe_load_all(block.code) if d is not None]
        except pyyaml.YAMLError:
            docs = []
        doc = docs[0] if docs else None
        if isinstance(doc, dict) and doc.get("kind"):
            name = (doc.get("metadata") or {}).get("name", "") if isinstance(doc.get("metadata"), dict) else ""
            subject = f"yaml {doc['kind']} {name}"
            front = f"What does this {doc['kind']} do?"
        else:
            first = next(iter(doc), "yaml") if isinstance(doc, dict) else "yaml"
            subject = f"yaml {first}"
            front = f"What does this YAML fragment ({first}:) do? ({self.context})"
        back = self._explanation() or self.context
        return self.card(subject, type="yaml", front=front, back=back, yaml=block.code.rstrip("\n"))

    def _explanation(self) -> str:
        """The section's own words about its YAML: its quotes and one-sentence paragraphs."""
        said = [b.inline.text for b in self.section.blocks
                if b.kind in ("quote", "paragraph") and b.inline.text and not b.inline.text.endswith(":")
                and len(b.inline.text.split()) <= MAX_WORDS]
        return " ".join(said)

    def prose(self, inline: Inline) -> list[Card]:
        text = inline.text
        if not text or len(text.split()) > MAX_WORDS:
            return []
        m = ONE_LINER.match(text)
        if m and len(m.group("x").split()) <= 6:
            return [self.one_liner(m)]
        label = _label_value(inline)
        if label:
            return [self.card(label[0], front=f"{self.context}: {label[0]}?", back=label[1])]
        deletions = [(a, b) for a, b in inline.bold if not (a == 0 and (a, b) != inline.bold[-1])]
        definition = DEFINITION.match(text)
        if inline.all_bold and definition:
            x, verb, y = definition.group("x", "verb", "y")
            return [self.card(f"{x} {verb}", front=f"{x} {verb} …?", back=text)]
        if deletions and not inline.all_bold:
            return [self.card(text[deletions[0][0]:deletions[0][1]], type="cloze", text=_cloze(text, deletions))]
        return []  # an emphasis line ("👉 **Without changing code**") has no subject to ask about


def mixed_checks(block: Block) -> bool:
    """Items marked ✅ and ❌ side by side: each is a claim to judge."""
    markers = {i.marker for i in block.items}
    return bool(block.items) and markers == {"✅", "❌"}


def one_liners(block: Block) -> list[re.Match]:
    """One-liner items, when they make up at least half of the list."""
    found = [m for m in (ONE_LINER.match(i.text) for i in block.items) if m and len(m.group("x").split()) <= 6]
    return found if found and 2 * len(found) >= len(block.items) else []


def _label_value(inline: Inline) -> tuple[str, str] | None:
    """'**Linking rule**: value' or '**Definition** value': a bold label starting the text."""
    if not inline.bold or inline.bold[0][0] != 0 or inline.all_bold:
        return None
    a, b = inline.bold[0]
    label, rest = inline.text[a:b].strip(), inline.text[b:].lstrip(" :").strip()
    if len(label.split()) > 4 or not rest:
        return None
    return label.rstrip(":"), rest


def _cloze(text: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for n, (a, b) in enumerate(spans, 1):
        out += [text[last:a], f"{{{{c{n}::{text[a:b]}}}}}"]
        last = b
    out.append(text[last:])
    return "".join(out)


def _block_text(block: Block) -> str:
    if block.kind == "list":
        return "\n".join(("  - " if i.text.startswith(" ") else "- ") + f"{i.marker} {i.text.strip()}".strip()
                         for i in block.items)
    if block.kind == "code":
        return block.code.rstrip("\n")
    if block.kind == "table":
        return "\n".join(" | ".join(r) for r in block.rows)
    return block.inline.text


def _classify(text: str) -> tuple[tuple[str, ...], str]:
    low = text.lower()
    topics, domain = [], ""
    for word, topic, dom in _TOPICS:
        if word in low:
            domain = domain or dom
            if topic not in topics:
                topics.append(topic)
    return tuple(topics[:4]), domain


def _strip_number(title: str) -> str:
    return re.sub(r"^\d+\.\s+", "", title)


def slug(text: str, words: int) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    parts = re.findall(r"[a-z0-9]+", ascii_text)
    return "-".join(parts[:words]) or "x"
