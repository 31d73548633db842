"""Gateway schema: field names and enums as in api:networking/v1alpha3/gateway.proto."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from engine.resources.schema import Raw, f


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
