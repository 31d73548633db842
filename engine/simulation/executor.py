"""Execution: run one stream's `Plan` and count what the client sees.

Routing has already decided everything that does not change over time (plan.py). Here the
requests are sent: drawn in bulk when no request can affect another (bulk.py, cost independent
of the request count), otherwise one by one over simulated time (events.py). Both paths count
into the same `Tally` and the same JSON contract (tally.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from engine.simulation.bulk import bulk_blocker, explain_cell, run_bulk
from engine.simulation.cluster import LOCAL_REPLY_MS, ClusterState
from engine.simulation.events import EventRun
from engine.simulation.plan import Outcome, Plan, TraceStep
from engine.simulation.proxy_policy import effective
from engine.simulation.result import RequestTrace, StreamResult
from engine.simulation.tally import Tally, build_result, close_l4, expected_shares, outcome_text

NO_CLUSTER = Outcome(503, ("NC",), "the route names no cluster")
POOL_IDEALISATION = ("connection-pool overflow counts come from a one-worker model (maxConnections in flight, "
                     "http1MaxPendingRequests queued, the rest 503 UO); a real Envoy with several worker "
                     "threads lets a few more through (istio-semantics §13)")


@dataclass(frozen=True)
class Load:
    """How the client sends, as fortio does: -n requests, -c connections, -qps rate."""

    requests: int = 100
    concurrency: int = 1
    rate: float | None = None           # requests per second over all workers; None = as fast as possible


def execute(plan: Plan, load: Load, rng: random.Random, *, index: int = 0, from_: str = "", to: str = "",
            explain: int | None = None) -> StreamResult:
    requests = max(0, load.requests)
    if plan.immediate is None and not plan.targets:           # nothing routable: Envoy has no cluster
        plan = replace(plan, immediate=NO_CLUSTER)
    res = effective(plan)
    uncertain = list(plan.uncertain)
    explaining = explain is not None and 0 <= explain < requests
    traced: RequestTrace | None = None
    if plan.immediate is not None:
        tally = _immediate(plan, requests)
        if explaining:
            outcome = plan.immediate
            steps = list(plan.trace) + [TraceStep("result", _outcome_text(outcome.status, outcome.flags,
                                                                          outcome.detail))]
            traced = RequestTrace(explain, steps, outcome.status, tuple(outcome.flags))
    elif not bulk_blocker(plan, res, load.concurrency):
        tally, cells = run_bulk(plan, res, rng, requests)
        if explaining:
            traced = explain_cell(explain, cells, plan, res, rng)
    else:
        run = EventRun(plan, res, rng, requests=requests, concurrency=max(1, load.concurrency),
                       rate=load.rate, explain=explain if explaining else None)
        tally = run.run()
        traced = run.explained
        if run.pool_overflowed:
            uncertain.append(POOL_IDEALISATION)
    if plan.l4:
        close_l4(tally)
        if traced is not None and traced.flags:
            traced.status = None
    expected = [] if plan.immediate is not None else expected_shares(plan.targets, _hashed(plan))
    result = build_result(tally, index=index, from_=from_, to=to, requests=requests, targets=plan.targets,
                          expected=expected, uncertain=uncertain)
    if traced is not None:
        result.traces[traced.index] = traced
    return result


def _hashed(plan: Plan) -> dict[int, int]:
    """Target index -> the endpoint a consistent hash sends this stream's key to (all healthy)."""
    if not plan.sender_sidecar:
        return {}
    return {i: ClusterState(t, 0, 0, sidecar=True).hashed_host() for i, t in enumerate(plan.targets)
            if t.lb.hash_key is not None and t.connections}


def _immediate(plan: Plan, requests: int) -> Tally:
    outcome = plan.immediate
    tally = Tally()
    if requests:
        tally.outcomes[(outcome.status, tuple(outcome.flags))] = requests
        tally.attempts[0] = requests
        tally.latency_pairs[LOCAL_REPLY_MS] = requests
        if outcome.location:
            tally.redirects[outcome.location] = requests
    return tally


def _outcome_text(status: int | None, flags: tuple[str, ...], detail: str) -> str:
    text = outcome_text(status, flags)
    return f"{text}: {detail}" if detail else text

