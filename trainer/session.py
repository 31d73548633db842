"""The quiz session as pure logic: what to show next, and multi-level undo. No I/O.

Order: due reviews, then new cards, then due exercises. A card still in its learning steps
after an answer (due in 1 or 10 minutes) comes back when due, or at the end of the session if
it is due within the learn-ahead window (Anki's 20 minutes). When a review card is answered, its
new siblings (same deck and section) leave today's queue: one would give the other away.

The caller records each action in storage and tells the session with `answered`, `buried`,
`suspended`, passing the log id; `undo()` hands back the last action so the caller can cancel
its log row, and puts the item back in front.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

LEARN_AHEAD = timedelta(minutes=20)
NOTES_RUN = 3  # new cards from the learner's notes before one from a curriculum deck


def interleave_new(notes: list[str], other: list[str], run: int = NOTES_RUN) -> list[str]:
    """The order of new cards: the notes' cards lead, `run` at a time, each followed by one card
    of the other decks, so the curriculum starts early without crowding out the notes; when one
    list runs out the other continues alone. Both keep their own (deck file) order."""
    order: list[str] = []
    notes_at = other_at = 0
    while notes_at < len(notes) or other_at < len(other):
        order += notes[notes_at:notes_at + run]
        notes_at += run
        order += other[other_at:other_at + 1]
        other_at += 1
    return order


@dataclass(frozen=True)
class Entry:
    kind: str  # "card" | "exercise"
    item: str
    source: str  # "review" | "new" | "exercise"


@dataclass(frozen=True)
class Action:
    name: str  # "rate" | "bury" | "suspend"
    entry: Entry
    log_id: int
    requeued_due: datetime | None = None
    removed_siblings: tuple[tuple[int, Entry], ...] = ()


@dataclass(frozen=True)
class Progress:
    done: int
    remaining: int
    elapsed: timedelta


@dataclass
class Session:
    started: datetime
    queue: list[Entry] = field(default_factory=list)
    siblings: dict[str, tuple[str, str]] = field(default_factory=dict)
    learning: list[tuple[datetime, Entry]] = field(default_factory=list)
    history: list[Action] = field(default_factory=list)
    skipped: int = 0
    _front: list[Entry] = field(default_factory=list)  # restored by undo: shown first

    @classmethod
    def build(cls, started: datetime, reviews: list[str], new: list[str], exercises: list[str],
              siblings: dict[str, tuple[str, str]] | None = None,
              learning: list[tuple[str, datetime]] = ()) -> "Session":
        """`learning`: cards in learning steps due later today (from an earlier session)."""
        queue = ([Entry("card", i, "review") for i in reviews]
                 + [Entry("card", i, "new") for i in new]
                 + [Entry("exercise", i, "exercise") for i in exercises])
        return cls(started=started, queue=queue, siblings=dict(siblings or {}),
                   learning=[(due, Entry("card", i, "review")) for i, due in learning])

    def next(self, now: datetime) -> Entry | None:
        """The entry to show now, or None when the session is over."""
        if self._front:
            return self._front[-1]
        self.learning.sort(key=lambda pair: pair[0])
        if self.learning and self.learning[0][0] <= now:
            return self.learning[0][1]
        if self.queue:
            return self.queue[0]
        if self.learning and self.learning[0][0] <= now + LEARN_AHEAD:
            return self.learning[0][1]
        return None

    def answered(self, entry: Entry, log_id: int, requeue_due: datetime | None = None) -> None:
        """`requeue_due`: the item is still learning and due again today at that time."""
        self._take(entry)
        removed: tuple[tuple[int, Entry], ...] = ()
        if entry.source == "review" and entry.item in self.siblings:
            key = self.siblings[entry.item]
            removed = tuple((i, e) for i, e in enumerate(self.queue)
                            if e.source == "new" and self.siblings.get(e.item) == key)
            for _i, sibling in reversed(removed):
                self.queue.remove(sibling)
        if requeue_due is not None:
            self.learning.append((requeue_due, entry))
        self.history.append(Action("rate", entry, log_id, requeue_due, removed))

    def buried(self, entry: Entry, log_id: int) -> None:
        self._take(entry)
        self.history.append(Action("bury", entry, log_id))

    def suspended(self, entry: Entry, log_id: int) -> None:
        self._take(entry)
        self.history.append(Action("suspend", entry, log_id))

    def skip(self, entry: Entry) -> None:
        """Put the entry at the back of the queue; nothing is recorded."""
        self._take(entry)
        self.queue.append(entry)
        self.skipped += 1

    def leave(self, entry: Entry) -> None:
        """Take the entry out of this session without recording anything (handed over)."""
        self._take(entry)

    def undo(self) -> Action | None:
        """Take back the last recorded action; its entry is shown next."""
        if not self.history:
            return None
        action = self.history.pop()
        if action.requeued_due is not None:
            self.learning.remove((action.requeued_due, action.entry))
        for index, sibling in action.removed_siblings:
            self.queue.insert(index, sibling)
        self._front.append(action.entry)
        return action

    def progress(self, now: datetime) -> Progress:
        done = sum(1 for a in self.history if a.name == "rate")
        remaining = len(self._front) + len(self.queue) + len(self.learning)
        return Progress(done, remaining, now - self.started)

    def _take(self, entry: Entry) -> None:
        if self._front and self._front[-1] == entry:
            self._front.pop()
            return
        for pair in self.learning:
            if pair[1] == entry:
                self.learning.remove(pair)
                return
        self.queue.remove(entry)
