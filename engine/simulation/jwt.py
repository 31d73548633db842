"""RequestAuthentication: end-user JWT validation on the server's proxy (sidecar or gateway).

What Istio does (api:security/v1beta1/request_authentication.proto; io:tasks/security/
authentication/authn-policy "End-user authentication"; io:concepts/security "Request
authentication"): policies from the root namespace (mesh-wide) and the workload's namespace
whose selector matches (none = every workload there) are merged. A request that carries a token
at a location a rule reads must validate against some rule, else Envoy's jwt_authn filter
answers 401 before any AuthorizationPolicy runs. A request WITHOUT a token is accepted and simply
has no request principal: only an AuthorizationPolicy (`requestPrincipals`, `request.auth.*`)
turns that into a 403. A valid token gives the principal `<iss>/<sub>` and its claims (for
AuthorizationPolicy, and at a gateway for `@request.auth.claims.*` route matches: matching.py).

Locations (api:security/v1beta1/jwt.proto): `fromHeaders` ({name, prefix}), `fromParams` and
`fromCookies`; with none of them, `Authorization: Bearer <token>` then the `access_token` query
parameter. A header value without the configured prefix holds no token (the request is then
treated as carrying none).
Offline limits, said in `Plan.uncertain`: the signature cannot be checked (no key is fetched from
`jwksUri`, `jwks` is not used), so a well-formed token counts as signed by its issuer; `exp`/`nbf`
are compared with SIMULATED_NOW. The failure texts are Envoy's (jwt_verify_lib status strings).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field

from engine.mesh.inventory import Pod
from engine.mesh.mesh import Mesh
from engine.resources import Resource
from engine.resources.security import JWTRule

# Simulated time 0, as a wall clock for `exp`/`nbf`: 2026-01-01T00:00:00Z (Unix seconds).
SIMULATED_NOW = 1_767_225_600
SIMULATED_NOW_TEXT = "2026-01-01T00:00:00Z"

SIGNATURE_UNKNOWN = ("a RequestAuthentication validates tokens: signatures cannot be verified offline (jwksUri/jwks "
                     "are not fetched), so a well-formed token is taken as correctly signed; exp/nbf are compared "
                     f"with {SIMULATED_NOW_TEXT}")
TARGET_REF_UNKNOWN = ("a RequestAuthentication uses targetRef(s): it binds to Gateway API gateways or waypoints, "
                      "which are not simulated, so it is not applied")

BAD_FORM = "Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections"
BAD_BASE64 = "Jwt %s is an invalid Base64url encoded"      # % header | payload | signature
BAD_JSON = "Jwt %s is an invalid JSON"
VERIFICATION_FAILS = "Jwt verification fails"
UNKNOWN_ISSUER = "Jwt issuer is not configured"
AUDIENCE = "Audiences in Jwt are not allowed"
EXPIRED = "Jwt is expired"
NOT_YET_VALID = "Jwt not yet valid"


@dataclass(frozen=True)
class Authn:
    """What RequestAuthentication made of one request on one server proxy."""

    failed: str = ""                   # Envoy's reason for the 401; "" = accepted
    principal: str | None = None       # "<iss>/<sub>" of a valid token
    claims: dict = field(default_factory=dict)
    detail: str = ""
    reference: str = ""
    uncertain: str = ""
    consumed: tuple[str, ...] = ()     # headers the filter removes (forwardOriginalToken false)
    active: bool = False               # some RequestAuthentication selects the workload


def policies_for(mesh: Mesh, pod: Pod) -> tuple[list[Resource], str]:
    """Root-namespace then pod-namespace policies selecting the pod (as PeerAuthentication/
    AuthorizationPolicy scopes), and the doubt about any bound by targetRef instead."""
    out, uncertain = [], ""
    for namespace in dict.fromkeys([mesh.root_namespace, pod.namespace]):
        for res in mesh.request_authentications.get(namespace, []):
            if res.spec.target_ref is not None or res.spec.target_refs:
                uncertain = TARGET_REF_UNKNOWN
                continue
            sel = res.spec.selector
            if sel is None or not sel.match_labels or pod.matches(sel.match_labels):
                out.append(res)
    return out, uncertain


def _tokens(rule: JWTRule, headers: dict[str, str], query: dict[str, str]) -> list[tuple[str, str]]:
    """(header name or "", token) at the rule's locations; a header without the prefix holds none."""
    if not rule.from_headers and not rule.from_params and not rule.from_cookies:
        locations: list = [{"name": "Authorization", "prefix": "Bearer "}]
        params: tuple[str, ...] = ("access_token",)
    else:
        locations, params = [h for h in rule.from_headers if isinstance(h, dict)], rule.from_params
    out = []
    for loc in locations:
        name = str(loc.get("name", "")).lower()
        value, prefix = headers.get(name), str(loc.get("prefix") or "")
        if value is not None and value.startswith(prefix) and value[len(prefix):]:
            out.append((name, value[len(prefix):].strip()))
    out += [("", query[p]) for p in params if query.get(p)]
    if rule.from_cookies:
        cookies = dict(part.strip().partition("=")[::2] for part in headers.get("cookie", "").split(";"))
        out += [("", cookies[c]) for c in rule.from_cookies if cookies.get(c)]
    return out


