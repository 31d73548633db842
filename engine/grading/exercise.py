"""Hands-on exercises as data: the dataclasses and the loader for `decks/exercises/*.yaml`.

An exercise file holds one exercise per YAML document. The Istio/Kubernetes YAML an exercise
carries (starting cluster, grading traffic, starter, reference solution, wrong answers) is kept
as text: it is what the learner sees and edits, and the grader admits it like `kubectl apply`.
Checks are data: a type from `engine.grading.checks.REGISTRY` plus typed parameters (params.py).

Every structural problem is an `EngineError` with the exercise file and line, so an author
sees `decks/exercises/routing.yaml:42: exercise 'canary-10': check 'v2-share': unknown parameter
'shares' (parameters: stream, to, share, tolerance, min, max)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.errors import EngineError
from engine.loading import Document, load_text

DOMAINS = ("installation", "traffic", "security", "troubleshooting")   # the ICA exam's domains
_REQUIRED = ("id", "title", "level", "topics", "domain", "prompt", "cluster", "traffic", "starter",
             "checks", "solution", "explanation")
_OPTIONAL = ("hints", "wrong_answers")


@dataclass(frozen=True)
class Check:
    """One published expectation. `params` is the typed parameter object of its check type."""

    id: str
    type: str
    params: object
    line: int


@dataclass(frozen=True)
class WrongAnswer:
    yaml: str
    why: str
    fails: tuple[str, ...]        # ids of the checks this answer must fail (its stated reason)
    line: int


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    level: int
    topics: tuple[str, ...]
    domain: str
    prompt: str
    cluster: str                  # meshdrill/v1 Topology + Istio config already applied
    traffic: str                  # meshdrill/v1 Traffic used to grade (with a fixed seed)
    starter: str
    checks: tuple[Check, ...]
    hints: tuple[str, ...]
    solution: str
    explanation: str
    wrong_answers: tuple[WrongAnswer, ...]
    file: str
    line: int

    @property
    def reference(self) -> str:
        return f"{self.file}:{self.line}"


def load_exercise_text(text: str, filename: str) -> list[Exercise]:
    loaded = load_text(text, filename)
    if loaded.diagnostics:
        first = loaded.diagnostics[0]
        raise EngineError(first.message, file=filename, line=first.line, code=first.code)
    return [_exercise(doc) for doc in loaded.documents]


def load_exercise_files(paths) -> list[Exercise]:
    """Every exercise of the given files (Paths or importlib Traversables); ids must be unique."""
    exercises: list[Exercise] = []
    seen: dict[str, str] = {}
    for path in paths:
        for exercise in load_exercise_text(path.read_text(encoding="utf-8"), _display(path)):
            if exercise.id in seen:
                raise EngineError(f"exercise id {exercise.id!r} already used at {seen[exercise.id]}",
                                  file=exercise.file, line=exercise.line, hint="ids must be unique")
            seen[exercise.id] = exercise.reference
            exercises.append(exercise)
    return exercises


def find_exercise(exercises: list[Exercise], exercise_id: str) -> Exercise:
    for exercise in exercises:
        if exercise.id == exercise_id:
            return exercise
    raise EngineError(f"no exercise with id {exercise_id!r}", code="MD0001",
                      hint="`meshdrill exercise list` shows the ids")


def _display(path) -> str:
    """`decks/exercises/x.yaml` for packaged files (wherever installed), the path as given otherwise."""
    text = str(path)
    marker = "decks/exercises/"
    return text[text.rindex(marker):] if marker in text else text


# ---- decoding --------------------------------------------------------------------------------

class _Reader:
    """Field access on one document with file:line errors."""

    def __init__(self, doc: Document, label: str = "exercise"):
        self.doc, self.label = doc, label

    def fail(self, path: str, message: str) -> EngineError:
        return EngineError(f"{self.label}: {message}", file=self.doc.file, line=self.doc.line_of(path))

    def text(self, data: dict, key: str, path: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, f"{key!r} must be a non-empty string")
        return value

    def texts(self, data: dict, key: str, path: str) -> tuple[str, ...]:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(path, f"{key!r} must be a list of strings")
        return tuple(value)


def _exercise(doc: Document) -> Exercise:
    from engine.grading.parsing import parse_check

    reader = _Reader(doc)
    data = doc.data
    if not isinstance(data, dict):
        raise reader.fail("", "an exercise is a YAML mapping")
    unknown = sorted(set(data) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise reader.fail(unknown[0], f"unknown field {unknown[0]!r} (fields: {', '.join(_REQUIRED + _OPTIONAL)})")
    missing = [key for key in _REQUIRED if key not in data]
    if missing:
        raise reader.fail("", f"missing field {missing[0]!r}")
    ident = reader.text(data, "id", "id")
    reader.label = f"exercise {ident!r}"
    level = data["level"]
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
        raise reader.fail("level", "'level' must be an integer from 1 to 5")
    domain = data["domain"]
    if domain not in DOMAINS:
        raise reader.fail("domain", f"'domain' must be one of {', '.join(DOMAINS)}")
    raw_checks = data["checks"]
    if not isinstance(raw_checks, list) or not raw_checks:
        raise reader.fail("checks", "'checks' must be a non-empty list")
    checks = tuple(parse_check(item, f"checks[{i}]", reader) for i, item in enumerate(raw_checks))
    ids = [c.id for c in checks]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise reader.fail("checks", f"check id {duplicate!r} is used twice")
    return Exercise(
        id=ident, title=reader.text(data, "title", "title"), level=level,
        topics=reader.texts(data, "topics", "topics"), domain=domain,
        prompt=reader.text(data, "prompt", "prompt"),
        cluster=reader.text(data, "cluster", "cluster"), traffic=reader.text(data, "traffic", "traffic"),
        starter=reader.text(data, "starter", "starter"), checks=checks,
        hints=reader.texts(data, "hints", "hints"), solution=reader.text(data, "solution", "solution"),
        explanation=reader.text(data, "explanation", "explanation"),
        wrong_answers=_wrong_answers(data.get("wrong_answers") or [], reader, set(ids)),
        file=doc.file, line=doc.line)


def _wrong_answers(items, reader: _Reader, check_ids: set[str]) -> tuple[WrongAnswer, ...]:
    if not isinstance(items, list):
        raise reader.fail("wrong_answers", "'wrong_answers' must be a list")
    out = []
    for i, item in enumerate(items):
        path = f"wrong_answers[{i}]"
        if not isinstance(item, dict) or set(item) - {"yaml", "why", "fails"}:
            raise reader.fail(path, "a wrong answer has exactly: yaml, why, fails")
        fails = reader.texts(item, "fails", f"{path}.fails")
        if not fails:
            raise reader.fail(f"{path}.fails", "'fails' names at least one check id")
        unknown = [c for c in fails if c not in check_ids and c != "accepted"]
        if unknown:
            raise reader.fail(f"{path}.fails", f"'fails' names an unknown check {unknown[0]!r}")
        out.append(WrongAnswer(yaml=reader.text(item, "yaml", f"{path}.yaml"),
                               why=reader.text(item, "why", f"{path}.why"), fails=fails,
                               line=reader.doc.line_of(path)))
    return tuple(out)
