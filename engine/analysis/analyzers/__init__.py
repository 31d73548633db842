"""The analyzers, one per module, in one explicit registry sorted by name.

Istio's analyzers keep Istio's names (`istioctl analyze -L`); ours are named `meshdrill.*` and
emit MD codes only. Each module exposes NAME, DESCRIPTION and `analyze(ctx) -> Iterable[Diagnostic]`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType

from engine.analysis.analyzers import (
    authorization_policies, deployment_services, deprecation, dr_ca_certificates, dr_subsets,
    gateway_certificates, gateway_conflicts, gateway_ports, gateway_secrets, hint_dr_tls,
    hint_root_selector, hint_shadowed_vs, hint_short_host, hint_strict_plaintext, injection, se_addresses,
    service_port_names, sidecar_default_selector, sidecar_selector, vs_conflicting_mesh_hosts,
    vs_destination_hosts, vs_destination_rules, vs_gateways, vs_jwt_claims,
)
from engine.diagnostics import Diagnostic


@dataclass(frozen=True)
class Analyzer:
    name: str
    description: str
    run: Callable[..., Iterable[Diagnostic]]
    module: str

    @classmethod
    def of(cls, module: ModuleType) -> Analyzer:
        return cls(module.NAME, module.DESCRIPTION, module.analyze, module.__name__)


ANALYZERS: tuple[Analyzer, ...] = tuple(sorted((Analyzer.of(m) for m in (
    authorization_policies,
    deployment_services,
    deprecation,
    dr_ca_certificates,
    dr_subsets,
    gateway_certificates,
    gateway_conflicts,
    gateway_ports,
    gateway_secrets,
    hint_dr_tls,
    hint_root_selector,
    hint_shadowed_vs,
    hint_short_host,
    hint_strict_plaintext,
    injection,
    se_addresses,
    service_port_names,
    sidecar_default_selector,
    sidecar_selector,
    vs_conflicting_mesh_hosts,
    vs_destination_hosts,
    vs_destination_rules,
    vs_gateways,
    vs_jwt_claims,
)), key=lambda a: a.name))
