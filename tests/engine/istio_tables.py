"""Shared harness for the Istio validation tables (tests/engine/test_validation_istio_*.py).

Each table re-expresses Istio's own validation tests as YAML in -> diagnostics out: one row per case
of istio/istio `pkg/config/validation/validation_test.go`, `virtualservice_test.go`,
`agent/validation_test.go`, `pkg/config/security/security_test.go` and the `testdata/crds` files,
named `<IstioTest>/<case name>`. Go structs become the object's YAML (proto field names in
camelCase), wrapped in the smallest object that carries them (a sub-message test gets a
VirtualService / DestinationRule / Gateway around it). Istio's tests use name `foo`, namespace `bar`.

Expectations, as istioctl analyze and kubectl apply would show them together:
- OK: no Error at any layer (the sub-message tests do not look at warnings);
- CLEAN: no Error and no webhook warning (Istio's checkValidation with `warning: false`);
- bad("text"): some Error whose message contains Istio's error text (any Error when no text);
- warn("text"): admitted, with a webhook warning containing the text (IST0133, or IST0130/IST0131
  for the unreachable-rule warnings that ValidateVirtualService returns as warnings).
Where our layer-2 schema refuses first (a CEL rule, a duration under 1ms), the object is still
an Error, as on a cluster.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import pytest

from engine.config import load_config_text
from engine.diagnostics import Level


@dataclass(frozen=True)
class Expect:
    valid: bool
    text: str = ""
    warning: bool = False
    clean: bool = False      # no webhook warning either


OK = Expect(True)
CLEAN = Expect(True, clean=True)
WARNINGS = ("IST0133", "IST0130", "IST0131")


def bad(text: str = "") -> Expect:
    return Expect(False, text)


def warn(text: str) -> Expect:
    return Expect(True, text, warning=True)


@dataclass
class Table:
    """The rows of one test module; a name used twice is a mistake in the table, caught at import."""

    rows: dict[str, tuple[str, Expect]] = field(default_factory=dict)

    def case(self, test: str, name: str, text: str, expect: Expect) -> None:
        key = f"{test}/{name}"
        if key in self.rows:
            raise ValueError(f"row {key!r} appears twice")
        self.rows[key] = (text, expect)

    def params(self) -> list:
        return [pytest.param(text, expect, id=key) for key, (text, expect) in self.rows.items()]


def _render(diags) -> str:
    return "\n".join(f"{d.level} {d.code} {d.message}" for d in diags) or "(nothing)"


def check(text: str, expect: Expect) -> None:
    diags = load_config_text(text, "istio.yaml").diagnostics
    errors = [d for d in diags if d.level == Level.ERROR]
    if not expect.valid:
        assert errors, f"expected an Error, got:\n{_render(diags)}"
        assert any(expect.text in d.message for d in errors), f"no Error mentions {expect.text!r}:\n{_render(diags)}"
        return
    assert not errors, f"expected no Error, got:\n{_render(diags)}"
    warnings = [d for d in diags if d.code in WARNINGS]
    if expect.clean:
        assert not warnings, f"expected no warning, got:\n{_render(diags)}"
    if expect.warning:
        assert any(expect.text in d.message for d in warnings), \
            f"no webhook warning mentions {expect.text!r}:\n{_render(diags)}"


# ---- YAML wrappers -------------------------------------------------------------------------------
_GROUP = {"VirtualService": "networking.istio.io/v1", "DestinationRule": "networking.istio.io/v1",
          "Gateway": "networking.istio.io/v1", "ServiceEntry": "networking.istio.io/v1",
          "Sidecar": "networking.istio.io/v1", "AuthorizationPolicy": "security.istio.io/v1",
          "PeerAuthentication": "security.istio.io/v1", "RequestAuthentication": "security.istio.io/v1"}


def obj(kind: str, spec: str, name: str = "foo", namespace: str = "bar") -> str:
    return (f"apiVersion: {_GROUP[kind]}\nkind: {kind}\nmetadata: {{name: {name}, namespace: {namespace}}}\n"
            "spec:\n" + textwrap.indent(textwrap.dedent(spec).strip("\n"), "  ") + "\n")


def crd(kind: str, spec: str | None, name: str, api: str = "") -> str:
    """An object as Istio's testdata/crds files write it (namespace default; `None`: no spec at all)."""
    text = obj(kind, spec if spec is not None else "{}", name=name, namespace="default")
    if spec is None:
        text = text[:text.index("spec:")]
    return text.replace(_GROUP[kind], api) if api else text


ROUTE = "route: [{destination: {host: foo.bar}}]"
BAZ = "http: [{route: [{destination: {host: foo.baz}}]}]"
SOUTH_EAST = "route: [{destination: {host: foo.baz.south}, weight: %d}, {destination: {host: foo.baz.east}, weight: %d}]"
ONE_PORT = "ports: [{number: 80, protocol: http, name: http-valid1}]"
RATINGS = "host: ratings.prod.svc.cluster.local\ntrafficPolicy: "


def http(fields: str, *, route: bool = True) -> str:
    """A VirtualService around one HTTP route with these fields (plus a route unless told not to)."""
    body = f"{fields}, {ROUTE}" if route and fields else (fields or ROUTE)
    return obj("VirtualService", f"hosts: [foo.bar]\nhttp: [{{{body}}}]")


def route(body: str) -> str:
    """A VirtualService around one HTTP route given whole."""
    return obj("VirtualService", "hosts: [foo.bar]\nhttp: [{%s}]" % body)


def dr(spec: str, **kw) -> str:
    return obj("DestinationRule", spec, **kw)


def policy(fields: str) -> str:
    """A DestinationRule whose trafficPolicy has these fields (TestValidateTrafficPolicy & co)."""
    return dr(f"host: reviews\ntrafficPolicy: {{{fields}}}")


def gateway(server: str) -> str:
    return obj("Gateway", f"servers: [{server}]")


def se(spec: str) -> str:
    return obj("ServiceEntry", spec)
