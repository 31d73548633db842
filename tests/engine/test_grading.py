"""Grading: check functions on hand-made simulation results, the exercise loader's file:line
errors, and the grader's behaviour (rejected answer, partial credit, counter-example).

The grader tests replace the simulator with a stub returning hand-made results, so they pin
the grader's own logic whatever the simulator does; tests/decks/test_exercises.py runs the real one.
"""

from __future__ import annotations

import pytest

from engine.config import ConfigSet
from engine.errors import EngineError
from engine.grading import checks, grader
from engine.grading.exercise import load_exercise_text
from engine.simulation.plan import TraceStep
from engine.simulation.result import Attempts, DestinationCount, RequestTrace, SimulationResult, StreamResult

CLUSTER = """\
apiVersion: meshdrill/v1
kind: Topology
spec:
  namespaces: [{name: default, injection: true}]
  services:
    - name: reviews
      ports: [{name: http, port: 9080}]
      workloads:
        - {labels: {version: v1}}
        - {labels: {version: v2}}
  clients: [{name: productpage}]
"""
TRAFFIC = """\
apiVersion: meshdrill/v1
kind: Traffic
spec:
  seed: 3
  streams:
    - {name: main, from: default/productpage, to: "reviews:9080", requests: 100}
"""


def exercise_yaml(checks_yaml: str, extra: str = "") -> str:
    indent = lambda text: "".join("  " + line + "\n" for line in text.splitlines())
    return (f"id: t1\ntitle: T\nlevel: 1\ntopics: [routing]\ndomain: traffic\nprompt: p\n"
            f"cluster: |\n{indent(CLUSTER)}traffic: |\n{indent(TRAFFIC)}"
            f"starter: |\n  # write here\nchecks:\n{checks_yaml}solution: |\n  x: 1\nexplanation: e\n{extra}")


SHARE_CHECK = "  - {id: v2, type: share, stream: main, to: {labels: {version: v2}}, share: 0.1}\n"


def stream(**kw) -> StreamResult:
    base = dict(index=0, from_="default/productpage", to="reviews:9080", requests=100)
    return StreamResult(**(base | kw))


def dest(version: str, n: int, subset: str | None = None) -> DestinationCount:
    return DestinationCount("reviews", "default", 9080, subset, {"app": "reviews", "version": version}, n, n / 100)


def observe(s: StreamResult, baseline: StreamResult | None = None, findings=(), submission=None):
    return checks.Observation(result=SimulationResult(streams=[s]), submission=submission or ConfigSet(),
                              streams={"main": 0, "0": 0},
                              baseline=lambda: SimulationResult(streams=[baseline or s]), findings=list(findings))


def parse(check_yaml: str):
    return load_exercise_text(exercise_yaml(check_yaml), "ex.yaml")[0].checks[0]


# ---- check functions -------------------------------------------------------------------------

def test_share_within_tolerance_passes_and_outside_fails():
    check = parse(SHARE_CHECK)
    ok = checks.evaluate(check, observe(stream(destinations=[dest("v1", 88), dest("v2", 12)])))
    bad = checks.evaluate(check, observe(stream(destinations=[dest("v1", 50), dest("v2", 50)])))
    assert ok.passed and ok.observed == "12% (12/100)" and ok.expected == "between 7% and 13%"
    assert not bad.passed and bad.observed == "50% (50/100)"


def test_share_counts_labels_not_subset_names():
    check = parse(SHARE_CHECK)
    renamed = stream(destinations=[dest("v1", 90, "stable"), dest("v2", 10, "canary")])
    assert checks.evaluate(check, observe(renamed)).passed


def test_share_denominator_includes_requests_that_reached_nothing():
    check = parse("  - {id: v1, type: share, stream: main, to: {service: reviews}, min: 1.0}\n")
    half = stream(destinations=[dest("v1", 50)], status={"200": 50, "503": 50})
    assert not checks.evaluate(check, observe(half)).passed


def test_status_class_and_reset():
    fivexx = parse("  - {id: s, type: status, stream: main, code: 5xx, max: 0.1}\n")
    reset = parse("  - {id: r, type: status, stream: main, code: reset, min: 1.0}\n")
    s = stream(status={"200": 80, "503": 15, "504": 5})
    assert not checks.evaluate(fivexx, observe(s)).passed
    assert checks.evaluate(fivexx, observe(stream(status={"200": 95, "500": 5}))).passed
    assert checks.evaluate(reset, observe(stream(status={"reset": 100}))).passed


