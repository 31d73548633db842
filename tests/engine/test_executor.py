"""Execution of hand-built plans: Istio/Envoy resilience semantics, checked against exact math.

Tolerances are 4 binomial standard deviations with a fixed seed (sd = sqrt(p(1-p)/n)), so a
test fails only when the model is wrong. Sources are cited per test (istio-semantics.md §).
"""

import math
import random

from engine.simulation.events import EventRun
from engine.simulation.executor import Load, execute
from engine.simulation.plan import (Behaviour, ClusterTarget, Connection, ConnectionPool, Endpoint, Fault,
                                    LoadBalancer, Mirror, OutlierPolicy, Outcome, Plan, Request, RetryPolicy,
                                    RoutePolicy)
from engine.simulation.proxy_policy import effective

RETRY_5XX = RetryPolicy(attempts=3, retry_on=frozenset({"5xx"}))
NO_RETRY = RetryPolicy(attempts=0, retry_on=frozenset())


def conn(name="reviews-v1-0", version="v1", *, tls="mtls", refused="", denied=False, sidecar=True, **behaviour):
    endpoint = Endpoint(name, "default", (("app", "reviews"), ("version", version)), sidecar)
    return Connection(endpoint, tls=tls, refused=refused, denied=denied, behaviour=Behaviour(**behaviour))


def target(subset="v1", weight=100, conns=None, **kw):
    conns = (conn(),) if conns is None else tuple(conns)
    return ClusterTarget(name=f"outbound|9080|{subset or ''}|reviews.default.svc.cluster.local", service="reviews",
                         namespace="default", port=9080, subset=subset, weight=weight, connections=conns, **kw)


def plan(*targets, sidecar=True, timeout=None, retry=RetryPolicy(), fault=None, mirrors=(), immediate=None):
    return Plan(Request("reviews", 9080), "default/productpage", sidecar, immediate=immediate, targets=targets,
                policy=RoutePolicy(timeout_ms=timeout, retry=retry, fault=fault, mirrors=mirrors))


def run(p, n=10_000, seed=1, **load):
    return execute(p, Load(requests=n, **load), random.Random(seed))


def near(observed, expected, n, p=None):
    """Within 4 standard deviations of a binomial share."""
    p = expected if p is None else p
    return abs(observed - expected) <= 4 * math.sqrt(max(p * (1 - p), 1e-12) / n) + 1e-9


def share(result, subset):
    return sum(d.share for d in result.destinations if d.subset == subset)


# --- routing split (istio-semantics §3.4) ------------------------------------------------------------

def test_weights_90_10_split_requests_and_report_exact_expected_shares():
    r = run(plan(target("v1", 90, [conn("a"), conn("b")]), target("v2", 10, [conn("c", "v2")])))
    assert near(share(r, "v2"), 0.10, 10_000)
    assert {e.subset: e.share for e in r.expected} == {"v1": 0.9, "v2": 0.1}
    assert r.status == {"200": 10_000} and r.tls["mtls"] == 10_000


def test_weights_are_relative_not_percent():  # §12.1: since Istio 1.15 the sum need not be 100
    r = run(plan(target("v1", 1), target("v2", 3, [conn("c", "v2")])))
    assert near(share(r, "v2"), 0.75, 10_000)


def test_a_lone_destination_takes_everything_whatever_its_weight():  # §3.4
    assert share(run(plan(target("v1", 0))), "v1") == 1.0


def test_expected_shares_split_a_subset_by_workload_endpoints():
    r = run(plan(target(None, 100, [conn("a", "v1"), conn("b", "v1"), conn("c", "v2")])))
    assert {e.labels["version"]: round(e.share, 4) for e in r.expected} == {"v1": 0.6667, "v2": 0.3333}


# --- retries (§3.8, §12.6, §12.15) --------------------------------------------------------------------

def test_retries_3_on_5xx_with_half_errors_gives_93_75_percent_success_and_1_875_attempts():
    n = 20_000
    r = run(plan(target(conns=[conn(error_rate=0.5, error_status=503)]), retry=RETRY_5XX), n)
    assert near(r.status["200"] / n, 1 - 0.5 ** 4, n)
    sd_attempts = math.sqrt(4.625 - 1.875 ** 2)          # attempts 1,2,3,4 w.p. .5,.25,.125,.125
    assert abs(r.attempts.mean - 1.875) < 4 * sd_attempts / math.sqrt(n)
    assert r.attempts.max == 4
    assert r.flags == {"URX": r.status["503"]}         # exhausted retries say so


