"""The event-driven path: one stream's requests over simulated time, request by request.

fortio's model of the sender: `concurrency` workers, each sending its next request when the
previous one is done, paced to `rate` requests/s overall (or as fast as possible). Per request,
in Envoy's order: fault filter (delay, then abort: never retried, §3.9) -> router: mirrors,
weighted cluster drawn once (retries stay in it, §3.4), route timer started after the injected
delay (§12.16) -> per try: load balancer (no healthy host: 503 UH, no panic routing) ->
circuit breakers (503 UO, never retried) -> the connection's outcome -> outlier detection ->
retry decision (conditions, attempts, maxRetries budget, jittered backoff, previous_hosts).

The inner loop is deliberately plain: per-request state is one `_Request` with slots, hosts are
list indices, outcomes are precomputed tuples; nothing else is allocated per request.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from heapq import heappush
from itertools import accumulate

from engine.simulation import cluster as k
from engine.simulation.clock import NORMAL, URGENT, Clock
from engine.simulation.cluster import ClusterState, cluster_states
from engine.simulation.plan import Plan, TraceStep
from engine.simulation.proxy_policy import NO_TIMEOUT, ProxyPolicy, backoff_interval
from engine.simulation.result import RequestTrace
from engine.simulation.tally import Tally, destination_name, outcome_text, routing_weights

NO_FLAGS: tuple[str, ...] = ()
LOCAL_CODE = {"UF": 503, "UC": 503, "UT": 504}   # outlier detection maps local failures (split off)


class _Request:
    __slots__ = ("index", "worker", "t0", "cluster", "deadline", "tries", "host", "tried",
                 "status", "flag", "retriable", "timed_out", "queued", "retrying", "delayed", "trace")


class EventRun:
    def __init__(self, plan: Plan, res: ProxyPolicy, rng: random.Random, *, requests: int,
                 concurrency: int, rate: float | None, explain: int | None) -> None:
        self.plan = plan
        self.res = res
        self.random = rng.random
        self.clock = Clock()
        self.agenda = self.clock.agenda            # hot path: push events without a call
        self.serial = self.clock.serial
        self.tally = Tally()
        self.outcomes = self.tally.outcomes
        self.attempts = self.tally.attempts
        self.latencies = self.tally.latency_list
        self.requests = requests
        self.concurrency = max(1, min(concurrency, requests or 1))
        # Worker w starts at w * spacing and then every concurrency * spacing ms (fortio -qps).
        self.spacing = 1000.0 / rate if rate else 0.0
        self.slots = [w * self.spacing for w in range(self.concurrency)]
        self.started = 0
        self.explain = explain
        self.explained: RequestTrace | None = None
        self.plan_steps = frozenset(plan.trace)           # routing may already list every target's steps
        self.clusters = cluster_states(plan, rng)
        hosts = sum(c.n for c in self.clusters)
        self.finals = [0] * hosts      # requests whose final attempt went to host id (for tls)
        self.answers = [0] * hosts     # requests answered by host id itself (destinations)
        weights = routing_weights(plan.targets)
        self.cumulative = list(accumulate(weights))
        self.total_weight = self.cumulative[-1] if self.cumulative else 0.0
        # Outcome of each non-app host kind: (status, flag, retriable).
        self.fixed = {k.RESET: (None, "", False), k.UF: (503, "UF", res.retry_connect),
                      k.UC: (503, "UC", res.retry_reset), k.DENIED: (403, "", res.status_retriable(403)),
                      k.UNAUTHENTICATED: (401, "", res.status_retriable(401))}
        self.retry_status = {s: res.status_retriable(s) for s in range(100, 600)}
        self.pool_overflowed = False

    def run(self) -> Tally:
        for w in range(self.concurrency):
            self.clock.schedule(self.slots[w], self._start, w)
        self.clock.run()
        for c in self.clusters:
            for h, gid in enumerate(c.gid):
                if self.answers[gid]:
                    self.tally.hosts[gid] = self.answers[gid]
                if self.finals[gid] and c.tls[h]:
                    self.tally.tls[c.tls[h]] += self.finals[gid]
        return self.tally

    # --- request lifecycle ----------------------------------------------------------------

    def _note(self, req: _Request, stage: str, detail: str, reference: str = "") -> None:
        req.trace.append(TraceStep(stage, detail, reference))

    def _start(self, t: float, worker: int) -> None:
        if self.started >= self.requests:
            return
        req = _Request()
        req.index = self.started
        self.started += 1
        req.worker = worker
        req.t0 = t
        req.tries = 0
        req.host = -1
        req.tried = 0
        req.queued = False
        req.retrying = False
        req.delayed = False
        req.trace = [] if req.index == self.explain else None
        res = self.res
        if req.trace is not None:
            req.trace.extend(self.plan.trace)
        if res.delay_fraction and res.delay_ms and (res.delay_fraction >= 1.0 or self.random() < res.delay_fraction):
            req.delayed = True
            if req.trace is not None:
                self._note(req, "fault", f"delay of {res.delay_ms:g}ms injected (DI); the route timer "
                           "starts after it")
            self.clock.schedule(t + res.delay_ms, self._route, req)
        else:
            self._route(t, req)

    def _route(self, t: float, req: _Request) -> None:
        res = self.res
        if res.abort_fraction and (res.abort_fraction >= 1.0 or self.random() < res.abort_fraction):
            if req.trace is not None:
                self._note(req, "fault", f"abort with HTTP {res.abort_status} injected (FI): the fault "
                           "filter answers before the router, so it is never retried")
            return self._finish(t + k.LOCAL_REPLY_MS, req, res.abort_status,
                                ("DI", "FI") if req.delayed else ("FI",))
        for fraction in res.mirror_fractions:
            if fraction >= 1.0 or self.random() < fraction:
                self.tally.mirrored += 1
        n = len(self.clusters)
        i = 0 if n == 1 else bisect_right(self.cumulative, self.random() * self.total_weight)
        if i >= n:
            i = n - 1
        c = self.clusters[i]
        req.cluster = c
        req.deadline = t + res.timeout_ms
        if req.trace is not None:
            target = c.target
            share = self.cumulative[i] - (self.cumulative[i - 1] if i else 0.0)
            self._note(req, "weight", f"weighted cluster drawn: {target.name} "
                       f"({share:g} of {self.total_weight:g}); retries stay in it")
            req.trace.extend(s for s in target.trace if s not in self.plan_steps)
        if not c.exists:
            if req.trace is not None:
                self._note(req, "cluster", f"{c.target.name} is not in CDS: 503 NC")
            return self._finish(t + k.LOCAL_REPLY_MS, req, 503, ("NC",))
        self._try(t, req)

    def _try(self, t: float, req: _Request) -> None:
        c = req.cluster
        if t >= req.deadline:
            return self._finish(t, req, 504, ("UT",))
        h = c.choose(t, self.random)
        if h >= 0 and req.tried and self.res.other_hosts and c.hash_point < 0 and len(c.healthy) > 1:
            for _ in range(5):                   # host_selection_retry_max_attempts: 5
                if not (req.tried >> h) & 1:
                    break
                h = c.choose(t, self.random)
        if h < 0:
            if req.trace is not None:
                self._note(req, "endpoint", f"no healthy endpoint in {c.target.name} (all ejected or "
                           "none): 503 UH, no panic routing")
            return self._finish(t + k.LOCAL_REPLY_MS, req, 503, ("UH",))
        if c.in_flight >= c.max_requests:
            return self._overflow(t, req, "http2MaxRequests")
        if c.busy >= c.max_connections:
            if len(c.pending) >= c.max_pending:
                return self._overflow(t, req, "maxConnections + http1MaxPendingRequests")
            c.in_flight += 1
            c.pending.append(req)
            req.queued = True
            if req.trace is not None:
                self._note(req, "pool", "all connections busy: queued as a pending request")
            if req.deadline != NO_TIMEOUT:
                self.clock.schedule(req.deadline, self._pending_expired, req)
            return
        c.in_flight += 1
        self._send(t, req, c, h)

    def _overflow(self, t: float, req: _Request, limit: str) -> None:
        self.pool_overflowed = True
        if req.trace is not None:
            self._note(req, "pool", f"circuit breaker {limit} reached: 503 UO, not retried")
        self._finish(t + k.LOCAL_REPLY_MS, req, 503, ("UO",))

    def _pending_expired(self, t: float, req: _Request) -> None:
        if req.queued:
            req.queued = False
            req.cluster.pending.remove(req)
            req.cluster.in_flight -= 1
            self._finish(t, req, 504, ("UT",))

    def _send(self, t: float, req: _Request, c: ClusterState, h: int) -> None:
        """One try on host h: decide its outcome now, deliver it when it is due."""
        c.busy += 1
        c.active[h] += 1
        req.tries += 1
        req.host = h
        req.tried |= 1 << h
        kind = c.kind[h]
        if kind == k.APP:
            duration = c.latency[h]
            u = self.random()
            if u < c.reset_below[h]:
                status, flag, retriable = 503, "UC", self.res.retry_reset
            elif u < c.error_below[h]:
                status = c.error_status[h]
                flag = ""
                retriable = self.retry_status.get(status, False)
            else:
                status, flag, retriable = 200, "", self.retry_status[200]
        else:
            duration = k.LOCAL_REPLY_MS
            status, flag, retriable = self.fixed[kind]
        req.timed_out = False
        end = t + duration
        per_try = self.res.per_try_ms
        if per_try is not None and duration > per_try:
            end = t + per_try
            status, flag, retriable = 504, "UT", self.res.retry_reset
        if end > req.deadline:
            end = req.deadline
            status, flag, retriable = 504, "UT", False
            req.timed_out = True
        req.status = status
        req.flag = flag
        req.retriable = retriable
        if req.trace is not None:
            conn = c.target.connections[h]
            self._note(req, "endpoint", f"try {req.tries}: {c.lb_name} picked "
                       f"{conn.endpoint.name} ({conn.endpoint.namespace})")
            req.trace.extend(conn.trace)
        heappush(self.agenda, (end, NORMAL, next(self.serial), self._answered, req))

    def _answered(self, t: float, req: _Request) -> None:
        c = req.cluster
        h = req.host
        c.busy -= 1
        c.in_flight -= 1
        c.active[h] -= 1
        if req.retrying:                            # Envoy resetRetry(): the retry is no longer outstanding
            c.retrying -= 1
            req.retrying = False
        if c.pending:                               # the freed connection serves the oldest waiter
            waiting = c.pending.popleft()
            waiting.queued = False
            self.clock.schedule(t, self._dequeue, waiting, URGENT)
        status = req.status
        flag = req.flag
        if c.outlier and status is not None:
            if c.record(t, h, LOCAL_CODE.get(flag, status)) and req.trace is not None:
                self._note(req, "outlier", f"{c.target.connections[h].endpoint.name} ejected after "
                           "consecutive errors")
        if req.trace is not None:
            self._note(req, "response", f"try {req.tries}: {outcome_text(status, (flag,) if flag else ())}"
                       + (" (route timeout)" if req.timed_out else ""))
        flags = (flag,) if flag else NO_FLAGS
        if not req.retriable:
            return self._finish(t, req, status, flags, True)
        if req.tries > self.res.retries:
            if req.trace is not None:
                self._note(req, "retry", "retriable, but no retries left: URX")
            return self._finish(t, req, status, flags + ("URX",), True)
        if c.retrying >= c.max_retries:
            if req.trace is not None:
                self._note(req, "retry", "retriable, but the maxRetries budget is used up: UO")
            return self._finish(t, req, status, flags + ("UO",), True)
        c.retrying += 1
        req.retrying = True
        wait = int(self.random() * backoff_interval(self.res.backoff_ms, req.tries))
        if req.trace is not None:
            self._note(req, "retry", f"retriable under retryOn {','.join(sorted(self.res.retry_on))}: "
                       f"retry {req.tries} after {wait}ms backoff")
        self.clock.schedule(min(t + wait, req.deadline), self._try, req)

    def _dequeue(self, t: float, req: _Request) -> None:
        """A pending request gets the connection just freed (it stays counted in in_flight)."""
        c = req.cluster
        h = c.choose(t, self.random) if t < req.deadline else -1
        if h < 0:
            c.in_flight -= 1
            if t >= req.deadline:
                return self._finish(t, req, 504, ("UT",))
            return self._finish(t + k.LOCAL_REPLY_MS, req, 503, ("UH",))
        self._send(t, req, c, h)

    def _finish(self, t: float, req: _Request, status: int | None, flags: tuple[str, ...],
                answered: bool = False) -> None:
        """Count the request's final response. `answered`: it is the last try's own response."""
        if req.delayed and flags[:1] != ("DI",):
            flags = ("DI",) + flags
        self.outcomes[(status, flags)] += 1
        self.attempts[req.tries] += 1
        self.latencies.append(t - req.t0)
        h = req.host
        if h >= 0:
            gid = req.cluster.gid[h]
            self.finals[gid] += 1
            if answered and not req.flag and status is not None:   # the endpoint itself answered
                self.answers[gid] += 1
        if req.retrying:
            req.cluster.retrying -= 1
            req.retrying = False
        if req.trace is not None:
            self._note(req, "result", f"{outcome_text(status, flags)} after {t - req.t0:g}ms")
            where = destination_name(req.cluster.target, h) if answered and not req.flag and h >= 0 else ""
            self.explained = RequestTrace(req.index, req.trace, status, flags, where)
        w = req.worker
        if self.spacing:
            slot = self.slots[w] = self.slots[w] + self.concurrency * self.spacing
            if slot > t:
                t = slot
        heappush(self.agenda, (t, NORMAL, next(self.serial), self._start, w))
