"""Loading YAML: positions, limits, syntax errors (DESIGN: every problem carries file:line)."""

import string

import pytest
from hypothesis import given, strategies as st

from engine.errors import EngineError
from engine.loading import Limits, load_paths, load_text

VS = """apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: 90
    - destination: {host: reviews, subset: v2}
      weight: 10
"""


def test_every_field_keeps_its_line():
    doc = load_text(VS, "vs.yaml").documents[0]
    assert doc.line_of("spec.http[0].route[1].weight") == 12
    assert doc.line_of("spec.http[0].route[0].destination.subset") == 9
    assert doc.line_of("spec.http[0].route[7].weight") == 8  # falls back to the nearest known ancestor


def test_multi_document_and_empty_documents():
    result = load_text("---\n" + VS + "---\n---\n" + VS, "two.yaml")
    assert [d.line for d in result.documents] == [2, 16]
    assert result.diagnostics == []


def test_syntax_error_is_one_line_with_file_line_and_column():
    result = load_text("spec:\n  hosts: [a\n  http: x\n", "bad.yaml")
    (diag,) = result.diagnostics
    assert diag.code == "MD0001" and diag.file == "bad.yaml" and diag.line == 3
    assert "column" in diag.message and "\n" not in diag.message


def test_billion_laughs_fails_fast_without_expanding():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 12):
        prev, cur = string.ascii_lowercase[i - 1], string.ascii_lowercase[i]
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    result = load_text("\n".join(lines), "lol.yaml")
    (diag,) = result.diagnostics
    assert diag.code == "MD0002" and "billion-laughs" in diag.message
    assert result.documents == []


def test_recursive_alias_and_deep_nesting_are_refused():
    assert load_text("a: &x [*x]", "r.yaml").diagnostics[0].message == "recursive YAML alias"
    deep = "a: " + "[" * 100 + "]" * 100
    assert "nested deeper" in load_text(deep, "d.yaml", limits=Limits(max_depth=64)).diagnostics[0].message


def test_duplicate_key_names_both_lines():
    (diag,) = load_text("spec:\n  host: a\n  host: b\n", "dup.yaml").diagnostics
    assert diag.line == 3 and 'mapping key "host" already defined at line 2' == diag.message


def test_merge_keys_are_honoured():
    doc = load_text("base: &b {x: 1, y: 2}\nobj:\n  <<: *b\n  y: 3\n", "m.yaml").documents[0]
    assert doc.data["obj"] == {"x": 1, "y": 3}


def test_timestamps_stay_strings_like_kubectl():
    assert load_text("d: 2027-03-01\n", "t.yaml").documents[0].data == {"d": "2027-03-01"}


def test_folders_recursive_and_stdin(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.yaml").write_text(VS)
    (tmp_path / "b.yml").write_text(VS)
    (tmp_path / "ignored.txt").write_text("not: yaml: [")
    import io
    result = load_paths([str(tmp_path), "-"], stdin=io.StringIO(VS))
    assert sorted(d.file.rsplit("/", 1)[-1] for d in result.documents) == ["<stdin>", "a.yaml", "b.yml"]


def test_missing_file_and_size_limit(tmp_path):
    with pytest.raises(EngineError, match="no such file"):
        load_paths([str(tmp_path / "nope.yaml")])
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 2000)
    with pytest.raises(EngineError, match="larger than the limit"):
        load_paths([str(big)], limits=Limits(max_bytes=1000))


def test_non_utf8_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "latin.yaml"
    bad.write_bytes(b"a: 1\nb: caf\xe9\n")
    with pytest.raises(EngineError) as err:
        load_paths([str(bad)])
    assert err.value.line == 2 and "UTF-8" in str(err.value)


@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(text):
    result = load_text(text, "fuzz.yaml")
    assert all(d.file == "fuzz.yaml" for d in result.diagnostics)


@given(st.text(alphabet=" \n-:[]{}&*!|>'\"#%@`abc01,?", max_size=200))
def test_yaml_punctuation_soup_never_raises(text):
    load_text(text, "soup.yaml")
