"""simulate(): YAML in, the JSON contract out, through mesh + routing + execution."""

import math

import pytest

from engine.config import load_config_text
from engine.errors import EngineError
from engine.simulation.run import simulate

TOPOLOGY = """
apiVersion: meshdrill/v1
kind: Topology
spec:
  namespaces: [{name: default, injection: true}, {name: legacy, injection: false}]
  services:
    - name: reviews
      namespace: default
      ports: [{name: http, port: 9080, targetPort: 9080}]
      workloads:
        - {labels: {app: reviews, version: v1}, replicas: 2}
        - {labels: {app: reviews, version: v2}, replicas: 1}
  clients:
    - {name: productpage, namespace: default, labels: {app: productpage}}
    - {name: sleep, namespace: legacy, labels: {app: sleep}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
  subsets:
    - {name: v1, labels: {version: v1}}
    - {name: v2, labels: {version: v2}}
"""

SPLIT = """
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http:
    - route:
        - {destination: {host: reviews, subset: v1}, weight: 90}
        - {destination: {host: reviews, subset: v2}, weight: 10}
"""


def traffic(streams: str, backends: str = "[]", seed: str = "seed: 7") -> str:
    return f"""
---
apiVersion: meshdrill/v1
kind: Traffic
spec:
  {seed}
  backends: {backends}
  streams:
{streams}
"""


def run(text: str, **kw):
    return simulate(load_config_text(text, "mesh.yaml"), **kw)


def stream(text: str, **kw):
    return run(text, **kw).streams[0]


PP = '    - {from: default/productpage, to: "reviews:9080", requests: 10000}'


def test_a_90_10_virtualservice_splits_traffic_and_reports_exact_expected_shares():
    s = stream(TOPOLOGY + SPLIT + traffic(PP))
    v2 = next(d for d in s.destinations if d.subset == "v2")
    assert abs(v2.share - 0.1) < 4 * math.sqrt(0.09 / 10_000)
    assert sorted((e.subset, e.share) for e in s.expected) == [("v1", 0.9), ("v2", 0.1)]
    assert s.status == {"200": 10_000} and s.tls["mtls"] == 10_000
    assert (s.index, s.from_, s.to, s.requests) == (0, "default/productpage", "reviews:9080", 10_000)


def test_the_seed_comes_from_the_traffic_unless_given_and_fixes_the_result():
    text = TOPOLOGY + SPLIT + traffic(PP)
    assert run(text).to_dict() == run(text, seed=7).to_dict()
    assert run(text).to_dict() != run(text, seed=8).to_dict()
    assert run(TOPOLOGY + SPLIT + traffic(PP, seed="")).to_dict() == run(text, seed=1).to_dict()


def test_each_stream_has_its_own_generator_so_earlier_streams_do_not_shift_later_ones():
    one = stream(TOPOLOGY + SPLIT + traffic(PP))
    two = run(TOPOLOGY + SPLIT + traffic(PP + "\n" + PP.replace("10000", "5")))
    assert two.streams[0].to_dict() == one.to_dict() and two.streams[1].requests == 5


def test_the_default_retry_policy_does_not_retry_an_upstream_503():  # istio-semantics §12.6
    bad = "[{namespace: default, selector: {version: v2}, errorRate: 1.0, errorStatus: 503}]"
    s = stream(TOPOLOGY + SPLIT + traffic(PP, bad))
    assert s.attempts.max == 1 and "URX" not in s.flags


def test_retries_on_5xx_from_the_virtualservice_are_used():
    vs = SPLIT + "      retries: {attempts: 3, retryOn: 5xx}\n"
    bad = "[{namespace: default, selector: {version: v2}, errorRate: 0.5, errorStatus: 503}]"
    s = stream(TOPOLOGY + vs + traffic(PP, bad))
    assert s.attempts.max == 4 and 0 < s.flags["URX"] < 150      # 10% x 0.5^4 = 62.5 expected


def test_a_sidecar_less_client_bypasses_the_virtualservice():  # istio-semantics §0.3, §12.20
    s = stream(TOPOLOGY + SPLIT + traffic('    - {from: legacy/sleep, to: "reviews.default:9080", requests: 3000}'))
    v2 = sum(d.share for d in s.destinations if d.labels["version"] == "v2")
    assert abs(v2 - 1 / 3) < 4 * math.sqrt(2 / 9 / 3000) and s.tls["plaintext"] == 3000


def test_rejected_objects_are_reported_and_take_no_part():
    broken = SPLIT.replace("weight: 10}", "weight: -10}")
    result = run(TOPOLOGY + broken + traffic(PP))
    assert result.rejected and result.rejected[0].origin == "VirtualService default/reviews"
    expected = {e.labels["version"]: e.share for e in result.streams[0].expected}
    assert expected == {"v1": 0.666667, "v2": 0.333333}      # the plain service: 2 v1 pods, 1 v2 pod


def test_explain_keeps_the_trace_of_request_n():
    s = stream(TOPOLOGY + SPLIT + traffic(PP), explain=42)
    trace = s.traces[42]
    stages = [step.stage for step in trace.steps]
    assert stages[0] == "sender" and "weight" in stages and stages[-1] == "result"
    assert trace.status == 200 and "reviews" in trace.destination
    assert "traces" not in s.to_dict()


