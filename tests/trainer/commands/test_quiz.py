"""`meshdrill quiz` end to end through CliRunner with scripted keys (line mode: stdin is no TTY)."""

import io
import sys
import types
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from trainer.app import App
from trainer.cli import cli
from trainer.storage import Store, get_state, record_exercise_attempt

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
DECK = """\
id: mesh
title: Mesh
cards:
  - id: alpha
    front: What is alpha?
    back: the first
    section: "1. Letters"
    note: alpha is first in the notes
    ref: https://istio.io/alpha
  - id: beta
    front: What is beta?
    back: the second
    section: "2. More letters"
  - id: gamma
    type: typed
    front: Type gamma
    back: gamma
    section: "3. Typing"
"""


class Clock:
    def __init__(self, start=T0, step=timedelta(seconds=2)):
        self.moment, self.step = start, step

    def __call__(self):
        self.moment += self.step
        return self.moment


@pytest.fixture
def home(tmp_path):
    (tmp_path / "mesh.yaml").write_text(DECK)
    return tmp_path


def run(home, keys, clock=None, args=("quiz",), stdin=None):
    app = App(home=home / "data", now=clock or Clock(), seed=1, tz=timezone.utc,
              decks=[home / "mesh.yaml"])
    return CliRunner().invoke(cli, list(args), obj=app, input=stdin if stdin is not None else keys)


def log(home):
    store = Store(home / "data" / "meshdrill.db")
    rows = store.conn.execute("SELECT item, action, rating FROM review_log ORDER BY id").fetchall()
    store.close()
    return rows


def state(home, item):
    store = Store(home / "data" / "meshdrill.db")
    try:
        return get_state(store, "card", item)
    finally:
        store.close()


def test_answering_records_the_rating_and_shows_the_answer(home):
    result = run(home, "\n3\n \n4\ngamma\n\nq\n")
    assert result.exit_code == 0, result.output
    assert "What is alpha?" in result.output and "answer: the first" in result.output
    assert "good · next in 10m 00s" in result.output
    assert "✓ correct" in result.output  # typed gamma
    assert log(home) == [("alpha", "rate", 3), ("beta", "rate", 4), ("gamma", "rate", 4)]
    assert "session over: 3 answered (3 new, 0 again)" in result.output


def test_plain_meshdrill_runs_the_quiz(home):
    result = run(home, "\n3\nq\n", args=())
    assert result.exit_code == 0, result.output
    assert log(home) == [("alpha", "rate", 3)]


def test_undo_twice_takes_back_two_answers_and_shows_them_again(home):
    result = run(home, "\n3\n\n1\nu\nu\n\n2\nq\n")
    assert result.exit_code == 0, result.output
    assert "undone: your answer to 'beta'; it is shown again" in result.output
    assert "undone: your answer to 'alpha'; it is shown again" in result.output
    assert log(home) == [("alpha", "rate", 3), ("beta", "rate", 1), ("beta", "undo", None),
                         ("alpha", "undo", None), ("alpha", "rate", 2)]
    assert state(home, "beta").state == "new" and state(home, "alpha").reps == 1
    assert result.output.count("What is alpha?") == 2


def test_undo_with_nothing_to_undo_says_so(home):
    result = run(home, "u\nq\n")
    assert "nothing to undo in this session" in result.output and log(home) == []


