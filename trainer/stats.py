"""Learning statistics from the review log: heatmap, streak, true retention, forecast, mastery.

All numbers come from the append-only log (undone answers excluded) and the state cache; the
time is a parameter. `trainer.render.stats` draws them, `-o json` prints `asdict(Stats)`.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from trainer.scheduling import AGAIN, learner_day, retrievability
from trainer.storage import STATE_COLUMNS, Store, load_settings, parse_ts, state_from_row

HEATMAP_DAYS = 182  # six months
FORECAST_DAYS = 30
# interval bands (days since the previous review) for true retention, as Anki's stats group them
BANDS = ((1, 7, "1-7 d"), (8, 30, "8-30 d"), (31, 90, "31-90 d"), (91, 10**6, "91+ d"))
_LIVE_RATES = ("FROM review_log r WHERE r.action = 'rate' "
               "AND NOT EXISTS (SELECT 1 FROM review_log u WHERE u.undoes = r.id)")


@dataclass(frozen=True)
class Band:
    label: str
    reviews: int
    passed: int

    @property
    def retention(self) -> float | None:
        return self.passed / self.reviews if self.reviews else None


@dataclass(frozen=True)
class Mastery:
    name: str
    cards: int
    retrievability: float  # mean over live cards; never-seen cards count as 0
    exercise_pass_rate: float | None  # None: no exercise attempted here yet

    @property
    def score(self) -> float:
        rate = 1.0 if self.exercise_pass_rate is None else self.exercise_pass_rate
        return self.retrievability * rate


@dataclass(frozen=True)
class Leech:
    card: str
    lapses: int
    question: str


@dataclass
class Stats:
    today: date
    desired_retention: float
    total_reviews: int
    streak: int
    heatmap: dict[date, int] = field(default_factory=dict)
    retention: list[Band] = field(default_factory=list)
    forecast: list[tuple[date, int]] = field(default_factory=list)
    topics: list[Mastery] = field(default_factory=list)
    domains: list[Mastery] = field(default_factory=list)
    leeches: list[Leech] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "today": self.today.isoformat(), "desired_retention": self.desired_retention,
            "total_reviews": self.total_reviews, "streak": self.streak,
            "heatmap": {d.isoformat(): n for d, n in sorted(self.heatmap.items())},
            "retention": [{"band": b.label, "reviews": b.reviews, "passed": b.passed,
                           "retention": b.retention} for b in self.retention],
            "forecast": [{"day": d.isoformat(), "due": n} for d, n in self.forecast],
            "topics": [_mastery_json(m) for m in self.topics],
            "domains": [_mastery_json(m) for m in self.domains],
            "leeches": [{"card": l.card, "lapses": l.lapses, "question": l.question}
                        for l in self.leeches],
        }


def _mastery_json(m: Mastery) -> dict:
    return {"name": m.name, "cards": m.cards, "retrievability": round(m.retrievability, 4),
            "exercise_pass_rate": m.exercise_pass_rate, "mastery": round(m.score, 4)}


def compute(store: Store, now: datetime, tz: tzinfo | None = None) -> Stats:
    today = learner_day(now, tz)
    days = Counter(learner_day(parse_ts(at), tz) for (at,) in store.conn.execute(
        f"SELECT r.at {_LIVE_RATES} AND r.kind = 'card'"))
    heatmap = {d: n for d, n in days.items() if (today - d).days < HEATMAP_DAYS}
    return Stats(today=today, desired_retention=load_settings(store).retention,
                 total_reviews=sum(days.values()), streak=streak(days, today), heatmap=heatmap,
                 retention=true_retention(store), forecast=forecast(store, now, tz),
                 topics=mastery(store, now, "topics"), domains=mastery(store, now, "domain"),
                 leeches=leeches(store))


def streak(days: Counter, today: date) -> int:
    """Consecutive days with reviews, ending today (or yesterday: today is not over yet)."""
    day = today if days.get(today) else today - timedelta(days=1)
    count = 0
    while days.get(day):
        count += 1
        day -= timedelta(days=1)
    return count


def true_retention(store: Store) -> list[Band]:
    """Share of reviews passed (rating > Again), by days since the item's previous review.

    Learning-step reviews (previous review under a day ago) are left out, as in Anki."""
    rows = store.conn.execute(
        "SELECT at, rating, lag(at) OVER (PARTITION BY kind, item ORDER BY id) "
        f"{_LIVE_RATES} AND r.kind = 'card'").fetchall()
    counts: dict[str, list[int]] = {label: [0, 0] for _lo, _hi, label in BANDS}
    for at, rating, previous in rows:
        if previous is None:
            continue
        elapsed = (parse_ts(at) - parse_ts(previous)).days
        for low, high, label in BANDS:
            if low <= elapsed <= high:
                counts[label][0] += 1
                counts[label][1] += rating != AGAIN
    return [Band(label, *counts[label]) for _lo, _hi, label in BANDS]


def forecast(store: Store, now: datetime, tz: tzinfo | None) -> list[tuple[date, int]]:
    """Cards due on each of the next 30 days (overdue ones counted today)."""
    today = learner_day(now, tz)
    per_day: Counter = Counter()
    for (due,) in store.conn.execute(
            "SELECT s.due FROM item_state s JOIN cards c ON c.id = s.item WHERE s.kind = 'card' "
            "AND s.state != 'new' AND s.suspended = 0 AND c.retired_at IS NULL"):
        per_day[max(today, learner_day(parse_ts(due), tz))] += 1
    return [(today + timedelta(days=i), per_day.get(today + timedelta(days=i), 0))
            for i in range(FORECAST_DAYS)]


def mastery(store: Store, now: datetime, column: str) -> list[Mastery]:
    """Mean retrievability of live cards × exercise pass rate, per topic or per ICA domain."""
    cols = ", ".join(f"s.{c}" for c in STATE_COLUMNS)
    recall: dict[str, list[float]] = defaultdict(list)
    for row in store.conn.execute(
            f"SELECT c.{column}, {cols} FROM cards c JOIN item_state s ON s.kind = 'card' "
            "AND s.item = c.id WHERE c.retired_at IS NULL"):
        for name in _names(row[0], column):
            recall[name].append(retrievability(state_from_row(row[1:]), now))
    passes: dict[str, list[int]] = defaultdict(list)
    for value, passed in store.conn.execute(
            f"SELECT e.{column}, e.passed FROM exercise_attempts e WHERE NOT EXISTS "
            "(SELECT 1 FROM review_log u WHERE u.undoes = e.log_id)"):
        for name in _names(value, column):
            passes[name].append(passed)
    return [Mastery(name, len(values), sum(values) / len(values),
                    sum(passes[name]) / len(passes[name]) if passes.get(name) else None)
            for name, values in sorted(recall.items())]


def _names(value: str | None, column: str) -> list[str]:
    if not value:
        return []
    return json.loads(value) if column == "topics" else [value]


def leeches(store: Store) -> list[Leech]:
    from trainer.sync import card_from_json

    rows = store.conn.execute(
        "SELECT s.item, s.lapses, c.data FROM item_state s JOIN cards c ON c.id = s.item "
        "WHERE s.kind = 'card' AND s.leech = 1 ORDER BY s.lapses DESC, s.item").fetchall()
    return [Leech(item, lapses, card_from_json(data).prompt) for item, lapses, data in rows]
