"""security.istio.io (v1beta1, v1): PeerAuthentication, AuthorizationPolicy, RequestAuthentication.

Sources: api:security/v1beta1/{peer_authentication,authorization_policy,request_authentication}.proto.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from engine.resources.common import WorkloadSelector
from engine.resources import cel
from engine.resources.schema import Raw, f


class MtlsMode(StrEnum):
    UNSET = "UNSET"
    DISABLE = "DISABLE"
    PERMISSIVE = "PERMISSIVE"
    STRICT = "STRICT"


@dataclass(frozen=True)
class MutualTLS:
    mode: MtlsMode | None = None


@dataclass(frozen=True)
class PeerAuthentication:
    RULES = (cel.peer_authentication,)

    selector: WorkloadSelector | None = None
    mtls: MutualTLS | None = None
    port_level_mtls: dict[str, MutualTLS] = f(factory=dict)   # keys are port numbers


class Action(StrEnum):
    ALLOW = "ALLOW"
    DENY = "DENY"
    AUDIT = "AUDIT"
    CUSTOM = "CUSTOM"


@dataclass(frozen=True)
class Source:
    principals: tuple[str, ...] = ()
    not_principals: tuple[str, ...] = ()
    request_principals: tuple[str, ...] = ()
    not_request_principals: tuple[str, ...] = ()
    namespaces: tuple[str, ...] = ()
    not_namespaces: tuple[str, ...] = ()
    ip_blocks: tuple[str, ...] = ()
    not_ip_blocks: tuple[str, ...] = ()
    remote_ip_blocks: tuple[str, ...] = ()
    not_remote_ip_blocks: tuple[str, ...] = ()
    service_accounts: tuple[str, ...] = ()
    not_service_accounts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Operation:
    hosts: tuple[str, ...] = ()
    not_hosts: tuple[str, ...] = ()
    ports: tuple[str, ...] = ()
    not_ports: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    not_methods: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    not_paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleFrom:
    source: Source | None = None


@dataclass(frozen=True)
class RuleTo:
    operation: Operation | None = None


@dataclass(frozen=True)
class Condition:
    key: str = f("", required=True)
    values: tuple[str, ...] = ()
    not_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    from_: tuple[RuleFrom, ...] = f((), json="from")
    to: tuple[RuleTo, ...] = ()
    when: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class ExtensionProvider:
    name: str | None = None


@dataclass(frozen=True)
class AuthorizationPolicy:
    RULES = (cel.authorization_policy,)

    selector: WorkloadSelector | None = None
    target_ref: Raw | None = None
    target_refs: tuple[Raw, ...] = ()
    action: Action | None = None
    provider: ExtensionProvider | None = None
    rules: tuple[Rule, ...] | None = None   # None (absent) vs () (empty list) matter: see authz


@dataclass(frozen=True)
class JWTRule:
    issuer: str | None = None
    audiences: tuple[str, ...] = ()
    jwks_uri: str | None = None
    jwks: str | None = None
    from_headers: tuple[Raw, ...] = ()
    from_params: tuple[str, ...] = ()
    from_cookies: tuple[str, ...] = ()
    output_payload_to_header: str | None = None
    output_claim_to_headers: tuple[Raw, ...] = ()
    forward_original_token: bool | None = None
    timeout: Raw | None = None
    space_delimited_claims: tuple[str, ...] = ()


@dataclass(frozen=True)
class RequestAuthentication:
    RULES = (cel.request_authentication,)

    selector: WorkloadSelector | None = None
    target_ref: Raw | None = None
    target_refs: tuple[Raw, ...] = ()
    jwt_rules: tuple[JWTRule, ...] = ()
