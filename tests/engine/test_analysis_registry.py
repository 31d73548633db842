"""Meta-tests: the registry, the message table and the tests agree with each other."""

import ast
import re
from pathlib import Path

from engine import messages
from engine.analysis import analyze
from engine.analysis.analyzers import ANALYZERS
from engine.config import load_config_text

ENGINE = Path(__file__).resolve().parents[2] / "engine"
TESTS = sorted(Path(__file__).parent.glob("test_analysis_*.py"))


def test_registry_is_sorted_unique_and_described():
    names = [a.name for a in ANALYZERS]
    assert names == sorted(names) and len(set(names)) == len(names)
    for analyzer in ANALYZERS:
        assert analyzer.name and analyzer.description.strip(), analyzer.module
        assert analyzer.name.startswith("meshdrill.") or "." in analyzer.name


def test_every_analyzer_module_is_registered():
    modules = {p.stem for p in (ENGINE / "analysis" / "analyzers").glob("*.py") if p.stem != "__init__"}
    assert modules == {a.module.rsplit(".", 1)[1] for a in ANALYZERS}


def test_every_analyzer_has_test_rows():
    text = "\n".join(p.read_text() for p in TESTS if p.name != Path(__file__).name)
    for analyzer in ANALYZERS:
        assert f'"{analyzer.name}"' in text, f"no test row runs {analyzer.name}"


def _codes_used(path: Path) -> set[str]:
    """Every code literal passed to report/hint/make in a module."""
    tree = ast.parse(path.read_text())
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and re.fullmatch(r"(IST|MD)\d{4}", node.value)}


def test_codes_exist_are_unique_and_never_retired():
    assert not (set(messages.MESSAGES) & messages.RETIRED)
    for path in (ENGINE / "analysis").rglob("*.py"):
        for code in _codes_used(path):
            assert code in messages.MESSAGES, (path.name, code)
            assert code not in messages.RETIRED, (path.name, code)


def test_istio_analyzers_emit_ist_codes_and_hints_md_codes():
    for path in (ENGINE / "analysis" / "analyzers").glob("*.py"):
        codes = _codes_used(path)
        if path.stem.startswith("hint_"):
            assert codes and all(c.startswith("MD") for c in codes), path.name
        elif path.stem != "__init__":
            assert codes and all(c.startswith("IST") for c in codes), path.name


def test_no_finding_where_istio_reports_nothing():
    """analyzers.md §6 "Surprises": duplicate DRs, weights not summing to 100, a PeerAuthentication not named
    `default`, STRICT with no sidecar-less workload: nothing at all."""
    text = """apiVersion: v1
kind: Service
metadata: {name: reviews}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v1}
spec:
  selector: {matchLabels: {app: reviews}}
  template:
    metadata: {labels: {app: reviews, version: v1}, annotations: {sidecar.istio.io/inject: "true"}}
    spec: {containers: [{name: reviews, image: reviews}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: default, labels: {istio-injection: enabled}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews-a}
spec: {host: reviews, subsets: [{name: v1, labels: {version: v1}}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews-b}
spec: {host: reviews, subsets: [{name: v1, labels: {version: v1}}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: 30
    - destination: {host: reviews, subset: v1}
      weight: 30
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: strict-everything}
spec: {mtls: {mode: STRICT}}
"""
    assert [d.render() for d in analyze(load_config_text(text, "t.yaml"))] == []


def test_webhook_rejected_objects_are_analyzed_too():
    """istioctl analyze reads objects the webhook would refuse and still runs every analyzer on them."""
    from engine.config import ConfigSet

    (vs,) = load_config_text(
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r}\nspec:\n  hosts: [r]\n"
        "  http:\n  - route:\n    - destination: {host: nowhere}\n", "vs.yaml").resources
    found = analyze(ConfigSet(webhook_rejected=[vs]))
    assert [d.render() for d in found] == [
        'Error [IST0101] (VirtualService default/r vs.yaml:8) Referenced host not found: "nowhere"']


def test_admission_diagnostics_are_part_of_the_list_in_istioctl_order():
    text = ("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r}\nspec:\n  hosts: [r]\n"
            "  htp: []\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: s}\n"
            "spec:\n  hosts: [s]\n  http:\n  - route:\n    - destination: {host: nowhere}\n")
    assert [d.code for d in analyze(load_config_text(text, "t.yaml"))] == ["IST0101", "MD0020"]


def test_message_table_declares_each_code_once():
    """MESSAGES is built with dict(): a second row for a code would silently replace the first."""
    source = (ENGINE / "messages.py").read_text()
    codes = re.findall(r'_m\("((?:IST|MD)\d{4})"', source)
    assert len(codes) == len(set(codes)) == len(messages.MESSAGES)
    for code, message in messages.MESSAGES.items():
        assert message.code == code and message.name and message.template and message.description
