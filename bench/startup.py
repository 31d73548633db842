"""Time from process start to the first quiz card on screen, as a ratio to a baseline.

Baseline (same run, same machine): `python -c "import click, rich.console, sqlite_utils, yaml"`.
Two data sets in a temporary MESHDRILL_HOME: 50 cards, and 50,000 cards with 1,000,000
reviews. Each is warmed once (deck sync), then timed several times; medians are printed.
Target: ratio <= 1.0.

    .venv/bin/python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

BASELINE = [sys.executable, "-c", "import click, rich.console, sqlite_utils, yaml"]
QUIZ = [sys.executable, "-c", "from trainer.cli import main; main()", "quiz"]
NOW = datetime.now(timezone.utc)


def write_deck(home: Path, count: int) -> Path:
    lines = ["id: bench", "title: Bench", "cards:"]
    for i in range(count):
        lines += [f"  - id: bench-{i}", f"    front: Bench question {i}?", f"    back: answer {i}",
                  f"    section: 'Section {i % 40}'", f"    topics: [topic{i % 200}]"]
    path = home / "decks" / "bench.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def fill_history(home: Path, cards: int, reviews: int, seed: int = 1) -> None:
    """Reviews straight into SQLite (replaying 1M ratings through FSRS would take minutes)."""
    from trainer.storage import Store, ts

    rng = random.Random(seed)
    store = Store(home / "meshdrill.db")
    per_card = max(1, reviews // cards)
    with store.write() as conn:
        log_rows, state_rows = [], []
        for i in range(cards):
            last = NOW - timedelta(days=rng.randint(1, 180))
            due = last + timedelta(days=rng.randint(1, 200))
            for k in range(per_card):
                at = last - timedelta(days=(per_card - k) * 3)
                log_rows.append(("card", f"bench-{i}", ts(at), "rate", rng.randint(1, 4), 5000,
                                 None, "basic", int(k == 0), ts(at + timedelta(days=3))))
            state_rows.append(("card", f"bench-{i}", "review", None, 10.0 + rng.random() * 50,
                               5.0, ts(due), ts(last), per_card, 0, 0, 0, None))
        conn.executemany("INSERT INTO review_log (kind, item, at, action, rating, duration_ms, "
                         "answer, qtype, was_new, due) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         log_rows)
        conn.executemany("INSERT OR REPLACE INTO item_state VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         state_rows)
    store.conn.execute("ANALYZE")
    store.close()


def first_card_seconds(env: dict) -> float:
    start = time.perf_counter()
    child = subprocess.Popen(QUIZ, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    for line in child.stdout:
        if "space/enter reveal" in line or "type your answer" in line or "press 1-" in line:
            break  # the first card's prompt is complete on screen
    elapsed = time.perf_counter() - start
    child.stdin.write("q\n")
    child.stdin.close()
    child.wait()
    return elapsed


def baseline_seconds() -> float:
    start = time.perf_counter()
    subprocess.run(BASELINE, check=True)
    return time.perf_counter() - start


def measure(label: str, cards: int, reviews: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = {**os.environ, "MESHDRILL_HOME": str(home), "COLUMNS": "100"}
        write_deck(home, cards)
        t0 = time.perf_counter()
        first_card_seconds(env)  # cold: creates the database and syncs every deck
        cold = time.perf_counter() - t0
        if reviews:
            fill_history(home, cards, reviews)
        quiz, base = [], []
        for _ in range(runs):  # interleaved so machine noise hits both alike
            base.append(baseline_seconds())
            quiz.append(first_card_seconds(env))
        q, b = statistics.median(quiz), statistics.median(base)
        print(f"{label:<34} first card {q * 1000:6.0f} ms   baseline {b * 1000:6.0f} ms   "
              f"ratio {q / b:4.2f}   (cold start with sync {cold:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    measure("50 cards", 50, 0, args.runs)
    measure("50,000 cards + 1,000,000 reviews", 50_000, 1_000_000, args.runs)


if __name__ == "__main__":
    main()
