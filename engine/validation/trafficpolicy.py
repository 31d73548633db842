"""DestinationRule traffic policies (validation.go validateTrafficPolicy and friends).

Also used by Sidecar for its inbound connection pools. Each function takes the YAML path of
the block it checks, so every message lands on the right line.
"""

from __future__ import annotations

from engine.resources.networking import (ClientTLSSettings, ConnectionPoolSettings, H2UpgradePolicy,
                                         LoadBalancerSettings, OutlierDetection, PortTrafficPolicy, TLSMode,
                                         TrafficPolicy)
from engine.validation import common
from engine.validation.locality import locality_lb_setting
from engine.validation.report import Report


def traffic_policy(r: Report, policy: TrafficPolicy | None, path: str, namespace: str) -> None:
    if policy is None:
        return
    if (policy.outlier_detection is None and policy.connection_pool is None and policy.load_balancer is None
            and policy.tls is None and not policy.port_level_settings and policy.tunnel is None
            and policy.proxy_protocol is None):
        r.error(path, "traffic policy must have at least one field")
        return
    if policy.tunnel is not None and policy.proxy_protocol is not None:
        r.error(path, "tunnel and proxyProtocol must not be set together")
        return
    _settings(r, policy, path)
    for i, port_policy in enumerate(policy.port_level_settings):
        at = f"{path}.portLevelSettings[{i}]"
        if port_policy.port is None:
            r.error(at, "portTrafficPolicy must have valid port")
        if (port_policy.outlier_detection is None and port_policy.connection_pool is None
                and port_policy.load_balancer is None and port_policy.tls is None):
            r.error(at, "port traffic policy must have at least one field")
            continue
        _settings(r, port_policy, at)


def _settings(r: Report, policy: TrafficPolicy | PortTrafficPolicy, path: str) -> None:
    """The four settings a TrafficPolicy and each of its portLevelSettings share."""
    outlier(r, policy.outlier_detection, f"{path}.outlierDetection")
    connection_pool(r, policy.connection_pool, f"{path}.connectionPool")
    load_balancer(r, policy.load_balancer, policy.outlier_detection, f"{path}.loadBalancer")
    client_tls(r, policy.tls, f"{path}.tls")


def outlier(r: Report, od: OutlierDetection | None, path: str) -> None:
    if od is None:
        return
    r.error(f"{path}.baseEjectionTime", common.duration(od.base_ejection_time))
    if od.consecutive_errors:
        r.warning(f"{path}.consecutiveErrors", "outlier detection consecutive errors is deprecated, use "
                                               "consecutiveGatewayErrors or consecutive5xxErrors instead")
    if not od.split_external_local_origin_errors and (od.consecutive_local_origin_failures or 0) > 0:
        r.error(f"{path}.consecutiveLocalOriginFailures", "outlier detection consecutive local origin failures "
                "is specified, but split external local origin errors is set to false")
    r.error(f"{path}.interval", common.duration(od.interval))
    r.error(f"{path}.maxEjectionPercent", common.percent(od.max_ejection_percent))
    r.error(f"{path}.minHealthPercent", common.percent(od.min_health_percent))


def connection_pool(r: Report, pool: ConnectionPoolSettings | None, path: str) -> None:
    if pool is None:
        return
    if pool.http is None and pool.tcp is None:
        r.error(path, "connection pool must have at least one field")
        return
    if (h := pool.http) is not None:
        at = f"{path}.http"
        for value, field, text in ((h.http1_max_pending_requests, "http1MaxPendingRequests",
                                    "http1 max pending requests"),
                                   (h.http2_max_requests, "http2MaxRequests", "http2 max requests"),
                                   (h.max_requests_per_connection, "maxRequestsPerConnection",
                                    "max requests per connection"),
                                   (h.max_retries, "maxRetries", "max retries")):
            if (value or 0) < 0:
                r.error(f"{at}.{field}", f"{text} must be non-negative")
        r.error(f"{at}.idleTimeout", common.duration(h.idle_timeout))
        if h.h2_upgrade_policy is H2UpgradePolicy.UPGRADE and h.use_client_protocol:
            r.error(f"{at}.useClientProtocol", "use client protocol must not be true when H2UpgradePolicy is UPGRADE")
        if (h.max_concurrent_streams or 0) < 0:
            r.error(f"{at}.maxConcurrentStreams", "max concurrent streams must be non-negative")
        if (ka := h.http2_keep_alive) is not None:   # both are needed for Envoy's HTTP/2 PING keepalive
            if ka.interval is None:
                r.error(f"{at}.http2KeepAlive", "http2 keepalive interval is required")
            if ka.timeout is None:
                r.error(f"{at}.http2KeepAlive", "http2 keepalive timeout is required")
            r.error(f"{at}.http2KeepAlive.interval", common.duration(ka.interval))
            r.error(f"{at}.http2KeepAlive.timeout", common.duration(ka.timeout))
    if (t := pool.tcp) is not None:
        at = f"{path}.tcp"
        if (t.max_connections or 0) < 0:
            r.error(f"{at}.maxConnections", "max connections must be non-negative")
        r.error(f"{at}.connectTimeout", common.duration(t.connect_timeout))
        r.error(f"{at}.maxConnectionDuration", common.duration(t.max_connection_duration))