_BASE64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _base64(part: str) -> bytes | None:
    """Strict base64url (the stdlib decoder would silently drop stray characters)."""
    if not set(part) <= _BASE64URL:
        return None
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        return None


def _decode(part: str, section: str) -> tuple[dict, str]:
    """(JSON object, "") or ({}, Envoy's reason) for the header or payload section."""
    raw = _base64(part)
    if raw is None:
        return {}, BAD_BASE64 % section
    try:
        data = json.loads(raw)
    except ValueError:
        return {}, BAD_JSON % section
    return (data, "") if isinstance(data, dict) else ({}, BAD_JSON % section)


def _check(token: str, rule: JWTRule) -> tuple[str, dict]:
    """("" or Envoy's failure text, payload) of one token against one rule."""
    parts = token.split(".")
    if len(parts) != 3:
        return BAD_FORM, {}
    (_, header_problem), (payload, payload_problem) = _decode(parts[0], "header"), _decode(parts[1], "payload")
    if header_problem or payload_problem:
        return header_problem or payload_problem, {}
    if _base64(parts[2]) is None:
        return BAD_BASE64 % "signature", payload
    if not parts[2]:                    # nothing to verify against the issuer's keys
        return VERIFICATION_FAILS, payload
    if payload.get("iss") != rule.issuer:
        return UNKNOWN_ISSUER, payload
    if rule.audiences:
        aud = payload.get("aud")
        given = [aud] if isinstance(aud, str) else list(aud) if isinstance(aud, list) else []
        if not set(map(str, given)) & set(rule.audiences):
            return AUDIENCE, payload
    exp, nbf = payload.get("exp"), payload.get("nbf")
    if isinstance(exp, (int, float)) and exp < SIMULATED_NOW:    # jwt_verify_lib: now > exp (+ skew)
        return EXPIRED, payload
    if isinstance(nbf, (int, float)) and nbf > SIMULATED_NOW:
        return NOT_YET_VALID, payload
    return "", payload


def authenticate(mesh: Mesh, pod: Pod, headers: dict[str, str], query: dict[str, str]) -> Authn:
    policies, doubt = policies_for(mesh, pod)
    rules = [(res, i, rule) for res in policies for i, rule in enumerate(res.spec.jwt_rules)]
    if not rules:
        return Authn(detail="no RequestAuthentication selects the workload", uncertain=doubt)
    doubt = doubt or SIGNATURE_UNKNOWN
    failures: list[tuple[int, str, str]] = []       # (rank, reason, reference): the most telling wins
    for res, i, rule in rules:
        for name, token in _tokens(rule, headers, query):
            reason, payload = _check(token, rule)
            where = res.reference(f"spec.jwtRules[{i}]")
            if not reason:
                principal = f"{payload.get('iss')}/{payload.get('sub', '')}"
                consumed = (name,) if name and not rule.forward_original_token else ()
                return Authn(principal=principal, claims=payload, reference=where, uncertain=doubt,
                             detail=f"valid JWT ({res.ref} rule {i}): request principal {principal}",
                             consumed=consumed, active=True)
            failures.append((reason == UNKNOWN_ISSUER, reason, where))
    if not failures:
        return Authn(detail="no token at any location the RequestAuthentication rules read: accepted without "
                            "a request principal", reference=policies[0].reference(), uncertain=doubt, active=True)
    _, reason, where = min(failures, key=lambda f: f[0])
    return Authn(failed=reason, detail=f"JWT rejected: {reason} (401)", reference=where, uncertain=doubt,
                 active=True)


def server_authn(mesh: Mesh, pod: Pod, headers: dict[str, str], query: dict[str, str], *, http: bool) -> Authn:
    """RequestAuthentication as the server's proxy applies it: HTTP only, and only with a proxy."""
    if not http or not pod.sidecar:
        return Authn()
    return authenticate(mesh, pod, headers, query)
