"""The timeless path: a stream where no request can influence another is drawn all at once.

When nothing can retry, time out, overflow a pool or eject a host, and the load balancer does
not look at other requests, every request is an independent draw from the same distribution.
The whole stream is then a handful of binomial splits (faults, weighted clusters, endpoints,
outcomes), so its cost does not depend on the number of requests. `bulk_blocker` says why a
stream needs the event-driven path instead.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from engine.simulation import cluster as k
from engine.simulation.cluster import ClusterState, cluster_states, connection_kind, tls_label
from engine.simulation.plan import Plan, TraceStep
from engine.simulation.proxy_policy import ProxyPolicy
from engine.simulation.sampling import binomial, multinomial
from engine.simulation.result import RequestTrace
from engine.simulation.tally import Tally, destination_name, outcome_text, routing_weights


def bulk_blocker(plan: Plan, res: ProxyPolicy, concurrency: int) -> str:
    """Why this stream needs simulated time ("" when it can be drawn in bulk)."""
    weights = routing_weights(plan.targets)
    for target, weight in zip(plan.targets, weights):
        if weight <= 0 or not target.exists or not target.connections:
            continue
        sidecar = plan.sender_sidecar
        if sidecar and concurrency > 1:
            pool = target.pool
            if any(v and v > 0 for v in (pool.max_connections, pool.http1_max_pending_requests,
                                         pool.http2_max_requests)):
                return "connection-pool limits under concurrency"
            if (target.lb.simple in ("LEAST_REQUEST", "LEAST_CONN") and target.lb.hash_key is None
                    and len(target.connections) > 1):
                return "least-request balancing under concurrency"
        outlier = target.outlier if sidecar else None
        detects = bool(outlier and (outlier.consecutive_5xx or outlier.consecutive_gateway_errors))
        for conn in target.connections:
            kind = connection_kind(conn)
            b = conn.behaviour
            if kind == k.APP:
                if b.latency_ms > res.timeout_ms or (res.per_try_ms is not None and b.latency_ms > res.per_try_ms):
                    return "a timeout can fire"
                if (b.reset_rate > 0 and res.retry_reset) or res.status_retriable(200) or (
                        b.error_rate > 0 and res.status_retriable(b.error_status)):
                    return "retries can trigger"
                if detects and (b.reset_rate > 0 or (b.error_rate > 0 and b.error_status >= 500)):
                    return "outlier detection can eject"
            elif kind == k.UF and (res.retry_connect or detects):
                return "retries or outlier detection on connect failures"
            elif kind == k.UC and (res.retry_reset or detects):
                return "retries or outlier detection on resets"
            elif kind == k.DENIED and res.status_retriable(403) or \
                    kind == k.UNAUTHENTICATED and res.status_retriable(401):
                return "retries can trigger"
    return ""


@dataclass(frozen=True)
class Cell:
    """Requests that went the same way: same target, endpoint and outcome (and delay or not)."""

    delayed: bool
    target: int                  # -1: aborted by the fault filter
    host: int                    # -1: no endpoint (NC, UH, abort)
    outcome: str                 # ok | error | reset_rate | fixed | NC | UH | abort


def run_bulk(plan: Plan, res: ProxyPolicy, rng: random.Random, requests: int) -> tuple[Tally, list[tuple[Cell, int]]]:
    cells: list[tuple[Cell, int]] = []
    p_delay = res.delay_fraction if res.delay_ms > 0 else 0.0

    def add(cell_target: int, host: int, outcome: str, n: int) -> None:
        delayed = binomial(rng, n, p_delay)
        for flag, count in ((True, delayed), (False, n - delayed)):
            if count:
                cells.append((Cell(flag, cell_target, host, outcome), count))

    aborted = binomial(rng, requests, res.abort_fraction)
    add(-1, -1, "abort", aborted)
    routed = requests - aborted
    mirrored = sum(binomial(rng, routed, f) for f in res.mirror_fractions)
    states = cluster_states(plan, rng)
    for ti, (state, n_target) in enumerate(zip(states, multinomial(rng, routed, routing_weights(plan.targets)))):
        if not n_target:
            continue
        if not state.exists:
            add(ti, -1, "NC", n_target)
            continue
        if not state.n:
            add(ti, -1, "UH", n_target)
            continue
        for h, n_host in enumerate(_split_endpoints(state, rng, n_target)):
            if not n_host:
                continue
            if state.kind[h] != k.APP:
                add(ti, h, "fixed", n_host)
                continue
            reset = state.reset_below[h]
            error = state.error_below[h] - reset
            for outcome, n in zip(("reset_rate", "error", "ok"),
                                  multinomial(rng, n_host, [reset, error, max(0.0, 1.0 - reset - error)])):
                if n:
                    add(ti, h, outcome, n)
    tally = Tally(mirrored=mirrored)
    for cell, n in cells:
        status, flags, duration, answered, label, tries = describe(cell, plan, res, states)
        tally.outcomes[(status, flags)] += n
        tally.attempts[tries] += n
        tally.latency_pairs[duration] += n
        if answered:
            tally.hosts[states[cell.target].gid[cell.host]] += n
        if label:
            tally.tls[label] += n
    return tally, cells


def _split_endpoints(state: ClusterState, rng: random.Random, n: int) -> list[int]:
    if state.hash_point >= 0:
        counts = [0] * state.n
        counts[state.hashed_host()] = n
        return counts
    if state.lb == "ROUND_ROBIN":
        # Envoy round robin from a random start: counts differ by at most one.
        base, extra = divmod(n, state.n)
        start = (state.rr + 1) % state.n
        return [base + (1 if (h - start) % state.n < extra else 0) for h in range(state.n)]
    return multinomial(rng, n, [1.0] * state.n)


def describe(cell: Cell, plan: Plan, res: ProxyPolicy, states: list[ClusterState]):
    """(status, flags, latency, answered by the endpoint, tls label, tries) of a cell."""
    pre = ("DI",) if cell.delayed else ()
    delay = res.delay_ms if cell.delayed else 0.0
    local = delay + k.LOCAL_REPLY_MS
    if cell.outcome == "abort":
        return res.abort_status, pre + ("FI",), local, False, "", 0
    if cell.outcome in ("NC", "UH"):
        return 503, pre + (cell.outcome,), local, False, "", 0
    state = states[cell.target]
    h = cell.host
    conn = plan.targets[cell.target].connections[h]
    label = tls_label(conn)
    latency = delay + state.latency[h]
    if cell.outcome == "ok":
        return 200, pre, latency, True, label, 1
    if cell.outcome == "error":
        return state.error_status[h], pre, latency, True, label, 1
    if cell.outcome == "reset_rate":
        return 503, pre + ("UC",), latency, False, label, 1
    kind = state.kind[h]
    if kind == k.DENIED:
        return 403, pre, local, True, label, 1
    if kind == k.UNAUTHENTICATED:
        return 401, pre, local, True, label, 1
    if kind == k.RESET:
        return None, pre, local, False, label, 1
    return 503, pre + ("UF" if kind == k.UF else "UC",), local, False, label, 1


def explain_cell(index: int, cells: list[tuple[Cell, int]], plan: Plan, res: ProxyPolicy,
                 rng: random.Random) -> RequestTrace:
    """A trace for one request of a bulk stream: requests are exchangeable, so request N went
    the way of a cell drawn with probability count / requests, consistent with the counts."""
    total = sum(n for _, n in cells)
    pick = rng.random() * total
    for cell, n in cells:
        pick -= n
        if pick < 0:
            break
    steps = list(plan.trace)
    if cell.delayed:
        steps.append(TraceStep("fault", f"delay of {res.delay_ms:g}ms injected (DI); the route timer starts after it"))
    if cell.outcome == "abort":
        steps.append(TraceStep("fault", f"abort with HTTP {res.abort_status} injected (FI): the fault filter "
                               "answers before the router, so it is never retried"))
    else:
        target = plan.targets[cell.target]
        weights = routing_weights(plan.targets)
        steps.append(TraceStep("weight", f"weighted cluster drawn: {target.name} ({weights[cell.target]:g} of "
                               f"{sum(weights):g}); retries stay in it"))
        steps.extend(s for s in target.trace if s not in plan.trace)
        if cell.outcome == "NC":
            steps.append(TraceStep("cluster", f"{target.name} is not in CDS: 503 NC"))
        elif cell.outcome == "UH":
            steps.append(TraceStep("endpoint", f"no healthy endpoint in {target.name}: 503 UH, no panic routing"))
        else:
            conn = target.connections[cell.host]
            lb = cluster_states(plan)[cell.target].lb_name
            steps.append(TraceStep("endpoint", f"try 1: {lb} picked "
                                   f"{conn.endpoint.name} ({conn.endpoint.namespace})"))
            steps.extend(conn.trace)
    status, flags, latency, answered, _, _ = describe(cell, plan, res, cluster_states(plan))
    steps.append(TraceStep("result", f"{outcome_text(status, flags)} after {latency:g}ms"))
    where = destination_name(plan.targets[cell.target], cell.host) if answered else ""
    return RequestTrace(index, steps, status, flags, where)