def test_default_policy_does_not_retry_an_upstream_503_since_istio_1_24():
    r = run(plan(target(conns=[conn(error_rate=0.5, error_status=503)])))
    assert r.attempts.max == 1 and "URX" not in r.flags
    assert near(r.status["503"] / 10_000, 0.5, 10_000)


def test_connect_failure_is_retried_twice_by_default_then_503_uf_urx():
    r = run(plan(target(conns=[conn(refused="UF")])), 100)
    assert r.status == {"503": 100} and r.flags == {"UF": 100, "URX": 100}
    assert r.attempts.mean == 3.0 and r.tls["rejected"] == 100
    assert r.destinations == []                        # no endpoint produced the response


def test_a_down_endpoint_is_a_connect_failure():
    r = run(plan(target(conns=[conn(down=True)]), retry=NO_RETRY), 10)
    assert r.flags == {"UF": 10} and r.attempts.max == 1


def test_retries_stay_in_the_weighted_cluster_drawn_for_the_request():
    r = run(plan(target("v1", 50), target("v2", 50, [conn("c", "v2", error_rate=1.0, error_status=503)]),
                 retry=RETRY_5XX))
    assert near(r.status["503"] / 10_000, 0.5, 10_000)      # v2 requests never land on v1
    assert r.flags["URX"] == r.status["503"]


def test_retries_prefer_other_hosts_previous_hosts_predicate():
    bad_and_good = [conn("bad", error_rate=1.0, error_status=503), conn("good")]
    other = run(plan(target(conns=bad_and_good), retry=RetryPolicy(attempts=1, retry_on=frozenset({"5xx"}))))
    assert other.status["200"] / 10_000 > 0.99
    same = run(plan(target(conns=bad_and_good), retry=RetryPolicy(attempts=1, retry_on=frozenset({"5xx"}),
                                                                   retry_other_hosts=False)))
    assert near(same.status["200"] / 10_000, 0.75, 10_000)


def test_upstream_reset_is_retried_only_with_reset_5xx_or_gateway_error():
    flaky = [conn(reset_rate=1.0)]
    assert run(plan(target(conns=flaky)), 10).flags == {"UC": 10}
    r = run(plan(target(conns=flaky), retry=RetryPolicy(attempts=2, retry_on=frozenset({"reset"}))), 10)
    assert r.flags == {"UC": 10, "URX": 10} and r.attempts.mean == 3.0


def test_retriable_status_codes_retry_only_the_listed_codes():
    policy = RetryPolicy(attempts=1, retry_on=frozenset({"retriable-status-codes"}),
                         retriable_status_codes=frozenset({500}))
    assert run(plan(target(conns=[conn(error_rate=1.0, error_status=500)]), retry=policy), 10).attempts.mean == 2
    assert run(plan(target(conns=[conn(error_rate=1.0, error_status=503)]), retry=policy), 10).attempts.mean == 1


def test_an_rbac_denial_is_a_403_that_is_not_retried_by_default():
    r = run(plan(target(conns=[conn(denied=True)]), retry=RETRY_5XX), 10)
    assert r.status == {"403": 10} and r.attempts.max == 1 and r.destinations[0].requests == 10


# --- faults and timeouts (§3.7, §3.9, §12.16) --------------------------------------------------------------

def test_an_injected_abort_is_never_retried():
    r = run(plan(target(), retry=RETRY_5XX, fault=Fault(abort_status=503, abort_fraction=1.0)), 50)
    assert r.status == {"503": 50} and r.flags == {"FI": 50} and r.attempts.total == 0


def test_abort_percentage_follows_the_binomial():
    r = run(plan(target(), fault=Fault(abort_status=500, abort_fraction=0.2)))
    assert near(r.status["500"] / 10_000, 0.2, 10_000) and r.flags["FI"] == r.status["500"]


def test_the_route_timer_starts_after_an_injected_delay():
    r = run(plan(target(conns=[conn(latency_ms=10)]), timeout=1000,
                 fault=Fault(delay_ms=5000, delay_fraction=1.0)), 20)
    assert r.status == {"200": 20} and r.flags == {"DI": 20}
    assert r.latency_ms["p50"] == 5010.0


