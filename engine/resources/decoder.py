"""Typed decoding driven by the schema declarations (`schema.py`).

`Decoder().decode_object(cls, data, path)` walks plain YAML data into frozen dataclasses and
reports, as the kube-apiserver would with strict field validation, every unknown field (with a
did-you-mean), wrong JSON type, unsupported enum value, missing required field, bad duration
and oneOf violation — all of them, not the first. What it cannot decode it leaves as None so
that later layers still see the rest of the object.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import Enum

from engine.diagnostics import format_path
from engine.resources.schema import Duration, FieldSpec, IntOrString, class_info, parse_duration, shape


@dataclass(frozen=True)
class Problem:
    """A schema-layer problem: MD0020..MD0024 by `kind`."""

    kind: str      # unknown | type | enum | required | invalid
    path: str
    message: str


def _json_type_of(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


class Decoder:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, kind: str, path: tuple, message: str) -> None:
        self.problems.append(Problem(kind, format_path(path), message))

    def decode(self, hint, value, path: tuple):
        kind, arg = shape(hint)
        if kind == "raw":
            return value
        if value is None:  # explicit null: the API server treats it as absent
            return None
        if kind == "str" and value.__class__ is str:   # the common case, decided without ceremony
            return value
        if kind == "list":
            return self._list(arg, value, path)
        if kind == "map":
            return self._map(arg, value, path)
        if kind == "object":
            return self.decode_object(arg, value, path)
        return self._scalar(arg, value, path)

    def decode_object(self, cls, value, path: tuple):
        if not isinstance(value, dict):
            self._type(path, "object", value)
            return None
        info = class_info(cls)
        known = info.fields
        kwargs = {}
        for key, item in value.items():
            spec = known.get(key if key.__class__ is str else str(key))
            if spec is None:
                if not info.open:
                    self._unknown(path + (str(key),), str(key), known)
                continue
            decoded = self.decode(spec.hint, item, path + (spec.json,))
            self._bounds(spec, decoded, path + (spec.json,))
            if decoded is not None:
                kwargs[spec.attr] = decoded
        for spec in info.required:
            if spec.attr not in kwargs and value.get(spec.json) is None:
                self.problem("required", path + (spec.json,), f"{format_path(path + (spec.json,))}: Required value")
        for group in info.oneof:
            present = [k for k in group if value.get(k) is not None]
            if len(present) > 1:
                self.problem("invalid", path, f"\"{format_path(path)}\" must validate one and only one schema "
                                              f"(oneOf): {' and '.join(present)} are both set")
        for rule in info.rules:   # CRD x-kubernetes-validations (CEL), see cel.py
            for subpath, message in rule(value):
                at = path + subpath
                self.problem("invalid", at, f"{format_path(at)}: {message}")
        if info.has_line:
            kwargs["line"] = 0  # filled by the caller, which knows the document
        return cls(**kwargs)

    def _bounds(self, spec: FieldSpec, value, path: tuple) -> None:
        """OpenAPI minimum / maximum, in the API server's words."""
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return
        p = format_path(path)
        if spec.minimum is not None and value < spec.minimum:
            self.problem("invalid", path, f"{p}: Invalid value: {_num(value)}: {p} in body should be greater than "
                                          f"or equal to {_num(spec.minimum)}")
        if spec.maximum is not None and value > spec.maximum:
            self.problem("invalid", path, f"{p}: Invalid value: {_num(value)}: {p} in body should be less than "
                                          f"or equal to {_num(spec.maximum)}")

    def _list(self, item_hint, value, path: tuple) -> tuple:
        if not isinstance(value, list):
            self._type(path, "array", value)
            return ()
        out = []
        for i, item in enumerate(value):
            decoded = self.decode(item_hint, item, path + (i,))
            if decoded is not None:
                out.append(decoded)
        return tuple(out)

    def _map(self, value_hint, value, path: tuple) -> dict:
        if not isinstance(value, dict):
            self._type(path, "object", value)
            return {}
        out = {}
        for key, item in value.items():
            decoded = self.decode(value_hint, item, path + (str(key),))
            if decoded is not None:
                out[str(key)] = decoded
        return out

    def _scalar(self, hint, value, path: tuple):
        if hint is Duration:
            if not isinstance(value, str):
                self._type(path, "string", value)
                return None
            parsed = parse_duration(value)
            if parsed is None or parsed.ms < 1.0:
                p = format_path(path)
                self.problem("invalid", path, f"{p}: Invalid value: \"string\": must be a valid duration greater than 1ms")
                return None
            return parsed
        if hint is IntOrString:
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                self._type(path, "integer or string", value)
                return None
            return value
        if isinstance(hint, type) and issubclass(hint, Enum):
            allowed = [m.value for m in hint]
            if isinstance(value, str) and value in allowed:
                return hint(value)
            if not isinstance(value, str):
                self._type(path, "string", value)
                return None
            p = format_path(path)
            listed = ", ".join(f'"{a}"' for a in allowed)
            guess = _did_you_mean(value, allowed)
            self.problem("enum", path, f"{p}: Unsupported value: \"{value}\": supported values: {listed}{guess}")
            return None
        if hint is float:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return float(value)
            self._type(path, "number", value)
            return None
        if hint is int:
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, float) and value.is_integer():
                return int(value)
            self._type(path, "integer", value)
            return None
        if hint is bool:
            if isinstance(value, bool):
                return value
            self._type(path, "boolean", value)
            return None
        if hint is str:
            if isinstance(value, str):
                return value
            self._type(path, "string", value)
            return None
        raise TypeError(f"schema: unsupported annotation {hint!r} at {format_path(path)}")  # programming error

    def _type(self, path: tuple, expected: str, value) -> None:
        p = format_path(path)
        got = _json_type_of(value)
        self.problem("type", path, f"{p}: Invalid value: \"{got}\": {p} in body must be of type {expected}: \"{got}\"")

    def _unknown(self, path: tuple, key: str, known: dict) -> None:
        guess = _did_you_mean(key, list(known))
        self.problem("unknown", path, f"strict decoding error: unknown field \"{format_path(path)}\"{guess}")


def _num(value: float) -> str:
    """A JSON number as Go prints it in a field error: 150.0 reads 150."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _did_you_mean(value: str, options: list[str]) -> str:
    lowered = {o.lower(): o for o in options}
    if value.lower() in lowered:
        return f' (did you mean "{lowered[value.lower()]}"?)'
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(value.upper(), options, n=1, cutoff=0.75)
    return f' (did you mean "{close[0]}"?)' if close else ""
