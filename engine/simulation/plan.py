"""The contract between routing (config-time decisions) and execution (what happens over time).

Routing looks at the mesh once per stream — every request of a stream has the same sender,
host, method, path and headers — and produces a `Plan`: either an immediate outcome (404 NR,
503 NC, 502 block_all, a redirect, a direct response) or weighted cluster targets, each with
one `Connection` per endpoint saying what happens when this client talks to that endpoint
(TLS outcome, refusal, AuthorizationPolicy, backend behaviour). The executor then draws
weights, balances load, retries, times out, ejects and counts, over simulated time.
Everything here is immutable and carries a trace with file:line references for --explain.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TraceStep:
    stage: str                 # sender | host | virtualservice | route | weight | subset | endpoint | tls | authz | ...
    detail: str                # one sentence, learner's words
    reference: str = ""        # file:line of the config that decided, when there is one


@dataclass(frozen=True)
class Request:
    """One request as the client app sends it (all requests of a stream are alike)."""

    host: str                  # as written by the client: "reviews", "reviews.default", "httpbin.org"
    port: int
    method: str = "GET"
    path: str = "/"
    headers: tuple[tuple[str, str], ...] = ()   # lower-cased names
    scheme: str = "http"


@dataclass(frozen=True)
class Endpoint:
    """One pod (or external address) that can answer."""

    name: str                  # pod-like name: reviews-v1-0
    namespace: str
    labels: tuple[tuple[str, str], ...]
    sidecar: bool
    service_account: str = "default"
    external: bool = False


@dataclass(frozen=True)
class Behaviour:
    """How an endpoint answers (from Traffic.backends; healthy 200 by default)."""

    error_rate: float = 0.0
    error_status: int = 503
    latency_ms: float = 1.0
    reset_rate: float = 0.0
    down: bool = False         # connection refused


@dataclass(frozen=True)
class Connection:
    """What happens when this client's proxy (or app, without a sidecar) reaches this endpoint."""

    endpoint: Endpoint
    tls: str                   # "mtls" | "plaintext" | "tls" (originated TLS to an external host)
    refused: str = ""          # "" ok; "reset": no HTTP response at all (plaintext app -> STRICT);
                               # "UF": TLS/connect failure seen by a client proxy (503 UF, retried as
                               # connect-failure); "UC": connection closed by the server after connect
    denied: bool = False       # AuthorizationPolicy: 403 "RBAC: access denied"
    behaviour: Behaviour = Behaviour()
    trace: tuple[TraceStep, ...] = ()
    l4: bool = False           # a TCP connection: a deny closes it (network RBAC filter), no 403
    unauthenticated: bool = False   # RequestAuthentication rejected the request's JWT: 401, before authz


@dataclass(frozen=True)
class LoadBalancer:
    simple: str = "LEAST_REQUEST"      # Istio's default since 1.14
    hash_key: str | None = None        # consistentHash: header/cookie/query/source-ip value of this stream


@dataclass(frozen=True)
class ConnectionPool:
    """Per client proxy, per cluster (istio-semantics §4 and correction 11). None = Envoy default (unlimited-ish)."""

    max_connections: int | None = None
    http1_max_pending_requests: int | None = None
    http2_max_requests: int | None = None
    max_requests_per_connection: int | None = None
    max_retries: int | None = None


@dataclass(frozen=True)
class OutlierPolicy:
    consecutive_5xx: int | None = 5
    consecutive_gateway_errors: int | None = None
    interval_ms: float = 10_000.0
    base_ejection_ms: float = 30_000.0
    max_ejection_percent: int = 10
    min_health_percent: int = 0


@dataclass(frozen=True)
class ClusterTarget:
    name: str                          # outbound|9080|v1|reviews.default.svc.cluster.local
    service: str                       # short service name, or the external host
    namespace: str                     # "" for external hosts
    port: int
    subset: str | None
    weight: int                        # relative weight within the route
    exists: bool = True                # False: not in CDS -> 503 NC
    connections: tuple[Connection, ...] = ()   # empty -> 503 UH
    lb: LoadBalancer = LoadBalancer()
    pool: ConnectionPool = ConnectionPool()
    outlier: OutlierPolicy | None = None
    trace: tuple[TraceStep, ...] = ()


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 2                  # Istio's default policy (mesh default retry)
    per_try_timeout_ms: float | None = None
    retry_on: frozenset[str] = frozenset({"connect-failure", "refused-stream", "unavailable", "cancelled",
                                          "retriable-status-codes"})
    retriable_status_codes: frozenset[int] = frozenset()   # default: none since Istio 1.24 (503 removed)
    backoff_ms: float = 25.0           # VS retries.backoff (Envoy base interval; jittered, max 10x)
    retry_other_hosts: bool = True     # VS retryIgnorePreviousHosts (previous_hosts predicate)


@dataclass(frozen=True)
class Fault:
    delay_ms: float = 0.0
    delay_fraction: float = 0.0        # 0..1
    abort_status: int | None = None
    abort_fraction: float = 0.0


@dataclass(frozen=True)
class Mirror:
    target: ClusterTarget
    fraction: float = 1.0


@dataclass(frozen=True)
class RoutePolicy:
    timeout_ms: float | None = None    # None: disabled (Istio's default for VS routes)
    retry: RetryPolicy = RetryPolicy()
    fault: Fault | None = None
    mirrors: tuple[Mirror, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """A response produced without reaching any endpoint."""

    status: int | None                 # None: no HTTP response (connection reset/refused)
    flags: tuple[str, ...] = ()
    detail: str = ""
    location: str = ""                 # Location header of a redirect (3xx); "" for any other reply


@dataclass(frozen=True)
class Plan:
    request: Request
    sender: str                        # "default/productpage", "external via istio-system/istio-ingressgateway"
    sender_sidecar: bool
    immediate: Outcome | None = None
    targets: tuple[ClusterTarget, ...] = ()
    policy: RoutePolicy = RoutePolicy()
    trace: tuple[TraceStep, ...] = ()
    uncertain: tuple[str, ...] = ()    # where Istio's behaviour is not certain: said, not hidden
    rule_reference: str = ""           # file:line of the matched route rule, "" for a default route
    l4: bool = False                   # TCP/TLS hop (tcp_proxy): a failure the proxy sees closes the
                                       # connection; there is no HTTP status to send back

    @property
    def total_weight(self) -> int:
        return sum(t.weight for t in self.targets)
