"""Scheduling: FSRS (the pinned `fsrs` package) plus what FSRS leaves to the application.

FSRS decides stability, difficulty and the next interval. We add: a New state, the day
rollover at 4 am local time, daily limits (the queries live in storage), bury, suspend,
leeches (8 lapses: tagged and suspended), an exam date that caps intervals, the desired
retention setting, and a *seeded* fuzz (fsrs fuzzes with the global `random`; ours is keyed on
item + review time so a replay of the log reproduces every due date).

Values in, values out: `review(state, rating, now, settings)` returns a new `ItemState`; the
time is always a parameter. `fsrs` is imported inside the functions that need it so the quiz
shows its first card without loading it.

Exercises use the same state machine; `exercise_rating` turns a grade into a rating
(pass first try = Good, pass with hints or retries = Hard, fail = Again).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATINGS = {AGAIN: "again", HARD: "hard", GOOD: "good", EASY: "easy"}
STATES = ("new", "learning", "review", "relearning")  # index 1..3 == fsrs.State values
LEECH_LAPSES = 8
DAY_START_HOUR = 4
MAXIMUM_INTERVAL = 36500


@dataclass(frozen=True)
class Settings:
    """What the user can change with `meshdrill config` (defaults: FSRS's and Anki's)."""

    retention: float = 0.9
    new_per_day: int = 20
    reviews_per_day: int = 200
    exam_date: date | None = None


@dataclass(frozen=True)
class ItemState:
    """Scheduling state of one card or exercise; derivable by replaying its review log."""

    kind: str  # "card" | "exercise"
    item: str
    state: str = "new"
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0
    suspended: bool = False
    leech: bool = False
    buried_until: datetime | None = None


def learner_day(now: datetime, tz: tzinfo | None = None) -> date:
    """The learner's calendar day for `now`: days roll over at 4 am local time, as in Anki."""
    return (now.astimezone(tz) - timedelta(hours=DAY_START_HOUR)).date()


def day_start(now: datetime, tz: tzinfo | None = None) -> datetime:
    """Start (UTC) of the learner's day containing `now`."""
    return _at_4am(learner_day(now, tz), tz)


def next_day_start(now: datetime, tz: tzinfo | None = None) -> datetime:
    return _at_4am(learner_day(now, tz) + timedelta(days=1), tz)


def exam_cap(exam: date | None, tz: tzinfo | None = None) -> datetime | None:
    """Latest due date allowed by an exam date: the start of the exam day (4 am local)."""
    return None if exam is None else _at_4am(exam, tz)


def _at_4am(day: date, tz: tzinfo | None) -> datetime:
    moment = datetime.combine(day, time(DAY_START_HOUR))
    # tz None = the system's local zone (astimezone on a naive datetime assumes local time)
    return _utc(moment.replace(tzinfo=tz) if tz is not None else moment.astimezone())


def review(state: ItemState, rating: int, now: datetime, settings: Settings,
           tz: tzinfo | None = None) -> ItemState:
    """Rate one item now. Due date: FSRS interval, seeded fuzz, then the exam-date cap."""
    after = apply_rating(state, rating, now, due=None, retention=settings.retention)
    due = after.due
    if after.state == "review":
        days = _fuzz_days((due - now).days, random.Random(f"{state.kind}:{state.item}:{_iso(now)}"))
        due = now + timedelta(days=days)
    cap = exam_cap(settings.exam_date, tz)
    if cap is not None and cap > now and due > cap:
        due = cap
    return replace(after, due=due)


def apply_rating(state: ItemState, rating: int, now: datetime, due: datetime | None,
                 retention: float = 0.9) -> ItemState:
    """One FSRS step without fuzz. `due` given (replay from the log) overrides FSRS's due."""
    from fsrs import Card, Rating, Scheduler, State

    if rating not in RATINGS:
        raise ValueError(f"rating must be 1-4, not {rating!r}")
    scheduler = Scheduler(desired_retention=retention, enable_fuzzing=False,
                          maximum_interval=MAXIMUM_INTERVAL)
    if state.state == "new":
        card = Card(card_id=0, state=State.Learning, due=now)
    else:
        card = Card(card_id=0, state=State(STATES.index(state.state)), step=state.step,
                    stability=state.stability, difficulty=state.difficulty,
                    due=state.due or now, last_review=state.last_review)
    was_review = card.state == State.Review
    card, _log = scheduler.review_card(card, Rating(rating), now)
    lapses = state.lapses + (1 if was_review and rating == AGAIN else 0)
    leech = state.leech or lapses >= LEECH_LAPSES
    return replace(state, state=STATES[card.state.value], step=card.step,
                   stability=card.stability, difficulty=card.difficulty,
                   due=due if due is not None else card.due, last_review=now,
                   reps=state.reps + 1, lapses=lapses, leech=leech,
                   suspended=state.suspended or (leech and not state.leech),
                   buried_until=None)


@dataclass(frozen=True)
class LogEntry:
    """One review-log row, as replay needs it."""

    id: int
    action: str  # "rate" | "bury" | "suspend" | "unsuspend" | "undo"
    rating: int | None
    at: datetime
    due: datetime | None  # rate: the due date decided then; bury: buried until
    undoes: int | None = None


def replay(kind: str, item: str, entries: list[LogEntry]) -> ItemState:
    """An item's state from its log, oldest first. Undone entries (and undos) are skipped.

    Due dates come from the log (they depended on the settings and exam date of the time);
    stability, difficulty, lapses and leech status are recomputed by FSRS.
    """
    undone = {e.undoes for e in entries if e.action == "undo"}
    state = ItemState(kind=kind, item=item)
    for entry in entries:
        if entry.id in undone or entry.action == "undo":
            continue
        if entry.action == "rate":
            state = apply_rating(state, entry.rating, entry.at, due=entry.due)
        elif entry.action == "bury":
            state = replace(state, buried_until=entry.due)
        elif entry.action in ("suspend", "unsuspend"):
            state = replace(state, suspended=entry.action == "suspend")
    return state


def retrievability(state: ItemState, now: datetime) -> float:
    """Probability of recall now (FSRS-6 forgetting curve); 0 for items never reviewed."""
    if state.stability is None or state.last_review is None:
        return 0.0
    from fsrs.scheduler import DEFAULT_PARAMETERS

    decay = -DEFAULT_PARAMETERS[20]
    factor = 0.9 ** (1 / decay) - 1
    elapsed = max(0, (now - state.last_review).days)
    return (1 + factor * elapsed / state.stability) ** decay


def exercise_rating(passed: bool, hints_used: int, tries: int) -> int:
    """Grade -> rating: pass first try = Good, pass with hints or retries = Hard, fail = Again."""
    if not passed:
        return AGAIN
    return GOOD if hints_used == 0 and tries <= 1 else HARD


def _fuzz_days(days: int, rng: random.Random) -> int:
    """fsrs's fuzz ranges (scheduler.FUZZ_RANGES), drawn from a seeded generator instead of `random`."""
    if days < 2.5:
        return days
    from fsrs.scheduler import FUZZ_RANGES

    delta = 1.0 + sum(r["factor"] * max(min(days, r["end"]) - r["start"], 0.0) for r in FUZZ_RANGES)
    low = max(2, int(round(days - delta)))
    high = min(int(round(days + delta)), MAXIMUM_INTERVAL)
    low = min(low, high)
    return min(int(round(rng.random() * (high - low + 1) + low)), MAXIMUM_INTERVAL)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat()

