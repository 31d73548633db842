"""The quiz shows its first card without importing the engine, yaml or fsrs (warm cache)."""

import subprocess
import sys
from datetime import datetime, timezone

from trainer.storage import Store
from trainer.sync import sync

DECK = "id: d\ntitle: D\ncards:\n  - id: a\n    front: What is a VirtualService?\n    back: routing\n"

PROBE = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from trainer.app import App
from trainer.commands.quiz import quiz

class FirstKey:
    def key(self):
        print("FIRST-CARD-IMPORTS", sorted(m for m in ("engine", "yaml", "fsrs", "sqlite_utils") if m in sys.modules))
        return "q"
    def line(self):
        return None

home = Path(sys.argv[1])
app = App(home=home / "data", now=lambda: datetime(2026, 1, 5, 9, tzinfo=timezone.utc),
          seed=1, keys=FirstKey(), decks=[home / "d.yaml"])
quiz.main([], obj=app, standalone_mode=False)
"""


def test_first_card_is_rendered_before_engine_yaml_fsrs_or_sqlite_utils(tmp_path):
    (tmp_path / "d.yaml").write_text(DECK)
    store = Store(tmp_path / "data" / "meshdrill.db")
    sync(store, [tmp_path / "d.yaml"], datetime(2026, 1, 5, tzinfo=timezone.utc))  # warm the cache
    store.close()
    out = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path)], capture_output=True,
                         text=True, check=True).stdout
    assert "What is a VirtualService?" in out
    assert "FIRST-CARD-IMPORTS []" in out
