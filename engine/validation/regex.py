"""RE2 regex checks with Istio's wording (validation.go validateStringRegexp).

Istio compiles with Go's `regexp` (RE2 syntax); Envoy runs Google RE2. We compile with
google-re2 (`import re2`) and translate its error into Go's `error parsing regexp: <code>:
`+"`<expr>`"+` form. Results are cached: the same patterns recur across thousands of objects.
"""

from __future__ import annotations

from functools import lru_cache

import re2

MAX_LENGTH = 1024
_SUFFIX = "; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)"

# RE2 C++ error text -> Go regexp/syntax ErrorCode text.
_GO_CODES = {
    "missing )": "missing closing )",
    "missing ]": "missing closing ]",
    "no argument for repetition operator": "missing argument to repetition operator",
    "bad repetition operator": "invalid nested repetition operator",
    "invalid repetition size": "invalid repeat count",
    "invalid perl operator": "invalid or unsupported Perl syntax",
    "invalid named capture group": "invalid named capture",
    "trailing \\": "trailing backslash at end of expression",
}

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False   # RE2 would otherwise log every bad pattern to stderr


@lru_cache(maxsize=8192)
def compile_error(pattern: str) -> str | None:
    """Go-style `error parsing regexp: ...` for an invalid RE2 pattern, else None."""
    try:
        re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        raw = exc.args[0].decode(errors="replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        code, _, expr = raw.partition(": ")
        if code in ("trailing \\",) or raw == "trailing \\":
            return "error parsing regexp: trailing backslash at end of expression: ``"
        return f"error parsing regexp: {_GO_CODES.get(code, code)}: `{expr}`"
    except Exception as exc:  # e.g. encoding problems: still a rejection, never a crash
        return f"error parsing regexp: {exc}"
    return None


def check(pattern: str, where: str) -> str | None:
    """validateStringRegexp: length limit, then RE2 syntax."""
    if len(pattern.encode()) > MAX_LENGTH:
        return f'"{where}": regex is too large, max length allowed is {MAX_LENGTH}'
    problem = compile_error(pattern)
    return f'"{where}": {problem}{_SUFFIX}' if problem else None