def test_rate_and_concurrency_are_read_from_the_stream():
    s = stream(TOPOLOGY + SPLIT + traffic(
        '    - {from: default/productpage, to: "reviews:9080", requests: 50, concurrency: 5, rate: 100}'))
    assert sum(s.status.values()) == 50


def test_a_stream_without_a_request_count_sends_100():
    s = stream(TOPOLOGY + SPLIT + traffic('    - {from: default/productpage, to: "reviews:9080"}'))
    assert s.requests == 100


def test_a_rate_that_is_not_a_number_or_max_is_rejected_with_its_line():
    text = TOPOLOGY + SPLIT + traffic('    - {from: default/productpage, to: "reviews:9080", rate: fast}')
    result = run(text)
    assert result.streams == [] and result.rejected[0].path == "spec.streams[0].rate"


def test_load_of_refuses_a_bad_rate_even_if_validation_let_it_through():
    from engine.resources.meshdrill import Stream
    from engine.simulation.run import load_of

    assert load_of(Stream(from_="a", to="b", rate="max")).rate is None
    assert load_of(Stream(from_="a", to="b", rate=50, concurrency=4)).concurrency == 4
    with pytest.raises(EngineError) as err:
        load_of(Stream(from_="a", to="b", rate=0), "mesh.yaml:12")
    assert str(err.value).startswith("mesh.yaml:12: rate must be")


def test_no_traffic_means_no_streams():
    assert run(TOPOLOGY).streams == []


def test_findings_are_the_analysis_without_repeating_the_rejections():
    broken = SPLIT.replace("weight: 10}", "weight: -10}")
    result = run(TOPOLOGY + broken + traffic(PP))
    assert not set(result.findings) & set(result.rejected)
    assert all(d.layer == "analysis" or not d.rejects for d in result.findings)


# --- resilience and backend behaviour, from YAML (istio-semantics §3.7-3.9, §4.5-4.6) ----------------

PLAIN = '    - {from: default/productpage, to: "reviews:9080", requests: %d%s}'


def vs(extra: str) -> str:
    return f"""
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: reviews, namespace: default}}
spec:
  hosts: [reviews]
  http:
    - route: [{{destination: {{host: reviews}}}}]
{extra}"""


def test_a_virtualservice_timeout_shorter_than_the_backend_gives_504_ut():
    slow = "[{namespace: default, selector: {app: reviews}, latency: 2s}]"
    s = stream(TOPOLOGY + vs("      timeout: 1s\n") + traffic(PLAIN % (20, ""), slow))
    assert s.status == {"504": 20} and s.flags == {"UT": 20} and s.latency_ms["p50"] == 1000.0


def test_an_injected_abort_is_not_retried_even_with_retries_on_5xx():
    fault = "      fault: {abort: {httpStatus: 503, percentage: {value: 100}}}\n      retries: {attempts: 3, retryOn: 5xx}\n"
    s = stream(TOPOLOGY + vs(fault) + traffic(PLAIN % (20, "")))
    assert s.status == {"503": 20} and s.flags == {"FI": 20} and s.attempts.total == 0


def test_a_down_pod_is_retried_elsewhere_and_ejected_after_5_connect_failures():
    dr = TOPOLOGY.replace("  subsets:", "  trafficPolicy: {outlierDetection: {maxEjectionPercent: 50}}\n  subsets:")
    down = "[{namespace: default, selector: {version: v2}, down: true}]"
    s = stream(dr + traffic(PLAIN % (2000, ""), down))
    assert s.status == {"200": 2000}                 # the default policy retries connect failures
    assert s.attempts.total - 2000 == 5              # v2 was tried 5 times, then ejected for 30s


def test_connection_pool_limits_overflow_under_concurrency():
    dr = TOPOLOGY.replace("  subsets:", "  trafficPolicy: {connectionPool: {tcp: {maxConnections: 1},"
                                        " http: {http1MaxPendingRequests: 1}}}\n  subsets:")
    s = stream(dr + traffic(PLAIN % (30, ", concurrency: 3")))
    assert s.flags["UO"] == s.status["503"] and 0.2 < s.status["200"] / 30 < 0.5   # istio.io: 11/30


def test_redirects_count_location_targets_and_appear_in_json_only_when_any():
    # A VS `redirect` answers 301 with a Location header (route.go ApplyRedirect); a directResponse
    # 301 has none, so it redirects nowhere and is not counted.
    redirect = SPLIT.replace("    - route:", "    - match: [{uri: {prefix: /old}}]\n      redirect: {uri: /new}\n    - route:")
    s = stream(TOPOLOGY + redirect + traffic('    - {from: default/productpage, to: "reviews:9080", requests: 40, '
                                              'path: /old/1}'))
    assert s.status == {"301": 40} and s.redirects == {"http://reviews:9080/new": 40}
    assert s.to_dict()["redirects"] == {"http://reviews:9080/new": 40}
    direct = SPLIT.replace("    - route:", "    - match: [{uri: {prefix: /old}}]\n      directResponse: {status: 301}\n"
                           "    - route:")
    s = stream(TOPOLOGY + direct + traffic('    - {from: default/productpage, to: "reviews:9080", requests: 40, '
                                            'path: /old/1}'))
    assert s.status == {"301": 40} and s.redirects == {} and "redirects" not in s.to_dict()
