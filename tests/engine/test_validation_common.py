"""Shared checks: durations to ms precision, Go's float formatting, labels, exportTo, RE2."""

import pytest

from engine.resources.schema import parse_duration
from engine.validation import common, regex


@pytest.mark.parametrize("text,expected", [
    ("1ms", None), ("1.5s", None), ("0.001s", None), ("2h", None),
    ("1500us", "only durations to ms precision are supported"),
    ("1.5ms", "only durations to ms precision are supported"),
])
def test_duration_precision(text, expected):
    assert common.duration(parse_duration(text)) == expected


@pytest.mark.parametrize("value,text", [(101.0, "101"), (0.5, "0.5"), (1e-05, "1e-05"), (1e6, "1e+06"),
                                        (123456.0, "123456"), (-1.0, "-1"), (150.5, "150.5")])
def test_go_float(value, text):
    assert common.go_float(value) == text


def test_labels():
    assert common.labels({"app": "a", "example.com/tier": "web", "empty": ""}) == []
    assert common.labels({"-bad": "x", "ok": "bad value"}) == ['invalid tag key: "-bad"', 'invalid tag value: "bad value"']


@pytest.mark.parametrize("entries,expected", [
    ((".",), []), (("*",), []), (("ns1", "ns2"), []),
    (("~",), ["exportTo ~ (none) is not allowed for Istio configuration objects"]),
    (("a", "a"), ["duplicate entries in exportTo for entry a"]),
    (("Bad_Ns",), ["only .,*, or a valid DNS 1123 label is allowed as exportTo entry"]),
])
def test_export_to(entries, expected):
    assert common.export_to("default", entries) == expected


@pytest.mark.parametrize("pattern,problem", [
    ("^/api/v[0-9]+/.*$", None),
    ("(?i)abc", None),
    ("(abc", "error parsing regexp: missing closing ): `(abc`"),
    ("a**", "error parsing regexp: invalid nested repetition operator: `**`"),
    ("*a", "error parsing regexp: missing argument to repetition operator: `*`"),
    (r"(a)\1", r"error parsing regexp: invalid escape sequence: `\1`"),
    ("a{2,1}", "error parsing regexp: invalid repeat count: `{2,1}`"),
    ("[z-a]", "error parsing regexp: invalid character class range: `z-a`"),
    ("x\\", "error parsing regexp: trailing backslash at end of expression: ``"),
])
def test_re2_errors_in_go_wording(pattern, problem):
    assert regex.compile_error(pattern) == problem
