"""Istio's validating admission webhook (layer 3), one module per kind.

`validate(resource)` returns every webhook error and warning of one admitted-by-schema object,
as diagnostics with layer `webhook`: errors carry IST0106 (what `istioctl analyze` prints for
them), warnings IST0133, and the two analysis-aware warnings IST0130/IST0131. Istio's own
wording is kept in the message (`weight -10 < 0`). Each kind's module exposes
`validate(resource) -> list[Diagnostic]`; the registry below lists them explicitly.
Our own meshdrill/v1 kinds are checked here too, at layer `schema` with MD codes.

Shared pieces: `report` (collects findings), `hosts` and `common` (names, labels, ports,
durations, exportTo), `regex` (RE2 with Go's wording), `destinations`, `trafficpolicy`,
`security` (security.go), `unreachable` (IST0130/IST0131) and `metadata` (annotations).
"""

from __future__ import annotations

import importlib

from engine.diagnostics import Diagnostic
from engine.resources import Resource
from engine.validation.metadata import metadata_error
from engine.validation.report import Report

# kind -> module in this package. One explicit, sorted registry.
VALIDATORS: dict[str, str] = {
    "AuthorizationPolicy": "authorizationpolicy",
    "DestinationRule": "destinationrule",
    "Gateway": "gateway",
    "PeerAuthentication": "peerauthentication",
    "RequestAuthentication": "requestauthentication",
    "ServiceEntry": "serviceentry",
    "Sidecar": "sidecar",
    "Topology": "meshdrill",
    "Traffic": "meshdrill",
    "VirtualService": "virtualservice",
}



def validate(resource: Resource) -> list[Diagnostic]:
    module_name = VALIDATORS.get(resource.kind)
    if module_name is None or resource.spec is None:
        return []
    if module_name != "meshdrill":
        problem = metadata_error(resource)
        if problem:   # validateMetadata returns before the spec is looked at
            report = Report(resource)
            report.error("metadata.annotations", problem)
            return report.diagnostics
    module = importlib.import_module(f"engine.validation.{module_name}")
    return module.validate(resource)
