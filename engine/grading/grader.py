"""Grading an answer: admit it, apply it on the exercise's cluster, simulate, evaluate every check.

`grade(exercise, [(name, text), ...]) -> Grade`. The answer is admitted like `kubectl apply -f`
(a rejected object fails with Istio's message and file:line and takes no part, as on a real
cluster), applied on top of the starting cluster (same kind/namespace/name replaces; the rest
is newer than the cluster's objects), and simulated with the exercise's fixed traffic and seed.
Only the observable result is graded, so any equivalent answer passes: another API version,
field order, relative weights, extra harmless objects, one file or several.

Each failed routing check carries a counter-example: one request from the simulator's trace,
with the rule that decided it and its file:line.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from engine import messages
from engine.config import ConfigSet, admit
from engine.diagnostics import Diagnostic, Layer
from engine.errors import EngineError
from engine.grading import checks
from engine.grading.exercise import Check, Exercise
from engine.grading.params import AcceptedParams
from engine.loading import load_text
from engine.simulation.result import RequestTrace, SimulationResult

ANSWER_GROUPS = ("networking.istio.io/", "security.istio.io/")
ACCEPTED = Check(id="accepted", type="accepted", params=AcceptedParams(), line=0)
COUNTEREXAMPLE_TRIES = 6          # traced runs per failing check when looking for a counter-example


@dataclass(frozen=True)
class CheckResult:
    id: str
    description: str
    passed: bool
    observed: str
    expected: str
    counterexample: str = ""          # "request 17 went to reviews-v1-0 (200)"
    because: tuple[str, ...] = ()     # the trace steps that decided it: "rule 1 of ... matches (a.yaml:14)"


@dataclass
class Grade:
    exercise_id: str
    results: list[CheckResult]
    rejected: list[Diagnostic] = field(default_factory=list)
    findings: list[Diagnostic] = field(default_factory=list)
    result: SimulationResult | None = None

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def score(self) -> float:
        """Partial credit: the share of checks passed."""
        return sum(r.passed for r in self.results) / len(self.results) if self.results else 0.0

    @property
    def syntax_error(self) -> Diagnostic | None:
        """The answer is not YAML (or not objects) at all: nothing could be graded fairly."""
        return next((d for d in self.rejected if d.layer == Layer.YAML), None)

    def to_dict(self) -> dict:
        return {"exercise": self.exercise_id, "passed": self.passed, "score": round(self.score, 4),
                "checks": [dataclasses.asdict(r) for r in self.results],
                "rejected": [{"code": d.code, "message": d.message, "origin": d.origin, "reference": d.reference,
                              "path": d.path, "layer": d.layer} for d in self.rejected],
                "findings": [{"code": d.code, "level": str(d.level), "message": d.message, "origin": d.origin,
                              "reference": d.reference} for d in self.findings]}


# ---- the cluster an exercise starts from ---------------------------------------------------------

@dataclass(frozen=True)
class Start:
    config: ConfigSet                 # cluster + traffic, admitted
    seed: int
    streams: dict[str, int]           # stream name and index (as text) -> position


_STARTS: dict[tuple[str, int], Start] = {}


def start_of(exercise: Exercise) -> Start:
    """The exercise's starting cluster and traffic, admitted once per process."""
    key = (exercise.id, hash((exercise.cluster, exercise.traffic)))
    if key not in _STARTS:
        _STARTS[key] = _admit_start(exercise)
    return _STARTS[key]


def _admit_start(exercise: Exercise) -> Start:
    """Admit the exercise's own cluster and traffic; an author's mistake there is an EngineError."""
    cluster = _admit_files([("cluster.yaml", exercise.cluster), ("traffic.yaml", exercise.traffic)])
    if cluster.rejected:
        raise _broken(exercise, exercise.line, f"its cluster has a rejected object: {cluster.rejected[0].render()}")
    traffic = [r for r in cluster.resources if r.kind == "Traffic"]
    if len(traffic) != 1:
        raise _broken(exercise, exercise.line, f"'traffic' must hold one meshdrill/v1 Traffic, not {len(traffic)}")
    streams: dict[str, int] = {}
    for i, stream in enumerate(traffic[0].spec.streams):
        streams[str(i)] = i
        if stream.name:
            streams[stream.name] = i
    for check in exercise.checks:
        ref = getattr(check.params, "stream", None)
        if ref is not None and ref not in streams:
            raise _broken(exercise, check.line, f"check {check.id!r} names stream {ref!r}; the traffic has "
                                                f"{', '.join(sorted(k for k in streams if not k.isdigit())) or 'none'}")
    seed = traffic[0].spec.seed
    return Start(cluster, seed if seed is not None else 1, streams)


def _broken(exercise: Exercise, line: int, message: str) -> EngineError:
    return EngineError(f"exercise {exercise.id!r}: {message}", file=exercise.file, line=line)