def test_route_timeout_answers_504_ut_at_the_deadline():
    r = run(plan(target(conns=[conn(latency_ms=2000)]), timeout=1000), 20)
    assert r.status == {"504": 20} and r.flags == {"UT": 20} and r.latency_ms["p99"] == 1000.0


def test_per_try_timeout_is_final_under_the_default_retry_on():
    r = run(plan(target(conns=[conn(latency_ms=100)]), retry=RetryPolicy(per_try_timeout_ms=50)), 20)
    assert r.status == {"504": 20} and r.flags == {"UT": 20} and r.attempts.max == 1


def test_per_try_timeout_is_retried_with_gateway_error_until_attempts_run_out():
    policy = RetryPolicy(attempts=2, per_try_timeout_ms=50, retry_on=frozenset({"gateway-error"}))
    r = run(plan(target(conns=[conn(latency_ms=100)]), retry=policy), 20)
    assert r.flags == {"UT": 20, "URX": 20} and r.attempts.mean == 3


def test_route_timeout_caps_all_tries_together():
    policy = RetryPolicy(attempts=5, per_try_timeout_ms=40, retry_on=frozenset({"5xx"}))
    r = run(plan(target(conns=[conn(latency_ms=100)]), timeout=100, retry=policy), 20)
    assert r.status == {"504": 20} and r.latency_ms["p99"] == 100.0 and r.attempts.max < 6


# --- connection pool (§4.5, §12.11) ---------------------------------------------------------------------

CB = ConnectionPool(max_connections=1, http1_max_pending_requests=1)


def test_two_workers_fit_one_connection_plus_one_pending_request():
    r = run(plan(target(conns=[conn(latency_ms=1)], pool=CB)), 20, concurrency=2)
    assert r.status == {"200": 20}


def test_a_third_concurrent_request_overflows_with_503_uo_and_is_not_retried():
    r = run(plan(target(conns=[conn(latency_ms=1)], pool=CB), retry=RETRY_5XX), 30, concurrency=3)
    assert r.flags["UO"] == r.status["503"] and 0.2 < r.status["200"] / 30 < 0.5   # istio.io: 11/30
    assert r.uncertain                                                            # the idealisation is said


def test_http2_max_requests_caps_requests_in_flight():
    pool = ConnectionPool(http2_max_requests=2)
    assert run(plan(target(conns=[conn(latency_ms=10)], pool=pool)), 40, concurrency=2).status == {"200": 40}
    r = run(plan(target(conns=[conn(latency_ms=10)], pool=pool)), 40, concurrency=3)
    assert r.flags["UO"] == r.status["503"] > 0 and r.status["200"] >= 2


def test_the_route_timeout_also_runs_while_a_request_waits_in_the_pending_queue():
    pool = ConnectionPool(max_connections=1, http1_max_pending_requests=5)
    r = run(plan(target(conns=[conn(latency_ms=400)], pool=pool), timeout=500), 6, concurrency=2)
    assert r.flags == {"UT": 3} and r.status == {"200": 3, "504": 3}   # every second one waits 400 ms first


def test_max_retries_budget_blocks_retries_with_uo():
    pool = ConnectionPool(max_retries=1)
    r = run(plan(target(conns=[conn(error_rate=1.0, latency_ms=5)], pool=pool), retry=RETRY_5XX),
            200, concurrency=10)
    assert r.flags.get("UO", 0) > 0 and r.flags.get("URX", 0) > 0


# --- outlier detection (§4.6; §12.10 corrected for Envoy >= 1.28, see cluster.py `eject`) ---------

def failing_pair(max_ejection_percent=50, **outlier):
    hosts = [conn("bad", error_rate=1.0, error_status=503), conn("good")]
    policy = OutlierPolicy(max_ejection_percent=max_ejection_percent, **outlier)
    return plan(target(conns=hosts, outlier=policy), retry=NO_RETRY)


def test_outlier_detection_ejects_a_failing_host_after_5_consecutive_5xx():
    r = run(failing_pair(), 10_000)          # 10k requests take ~10s, ejection lasts 30s
    assert r.status == {"200": 9995, "503": 5}


