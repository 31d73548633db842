"""networking.istio.io (v1alpha3, v1beta1, v1: one schema): field names and enums as in istio/api.

Sources: api:networking/v1alpha3/{virtual_service,destination_rule,gateway,service_entry,sidecar}.proto
and the generated CRD schema (`kubernetes/customresourcedefinitions.gen.yaml`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from engine.resources import cel
from engine.resources.schema import Duration, Raw, f

# ---------------------------------------------------------------- shared ----


@dataclass(frozen=True)
class StringMatch:
    ONEOF = (("exact", "prefix", "regex"),)
    exact: str | None = None
    prefix: str | None = None
    regex: str | None = None


@dataclass(frozen=True)
class PortSelector:
    number: int | None = f(minimum=0)


@dataclass(frozen=True)
class Percent:
    value: float | None = None


@dataclass(frozen=True)
class WorkloadSelector:
    """istio.type.v1beta1.WorkloadSelector (DestinationRule, security kinds): `matchLabels`."""

    match_labels: dict[str, str] = f(factory=dict)


@dataclass(frozen=True)
class LabelSelector:
    """networking WorkloadSelector (Sidecar, ServiceEntry): `labels`."""

    labels: dict[str, str] = f(factory=dict)


@dataclass(frozen=True)
class Destination:
    host: str = f("", required=True)
    subset: str | None = None
    port: PortSelector | None = None


# ------------------------------------------------------- VirtualService ----


@dataclass(frozen=True)
class HTTPMatchRequest:
    name: str | None = None
    uri: StringMatch | None = None
    scheme: StringMatch | None = None
    method: StringMatch | None = None
    authority: StringMatch | None = None
    headers: dict[str, StringMatch] = f(factory=dict)
    port: int | None = f(minimum=0)
    source_labels: dict[str, str] = f(factory=dict)
    gateways: tuple[str, ...] = ()
    query_params: dict[str, StringMatch] = f(factory=dict)
    ignore_uri_case: bool = False
    without_headers: dict[str, StringMatch] = f(factory=dict)
    source_namespace: str | None = None
    stat_prefix: str | None = None


@dataclass(frozen=True)
class HeaderOperations:
    set: dict[str, str] = f(factory=dict)
    add: dict[str, str] = f(factory=dict)
    remove: tuple[str, ...] = ()


@dataclass(frozen=True)
class Headers:
    request: HeaderOperations | None = None
    response: HeaderOperations | None = None


@dataclass(frozen=True)
class HTTPRouteDestination:
    destination: Destination | None = f(required=True)
    weight: int | None = None           # int32: negative passes the schema, the webhook rejects it
    headers: Headers | None = None


class RedirectPortSelection(StrEnum):
    FROM_PROTOCOL_DEFAULT = "FROM_PROTOCOL_DEFAULT"
    FROM_REQUEST_PORT = "FROM_REQUEST_PORT"


@dataclass(frozen=True)
class HTTPRedirect:
    ONEOF = (("port", "derivePort"),)
    uri: str | None = None
    authority: str | None = None
    port: int | None = f(minimum=0)
    derive_port: RedirectPortSelection | None = None
    scheme: str | None = None
    redirect_code: int | None = f(minimum=0)


@dataclass(frozen=True)
class HTTPBody:
    ONEOF = (("string", "bytes"),)
    string: str | None = None
    bytes: str | None = None


@dataclass(frozen=True)
class HTTPDirectResponse:
    status: int | None = f(required=True, minimum=0)
    body: HTTPBody | None = None


@dataclass(frozen=True)
class Delegate:
    name: str | None = None
    namespace: str | None = None


@dataclass(frozen=True)
class RegexRewrite:
    match: str | None = None
    rewrite: str | None = None


@dataclass(frozen=True)
class HTTPRewrite:
    uri: str | None = None
    authority: str | None = None
    uri_regex_rewrite: RegexRewrite | None = None


@dataclass(frozen=True)
class HTTPRetry:
    attempts: int | None = None        # int32
    per_try_timeout: Duration | None = None
    retry_on: str | None = None
    retry_remote_localities: bool | None = None
    retry_ignore_previous_hosts: bool | None = None
    backoff: Duration | None = None


@dataclass(frozen=True)
class FaultDelay:
    ONEOF = (("fixedDelay", "exponentialDelay"),)
    fixed_delay: Duration | None = None
    exponential_delay: Duration | None = None
    percentage: Percent | None = None
    percent: int | None = None         # deprecated (IST0002)


@dataclass(frozen=True)
class FaultAbort:
    ONEOF = (("httpStatus", "grpcStatus", "http2Error"),)
    http_status: int | None = None
    grpc_status: str | None = None
    http2_error: str | None = None
    percentage: Percent | None = None
    # `percent` was removed from the proto (reserved): strict validation rejects it.


@dataclass(frozen=True)
class HTTPFaultInjection:
    delay: FaultDelay | None = None
    abort: FaultAbort | None = None


@dataclass(frozen=True)
class HTTPMirrorPolicy:
    destination: Destination | None = f(required=True)
    percentage: Percent | None = None


@dataclass(frozen=True)
class HTTPRoute:
    name: str | None = None
    match: tuple[HTTPMatchRequest, ...] = ()
    route: tuple[HTTPRouteDestination, ...] = ()
    redirect: HTTPRedirect | None = None
    direct_response: HTTPDirectResponse | None = None
    delegate: Delegate | None = None
    rewrite: HTTPRewrite | None = None
    timeout: Duration | None = None
    retries: HTTPRetry | None = None
    fault: HTTPFaultInjection | None = None
    mirror: Destination | None = None
    mirrors: tuple[HTTPMirrorPolicy, ...] = ()
    mirror_percent: int | None = f(minimum=0)        # deprecated
    mirror_percentage: Percent | None = None
    cors_policy: Raw | None = None
    headers: Headers | None = None


@dataclass(frozen=True)
class L4MatchAttributes:
    destination_subnets: tuple[str, ...] = ()
    port: int | None = f(minimum=0)
    source_subnet: str | None = None
    source_labels: dict[str, str] = f(factory=dict)
    gateways: tuple[str, ...] = ()
    source_namespace: str | None = None


@dataclass(frozen=True)
class TLSMatchAttributes:
    sni_hosts: tuple[str, ...] = f((), required=True)
    destination_subnets: tuple[str, ...] = ()
    port: int | None = f(minimum=0)
    source_labels: dict[str, str] = f(factory=dict)
    gateways: tuple[str, ...] = ()
    source_namespace: str | None = None


@dataclass(frozen=True)
class RouteDestination:
    destination: Destination | None = f(required=True)
    weight: int | None = None


@dataclass(frozen=True)
class TCPRoute:
    match: tuple[L4MatchAttributes, ...] = ()
    route: tuple[RouteDestination, ...] = ()


@dataclass(frozen=True)
class TLSRoute:
    match: tuple[TLSMatchAttributes, ...] = f((), required=True)
    route: tuple[RouteDestination, ...] = ()


@dataclass(frozen=True)
class VirtualService:
    hosts: tuple[str, ...] = ()
    gateways: tuple[str, ...] = ()
    http: tuple[HTTPRoute, ...] = ()
    tls: tuple[TLSRoute, ...] = ()
    tcp: tuple[TCPRoute, ...] = ()
    export_to: tuple[str, ...] = ()


# ------------------------------------------------------- DestinationRule ----


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


# --------------------------------------------------------------- Gateway ----


@dataclass(frozen=True)
class Port:
    number: int | None = f(required=True, minimum=0)
    protocol: str = f("", required=True)
    name: str = f("", required=True)
    target_port: int | None = f(minimum=0)


class ServerTLSMode(StrEnum):
    PASSTHROUGH = "PASSTHROUGH"
    SIMPLE = "SIMPLE"
    MUTUAL = "MUTUAL"
    AUTO_PASSTHROUGH = "AUTO_PASSTHROUGH"
    ISTIO_MUTUAL = "ISTIO_MUTUAL"
    OPTIONAL_MUTUAL = "OPTIONAL_MUTUAL"


class TLSProtocol(StrEnum):
    TLS_AUTO = "TLS_AUTO"
    TLSV1_0 = "TLSV1_0"
    TLSV1_1 = "TLSV1_1"
    TLSV1_2 = "TLSV1_2"
    TLSV1_3 = "TLSV1_3"


@dataclass(frozen=True)
class ServerTLSSettings:
    https_redirect: bool | None = None
    mode: ServerTLSMode | None = None
    server_certificate: str | None = None
    private_key: str | None = None
    ca_certificates: str | None = None
    ca_crl: str | None = None
    credential_name: str | None = None
    credential_names: tuple[str, ...] = ()
    tls_certificates: tuple[Raw, ...] = ()
    subject_alt_names: tuple[str, ...] = ()
    verify_certificate_spki: tuple[str, ...] = ()
    verify_certificate_hash: tuple[str, ...] = ()
    min_protocol_version: TLSProtocol | None = None
    max_protocol_version: TLSProtocol | None = None
    cipher_suites: tuple[str, ...] = ()


@dataclass(frozen=True)
class Server:
    port: Port | None = f(required=True)
    bind: str | None = None
    hosts: tuple[str, ...] = f((), required=True)
    tls: ServerTLSSettings | None = None
    default_endpoint: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Gateway:
    servers: tuple[Server, ...] = ()
    selector: dict[str, str] = f(factory=dict)


# ---------------------------------------------------------- ServiceEntry ----


class Location(StrEnum):
    MESH_EXTERNAL = "MESH_EXTERNAL"
    MESH_INTERNAL = "MESH_INTERNAL"


class Resolution(StrEnum):
    NONE = "NONE"
    STATIC = "STATIC"
    DNS = "DNS"
    DNS_ROUND_ROBIN = "DNS_ROUND_ROBIN"
    DYNAMIC_DNS = "DYNAMIC_DNS"


@dataclass(frozen=True)
class ServicePort:
    number: int | None = f(required=True, minimum=0)
    protocol: str | None = None
    name: str = f("", required=True)
    target_port: int | None = f(minimum=0)


@dataclass(frozen=True)
class WorkloadEntrySpec:
    address: str | None = None
    ports: dict[str, int] = f(factory=dict)
    labels: dict[str, str] = f(factory=dict)
    network: str | None = None
    locality: str | None = None
    weight: int | None = f(minimum=0)
    service_account: str | None = None


@dataclass(frozen=True)
class ServiceEntry:
    RULES = (cel.service_entry,)

    hosts: tuple[str, ...] = f((), required=True)
    addresses: tuple[str, ...] = ()
    ports: tuple[ServicePort, ...] = ()
    location: Location | None = None
    resolution: Resolution | None = None
    endpoints: tuple[WorkloadEntrySpec, ...] = ()
    workload_selector: LabelSelector | None = None
    export_to: tuple[str, ...] = ()
    subject_alt_names: tuple[str, ...] = ()


# --------------------------------------------------------------- Sidecar ----


class CaptureMode(StrEnum):
    DEFAULT = "DEFAULT"
    IPTABLES = "IPTABLES"
    NONE = "NONE"


class OutboundMode(StrEnum):
    REGISTRY_ONLY = "REGISTRY_ONLY"
    ALLOW_ANY = "ALLOW_ANY"


@dataclass(frozen=True)
class OutboundTrafficPolicy:
    mode: OutboundMode | None = None
    egress_proxy: Destination | None = None


@dataclass(frozen=True)
class SidecarPort:
    """api:networking/v1alpha3/sidecar.proto SidecarPort: unlike a Gateway's Port, the CRD requires none
    of its fields (analyzers.md §5 lists only `ingress[].port` and `egress[].hosts` for Sidecar; Istio's
    own fixture testdata/deprecation.yaml has an ingress port with only a number). The webhook still
    checks the protocol (engine/validation/sidecar.py)."""

    number: int | None = f(minimum=0)
    protocol: str = ""
    name: str = ""
    target_port: int | None = f(minimum=0)


@dataclass(frozen=True)
class IstioIngressListener:
    port: SidecarPort | None = f(required=True)
    bind: str | None = None
    capture_mode: CaptureMode | None = None
    default_endpoint: str | None = None
    tls: ServerTLSSettings | None = None
    connection_pool: ConnectionPoolSettings | None = None


@dataclass(frozen=True)
class IstioEgressListener:
    port: SidecarPort | None = None
    bind: str | None = None
    capture_mode: CaptureMode | None = None
    hosts: tuple[str, ...] = f((), required=True)


@dataclass(frozen=True)
class Sidecar:
    workload_selector: LabelSelector | None = None
    ingress: tuple[IstioIngressListener, ...] = ()
    egress: tuple[IstioEgressListener, ...] = ()
    inbound_connection_pool: ConnectionPoolSettings | None = None
    outbound_traffic_policy: OutboundTrafficPolicy | None = None
