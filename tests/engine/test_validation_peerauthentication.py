"""PeerAuthentication rules (istio validation_test.go TestValidatePeerAuthentication and the
CRD's CEL rules). The webhook checks almost nothing: never the name, never STRICT vs sidecars."""

import textwrap

import pytest

from engine.config import load_config_text
from engine.resources import Resource
from engine.resources.decoder import Decoder
from engine.resources.security import PeerAuthentication
from engine.validation import validate

ERR, WARN = "IST0106 Schema validation error: ", "IST0133 Schema validation warning: "


def findings(spec: str, name: str = "default", namespace: str = "foo") -> list[str]:
    text = (f"apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {{name: {name}, "
            f"namespace: {namespace}}}\nspec:\n" + textwrap.indent(textwrap.dedent(spec), "  "))
    return sorted(f"{d.code} {d.message}" for d in load_config_text(text, "pa.yaml").diagnostics)


def webhook_only(spec: dict) -> list[str]:
    """The webhook's verdict alone (what istioctl analyze reports: it does not run the CRD's CEL)."""
    decoded = Decoder().decode_object(PeerAuthentication, spec, ("spec",))
    res = Resource("security.istio.io/v1", "PeerAuthentication", "default", "foo", {}, {}, decoded, "pa.yaml", 1, 0)
    return sorted(f"{d.code} {d.message}" for d in validate(res))


def test_portlevel_mtls_without_selector_is_rejected_by_the_api_server_and_the_webhook():
    # Both verdicts: kubectl apply shows the CEL one; istioctl analyze (no CRD schema) the webhook's.
    assert findings("portLevelMtls: {'8080': {mode: DISABLE}}") == [
        f"{ERR}mesh/namespace peer authentication cannot have port level mTLS",
        'MD0024 spec: Invalid value: "object": portLevelMtls requires selector']
    assert webhook_only({"portLevelMtls": {"8080": {"mode": "DISABLE"}}}) == [
        f"{ERR}mesh/namespace peer authentication cannot have port level mTLS"]


REJECTED = [
    ("selector: {matchLabels: {app: a}}\nportLevelMtls: {'0': {mode: STRICT}}",
     ['MD0024 spec.portLevelMtls: Invalid value: "object": port must be between 1-65535',
      f"{ERR}port must be in range 1..65535"]),
    ("selector: {matchLabels: {app: a}}\nportLevelMtls: {}",
     ["MD0024 spec.portLevelMtls: Invalid value: 0: spec.portLevelMtls in body should have at least 1 properties"]),
    ("selector: {matchLabels: {'': a}}\nmtls: {mode: STRICT}", [f'{ERR}empty key is not supported in selector: "=a"']),
    ("selector: {matchLabels: {app: '*'}}", [f'{ERR}wildcard is not supported in selector: "app=*"']),
    ("selector: {}\nmtls: {mode: STRICT}", [f"{WARN}workload selector specified without labels"]),
    ("mtls: {mode: STRICTT}", ['MD0022 spec.mtls.mode: Unsupported value: "STRICTT": supported values: "UNSET", '
                               '"DISABLE", "PERMISSIVE", "STRICT" (did you mean "STRICT"?)']),
]


@pytest.mark.parametrize("spec,expected", REJECTED)
def test_rejected(spec, expected):
    assert findings(spec) == sorted(expected)


def test_webhook_port_range():
    spec = {"selector": {"matchLabels": {"app": "a"}}, "portLevelMtls": {"70000": {"mode": "STRICT"}}}
    assert webhook_only(spec) == [f"{ERR}port must be in range 1..65535"]


@pytest.mark.parametrize("spec,name,namespace", [
    ("mtls: {mode: STRICT}", "default", "istio-system"),
    ("mtls: {mode: STRICT}", "mesh-wide-strict", "istio-system"),    # the name `default` is only a convention
    ("mtls: {mode: PERMISSIVE}", "anything", "legacy"),
    ("{}", "empty", "foo"),
    ("selector: {matchLabels: {app: payments}}\nmtls: {mode: STRICT}\nportLevelMtls: {'8080': {mode: DISABLE}}",
     "payments", "foo"),
])
def test_accepted(spec, name, namespace):
    assert findings(spec, name, namespace) == []
