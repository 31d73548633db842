"""The webhook registry and the checks Istio runs on every object's metadata
(validation.go validateMetadata)."""

import importlib
import textwrap

from engine.config import load_config_text
from engine.validation import VALIDATORS


def test_registry_is_explicit_sorted_and_complete():
    assert list(VALIDATORS) == sorted(VALIDATORS)
    for kind, module in VALIDATORS.items():
        assert callable(importlib.import_module(f"engine.validation.{module}").validate), kind
    assert {"VirtualService", "DestinationRule", "Gateway", "ServiceEntry", "Sidecar", "PeerAuthentication",
            "AuthorizationPolicy", "RequestAuthentication", "Topology", "Traffic"} <= set(VALIDATORS)


def _load(kind: str, api: str, annotations: str, spec: str):
    text = textwrap.dedent(f"""\
        apiVersion: {api}
        kind: {kind}
        metadata:
          name: x
          namespace: ns
          annotations: {annotations}
        spec: {spec}
        """)
    return [d.message for d in load_config_text(text, "m.yaml").diagnostics]


def test_dry_run_annotation_only_on_authorization_policies():
    vs = "{hosts: [a.b], http: [{route: [{destination: {host: a.b, subset: 'bad.subset'}}]}]}"
    # validateMetadata returns early: the spec's own error is not reported
    assert _load("VirtualService", "networking.istio.io/v1", "{istio.io/dry-run: 'true'}", vs) == [
        "Schema validation error: ns/x has unsupported annotation istio.io/dry-run, please remove the annotation"]
    assert _load("AuthorizationPolicy", "security.istio.io/v1", "{istio.io/dry-run: 'true'}",
                 "{action: DENY, rules: [{}]}") == []
    assert _load("AuthorizationPolicy", "security.istio.io/v1", "{istio.io/dry-run: 'maybe'}", "{rules: [{}]}") == [
        'Schema validation error: ns/x has annotation istio.io/dry-run with invalid value (maybe): '
        'strconv.ParseBool: parsing "maybe": invalid syntax']


def test_internal_annotations_are_refused():
    assert _load("Gateway", "networking.istio.io/v1", "{internal.istio.io/parents: a}",
                 "{servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ['*']}]}") == [
        'Schema validation error: "internal.istio.io/parents" annotation found, this may not be set by users']