def test_skip_shows_the_card_later_and_records_nothing(home):
    result = run(home, "s\n\n3\ngamma\n\n\n3\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("What is beta?") < out.rindex("What is alpha?")
    assert [row[0] for row in log(home)] == ["beta", "gamma", "alpha"]
    assert "1 skipped" in out


def test_bury_hides_the_card_until_tomorrow_4am(home):
    result = run(home, "b\nq\n")
    assert "buried until tomorrow: alpha" in result.output
    assert state(home, "alpha").buried_until == datetime(2026, 1, 6, 4, tzinfo=timezone.utc)
    again = run(home, "q\n", clock=Clock(T0 + timedelta(hours=1)))
    assert "What is alpha?" not in again.output and "What is beta?" in again.output
    tomorrow = run(home, "q\n", clock=Clock(T0 + timedelta(days=1)))
    assert "What is alpha?" in tomorrow.output


def test_suspend_takes_the_card_out_for_good(home):
    result = run(home, "!\nq\n")
    assert "suspended: alpha" in result.output and state(home, "alpha").suspended
    later = run(home, "q\n", clock=Clock(T0 + timedelta(days=3)))
    assert "What is alpha?" not in later.output


def test_explain_shows_section_note_and_ref(home):
    result = run(home, "e\nq\n")
    assert "from the notes: 1. Letters" in result.output
    assert "note: alpha is first in the notes" in result.output
    assert "ref: https://istio.io/alpha" in result.output


def test_quit_keeps_everything_answered(home):
    result = run(home, "\n3\n\nq\n")  # quit with the answer of beta on screen
    assert result.exit_code == 0
    assert log(home) == [("alpha", "rate", 3)]
    assert "session over: 1 answered" in result.output


class InterruptAfter(io.RawIOBase):
    """stdin that yields scripted lines, then behaves as if Ctrl-C was pressed."""

    def __init__(self, text: str):
        self.data = text.encode()

    def readable(self):
        return True

    def readinto(self, buffer):
        if not self.data:
            raise KeyboardInterrupt
        n = min(len(buffer), len(self.data))
        buffer[:n], self.data = self.data[:n], self.data[n:]
        return n


def test_ctrl_c_saves_what_was_answered_and_prints_a_summary(home):
    result = run(home, None, stdin=io.BufferedReader(InterruptAfter("\n3\n\n")))
    assert result.exit_code == 130, result.output
    assert "stopped: 1 answered" in result.output
    assert log(home) == [("alpha", "rate", 3)]


def test_restart_keeps_history_and_brings_back_learning_cards(home):
    run(home, "\n3\n\n3\nq\n")
    result = run(home, "\n3\nq\n", clock=Clock(T0 + timedelta(minutes=30)))
    assert result.exit_code == 0, result.output
    assert "What is alpha?" in result.output and "· review" in result.output
    assert [row[0] for row in log(home)] == ["alpha", "beta", "alpha"]
    assert state(home, "alpha").state == "review"


def test_nothing_due_says_when_and_offers_more_new_cards(home):
    run(home, "", args=("config", "new-per-day", "1"))
    run(home, "\n4\n")  # alpha learned as easy: due in days
    result = run(home, "n\n\n4\n", clock=Clock(T0 + timedelta(hours=1)))
    assert "Nothing due. Next card due in" in result.output
    assert "Today's new cards are done; 2 more wait. Press n to learn 5 more" in result.output
    assert "What is beta?" in result.output
    assert [row[0] for row in log(home)] == ["alpha", "beta"]


def test_limit_and_deck_options(home):
    result = run(home, "\n3\n", args=("quiz", "--limit", "1", "--deck", "mesh"))
    assert "left 1" in result.output and "What is beta?" not in result.output
    other = run(home, "", args=("quiz", "--deck", "nope"))
    assert other.exit_code == 2
    assert other.output == "meshdrill: error: no deck 'nope' (known decks: mesh)\n"


def test_typed_answer_enter_accepts_the_proposed_rating(home):
    result = run(home, "s\ns\ngama\n\nq\n")
    assert "✗ almost" in result.output and "enter = hard" in result.output
    assert log(home) == [("gamma", "rate", 2)]


def test_due_exercise_without_exercise_flow_points_to_the_command(home, monkeypatch):
    store = Store(home / "data" / "meshdrill.db")
    record_exercise_attempt(store, "canary", passed=False, score=0, hints_used=0, tries=1,
                            seconds=60, now=T0 - timedelta(days=1))
    store.close()
    monkeypatch.setitem(sys.modules, "trainer.exercise_flow", None)  # import fails
    result = run(home, "\n3\n\n3\n\n3\n")
    assert "Hands-on exercise due: run `meshdrill exercise start canary`." in result.output


def test_due_exercise_is_handed_to_the_exercise_flow(home, monkeypatch):
    store = Store(home / "data" / "meshdrill.db")
    record_exercise_attempt(store, "canary", passed=False, score=0, hints_used=0, tries=1,
                            seconds=60, now=T0 - timedelta(days=1))
    store.close()
    calls = []
    flow = types.ModuleType("trainer.exercise_flow")
    flow.run_exercise = lambda app, exercise_id: calls.append(exercise_id)
    monkeypatch.setitem(sys.modules, "trainer.exercise_flow", flow)
    run(home, "\n3\n\n3\ns\n\n")
    assert calls == ["canary"]


def test_corrupt_database_is_one_clear_line(home):
    (home / "data").mkdir()
    (home / "data" / "meshdrill.db").write_bytes(b"garbage" * 1000)
    result = run(home, "")
    assert result.exit_code == 2
    assert "not a readable meshdrill database" in result.output
    assert "Traceback" not in result.output


def test_eighth_lapse_is_announced_as_a_leech_and_suspended(home):
    run(home, "q\n")  # sync the deck
    store = Store(home / "data" / "meshdrill.db")
    from trainer.scheduling import AGAIN, EASY, GOOD, Settings
    from trainer.storage import record_review

    state = record_review(store, "card", "alpha", EASY, T0 - timedelta(days=400), Settings()).state
    for _ in range(7):
        state = record_review(store, "card", "alpha", AGAIN, state.due, Settings()).state
        state = record_review(store, "card", "alpha", GOOD, state.due, Settings()).state
    store.close()
    result = run(home, "\n1\nq\n", clock=Clock(max(state.due, T0)))
    assert "leech: 'alpha' was forgotten 8 times; it is tagged and suspended." in result.output
    assert state_of(home, "alpha") == (True, True, 8)


def state_of(home, item):
    s = state(home, item)
    return s.leech, s.suspended, s.lapses


def test_learning_steps_of_todays_new_cards_do_not_use_up_the_review_limit(home):
    run(home, "", args=("config", "reviews-per-day", "1"))
    run(home, "\n1\n\n1\n\n1\n\n3\n\n3\n\n3\n")  # three new cards, each seen twice
    store = Store(home / "data" / "meshdrill.db")
    from trainer.queries import done_today

    assert done_today(store, T0 + timedelta(minutes=5), timezone.utc) == (3, 0)
    store.close()


def test_learning_card_from_an_earlier_session_comes_back_when_due(home):
    run(home, "\n3\nq\n")  # alpha: Good, next step in 10 minutes
    result = run(home, "\n3\n\n3\n\n3\n", clock=Clock(T0 + timedelta(minutes=5)))
    out = result.output
    assert out.index("What is beta?") < out.index("What is alpha?")  # due in 5 more minutes
    assert "left 3" in out  # beta, gamma, and alpha waiting for its step
    assert [row[0] for row in log(home)] == ["alpha", "beta", "gamma", "alpha"]


def test_new_cards_come_from_the_notes_deck_first_in_section_order_then_the_curriculum(tmp_path):
    """With the shipped decks, a new learner starts on the notes (`source: ...md`), section 1,
    and meets the curriculum deck (istio-ica, alphabetically first) only as every fourth card."""
    import decks
    from pathlib import Path

    from trainer import queries
    from trainer.deckfile import load_deck
    from trainer.sync import sync

    paths = sorted(Path(str(p)) for p in decks.cards_dir().iterdir() if p.name.endswith(".yaml"))
    store = Store(tmp_path / "meshdrill.db")
    sync(store, paths, T0)
    order = queries.new_cards(store, T0, None, 20)
    notes = [c.id for c in load_deck(next(p for p in paths if p.stem == "istio-notes")).cards]
    ica = [c.id for c in load_deck(next(p for p in paths if p.stem == "istio-ica")).cards]
    assert order == [notes[0], notes[1], notes[2], ica[0], notes[3], notes[4], notes[5], ica[1],
                     *notes[6:9], ica[2], *notes[9:12], ica[3], *notes[12:15], ica[4]]
    assert queries.load_cards(store, order[:1])[order[0]].section == "1. What is a Service Mesh?"
    assert queries.new_cards(store, T0, "istio-ica", 3) == ica[:3]      # --deck: that deck's order
    store.close()


def test_an_older_database_learns_each_decks_source_on_its_next_start(tmp_path):
    from trainer.sync import sync

    (tmp_path / "notes.yaml").write_text(DECK.replace("title: Mesh", "title: Mesh\nsource: my-notes.md"))
    (tmp_path / "aaa.yaml").write_text("id: aaa\ntitle: A\ncards:\n  - {id: a1, front: q, back: a}\n")
    store = Store(tmp_path / "meshdrill.db")
    sync(store, [tmp_path / "aaa.yaml", tmp_path / "notes.yaml"], T0)
    with store.write() as conn:                      # as a schema-2 database left it
        conn.execute("ALTER TABLE deck_files DROP COLUMN source")
        conn.execute("PRAGMA user_version = 2")
    store.close()
    store = Store(tmp_path / "meshdrill.db")          # migration 3
    from trainer import queries

    sync(store, [tmp_path / "aaa.yaml", tmp_path / "notes.yaml"], T0)
    assert queries.new_cards(store, T0, None, 10) == ["alpha", "beta", "gamma", "a1"]
    store.close()


def test_a_broken_deck_is_a_warning_with_its_line_and_what_to_do_and_the_quiz_goes_on(home):
    (home / "broken.yaml").write_text("id: b\ntitle: B\ncards:\n  - id: x\n    front: [oops\n")
    app = App(home=home / "data", now=Clock(), seed=1, tz=timezone.utc, decks=[home / "mesh.yaml", home / "broken.yaml"])
    result = CliRunner().invoke(cli, ["quiz"], obj=app, input="q\n")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())           # rich wraps the long temporary path
    assert f"warning: {home / 'broken.yaml'}:6: YAML syntax error" in text
    assert "`meshdrill deck check FILE` lists every problem." in text
    assert "What is alpha?" in result.output


def test_the_learners_own_notes_deck_comes_before_the_shipped_notes_deck(tmp_path):
    import decks
    from pathlib import Path

    from trainer import queries
    from trainer.sync import sync

    shipped = sorted(Path(str(p)) for p in decks.cards_dir().iterdir() if p.name.endswith(".yaml"))
    mine = tmp_path / "decks" / "zz-mine.yaml"
    mine.parent.mkdir()
    mine.write_text(DECK.replace("id: mesh", "id: zz-mine").replace("title: Mesh", "title: Mine\nsource: mine.md"))
    store = Store(tmp_path / "meshdrill.db")
    sync(store, [*shipped, mine], T0)
    assert queries.new_cards(store, T0, None, 5)[:3] == ["alpha", "beta", "gamma"]
    store.close()
