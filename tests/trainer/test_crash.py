"""kill -9 during a review loop: every committed review survives and the file stays sound."""

import os
import random
import signal
import sqlite3
import subprocess
import sys

import pytest

WORKER = """
import sys
from datetime import datetime, timedelta, timezone
from trainer.scheduling import Settings
from trainer.storage import Store, record_review

store = Store(sys.argv[1])
now = datetime(2026, 1, 5, tzinfo=timezone.utc) + timedelta(days=int(sys.argv[2]))
i = 0
while True:
    recorded = record_review(store, "card", f"c{i % 40}", 1 + i % 4, now, Settings(),
                             duration_ms=1000, answer="x" * (i % 300), qtype="basic")
    print(recorded.log_id, flush=True)  # printed only after COMMIT returned
    now += timedelta(minutes=7)
    i += 1
"""


@pytest.mark.slow
def test_sigkill_at_random_points_keeps_every_committed_review(tmp_path):
    db = tmp_path / "meshdrill.db"
    rng = random.Random(20260105)
    committed: set[int] = set()
    for run in range(6):
        stop_after = rng.randint(5, 120)
        child = subprocess.Popen([sys.executable, "-c", WORKER, str(db), str(run * 400)],
                                 stdout=subprocess.PIPE, text=True)
        for _ in range(stop_after):
            committed.add(int(child.stdout.readline()))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = {row[0] for row in conn.execute("SELECT id FROM review_log")}
        assert committed <= ids
        # the state cache never runs ahead of the log (same transaction)
        reps = conn.execute("SELECT sum(reps) FROM item_state").fetchone()[0]
        assert reps == len(ids)
        conn.close()
