"""RequestAuthentication webhook checks (validation.go ValidateRequestAuthentication,
validateJwtRule). Mirrors TestValidateRequestAuthentication.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from engine.diagnostics import Diagnostic
from engine.resources import Resource
from engine.resources.security import RequestAuthentication
from engine.validation import common
from engine.validation.security import policy_target
from engine.validation.report import Report


def _jwks_uri(uri: str) -> str | None:
    """security.ParseJwksURI: Go's url.Parse (which refuses a non-numeric port), http or https only."""
    try:
        parts = urlsplit(uri)
    except ValueError as exc:
        return f'parse "{uri}": {exc}'
    host = parts.netloc.rpartition("@")[2]
    port = host.rpartition(":")[2] if ":" in host and not host.endswith("]") else ""
    if port and not port.isdigit():   # url.validOptionalPort
        return f'parse "{uri}": invalid port ":{port}" after host'
    return None if parts.scheme in ("http", "https") else f'URI scheme "{parts.scheme}" is not supported'


def validate(resource: Resource) -> list[Diagnostic]:
    spec: RequestAuthentication = resource.spec
    r = Report(resource)
    policy_target(r, spec)
    for i, rule in enumerate(spec.jwt_rules):
        at = f"spec.jwtRules[{i}]"
        for aud in rule.audiences:
            if aud == "":
                r.error(f"{at}.audiences", "audience must be non-empty string")
        if not rule.issuer and not rule.jwks_uri:
            r.error(at, "issuer or jwksUri must be non-empty string")
        if rule.jwks_uri:
            r.error(f"{at}.jwksUri", _jwks_uri(rule.jwks_uri))
        if rule.jwks:
            try:
                json.loads(rule.jwks)
            except ValueError as exc:
                r.error(f"{at}.jwks", f"jwks parse error: {exc}")
        for header in rule.from_headers:
            if not isinstance(header, dict) or not header.get("name"):
                r.error(f"{at}.fromHeaders", "location header name must be non-empty string")
        for param in rule.from_params:
            if param == "":
                r.error(f"{at}.fromParams", "location query must be non-empty string")
        for cookie in rule.from_cookies:
            if cookie == "":
                r.error(f"{at}.fromCookies", "cookie name must be non-empty string")
        for claim in rule.output_claim_to_headers:
            if not isinstance(claim, dict) or not claim.get("claim") or not claim.get("header"):
                r.error(f"{at}.outputClaimToHeaders",
                        "outputClaimToHeaders header and claim value must be non-empty string")
            elif not common.is_strict_header(str(claim["header"])):
                r.error(f"{at}.outputClaimToHeaders", f"header name {claim['header']} is not a valid header name")
    return r.diagnostics