def test_flag_tls_attempts_latency():
    flag = parse("  - {id: f, type: flag, stream: main, flag: UO, min: 0.2}\n")
    tls = parse("  - {id: t, type: tls, stream: main, mode: mtls, min: 1.0}\n")
    attempts = parse("  - {id: a, type: attempts, stream: main, stat: mean, min: 1.5}\n")
    latency = parse("  - {id: l, type: latency, stream: main, percentile: p99, max_ms: 1100}\n")
    s = stream(flags={"UO": 30}, tls={"mtls": 99, "plaintext": 1, "rejected": 0},
               attempts=Attempts(total=180, max=4, mean=1.8), latency_ms={"p50": 10, "p90": 900, "p99": 1000})
    assert checks.evaluate(flag, observe(s)).passed
    assert not checks.evaluate(tls, observe(s)).passed
    assert checks.evaluate(attempts, observe(s)).observed == "1.8"
    assert checks.evaluate(latency, observe(s)).passed
    assert not checks.evaluate(latency, observe(stream(latency_ms={"p99": 3000.0}))).passed


def test_unaffected_compares_with_the_starting_cluster():
    check = parse("  - {id: u, type: unaffected, stream: main}\n")
    before = stream(destinations=[dest("v1", 100)], status={"200": 100})
    same = stream(destinations=[dest("v1", 99, "v1")], status={"200": 99, "503": 1})
    moved = stream(destinations=[dest("v1", 50), dest("v2", 50)], status={"200": 100})
    assert checks.evaluate(check, observe(same, before)).passed
    out = checks.evaluate(check, observe(moved, before))
    assert not out.passed and "version=v1: 100% before, 50% now" in out.observed


def test_finding_and_resource_and_accepted():
    from engine import messages
    from engine.config import load_config_text

    present = parse("  - {id: f, type: finding, code: IST0130, present: false}\n")
    finding = messages.make("IST0130", "1", "duplicate of rule 0", origin="VirtualService default/reviews")
    assert not checks.evaluate(present, observe(stream(), findings=[finding])).passed
    assert checks.evaluate(present, observe(stream())).passed
    answer = load_config_text("apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: r}\n"
                              "spec: {host: reviews, trafficPolicy: {tls: {mode: DISABLED}}}\n", "a.yaml")
    resource = parse("  - {id: r, type: resource, kind: DestinationRule}\n")
    accepted = checks.evaluate(grader.ACCEPTED, observe(stream(), submission=answer))
    assert not checks.evaluate(resource, observe(stream(), submission=answer)).passed  # rejected: not present
    assert not accepted.passed and accepted.observed.startswith("a.yaml:4: ") and "DISABLED" in accepted.observed


def test_every_check_type_describes_its_expectation_in_words():
    check = parse(SHARE_CHECK)
    assert checks.describe(check) == "stream 'main': between 7% and 13% of requests reach any service version=v2"
    assert set(checks.REGISTRY) == {"share", "status", "flag", "tls", "attempts", "latency", "unaffected",
                                    "finding", "resource", "accepted", "redirect"}


# ---- loader errors ---------------------------------------------------------------------------

@pytest.mark.parametrize("check_yaml, message, line", [
    ("  - {id: v2, type: shares, stream: main}\n", "check type 'shares' unknown", 29),
    ("  - {id: v2, type: share, stream: main, to: {labels: {version: v2}}, shar: 0.1}\n",
     "unknown parameter 'shar'", 29),
    ("  - {id: v2, type: share, stream: main, to: {labels: {version: v2}}}\n", "give min and/or max", 29),
    ("  - {id: v2, type: share, stream: main, to: {labels: {version: v2}}, share: 10}\n", "fraction from 0 to 1", 29),
    ("  - {id: v2, type: tls, stream: main, mode: MTLS, min: 1}\n", "mode must be one of", 29),
])
def test_loader_reports_bad_checks_at_their_line(check_yaml, message, line):
    with pytest.raises(EngineError) as err:
        load_exercise_text(exercise_yaml(check_yaml), "ex.yaml")
    assert message in str(err.value) and err.value.file == "ex.yaml" and err.value.line == line


