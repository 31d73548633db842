"""Admission (engine/config.py + engine/resources/decoding.py): what kubectl apply keeps, and the
webhook's verdict on objects the API server refused for value rules or a missing required field
(istioctl analyze does not run the CRD schema, so it shows Istio's message for them)."""

import textwrap

from engine.analysis import analyze
from engine.config import load_config_text

PA_WITHOUT_SELECTOR = textwrap.dedent("""\
    apiVersion: security.istio.io/v1
    kind: PeerAuthentication
    metadata: {name: default, namespace: foo}
    spec:
      portLevelMtls: {'8080': {mode: DISABLE}}
    """)


def test_a_cel_failure_also_gets_the_webhook_verdict_and_stays_out_of_the_cluster():
    cs = load_config_text(PA_WITHOUT_SELECTOR, "pa.yaml")
    assert [(d.code, d.layer, d.message) for d in cs.rejected] == [
        ("MD0024", "schema", 'spec: Invalid value: "object": portLevelMtls requires selector'),
        ("IST0106", "webhook", "Schema validation error: mesh/namespace peer authentication cannot have port level mTLS")]
    assert cs.resources == []
    assert [r.ref for r in cs.webhook_rejected] == ["PeerAuthentication foo/default"]


def test_analyze_prints_each_verdict_once():
    lines = [d.render() for d in analyze(load_config_text(PA_WITHOUT_SELECTOR, "pa.yaml"))]
    assert len(lines) == len(set(lines))
    assert sum("cannot have port level mTLS" in line for line in lines) == 1
    assert sum("portLevelMtls requires selector" in line for line in lines) == 1


def test_a_missing_required_field_reads_as_go_zero_value_for_the_webhook():
    cs = load_config_text(textwrap.dedent("""\
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: gw}
        spec:
          servers: [{hosts: [foo.bar.com], port: {number: 80, protocol: HTTP}}]
        """), "gw.yaml")
    assert sorted(d.code for d in cs.rejected) == ["IST0106", "MD0023"]
    assert any("port name" in d.message for d in cs.rejected if d.code == "IST0106")
    assert cs.resources == []


def test_type_and_unknown_field_errors_do_not_reach_the_webhook():
    cs = load_config_text(textwrap.dedent("""\
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: vs}
        spec:
          hosts: [a]
          htp: []
          http: [{route: [{destination: {host: a}, weight: heavy}]}]
        """), "vs.yaml")
    assert {d.code for d in cs.rejected} == {"MD0020", "MD0021"}
    assert cs.webhook_rejected == []


def test_a_nameless_meshdrill_object_is_referred_to_by_its_kind():
    cs = load_config_text("apiVersion: meshdrill/v1\nkind: Traffic\nspec: {}\n", "m.yaml")
    assert [r.ref for r in cs.resources] == ["Traffic"]


def test_a_nameless_meshdrill_object_with_a_schema_problem_is_named_by_its_kind():
    cs = load_config_text("apiVersion: meshdrill/v1\nkind: Traffic\nspec: {bogus: 1}\n", "m.yaml")
    assert [d.origin for d in cs.rejected] == ["Traffic"]