def _admit_files(files: list[tuple[str, str]]) -> ConfigSet:
    documents, diagnostics = [], []
    for name, text in files:
        loaded = load_text(text, name)
        documents += loaded.documents
        diagnostics += loaded.diagnostics
    return admit(documents, diagnostics)


# ---- grading -----------------------------------------------------------------------------------

def admit_answer(files: list[tuple[str, str]]) -> ConfigSet:
    """The answer as the cluster would take it; objects that are not Istio config are refused."""
    answer = _admit_files(files)
    foreign = [r for r in answer.resources if not r.api_version.startswith(ANSWER_GROUPS)]
    if foreign:
        answer.resources = [r for r in answer.resources if r not in foreign]
        answer.rejected += [messages.make("MD0201", r.ref, layer=Layer.KIND, origin=r.ref, file=r.file, line=r.line)
                            for r in foreign]
    return answer


def apply_answer(start: ConfigSet, answer: ConfigSet) -> ConfigSet:
    """kubectl apply of the answer on the cluster: the answer's objects are the newest."""
    offset = max((r.order for r in start.resources), default=0) + 1
    newer = [dataclasses.replace(r, order=r.order + offset) for r in answer.resources]
    world = start.merged_with(dataclasses.replace(answer, resources=newer))
    replaced = {r.ref for r in answer.resources}     # their old warnings went with them
    world.notes = [d for d in start.notes if d.origin not in replaced] + list(answer.notes)
    return world


def simulate_config(config: ConfigSet, seed: int, explain: int | None = None) -> SimulationResult:
    from engine.simulation.run import simulate

    return simulate(config, seed=seed, explain=explain)


def published_checks(exercise: Exercise) -> list[Check]:
    """The exercise's checks, led by `accepted` (every answer must be admitted) unless declared."""
    declared = list(exercise.checks)
    return declared if any(c.type == "accepted" for c in declared) else [ACCEPTED, *declared]


def grade(exercise: Exercise, submission_files: list[tuple[str, str]]) -> Grade:
    start = start_of(exercise)
    answer = admit_answer(submission_files)
    world = apply_answer(start.config, answer)
    result = simulate_config(world, start.seed)
    baseline: list[SimulationResult] = []

    def starting_result() -> SimulationResult:
        if not baseline:
            baseline.append(simulate_config(start.config, start.seed))
        return baseline[0]

    findings = _findings(world, result)
    obs = checks.Observation(result=result, submission=answer, streams=start.streams, baseline=starting_result,
                             findings=findings)
    results = []
    for check in published_checks(exercise):
        outcome = checks.evaluate(check, obs)
        example, because = ("", ()) if outcome.passed else _counterexample(world, start, outcome)
        results.append(CheckResult(check.id, checks.describe(check), outcome.passed, outcome.observed,
                                   outcome.expected, example, because))
    return Grade(exercise.id, results, rejected=list(answer.rejected), findings=findings, result=result)


def _findings(world: ConfigSet, result: SimulationResult) -> list[Diagnostic]:
    """What istioctl analyze (plus our hints) says about the resulting cluster."""
    if result.findings:
        return list(result.findings)
    try:
        from engine.analysis import analyze
    except ImportError:
        return []
    return list(analyze(world))


# ---- counter-examples ----------------------------------------------------------------------------

def _counterexample(world: ConfigSet, start: Start, outcome: checks.Outcome) -> tuple[str, tuple[str, ...]]:
    """One request of the failing stream that went the wrong way, with the steps that sent it there.

    The simulator traces one request per run (`explain=N`); requests of a stream are alike, so a
    few traced runs find one that went wrong whenever a fair share of them did.
    """
    if outcome.stream is None or outcome.wrong is None:
        return "", ()
    position = start.streams[outcome.stream]
    for index in range(COUNTEREXAMPLE_TRIES):
        traced = simulate_config(world, start.seed, explain=index)
        trace = traced.streams[position].traces.get(index) if position < len(traced.streams) else None
        if trace is not None and outcome.wrong(trace):
            return explain_trace(trace, outcome.stages)
    return "", ()


DECIDING_STAGES = checks.ROUTING_STAGES + ("fault", "tls", "authz")


def explain_trace(trace: RequestTrace, stages: tuple[str, ...] = ()) -> tuple[str, tuple[str, ...]]:
    """("request 17 went to reviews-v1-0 (200)", ("rule 1 of VirtualService default/reviews matches (vs.yaml:14)", ...))."""
    status = "no response (reset)" if trace.status is None else str(trace.status)
    flags = f" {','.join(trace.flags)}" if trace.flags else ""
    where = f"went to {trace.destination}" if trace.destination else "reached no endpoint"
    wanted = stages or DECIDING_STAGES
    because: list[str] = []
    for step in trace.steps:            # retries repeat steps: say each once
        text = f"{step.detail} ({step.reference})" if step.reference else step.detail
        if step.stage in wanted and text not in because:
            because.append(text)
    return f"request {trace.index} {where} ({status}{flags})", tuple(because)