def test_exercise_ids_are_unique_across_files(tmp_path):
    from engine.grading.exercise import load_exercise_files

    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(exercise_yaml(SHARE_CHECK))
    with pytest.raises(EngineError) as err:
        load_exercise_files([tmp_path / "a.yaml", tmp_path / "b.yaml"])
    assert err.value.line == 1 and str(err.value).startswith(f"{tmp_path / 'b.yaml'}:1: exercise id 't1' already used at")


def test_a_check_on_a_stream_the_traffic_lacks_is_an_author_error_at_its_line():
    ex = load_exercise_text(exercise_yaml(SHARE_CHECK.replace("stream: main", "stream: mian")), "ex.yaml")[0]
    with pytest.raises(EngineError) as err:
        grader.start_of(ex)
    assert str(err.value) == "ex.yaml:29: exercise 't1': check 'v2' names stream 'mian'; the traffic has main"


def test_loader_rejects_unknown_fields_levels_and_wrong_answer_references():
    with pytest.raises(EngineError, match="unknown field 'hint'"):
        load_exercise_text(exercise_yaml(SHARE_CHECK, "hint: x\n"), "ex.yaml")
    with pytest.raises(EngineError, match="unknown check 'nope'"):
        load_exercise_text(exercise_yaml(SHARE_CHECK, "wrong_answers:\n  - {yaml: 'a: 1', why: w, fails: [nope]}\n"),
                           "ex.yaml")
    with pytest.raises(EngineError, match="level"):
        load_exercise_text(exercise_yaml(SHARE_CHECK).replace("level: 1", "level: 7"), "ex.yaml")


# ---- grader behaviour (simulator stubbed) ------------------------------------------------------

@pytest.fixture
def stubbed(monkeypatch):
    """The simulator replaced by: 80% v1 / 20% v2; traced request N went to v2 when N is even."""
    calls = []

    def fake(config, seed, explain=None):
        calls.append((config, seed, explain))
        traces = {}
        if explain is not None:
            version = "v2" if explain % 2 == 0 else "v1"
            steps = [TraceStep("sender", "default/productpage (sidecar)", "traffic.yaml:5"),
                     TraceStep("route", "rule 0 of VirtualService default/reviews matches", "answer.yaml:7")]
            traces[explain] = RequestTrace(explain, steps, 200, (), f"reviews-{version}-0")
        s = stream(destinations=[dest("v1", 80), dest("v2", 20)], status={"200": 100}, traces=traces)
        return SimulationResult(streams=[s])

    monkeypatch.setattr(grader, "simulate_config", fake)
    return calls


