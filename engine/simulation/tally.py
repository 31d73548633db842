"""Counting a stream's outcomes into the JSON contract (`StreamResult`), for both execution paths.

Definitions (DESIGN.md "Outputs"):
- `destinations`: each request once, by the endpoint that produced its final HTTP response (the
  app, or its sidecar's RBAC 403), grouped by (service, namespace, port, subset, workload
  labels). Requests answered by a proxy (NR, NC, UH, UO, UF, UC, UT, FI) or by nobody (reset)
  have no destination. `share` = requests / all requests of the stream.
- `expected`: where routing sends requests, exactly: weight/total x endpoints of that workload /
  endpoints of the cluster (one endpoint for a consistent hash), ignoring failures and faults.
- `tls`: per request, from the connection of its final attempt; "rejected" when it was refused.
- `attempts`: tries sent to an endpoint (0 for requests answered before any was sent).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from engine.simulation.plan import ClusterTarget
from engine.simulation.result import Attempts, DestinationCount, ExpectedShare, StreamResult
from engine.simulation.sampling import percentile, percentiles_sorted

QUANTILES = (("p50", 50.0), ("p90", 90.0), ("p99", 99.0))


@dataclass
class Tally:
    """Raw counts, keyed by small values; turned into a StreamResult once at the end."""

    outcomes: Counter = field(default_factory=Counter)        # (status | None, flags) -> n
    hosts: Counter = field(default_factory=Counter)           # global host id -> n
    tls: Counter = field(default_factory=Counter)             # "mtls" | "plaintext" | "tls" | "rejected"
    attempts: Counter = field(default_factory=Counter)        # attempts -> n
    latency_pairs: Counter = field(default_factory=Counter)   # bulk path: latency -> n
    latency_list: list[float] = field(default_factory=list)   # event path: one per request
    mirrored: int = 0
    redirects: Counter = field(default_factory=Counter)       # Location of a 3xx redirect -> n


def close_l4(tally: Tally) -> None:
    """A TCP proxy (Envoy tcp_proxy) cannot answer with HTTP: when it fails to reach a backend
    (no cluster NC, no healthy host UH, overflow UO, connect or TLS failure UF, upstream close UC)
    it closes the client's connection. The flags stay (Envoy's TCP access log has them); the
    status becomes "reset". An app's own reply (no flags) passes through the TCP proxy as is."""
    for (code, flags), n in list(tally.outcomes.items()):
        if code is not None and flags:
            del tally.outcomes[(code, flags)]
            tally.outcomes[(None, flags)] += n


def outcome_text(status: int | None, flags: tuple[str, ...]) -> str:
    """"503 UF,URX", "200", "reset": how a response is written in traces and tables."""
    text = "reset" if status is None else str(status)
    return f"{text} {','.join(flags)}" if flags else text


def destination_name(target: ClusterTarget, host: int) -> str:
    endpoint = target.connections[host].endpoint
    subset = f" subset {target.subset}" if target.subset else ""
    return f"{endpoint.name} ({target.service}.{target.namespace}:{target.port}{subset})"


def host_groups(targets: tuple[ClusterTarget, ...]) -> list[tuple[tuple, int]]:
    """(destination key, global host id) for every endpoint, ids numbered in target order."""
    out = []
    gid = 0
    for t in targets:
        for c in t.connections:
            key = (t.service, t.namespace, t.port, t.subset, tuple(sorted(c.endpoint.labels)))
            out.append((key, gid))
            gid += 1
    return out


def expected_shares(targets: tuple[ClusterTarget, ...], hashed: dict[int, int]) -> list[ExpectedShare]:
    """Exact routing shares. `hashed`: target index -> endpoint chosen by a consistent hash."""
    live = [(i, t) for i, t in enumerate(targets) if t.exists and t.connections]
    total = sum(routing_weights(targets))
    if total <= 0:
        return []
    weights = routing_weights(targets)
    shares: dict[tuple, float] = {}
    for i, t in live:
        if weights[i] <= 0:
            continue
        cluster_share = weights[i] / total
        conns = t.connections if i not in hashed else (t.connections[hashed[i]],)
        for c in conns:
            key = (t.service, t.namespace, t.subset, tuple(sorted(c.endpoint.labels)))
            shares[key] = shares.get(key, 0.0) + cluster_share / len(conns)
    return [ExpectedShare(service=k[0], namespace=k[1], subset=k[2], labels=dict(k[3]), share=round(v, 6))
            for k, v in shares.items()]


def routing_weights(targets: tuple[ClusterTarget, ...]) -> list[float]:
    """Envoy weighted_clusters: a lone destination takes everything whatever its weight
    (istio-semantics §3.4); otherwise weights are relative and 0 gets nothing."""
    if len(targets) == 1:
        return [1.0]
    weights = [float(max(0, t.weight)) for t in targets]
    if sum(weights) <= 0:                 # the webhook rejects this; stay total rather than crash
        return [1.0] * len(targets)
    return weights


def build_result(tally: Tally, *, index: int, from_: str, to: str, requests: int,
                 targets: tuple[ClusterTarget, ...], expected: list[ExpectedShare],
                 uncertain: list[str]) -> StreamResult:
    result = StreamResult(index=index, from_=from_, to=to, requests=requests)
    grouped: dict[tuple, int] = {}
    for key, gid in host_groups(targets):
        n = tally.hosts.get(gid, 0)
        if n:
            grouped[key] = grouped.get(key, 0) + n
    result.destinations = [
        DestinationCount(service=k[0], namespace=k[1], port=k[2], subset=k[3], labels=dict(k[4]),
                         requests=n, share=round(n / requests, 6) if requests else 0.0)
        for k, n in grouped.items()]
    result.expected = expected
    status: Counter = Counter()
    flags: Counter = Counter()
    for (code, flag_tuple), n in tally.outcomes.items():
        status["reset" if code is None else str(code)] += n
        for flag in flag_tuple:
            flags[flag] += n
    result.status = dict(sorted(status.items()))
    result.flags = dict(sorted(flags.items()))
    tls = {"mtls": 0, "plaintext": 0, "rejected": 0}
    for label, n in sorted(tally.tls.items()):
        if label:
            tls[label] = tls.get(label, 0) + n
    result.tls = tls
    total = sum(a * n for a, n in tally.attempts.items())
    result.attempts = Attempts(total=total, max=max((a for a, n in tally.attempts.items() if n), default=0),
                               mean=round(total / requests, 6) if requests else 0.0)
    result.mirrored = tally.mirrored
    result.redirects = dict(sorted(tally.redirects.items()))
    if tally.latency_list:
        tally.latency_list.sort()
        values = percentiles_sorted(tally.latency_list, [q for _, q in QUANTILES])
    else:
        values = [percentile(tally.latency_pairs.items(), q) for _, q in QUANTILES]
    result.latency_ms = {name: round(v, 3) for (name, _), v in zip(QUANTILES, values)}
    result.uncertain = list(uncertain)
    return result
