"""Shipped content as data: card decks (cards/*.yaml) and exercises (exercises/*.yaml)."""

from importlib.resources import files
from importlib.resources.abc import Traversable


def cards_dir() -> Traversable:
    return files(__name__) / "cards"


def exercises_dir() -> Traversable:
    return files(__name__) / "exercises"
