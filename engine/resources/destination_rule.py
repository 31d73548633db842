"""DestinationRule schema: field names and enums as in api:networking/v1alpha3/destination_rule.proto."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from engine.resources.common import PortSelector, WorkloadSelector
from engine.resources.schema import Duration, Raw, f


class SimpleLB(StrEnum):
    UNSPECIFIED = "UNSPECIFIED"
    LEAST_CONN = "LEAST_CONN"
    RANDOM = "RANDOM"
    PASSTHROUGH = "PASSTHROUGH"
    ROUND_ROBIN = "ROUND_ROBIN"
    LEAST_REQUEST = "LEAST_REQUEST"


@dataclass(frozen=True)
class HTTPCookie:
    name: str | None = None
    path: str | None = None
    ttl: Raw | None = None   # duration-validation:none in istio/api: `0s` means a session cookie
    attributes: tuple[Raw, ...] = ()


@dataclass(frozen=True)
class ConsistentHashLB:
    ONEOF = (("httpHeaderName", "httpCookie", "useSourceIp", "httpQueryParameterName"),
             ("ringHash", "maglev", "minimumRingSize"))
    http_header_name: str | None = None
    http_cookie: HTTPCookie | None = None
    use_source_ip: bool | None = None
    http_query_parameter_name: str | None = None
    ring_hash: Raw | None = None
    maglev: Raw | None = None
    minimum_ring_size: int | None = f(minimum=0)


@dataclass(frozen=True)
class WarmupConfiguration:
    duration: Duration | None = f(required=True)
    minimum_percent: float | None = f(minimum=0, maximum=100)
    aggression: float | None = f(minimum=1)


@dataclass(frozen=True)
class LoadBalancerSettings:
    ONEOF = (("simple", "consistentHash"),)
    simple: SimpleLB | None = None
    consistent_hash: ConsistentHashLB | None = None
    locality_lb_setting: Raw | None = None
    warmup_duration_secs: Duration | None = None
    warmup: WarmupConfiguration | None = None


class H2UpgradePolicy(StrEnum):
    DEFAULT = "DEFAULT"
    DO_NOT_UPGRADE = "DO_NOT_UPGRADE"
    UPGRADE = "UPGRADE"


@dataclass(frozen=True)
class TCPSettings:
    max_connections: int | None = None
    connect_timeout: Duration | None = None
    tcp_keepalive: Raw | None = None
    max_connection_duration: Duration | None = None
    idle_timeout: Raw | None = None   # "0s" allowed here (disables), unlike other durations
    idle_timeout_for_unhealthy: Raw | None = None


@dataclass(frozen=True)
class HTTPSettings:
    http1_max_pending_requests: int | None = None
    http2_max_requests: int | None = None
    max_requests_per_connection: int | None = None
    max_retries: int | None = None
    idle_timeout: Duration | None = None
    h2_upgrade_policy: H2UpgradePolicy | None = None
    use_client_protocol: bool | None = None
    max_concurrent_streams: int | None = None
    http2_keep_alive: HTTP2KeepAlive | None = None


@dataclass(frozen=True)
class HTTP2KeepAlive:
    """HTTP/2 PING keepalive towards the upstream (Istio >= 1.27)."""
    interval: Duration | None = None
    timeout: Duration | None = None


@dataclass(frozen=True)
class ConnectionPoolSettings:
    tcp: TCPSettings | None = None
    http: HTTPSettings | None = None


@dataclass(frozen=True)
class OutlierDetection:
    split_external_local_origin_errors: bool | None = None
    consecutive_local_origin_failures: int | None = f(minimum=0)
    consecutive_gateway_errors: int | None = f(minimum=0)
    consecutive_5xx_errors: int | None = f(json="consecutive5xxErrors", minimum=0)
    interval: Duration | None = None
    base_ejection_time: Duration | None = None
    max_ejection_percent: int | None = None
    min_health_percent: int | None = None
    consecutive_errors: int | None = None   # deprecated; ignored since Istio 1.7 (IST0133)


class TLSMode(StrEnum):
    DISABLE = "DISABLE"
    SIMPLE = "SIMPLE"
    MUTUAL = "MUTUAL"
    ISTIO_MUTUAL = "ISTIO_MUTUAL"


@dataclass(frozen=True)
class ClientTLSSettings:
    mode: TLSMode | None = None
    client_certificate: str | None = None
    private_key: str | None = None
    ca_certificates: str | None = None
    credential_name: str | None = None
    subject_alt_names: tuple[str, ...] = ()
    sni: str | None = None
    insecure_skip_verify: bool | None = None
    ca_crl: str | None = None


@dataclass(frozen=True)
class PortTrafficPolicy:
    port: PortSelector | None = None
    load_balancer: LoadBalancerSettings | None = None
    connection_pool: ConnectionPoolSettings | None = None
    outlier_detection: OutlierDetection | None = None
    tls: ClientTLSSettings | None = None


@dataclass(frozen=True)
class TrafficPolicy:
    load_balancer: LoadBalancerSettings | None = None
    connection_pool: ConnectionPoolSettings | None = None
    outlier_detection: OutlierDetection | None = None
    tls: ClientTLSSettings | None = None
    port_level_settings: tuple[PortTrafficPolicy, ...] = ()
    tunnel: Raw | None = None
    proxy_protocol: Raw | None = None
    retry_budget: Raw | None = None


@dataclass(frozen=True)
class Subset:
    name: str = f("", required=True)
    labels: dict[str, str] = f(factory=dict)
    traffic_policy: TrafficPolicy | None = None


@dataclass(frozen=True)
class DestinationRule:
    host: str = f("", required=True)
    traffic_policy: TrafficPolicy | None = None
    subsets: tuple[Subset, ...] = ()
    export_to: tuple[str, ...] = ()
    workload_selector: WorkloadSelector | None = None
