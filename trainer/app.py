"""Application state on click's ctx.obj: where the data lives, the clock, the seed, the console.

Tests inject their own: `CliRunner().invoke(cli, args, obj=App(home=tmp_path, now=clock))`.
Nothing here reads the clock or the environment until asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import Any, Callable

import click


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class App:
    home: Path | None = None  # None: $MESHDRILL_HOME, else click.get_app_dir("meshdrill")
    now: Callable[[], datetime] = utc_now
    seed: int | None = None  # None: a fresh seed per run (choice order); tests fix it
    tz: tzinfo | None = None  # None: the system's local zone (for the 4 am day rollover)
    console: Any = None  # rich Console; made on first use so `--help` never imports rich
    keys: Any = None  # trainer.keys.Keys; injectable for tests
    decks: list[Path] | None = None  # deck files to sync; None: packaged + $HOME/decks/*.yaml
    _store: Any = field(default=None, repr=False)

    @property
    def home_dir(self) -> Path:
        from trainer.storage import default_home

        return Path(self.home) if self.home is not None else default_home()

    @property
    def db_path(self) -> Path:
        from trainer.storage import DB_NAME

        return self.home_dir / DB_NAME

    @property
    def out(self):
        if self.console is None:
            from trainer.render.theme import make_console

            self.console = make_console()
        return self.console

    @property
    def input(self):
        if self.keys is None:
            from trainer.keys import Keys

            self.keys = Keys()
        return self.keys

    def deck_files(self) -> list[Path]:
        if self.decks is not None:
            return list(self.decks)
        from trainer.sync import deck_paths

        return deck_paths(self.home_dir)

    def store(self):
        """The open database (opened, migrated once per process)."""
        if self._store is None:
            from trainer.storage import Store

            self._store = Store(self.db_path)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


pass_app = click.make_pass_decorator(App, ensure=True)
