"""Stats from a scripted history: heatmap, streak, true retention, forecast, mastery, leeches."""

import io
from datetime import date, datetime, timedelta, timezone

import pytest

from trainer.render.stats import forecast_view, heat_level, leeches_view
from trainer.render.theme import make_console
from trainer.scheduling import AGAIN, EASY, GOOD, LEECH_LAPSES, Settings
from trainer.stats import compute
from trainer.storage import Store, record_exercise_attempt, record_review, undo
from trainer.sync import sync

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)  # a Monday
DECK = """\
id: d
title: D
cards:
  - {id: a, front: "A?", back: a, topics: [mtls], domain: security}
  - {id: b, front: "B?", back: b, topics: [mtls, routing], domain: traffic}
  - {id: c, front: "C?", back: c, topics: [routing], domain: traffic}
"""


@pytest.fixture
def store(tmp_path):
    (tmp_path / "d.yaml").write_text(DECK)
    s = Store(tmp_path / "meshdrill.db")
    assert sync(s, [tmp_path / "d.yaml"], T0).added == ["a", "b", "c"]
    yield s
    s.close()


def rate(store, item, rating, at):
    return record_review(store, "card", item, rating, at, Settings(), timezone.utc)


def text(renderable, width=80):
    console = make_console(file=io.StringIO(), width=width)
    console.print(renderable)
    return console.file.getvalue()


def test_heatmap_streak_and_undone_answers(store):
    for day in range(3):  # Mar 2, 3, 4
        rate(store, "a", GOOD, T0 + timedelta(days=day))
    slip = rate(store, "b", GOOD, T0 + timedelta(days=2, hours=1))
    undo(store, slip.log_id, T0 + timedelta(days=2, hours=1))
    stats = compute(store, T0 + timedelta(days=2, hours=5), timezone.utc)
    assert stats.heatmap == {date(2026, 3, 2): 1, date(2026, 3, 3): 1, date(2026, 3, 4): 1}
    assert stats.streak == 3 and stats.total_reviews == 3
    tomorrow = compute(store, T0 + timedelta(days=3), timezone.utc)
    assert tomorrow.streak == 3  # today not over yet
    assert compute(store, T0 + timedelta(days=5), timezone.utc).streak == 0


def test_true_retention_by_band_ignores_learning_steps(store):
    rate(store, "a", GOOD, T0)
    rate(store, "a", GOOD, T0 + timedelta(minutes=10))  # learning step: not counted
    rate(store, "a", AGAIN, T0 + timedelta(days=3))  # 3 days later: lapse
    rate(store, "b", EASY, T0)
    rate(store, "b", GOOD, T0 + timedelta(days=12))  # 12 days later: passed
    bands = {b.label: (b.reviews, b.passed) for b in compute(store, T0 + timedelta(days=13)).retention}
    assert bands == {"1-7 d": (1, 0), "8-30 d": (1, 1), "31-90 d": (0, 0), "91+ d": (0, 0)}


def test_forecast_counts_overdue_today(store):
    rate(store, "a", EASY, T0)
    rate(store, "b", EASY, T0)
    stats = compute(store, T0 + timedelta(days=30), timezone.utc)
    assert stats.forecast[0] == (date(2026, 4, 1), 2) and len(stats.forecast) == 30
    assert sum(n for _d, n in compute(store, T0, timezone.utc).forecast) == 2


def test_mastery_is_mean_recall_times_exercise_pass_rate(store):
    rate(store, "a", EASY, T0)
    record_exercise_attempt(store, "mtls-strict", passed=True, score=1, hints_used=0, tries=1,
                            seconds=60, now=T0, topics=("mtls",), domain="security")
    record_exercise_attempt(store, "mtls-strict", passed=False, score=0, hints_used=0, tries=1,
                            seconds=60, now=T0, topics=("mtls",), domain="security")
    stats = compute(store, T0, timezone.utc)
    mtls = next(m for m in stats.topics if m.name == "mtls")
    assert (mtls.cards, mtls.retrievability, mtls.exercise_pass_rate) == (2, 0.5, 0.5)
    assert mtls.score == 0.25
    routing = next(m for m in stats.topics if m.name == "routing")
    assert (routing.retrievability, routing.exercise_pass_rate, routing.score) == (0.0, None, 0.0)
    assert [m.name for m in stats.domains] == ["security", "traffic"]


def test_leeches_are_listed(store):
    at = T0
    state = rate(store, "c", EASY, at).state
    for _ in range(LEECH_LAPSES):
        state = rate(store, "c", AGAIN, state.due).state
        state = rate(store, "c", GOOD, state.due).state
    stats = compute(store, state.due, timezone.utc)
    assert [(l.card, l.lapses, l.question) for l in stats.leeches] == [("c", LEECH_LAPSES, "C?")]
    assert "│ c    │      8 │ C?" in text(leeches_view(stats))


def test_forecast_view_text(store):
    rate(store, "a", EASY, T0)
    out = text(forecast_view(compute(store, T0, timezone.utc)))
    assert out.splitlines()[1] == "today 0 · tomorrow 0 · 7 days 1 · 30 days 1"  # Easy: 6 days


def test_heat_levels():
    assert [heat_level(n, 10) for n in (0, 1, 4, 7, 10)] == [0, 1, 2, 3, 3]


def test_mastery_table_shows_started_topics_and_counts_the_rest():
    import io

    from trainer.render.stats import mastery_view
    from trainer.render.theme import make_console
    from trainer.stats import Mastery

    rows = [Mastery("mtls", 5, 0.8, None), Mastery("retries", 4, 0.0, None), Mastery("gateway", 3, 0.0, 1.0),
            Mastery("tracing", 2, 0.0, None)]
    screen = io.StringIO()
    make_console(file=screen, width=80).print(mastery_view("Mastery by topic", rows))
    text = screen.getvalue()
    assert "mtls" in text and "gateway" in text and "retries" not in text and "tracing" not in text
    assert "2 more not started yet" in text
