"""One Envoy cluster as one client proxy sees it while a stream runs: endpoints, load balancer,
outlier detection and connection-pool counters.

Everything the per-request loop touches is a plain list indexed by host number, built once per
stream from the immutable `ClusterTarget`, so choosing a host or recording a result allocates
nothing. Sources: Envoy `source/common/upstream/load_balancer_impl.cc` (least request = power of
two choices among healthy hosts, ties keep the first pick; round robin), `outlier_detection_impl.cc`
(`putHttpResponseCode`, `ejectHost`, `checkHostForUneject`), istio-semantics §4.4-4.6.
"""

from __future__ import annotations

import math
import zlib
from bisect import bisect_left
from collections import deque

from engine.simulation.plan import ClusterTarget, Connection, Plan

# What an attempt on a host can end in before any randomness (Connection -> kind).
APP = 0        # the app answers: Behaviour's reset_rate / error_rate / latency apply
RESET = 1      # connection reset, no HTTP response (sidecar-less client -> STRICT server)
UF = 2         # connect or TLS handshake failure seen by the client proxy: 503 UF
UC = 3         # server closed the connection after connect: 503 UC
DENIED = 4     # AuthorizationPolicy on the server sidecar: 403
UNAUTHENTICATED = 5   # RequestAuthentication on the server sidecar rejected the JWT: 401

UNLIMITED = 1 << 62                       # Envoy's default thresholds are 2^32-1: never reached here
MAX_EJECTION_MS = 300_000.0               # Envoy max_ejection_time default (300s)
RING_POINTS = 1024                        # Istio's ring hash minimum ring size
# A reply that never reaches an app (503 UO/UH/NC, injected abort, refused connection, RBAC 403)
# still costs the client one round trip to a proxy. Without it a fortio worker that overflows
# would fire all its remaining requests at the same instant. With it, `-c 3` against
# maxConnections 1 + http1MaxPendingRequests 1 gives ~1/3 successes, close to the 11/30 of
# istio.io's circuit-breaking task. [M]
LOCAL_REPLY_MS = 0.5


def connection_kind(conn: Connection) -> int:
    if conn.refused == "reset":
        return RESET
    if conn.refused == "UF" or conn.behaviour.down:
        return UF
    if conn.refused == "UC":
        return UC
    if conn.unauthenticated:
        return UNAUTHENTICATED
    if conn.denied:     # over TCP the network RBAC filter closes the connection: no HTTP 403
        return RESET if conn.l4 else DENIED
    return APP


def tls_label(conn: Connection) -> str:
    """TLS outcome counted for a request whose final attempt used this connection."""
    if conn.refused:
        return "rejected"
    if conn.behaviour.down:
        return ""                           # nothing listened: no TLS decision to count
    return conn.tls


def _limit(value: int | None) -> int:
    return value if value and value > 0 else UNLIMITED   # Istio: 0 means unset (§4.5)


