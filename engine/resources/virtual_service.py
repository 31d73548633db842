"""VirtualService schema: field names and enums as in api:networking/v1alpha3/virtual_service.proto."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from engine.resources.common import Destination, Percent, StringMatch
from engine.resources.schema import Duration, Raw, f


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
