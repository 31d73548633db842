"""Schema-layer additions: the CRDs' CEL rules (engine/resources/cel.py) and types the API
server enforces (label values are strings). Reported as MD codes at layer `schema`."""

import textwrap

from engine.config import load_config_text


def problems(text: str) -> list[tuple[str, str, str]]:
    cs = load_config_text(textwrap.dedent(text), "c.yaml")
    return [(d.code, d.layer, d.message) for d in cs.diagnostics]


def test_portlevel_mtls_requires_a_selector_and_valid_ports():
    assert problems("""\
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default}
        spec:
          mtls: {mode: STRICT}
          portLevelMtls: {"8080": {mode: DISABLE}, "99999": {mode: DISABLE}}
        """) == [("MD0024", "schema", 'spec: Invalid value: "object": portLevelMtls requires selector'),
                 ("MD0024", "schema", 'spec.portLevelMtls: Invalid value: "object": port must be between 1-65535'),
                 # istioctl analyze's view (it skips the CRD schema): the webhook's errors too
                 ("IST0106", "webhook", "Schema validation error: mesh/namespace peer authentication cannot have "
                                        "port level mTLS"),
                 ("IST0106", "webhook", "Schema validation error: port must be in range 1..65535")]


def test_label_values_must_be_strings():
    assert problems("""\
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: r}
        spec:
          host: r
          subsets: [{name: v1, labels: {version: 1}}]
        """) == [("MD0021", "schema", 'spec.subsets[0].labels.version: Invalid value: "integer": '
                                      'spec.subsets[0].labels.version in body must be of type string: "integer"')]


def test_a_valid_object_passes_every_rule():
    assert problems("""\
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: httpbin}
        spec:
          hosts: [httpbin.org]
          ports: [{number: 80, name: http, protocol: HTTP}]
          resolution: DNS
        """) == []
