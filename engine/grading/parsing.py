"""Decoding the `checks:` of an exercise file into typed parameters, with file:line errors.

`{id: v2-share, type: share, stream: main, to: {labels: {version: v2}}, share: 0.1}` becomes
`Check(id, "share", ShareParams(...))`. Unknown parameters, wrong types, enum values out of
range and rates outside 0..1 are reported at the check's line, so a deck author sees exactly
what to fix. Types come from the parameter dataclasses' annotations (engine/grading/params.py).
"""

from __future__ import annotations

import dataclasses

from engine.grading.checks import REGISTRY
from engine.grading.params import AttemptsParams, Destination, FindingParams, UnaffectedParams

_ENUMS = {"stat": ("mean", "max"), "percentile": ("p50", "p90", "p99"), "mode": ("mtls", "plaintext", "rejected"),
          "level": ("Error", "Warning", "Info")}


def parse_check(item, path: str, reader):
    """One `checks[i]` entry -> Check, or an EngineError at its line."""
    from engine.grading.exercise import Check

    if not isinstance(item, dict):
        raise reader.fail(path, "a check is a mapping with id, type and parameters")
    kind = item.get("type")
    if kind not in REGISTRY:
        raise reader.fail(f"{path}.type", f"check type {kind!r} unknown (types: {', '.join(sorted(REGISTRY))})")
    ident = item.get("id", "accepted" if kind == "accepted" else None)
    if not isinstance(ident, str) or not ident:
        raise reader.fail(path, "a check needs an 'id'")
    raw = {k: v for k, v in item.items() if k not in ("id", "type")}
    params = _decode(REGISTRY[kind].params, raw, path, reader, f"check {ident!r}")
    _validate(params, path, reader, ident)
    return Check(id=ident, type=kind, params=params, line=reader.doc.line_of(path))


def _decode(cls, raw: dict, path: str, reader, label: str):
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values = {}
    for key, value in raw.items():
        if key not in fields:
            raise reader.fail(f"{path}.{key}", f"{label}: unknown parameter {key!r} (parameters: {', '.join(fields)})")
        values[key] = _coerce(fields[key].type, value, f"{path}.{key}", reader, f"{label}: {key!r}")
    for name, fld in fields.items():
        required = fld.default is dataclasses.MISSING and fld.default_factory is dataclasses.MISSING
        if required and name not in values:
            raise reader.fail(path, f"{label}: missing parameter {name!r}")
    return cls(**values)


def _coerce(annotation: str, value, path: str, reader, label: str):
    kind = annotation.replace(" | None", "")
    if value is None and "None" in annotation:
        return None
    if kind == "Destination":
        if not isinstance(value, dict):
            raise reader.fail(path, f"{label} must be a mapping (service, namespace, subset, labels)")
        return _decode(Destination, value, path, reader, label)
    if kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "str" and isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value)
    if kind.startswith("dict") and isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    raise reader.fail(path, f"{label} must be of type {kind}")


def _validate(params, path: str, reader, ident: str) -> None:
    for name, allowed in _ENUMS.items():
        value = getattr(params, name, None)
        if value is not None and value not in allowed:
            raise reader.fail(f"{path}.{name}", f"check {ident!r}: {name} must be one of {', '.join(allowed)}")
    bounded = [getattr(params, n) for n in ("min", "max", "min_ms", "max_ms", "share") if hasattr(params, n)]
    if hasattr(params, "stream") and not any(v is not None for v in bounded) and not isinstance(params, UnaffectedParams):
        raise reader.fail(path, f"check {ident!r}: give min and/or max (or share with tolerance)")
    for name in ("min", "max", "share", "tolerance"):
        value = getattr(params, name, None)
        if value is not None and not isinstance(params, AttemptsParams) and not 0.0 <= value <= 1.0:
            raise reader.fail(f"{path}.{name}", f"check {ident!r}: {name} is a fraction from 0 to 1 (0.1 = 10%)")
    if isinstance(params, FindingParams) and params.code is None and params.level is None:
        raise reader.fail(path, f"check {ident!r}: give a finding code and/or level")