VS = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews}
"""


def test_grade_partial_credit_counterexample_and_fixed_seed(stubbed):
    ex = load_exercise_text(exercise_yaml(SHARE_CHECK + "  - {id: ok, type: status, stream: main, code: 200, min: 1}\n"),
                            "ex.yaml")[0]
    g = grader.grade(ex, [("answer.yaml", VS)])
    assert [(r.id, r.passed) for r in g.results] == [("accepted", True), ("v2", False), ("ok", True)]
    assert not g.passed and g.score == pytest.approx(2 / 3)
    v2 = g.results[1]
    # too many reached v2 (20% > 13%): request 0 went to v2, a counter-example; the sender step is left out
    assert v2.counterexample == "request 0 went to reviews-v2-0 (200)"
    assert v2.because == ("rule 0 of VirtualService default/reviews matches (answer.yaml:7)",)
    assert [explain for _, _, explain in stubbed] == [None, 0]
    assert {seed for _, seed, _ in stubbed} == {3}


def test_counterexample_for_too_few_skips_requests_that_went_right(stubbed):
    ex = load_exercise_text(exercise_yaml(SHARE_CHECK.replace("share: 0.1", "share: 0.9")), "ex.yaml")[0]
    g = grader.grade(ex, [("answer.yaml", VS)])
    assert g.results[1].counterexample == "request 1 went to reviews-v1-0 (200)"
    assert [explain for _, _, explain in stubbed] == [None, 0, 1]


def test_grade_rejected_object_fails_with_istio_message_and_line(stubbed):
    ex = load_exercise_text(exercise_yaml(SHARE_CHECK), "ex.yaml")[0]
    bad = VS.replace("  - route:", "  - route:\n    retries: {attempts: 3, retryOn: '5xx, reset'}")
    g = grader.grade(ex, [("answer.yaml", bad)])
    assert not g.passed and g.rejected
    accepted = g.results[0]
    assert accepted.id == "accepted" and not accepted.passed and accepted.observed.startswith("answer.yaml:")


def test_grade_refuses_topology_or_traffic_in_an_answer(stubbed):
    ex = load_exercise_text(exercise_yaml(SHARE_CHECK), "ex.yaml")[0]
    g = grader.grade(ex, [("answer.yaml", TRAFFIC)])
    assert g.rejected[0].code == "MD0201" and not g.results[0].passed


def test_grade_applies_answer_over_cluster_newest_last(stubbed):
    ex = load_exercise_text(exercise_yaml(SHARE_CHECK), "ex.yaml")[0]
    grader.grade(ex, [("a.yaml", VS), ("b.yaml", VS.replace("name: reviews}", "name: reviews2}"))])
    config = stubbed[0][0]
    kinds = [(r.kind, r.name, r.file) for r in config.resources]
    assert kinds[-2:] == [("VirtualService", "reviews", "a.yaml"), ("VirtualService", "reviews2", "b.yaml")]
    orders = [r.order for r in config.resources]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)


def test_yaml_syntax_error_is_reported_as_bad_input(stubbed):
    ex = load_exercise_text(exercise_yaml(SHARE_CHECK), "ex.yaml")[0]
    g = grader.grade(ex, [("answer.yaml", "kind: [unclosed\n")])
    assert g.syntax_error is not None and g.syntax_error.reference.startswith("answer.yaml:")


# ---- property: the loader never crashes on odd check data ---------------------------------------

from hypothesis import given, strategies as st  # noqa: E402

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(-2, 2, allow_nan=False),
                    st.sampled_from(["main", "200", "5xx", "UO", "mtls", "p99", "mean", "Error", "x"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(st.sampled_from(["labels", "service", "a"]),
                                                                        inner, max_size=3)), max_leaves=6)
KEYS = st.sampled_from(["id", "type", "stream", "to", "share", "tolerance", "min", "max", "code", "flag", "mode",
                        "stat", "percentile", "min_ms", "max_ms", "present", "kind", "name", "level", "bogus"])
TYPES = st.sampled_from(sorted(checks.REGISTRY) + ["nope"])


@given(st.dictionaries(KEYS, VALUES, max_size=6), TYPES)
def test_loader_turns_any_check_data_into_a_check_or_one_located_error(raw, kind):
    import yaml

    item = {**raw, "id": raw.get("id", "c"), "type": kind}
    text = exercise_yaml("  - " + yaml.safe_dump(item, default_flow_style=True).strip() + "\n")
    try:
        exercise = load_exercise_text(text, "ex.yaml")[0]
    except EngineError as err:
        assert err.file == "ex.yaml" and err.line and str(err).startswith("ex.yaml:")
    else:
        assert exercise.checks[0].type == kind and checks.describe(exercise.checks[0])


@pytest.mark.parametrize("location, redirects, passed", [
    ("/reviews", {"http://reviews:9080/reviews": 100}, True),
    ("/reviews", {"http://reviews:9080/reviews?x=1": 100}, True),       # the query is not the path
    ("/reviews", {"http://reviews:9080/v2/reviews": 100}, False),
    ("/reviews", {}, False),                                             # a 301 without Location
    ("https://reviews/reviews", {"http://reviews:9080/reviews": 100}, False),
    ("https://reviews/reviews", {"https://reviews/reviews": 100}, True),
])
def test_redirect_check_matches_the_location_url_or_its_path(location, redirects, passed):
    obs = checks.Observation(SimulationResult(streams=[stream(status={"301": 100}, redirects=redirects)]),
                             ConfigSet(), {"main": 0}, lambda: SimulationResult())
    params = checks.RedirectParams("main", location, min=1.0)
    out = checks.check_redirect(params, obs)
    assert out.passed is passed
    assert "redirected (3xx with a Location header) to" in checks.REGISTRY["redirect"].describe(params)