def test_max_ejection_percent_10_ejects_nothing_from_two_hosts():
    """Envoy >= 1.28 `ejectHost`: (0 + 1) / 2 = 50% > 10%, so the default limit keeps the bad host
    in rotation (check_mep_on_first_eject; Istio does not set always_eject_one_host)."""
    assert near(run(failing_pair(max_ejection_percent=10)).status["503"] / 10_000, 0.5, 10_000)


def test_max_ejection_percent_at_the_share_of_one_host_ejects_it():
    assert run(failing_pair(max_ejection_percent=50), 1000).status["503"] == 5   # 1/2 = 50% <= 50%
    assert near(run(failing_pair(max_ejection_percent=49)).status["503"] / 10_000, 0.5, 10_000)


def test_max_ejection_percent_0_never_ejects():
    assert near(run(failing_pair(max_ejection_percent=0)).status["503"] / 10_000, 0.5, 10_000)


def test_max_ejection_percent_caps_how_many_failing_hosts_leave():
    hosts = [conn("bad1", error_rate=1.0), conn("bad2", error_rate=1.0), conn("good1"), conn("good2")]
    capped = plan(target(conns=hosts, outlier=OutlierPolicy(max_ejection_percent=25)), retry=NO_RETRY)
    free = plan(target(conns=hosts, outlier=OutlierPolicy(max_ejection_percent=50)), retry=NO_RETRY)
    assert run(free, 10_000).status["503"] == 10                    # both ejected, 5 errors each
    assert run(capped, 10_000).status["503"] > 1000                 # the second stays in rotation


def test_all_hosts_ejected_gives_503_uh_no_panic_routing():
    r = run(plan(target(conns=[conn(error_rate=1.0)], outlier=OutlierPolicy(max_ejection_percent=100)),
                 retry=NO_RETRY), 1000)
    assert r.flags == {"UH": 995} and r.status["503"] == 1000


def test_an_ejected_host_returns_after_the_ejection_time():
    # 10 requests/s for 200 s: the bad host is ejected for 30 s, then 60 s (x times ejected), ...
    r = run(failing_pair(), 2000, rate=10)
    errors = r.status["503"]
    assert errors % 5 == 0 and 5 < errors < 50


def test_consecutive_gateway_errors_count_only_502_503_504():
    hosts = [conn("bad", error_rate=1.0, error_status=500), conn("good")]
    gw = OutlierPolicy(consecutive_5xx=None, consecutive_gateway_errors=3, max_ejection_percent=50)
    assert near(run(plan(target(conns=hosts, outlier=gw), retry=NO_RETRY)).status["500"] / 10_000, 0.5, 10_000)


# --- load balancing (§4.4) ----------------------------------------------------------------------------

def test_round_robin_splits_exactly():
    r = run(plan(target(None, 1, [conn("a", "v1"), conn("b", "v2"), conn("c", "v3")],
                        lb=LoadBalancer("ROUND_ROBIN"))), 3000)
    assert sorted(d.requests for d in r.destinations) == [1000, 1000, 1000]


def test_consistent_hash_sends_one_key_to_one_endpoint():
    hosts = [conn("a", "v1"), conn("b", "v2"), conn("c", "v3")]
    r = run(plan(target(None, 1, hosts, lb=LoadBalancer(hash_key="jason"))), 1000)
    assert len(r.destinations) == 1 and r.destinations[0].requests == 1000
    assert [e.share for e in r.expected] == [1.0]


def test_least_request_favours_the_faster_host_under_concurrency():
    hosts = [conn("fast", "v1", latency_ms=1), conn("slow", "v2", latency_ms=50)]
    r = run(plan(target(None, 1, hosts)), 5000, concurrency=10)
    fast = next(d.share for d in r.destinations if d.labels["version"] == "v1")
    assert fast > 0.6


# --- plan outcomes and senders ---------------------------------------------------------------------

def test_missing_subset_is_503_nc_and_empty_subset_is_503_uh():  # §3.5
    r = run(plan(target("v1", 50, exists=False), target("v2", 50, conns=[])))
    assert r.status == {"503": 10_000} and near(r.flags["NC"] / 10_000, 0.5, 10_000)
    assert r.flags["NC"] + r.flags["UH"] == 10_000