class ClusterState:
    """Mutable per-stream state of one cluster. Attribute access only; no allocation per request."""

    __slots__ = (
        "target", "sidecar", "exists", "n", "kind", "latency", "reset_below", "error_below", "error_status",
        "tls", "gid", "active", "healthy", "lb", "rr", "ring", "ring_hosts", "hash_point",
        "outlier", "consec_5xx", "consec_gw", "limit_5xx", "limit_gw", "ejected", "ejected_at",
        "ejections", "unejected_at", "n_ejected", "next_uneject", "interval", "base_ejection",
        "max_ejection_percent", "panic_percent",
        "max_connections", "max_pending", "max_requests", "max_retries",
        "busy", "in_flight", "pending", "retrying",
    )

    def __init__(self, target: ClusterTarget, first_gid: int, rng_start: int, *, sidecar: bool) -> None:
        conns = target.connections
        self.target = target
        self.sidecar = sidecar
        self.exists = target.exists
        self.n = len(conns)
        self.kind = [connection_kind(c) for c in conns]
        self.latency = [max(0.0, float(c.behaviour.latency_ms)) for c in conns]
        self.reset_below = [min(1.0, max(0.0, c.behaviour.reset_rate)) for c in conns]
        self.error_below = [min(1.0, max(0.0, c.behaviour.reset_rate) + max(0.0, c.behaviour.error_rate))
                            for c in conns]
        self.error_status = [c.behaviour.error_status for c in conns]
        self.tls = [tls_label(c) for c in conns]
        self.gid = list(range(first_gid, first_gid + self.n))
        self.active = [0] * self.n
        self.healthy = list(range(self.n))
        # A sidecar-less client has no Envoy: kube-proxy picks a random ready pod, no DR applies.
        self.lb = target.lb.simple if sidecar else "RANDOM"
        if self.lb == "LEAST_CONN":           # deprecated alias (istio-semantics §1)
            self.lb = "LEAST_REQUEST"
        self.rr = rng_start % self.n if self.n else 0
        self.ring: list[int] = []
        self.ring_hosts: list[int] = []
        self.hash_point = -1
        if sidecar and target.lb.hash_key is not None and self.n:
            self._build_ring(target.lb.hash_key)
        policy = target.outlier if sidecar else None
        self.outlier = policy is not None
        self.limit_5xx = (policy.consecutive_5xx or 0) if policy else 0
        self.limit_gw = (policy.consecutive_gateway_errors or 0) if policy else 0
        self.interval = max(1.0, policy.interval_ms) if policy else 10_000.0
        self.base_ejection = max(1.0, policy.base_ejection_ms) if policy else 30_000.0
        self.max_ejection_percent = policy.max_ejection_percent if policy else 0
        self.panic_percent = policy.min_health_percent if policy else 0
        self.consec_5xx = [0] * self.n
        self.consec_gw = [0] * self.n
        self.ejected = [False] * self.n
        self.ejected_at = [0.0] * self.n
        self.ejections = [0] * self.n
        self.unejected_at = [0.0] * self.n
        self.n_ejected = 0
        self.next_uneject = math.inf
        pool = target.pool
        self.max_connections = _limit(pool.max_connections) if sidecar else UNLIMITED
        self.max_pending = _limit(pool.http1_max_pending_requests) if sidecar else UNLIMITED
        self.max_requests = _limit(pool.http2_max_requests) if sidecar else UNLIMITED
        self.max_retries = _limit(pool.max_retries) if sidecar else UNLIMITED
        self.busy = 0            # connections carrying a request (HTTP/1.1: one request each)
        self.in_flight = 0       # requests on a connection or queued (Envoy's `requests` resource)
        self.pending: deque = deque()
        self.retrying = 0        # retries scheduled or in flight (Envoy's `retries` resource)

    # --- load balancing -------------------------------------------------------------------

    @property
    def lb_name(self) -> str:
        """How the pick is described in a trace."""
        if self.hash_point >= 0:
            return "consistent hash (ring)"
        if not self.sidecar:
            return "kube-proxy (random ready pod)"
        return {"LEAST_REQUEST": "least request (power of two choices)", "ROUND_ROBIN": "round robin",
                "RANDOM": "random"}.get(self.lb, self.lb.lower())

    def _build_ring(self, key: str) -> None:
        """Ring hash over endpoint names: stable per key, and only keys of a removed host move."""
        points = []
        per_host = max(1, RING_POINTS // self.n)
        for h, conn in enumerate(self.target.connections):
            for i in range(per_host):
                points.append((zlib.crc32(f"{conn.endpoint.name}_{i}".encode()), h))
        points.sort()
        self.ring = [p for p, _ in points]
        self.ring_hosts = [h for _, h in points]
        self.hash_point = zlib.crc32(key.encode())

    def hashed_host(self) -> int:
        """The first healthy host clockwise from the stream's hash key on the ring."""
        ring_hosts = self.ring_hosts
        size = len(ring_hosts)
        start = bisect_left(self.ring, self.hash_point)
        ejected = self.ejected
        for step in range(size):
            h = ring_hosts[(start + step) % size]
            if not ejected[h]:
                return h
        return -1

    def choose(self, now: float, random_) -> int:
        """One host by the cluster's LB among hosts not ejected, or -1 (503 UH, no panic routing)."""
        if now >= self.next_uneject:
            self.sweep(now)
        hosts = self.healthy
        n = len(hosts)
        if n == 0:
            return -1
        if self.panic_percent and 100 * n < self.panic_percent * self.n:
            hosts = range(self.n)            # panic: Envoy balances over all hosts
            n = self.n
        if n == 1:
            return hosts[0]
        lb = self.lb
        if self.hash_point >= 0:
            return self.hashed_host()
        if lb == "LEAST_REQUEST":
            a = hosts[int(random_() * n)]
            b = hosts[int(random_() * n)]
            active = self.active
            return b if active[b] < active[a] else a
        if lb == "ROUND_ROBIN":
            self.rr += 1
            return hosts[self.rr % n]
        return hosts[int(random_() * n)]

    # --- outlier detection ----------------------------------------------------------------

    def record(self, now: float, h: int, code: int) -> bool:
        """Feed one attempt's result (HTTP code; local failures mapped to 503/504) to the detector.

        Returns True when this result ejected the host. Envoy counts consecutive 5xx and
        consecutive gateway errors per host; any non-5xx resets both (`putHttpResponseCode`).
        """
        if code < 500:
            self.consec_5xx[h] = 0
            self.consec_gw[h] = 0
            return False
        if code in (502, 503, 504):
            self.consec_gw[h] += 1
            if self.limit_gw and self.consec_gw[h] == self.limit_gw:
                self.consec_gw[h] = 0
                if self.eject(now, h):
                    return True
        else:
            self.consec_gw[h] = 0
        self.consec_5xx[h] += 1
        if self.limit_5xx and self.consec_5xx[h] == self.limit_5xx:
            self.consec_5xx[h] = 0
            return self.eject(now, h)
        return False

    def eject(self, now: float, h: int) -> bool:
        """Envoy `DetectorImpl::ejectHost`: eject only if the ejected share *including this host*
        stays within maxEjectionPercent. Envoy 1.28 put the first ejection under that limit too
        (runtime guard check_mep_on_first_eject; the old path was removed in 1.31, i.e. every
        Istio >= 1.23) and Istio does not set `always_eject_one_host`. So the default 10% ejects
        nothing from fewer than 10 hosts. This corrects istio-semantics §12.10, which describes
        the pre-1.28 rule ("one host can always be ejected")."""
        if self.ejected[h] or 100.0 * (self.n_ejected + 1) / self.n > self.max_ejection_percent:
            return False
        # The ejection multiplier decays by one per interval the host stayed healthy [M].
        if self.ejections[h]:
            healthy_sweeps = int(now // self.interval) - int(self.unejected_at[h] // self.interval)
            self.ejections[h] = max(0, self.ejections[h] - healthy_sweeps)
        self.ejections[h] += 1
        self.ejected[h] = True
        self.ejected_at[h] = now
        self.n_ejected += 1
        self.healthy = [x for x in range(self.n) if not self.ejected[x]]
        self.next_uneject = min(self.next_uneject, self.uneject_time(h))
        return True

    def uneject_time(self, h: int) -> float:
        """First interval sweep at which base_ejection * ejections has elapsed since ejection."""
        duration = min(self.base_ejection * self.ejections[h], max(MAX_EJECTION_MS, self.base_ejection))
        return math.ceil((self.ejected_at[h] + duration) / self.interval) * self.interval

    def sweep(self, now: float) -> None:
        nxt = math.inf
        for h in range(self.n):
            if self.ejected[h]:
                at = self.uneject_time(h)
                if at <= now:
                    self.ejected[h] = False
                    self.unejected_at[h] = at
                    self.n_ejected -= 1
                else:
                    nxt = min(nxt, at)
        self.next_uneject = nxt
        self.healthy = [x for x in range(self.n) if not self.ejected[x]]


def cluster_states(plan: Plan, rng=None) -> list[ClusterState]:
    """One state per target, host ids numbered in target order (round robin starts at a random
    host, as Envoy seeds it, when `rng` is given)."""
    out, gid = [], 0
    for target in plan.targets:
        out.append(ClusterState(target, gid, rng.getrandbits(32) if rng else 0, sidecar=plan.sender_sidecar))
        gid += len(target.connections)
    return out
