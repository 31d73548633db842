"""The dataclasses *are* the CRD schema: how a spec class declares its fields, and what
`decoder.py` reads back from the declarations (once per class, cached).

Field conventions (set with `f(...)`): JSON name = camelCase of the attribute unless `json`
is given; `required`; `minimum` (uint32 fields: the CRD has minimum 0). Class attributes:
`ONEOF` (groups of mutually exclusive JSON names), `OPEN` (unknown fields allowed: objects
we model only partly, such as a pod spec), `RULES` (the CRD's CEL rules: functions of the raw
object returning `(relative path, message)` pairs; see `cel.py`).
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from dataclasses import dataclass
from functools import cache



class Raw:
    """Marker type: keep the value as-is (fields we accept but do not model)."""


class IntOrString:
    """Marker type: Kubernetes IntOrString (targetPort)."""


@dataclass(frozen=True)
class Duration:
    """A Go/protobuf duration string (`1.5s`, `100ms`, `3m`) and its value in milliseconds."""

    text: str
    ms: float

    def __str__(self) -> str:
        return self.text


_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_UNIT_MS = {"ns": 1e-6, "us": 1e-3, "µs": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_duration(text: str) -> Duration | None:
    """Go's time.ParseDuration grammar, which the CRD's CEL `duration()` accepts. None if invalid."""
    s = text.strip()
    sign = -1.0 if s.startswith("-") else 1.0
    s = s.lstrip("+-")
    if s == "0":
        return Duration(text, 0.0)
    pos, total = 0, 0.0
    while pos < len(s):
        m = _DURATION_PART.match(s, pos)
        if not m:
            return None
        total += float(m.group(1)) * _UNIT_MS[m.group(2)]
        pos = m.end()
    return Duration(text, sign * total) if s else None


def f(default=None, *, json: str | None = None, required: bool = False, minimum: float | None = None,
      maximum: float | None = None, factory=None):
    meta = {"json": json, "required": required, "minimum": minimum, "maximum": maximum}
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def camel(name: str) -> str:
    head, *rest = name.rstrip("_").split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


@dataclass(frozen=True)
class FieldSpec:
    attr: str
    json: str
    hint: object
    required: bool
    minimum: float | None
    maximum: float | None = None


@cache
def fields_of(cls) -> dict[str, FieldSpec]:
    hints = typing.get_type_hints(cls)
    out = {}
    for fld in dataclasses.fields(cls):
        if fld.name.startswith("_") or fld.name == "line":
            continue
        meta = fld.metadata
        name = meta.get("json") or camel(fld.name)
        out[name] = FieldSpec(fld.name, name, hints[fld.name], meta.get("required", False), meta.get("minimum"),
                              meta.get("maximum"))
    return out


@dataclass(frozen=True)
class ClassInfo:
    fields: dict[str, FieldSpec]
    required: tuple[FieldSpec, ...]
    open: bool
    oneof: tuple
    rules: tuple
    has_line: bool


@cache
def class_info(cls) -> ClassInfo:
    known = fields_of(cls)
    return ClassInfo(known, tuple(f for f in known.values() if f.required), bool(getattr(cls, "OPEN", False)),
                     tuple(getattr(cls, "ONEOF", ())), tuple(getattr(cls, "RULES", ())),
                     any(fl.name == "line" for fl in dataclasses.fields(cls)))


@cache
def shape(hint) -> tuple[str, object]:
    """An annotation reduced once to (kind, argument), so decoding never inspects typing again."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return shape(args[0])
    if hint is Raw or hint is typing.Any:
        return ("raw", None)
    if origin is tuple:
        return ("list", typing.get_args(hint)[0])
    if origin is dict:
        return ("map", typing.get_args(hint)[1])
    if dataclasses.is_dataclass(hint) and hint is not Duration:
        return ("object", hint)
    return ("str" if hint is str else "scalar", hint)