def test_an_immediate_outcome_answers_every_request():
    r = run(plan(immediate=Outcome(404, ("NR",), "no route matched")), 7)
    assert r.status == {"404": 7} and r.flags == {"NR": 7} and r.attempts.total == 0


def test_a_plan_with_no_target_and_no_outcome_is_503_nc_not_a_crash():
    assert run(plan(), 5).flags == {"NC": 5}


def test_a_sidecar_less_client_to_strict_gets_a_reset_and_never_retries():  # §6 matrix
    r = run(plan(target(conns=[conn(refused="reset", tls="plaintext")]), sidecar=False, retry=RETRY_5XX), 10)
    assert r.status == {"reset": 10} and r.tls["rejected"] == 10 and r.attempts.max == 1


def test_mirrored_copies_are_counted_apart_and_their_answers_ignored():
    mirror = Mirror(target("v2", 0, [conn("m", "v2", error_rate=1.0)]), fraction=0.25)
    r = run(plan(target(), mirrors=(mirror,)))
    assert near(r.mirrored / 10_000, 0.25, 10_000) and r.status == {"200": 10_000}


# --- paths, determinism, explain -----------------------------------------------------------------------

def test_bulk_path_cost_does_not_grow_with_requests():
    r = run(plan(target("v1", 90), target("v2", 10, [conn("c", "v2", error_rate=0.01)])), 10**9)
    assert r.requests == 10**9 and sum(r.status.values()) == 10**9
    assert near(share(r, "v2"), 0.1, 10**9)


def test_bulk_and_event_paths_agree_on_a_timeless_stream():
    p = plan(target("v1", 70, [conn("a"), conn("b", error_rate=0.2)]), target("v2", 30, [conn("c", "v2")]))
    bulk = run(p, 20_000)
    events = EventRun(p, effective(p), random.Random(2), requests=20_000, concurrency=1, rate=None,
                      explain=None).run()
    n_v2 = sum(n for (status, _), n in events.outcomes.items() if status == 200) / 20_000
    assert near(bulk.status["200"] / 20_000, 1 - 0.7 * 0.5 * 0.2, 20_000)
    assert near(n_v2, 1 - 0.7 * 0.5 * 0.2, 20_000)


def test_same_seed_same_output_and_another_seed_differs():
    p = plan(target(conns=[conn("a", error_rate=0.3), conn("b")], outlier=OutlierPolicy()), retry=RETRY_5XX)
    assert run(p, 3000, seed=5, concurrency=3).to_dict() == run(p, 3000, seed=5, concurrency=3).to_dict()
    assert run(p, 3000, seed=5, concurrency=3).to_dict() != run(p, 3000, seed=6, concurrency=3).to_dict()


def test_explain_never_changes_the_counts():
    for p in (plan(target("v1", 90), target("v2", 10, [conn("c", "v2")])),            # bulk
              plan(target(conns=[conn(error_rate=0.5)]), retry=RETRY_5XX)):             # events
        plain = execute(p, Load(500, concurrency=2), random.Random(4))
        explained = execute(p, Load(500, concurrency=2), random.Random(4), explain=17)
        assert plain.to_dict() == explained.to_dict() and 17 in explained.traces


def test_explain_traces_each_retry_and_why():
    p = plan(target(conns=[conn(refused="UF")]))
    trace = execute(p, Load(5), random.Random(1), explain=2).traces[2]
    text = [s.detail for s in trace.steps]
    assert trace.status == 503 and trace.flags == ("UF", "URX")
    assert sum("retry" in s.stage for s in trace.steps) == 3   # two retries, then "no retries left"
    assert any("no retries left" in d for d in text)


def test_explain_on_a_bulk_stream_names_the_endpoint():
    trace = execute(plan(target()), Load(100), random.Random(1), explain=99).traces[99]
    assert trace.status == 200 and trace.destination.startswith("reviews-v1-0")


# --- properties: any valid plan + load --------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

behaviours = st.builds(Behaviour, error_rate=st.floats(0, 1), error_status=st.sampled_from([500, 502, 503, 504, 429]),
                       latency_ms=st.floats(0, 200), reset_rate=st.floats(0, 0.5), down=st.booleans())
