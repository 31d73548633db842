"""A discrete-event clock over simulated time (SimPy's core, reduced to what the executor needs).

The agenda is a heap of `(time, priority, serial, callback, argument)`. The serial breaks every
tie, so two runs of the same input pop events in the same order on any machine: determinism
by construction. Time is simulated milliseconds; the wall clock is never read.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappop, heappush
from itertools import count
from typing import Any

Callback = Callable[[float, Any], None]

URGENT = 0      # e.g. a connection freed before a request queued behind it is considered
NORMAL = 1


class Clock:
    __slots__ = ("now", "agenda", "serial")

    def __init__(self) -> None:
        self.now = 0.0
        # Public for hot loops that push `(time, priority, next(serial), callback, argument)`
        # themselves, saving a call per event; times pushed that way must not be in the past.
        self.agenda: list[tuple[float, int, int, Callback, Any]] = []
        self.serial = count()

    def schedule(self, time: float, callback: Callback, argument: Any = None,
                 priority: int = NORMAL) -> None:
        """Call `callback(time, argument)` when simulated time reaches `time` (never in the past)."""
        if time < self.now:
            time = self.now
        heappush(self.agenda, (time, priority, next(self.serial), callback, argument))

    def run(self, until: float | None = None) -> float:
        """Process events in (time, priority, serial) order; return the time of the last one."""
        agenda = self.agenda
        while agenda:
            if until is not None and agenda[0][0] > until:
                break
            time, _, _, callback, argument = heappop(agenda)
            self.now = time
            callback(time, argument)
        return self.now

    def __len__(self) -> int:
        return len(self.agenda)