def load_balancer(r: Report, lb: LoadBalancerSettings | None, od: OutlierDetection | None, path: str) -> None:
    if lb is None:
        return
    ch = lb.consistent_hash
    if ch is not None:
        at = f"{path}.consistentHash"
        if ch.http_cookie is not None and not ch.http_cookie.name:
            r.error(f"{at}.httpCookie", "name required for HttpCookie")
        if ch.minimum_ring_size:
            r.warning(f"{at}.minimumRingSize", "consistent hash MinimumRingSize is deprecated, use "
                                               "ConsistentHashLB's RingHash configuration instead")
            if ch.ring_hash is not None or ch.maglev is not None:
                r.error(at, "only one of MinimumRingSize or Maglev/Ringhash can be specified")
        if isinstance(ch.maglev, dict):
            size = ch.maglev.get("tableSize") or 0
            size = size if isinstance(size, int) and not isinstance(size, bool) else 0
            if size == 0:
                r.error(f"{at}.maglev", "tableSize must be set for maglev")
            if size >= 5000011:
                r.error(f"{at}.maglev", "tableSize must be less than 5000011 for maglev")
            if not _is_prime(size):
                r.error(f"{at}.maglev", "tableSize must be a prime number for maglev")
    locality_lb_setting(r, lb.locality_lb_setting, od is not None, f"{path}.localityLbSetting")
    if (warmup := lb.warmup) is not None:
        at = f"{path}.warmup"
        if warmup.duration is None:
            r.error(at, "duration is required")
        if warmup.minimum_percent is not None and not 0 <= warmup.minimum_percent <= 100:
            r.error(f"{at}.minimumPercent", "minimumPercent value should be less than or equal to 100")
        if warmup.aggression is not None and warmup.aggression <= 0:
            r.error(f"{at}.aggression", "aggression should be greater than 0")


def _is_prime(x: int) -> bool:
    """Envoy's primality check (utility.cc), copied by Istio: 0 is not prime, 1..3 are."""
    if 0 < x < 4:
        return True
    if x % 2 == 0:
        return False
    f = 3
    while f * f <= x:
        if x % f == 0:
            return False
        f += 2
    return True


def client_tls(r: Report, tls: ClientTLSSettings | None, path: str) -> None:
    """agent.ValidateTLS: client-side TLS of a DestinationRule."""
    if tls is None:
        return
    if tls.insecure_skip_verify:
        if tls.mode is TLSMode.SIMPLE and (tls.ca_certificates or tls.credential_name or tls.subject_alt_names):
            r.error(path, "cannot specify CaCertificates or CredentialName or SubjectAltNames when "
                          "InsecureSkipVerify is set true")
        if tls.mode is TLSMode.MUTUAL and (tls.ca_certificates or tls.subject_alt_names):
            r.error(path, "cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true")
    if tls.mode in (TLSMode.SIMPLE, TLSMode.MUTUAL) and tls.credential_name:
        if tls.client_certificate or tls.ca_certificates or tls.private_key or tls.ca_crl:
            r.error(path, "cannot specify client certificates or CA certificate or CA CRL If credentialName is set")
        return
    if tls.mode is TLSMode.MUTUAL:
        if not tls.client_certificate:
            r.error(path, "client certificate required for mutual tls")
        if not tls.private_key:
            r.error(path, "private key required for mutual tls")