connections = st.builds(
    lambda i, b, refused, denied, tls: conn(f"pod-{i}", f"v{i % 3}", tls=tls, refused=refused, denied=denied,
                                            error_rate=b.error_rate, error_status=b.error_status,
                                            latency_ms=b.latency_ms, reset_rate=b.reset_rate, down=b.down),
    st.integers(0, 9), behaviours, st.sampled_from(["", "", "", "reset", "UF", "UC"]), st.booleans(),
    st.sampled_from(["mtls", "plaintext", "tls"]))
pools = st.builds(ConnectionPool, max_connections=st.none() | st.integers(0, 4),
                  http1_max_pending_requests=st.none() | st.integers(0, 4),
                  http2_max_requests=st.none() | st.integers(0, 6), max_retries=st.none() | st.integers(0, 3))
outliers = st.none() | st.builds(OutlierPolicy, consecutive_5xx=st.none() | st.integers(0, 5),
                                 consecutive_gateway_errors=st.none() | st.integers(0, 5),
                                 interval_ms=st.floats(1, 20_000), base_ejection_ms=st.floats(1, 60_000),
                                 max_ejection_percent=st.integers(0, 100), min_health_percent=st.integers(0, 100))
lbs = st.builds(LoadBalancer, simple=st.sampled_from(["LEAST_REQUEST", "ROUND_ROBIN", "RANDOM", "LEAST_CONN"]),
                hash_key=st.none() | st.text(max_size=5))
targets = st.builds(
    lambda i, w, cs, exists, pool, outlier, lb: target(f"s{i}", w, cs, exists=exists, pool=pool, outlier=outlier,
                                                       lb=lb),
    st.integers(0, 5), st.integers(0, 100), st.lists(connections, max_size=4), st.booleans(), pools, outliers, lbs)
retries = st.builds(RetryPolicy, attempts=st.integers(0, 4), per_try_timeout_ms=st.none() | st.floats(1, 300),
                    retry_on=st.frozensets(st.sampled_from(["5xx", "gateway-error", "reset", "connect-failure",
                                                            "retriable-4xx", "retriable-status-codes"])),
                    retriable_status_codes=st.frozensets(st.sampled_from([500, 503, 403])),
                    retry_other_hosts=st.booleans())
faults = st.none() | st.builds(Fault, delay_ms=st.floats(0, 100), delay_fraction=st.floats(0, 1),
                               abort_status=st.none() | st.sampled_from([400, 503]), abort_fraction=st.floats(0, 1))
plans = st.builds(
    lambda ts, sidecar, timeout, retry, fault, mirror: plan(
        *ts, sidecar=sidecar, timeout=timeout, retry=retry, fault=fault,
        mirrors=(Mirror(target("m", 1), mirror),) if mirror is not None else ()),
    st.lists(targets, min_size=1, max_size=3), st.booleans(), st.none() | st.floats(1, 500), retries, faults,
    st.none() | st.floats(0, 1))
loads = st.builds(Load, requests=st.integers(0, 300), concurrency=st.integers(1, 5),
                  rate=st.none() | st.floats(1, 5000))


@settings(max_examples=150)
@given(plans, loads, st.integers(0, 2**32), st.none() | st.integers(0, 299))
def test_any_plan_and_load_runs_counts_every_request_once_and_is_reproducible(p, load, seed, explain):
    r = execute(p, load, random.Random(seed), explain=explain)
    n = load.requests
    assert sum(r.status.values()) == n
    assert sum(d.requests for d in r.destinations) <= n
    assert abs(sum(d.share for d in r.destinations) - sum(d.requests for d in r.destinations) / max(n, 1)) < 1e-3
    expected = sum(e.share for e in r.expected)
    assert expected <= 1 + 5e-7 * len(r.expected) + 1e-12   # each share is rounded to 6 decimals
    if all(t.exists and t.connections for t in p.targets):
        assert abs(expected - 1) < 1e-5                       # shares always sum to 1 when all are live
    assert sum(r.tls.values()) <= n and 0 <= r.attempts.mean <= 5
    assert all(count <= n for count in r.flags.values())
    if explain is not None and explain < n:
        assert explain in r.traces and r.traces[explain].steps[-1].stage == "result"
    again = execute(p, load, random.Random(seed), explain=explain)
    assert again.to_dict() == r.to_dict()
