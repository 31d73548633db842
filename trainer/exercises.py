"""The shipped hands-on exercises (`decks/exercises/*.yaml`), loaded once per process.

The engine reads exercise files; which files ship is the application's business (DESIGN.md:
trainer -> decks, engine imports neither), so this small module joins the two.
"""

from __future__ import annotations

from functools import cache

from engine.grading.exercise import Exercise, find_exercise, load_exercise_files


@cache
def shipped_exercises() -> tuple[Exercise, ...]:
    """Every packaged exercise, in file then document order; ids are unique across files."""
    from decks import exercises_dir

    folder = exercises_dir()
    return tuple(load_exercise_files(sorted((p for p in folder.iterdir() if p.name.endswith(".yaml")),
                                            key=lambda p: p.name)))


def exercise(exercise_id: str) -> Exercise:
    """The shipped exercise with this id, or an EngineError naming `meshdrill exercise list`."""
    return find_exercise(list(shipped_exercises()), exercise_id)
