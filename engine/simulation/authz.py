"""AuthorizationPolicy on the server's proxy (istio-semantics §7).

Order: CUSTOM, then DENY (any match denies), then ALLOW: with no ALLOW policy selecting the
workload the request is allowed, else it must match one. `rules` absent matches nothing (an
ALLOW deny-all), `rules: [{}]` matches everything. Within a rule from/to/when are ANDed, list
entries ORed, fields of one source/operation ANDed, values ORed. Principals and namespaces come
from the peer certificate, so only an mTLS request has them; negative fields (`notPrincipals`)
then match, as Envoy's RBAC `not_id` does (the documented "deny plaintext" recipe is a DENY with
`notPrincipals: ["*"]`: io:tasks/security/authorization/authz-deny, io:ops/configuration/security/
security-policy-examples). Request principals and `request.auth.*` come from a JWT that
RequestAuthentication validated (jwt.py); without one they are absent, so `notRequestPrincipals`
matches. Sources: api:security/v1beta1/authorization_policy.proto;
istio:pilot/pkg/security/authz/builder, model/permission.go, model/principal.go.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from engine.mesh.inventory import Pod
from engine.mesh.mesh import Mesh
from engine.resources import Resource
from engine.resources.security import Condition, Operation, Rule, RuleFrom, RuleTo, Source
from engine.simulation.jwt import Authn

CUSTOM_UNKNOWN = ("a CUSTOM AuthorizationPolicy matches: the external authorizer decides; "
                  "simulated as allowed")
IP_UNKNOWN = ("an AuthorizationPolicy uses ipBlocks/remoteIpBlocks: client IP addresses are not simulated, "
              "so positive IP conditions never match and negative ones always do")


@dataclass(frozen=True)
class Caller:
    """What the server's proxy knows about a request."""

    principal: str | None          # "cluster.local/ns/default/sa/sleep" over mTLS, else None
    namespace: str | None          # over mTLS only
    method: str
    path: str                      # without the query string
    host: str                      # Host header
    port: int                      # the workload's (target) port
    headers: dict[str, str]
    http: bool = True              # False: plain TCP, no HTTP attributes at all
    authn: Authn = Authn()         # RequestAuthentication's result: request principal and claims (jwt.py)


@dataclass(frozen=True)
class Verdict:
    denied: bool
    detail: str
    reference: str = ""
    uncertain: str = ""


def _value_match(pattern: str, value: str | None) -> bool:
    if value is None:
        return False
    if pattern == "*":
        return value != ""
    if pattern.endswith("*"):
        return value.startswith(pattern[:-1])
    if pattern.startswith("*"):
        return value.endswith(pattern[1:])
    return value == pattern


def _field(values: tuple[str, ...], not_values: tuple[str, ...], value: str | None, *, fold=False) -> bool:
    if fold and value is not None:
        value = value.lower()
        values, not_values = tuple(v.lower() for v in values), tuple(v.lower() for v in not_values)
    if values and not any(_value_match(v, value) for v in values):
        return False
    if not_values and any(_value_match(v, value) for v in not_values):
        return False
    return True


def _service_accounts(values: tuple[str, ...], policy_namespace: str) -> tuple[str, ...]:
    """`<ns>/<sa>`, or `<sa>` in the policy's namespace (authz/model/generator.go `serviceAccountRegex`)."""
    return tuple(v if "/" in v else f"{policy_namespace}/{v}" for v in values)


def _source(src: Source, c: Caller, policy_namespace: str) -> bool:
    service_account = c.principal.split("/ns/", 1)[1].replace("/sa/", "/") if c.principal else None
    return (_field(src.principals, src.not_principals, c.principal)
            and _field(src.namespaces, src.not_namespaces, c.namespace)
            and _field(_service_accounts(src.service_accounts, policy_namespace),
                       _service_accounts(src.not_service_accounts, policy_namespace), service_account)
            and _field(src.request_principals, src.not_request_principals, c.authn.principal)
            and _field(src.ip_blocks, src.not_ip_blocks, None)
            and _field(src.remote_ip_blocks, src.not_remote_ip_blocks, None))


def _operation(op: Operation, c: Caller) -> bool:
    # `hosts` match the whole Host header, port included, ignoring case (istio:pilot/pkg/security/
    # authz/matcher/header.go `HostMatcher`): `httpbin` does not match "httpbin:8000"; write
    # `httpbin:*` too (Istio's security advisory on exact host matching in AuthorizationPolicy).
    return (_field(op.hosts, op.not_hosts, c.host, fold=True)
            and _field(op.ports, op.not_ports, str(c.port))
            and _field(op.methods, op.not_methods, c.method)
            and _field(op.paths, op.not_paths, c.path))


def _condition_value(key: str, c: Caller) -> str | list | None:
    if key.startswith("request.headers[") and key.endswith("]"):
        return c.headers.get(key[len("request.headers["):-1].lower())
    if key.startswith("request.auth.claims[") and key.endswith("]"):
        # `request.auth.claims[group][id]` walks nested claims (io:reference/config/security/conditions)
        value: object = c.authn.claims
        for name in key[len("request.auth.claims["):-1].split("]["):
            value = value.get(name) if isinstance(value, dict) else None
        return value if isinstance(value, (str, list)) else None if value is None else _json_text(value)
    return {"source.principal": c.principal, "source.namespace": c.namespace, "destination.port": str(c.port),
            "request.auth.principal": c.authn.principal, "request.auth.audiences": c.authn.claims.get("aud"),
            "request.auth.presenter": c.authn.claims.get("azp")}.get(key)


def _json_text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _when(cond: Condition, c: Caller) -> bool:
    value = _condition_value(cond.key, c)
    if not isinstance(value, list):
        return _field(cond.values, cond.not_values, value)
    # A list claim (groups, aud) matches when any element does; notValues exclude any element.
    items = [_json_text(v) for v in value]
    return ((not cond.values or any(_field(cond.values, (), v) for v in items))
            and not any(_value_match(n, v) for n in cond.not_values for v in items))


_HTTP_ONLY_OPERATION = ("hosts", "not_hosts", "methods", "not_methods", "paths", "not_paths")


def _http_only(rule: Rule) -> bool:
    return (any(getattr(t.operation, f) for t in rule.to if t.operation for f in _HTTP_ONLY_OPERATION)
            or any(f.source and (f.source.request_principals or f.source.not_request_principals) for f in rule.from_)
            or any(w.key.startswith("request.") for w in rule.when))


def _without_http(rule: Rule) -> Rule:
    """The rule with its HTTP-only conditions removed (what Istio keeps of a DENY rule for TCP)."""
    to = tuple(RuleTo(replace(t.operation, **{f: () for f in _HTTP_ONLY_OPERATION})) if t.operation else t
               for t in rule.to)
    from_ = tuple(RuleFrom(replace(f.source, request_principals=(), not_request_principals=())) if f.source else f
                  for f in rule.from_)
    return Rule(from_=from_, to=to, when=tuple(w for w in rule.when if not w.key.startswith("request.")))


def _rule(rule: Rule, c: Caller, action: str, policy_namespace: str) -> bool:
    if not c.http and _http_only(rule):
        # TCP traffic has no HTTP attributes: an ALLOW rule using them never matches, a DENY rule
        # is kept without them, so it denies more, never less (§7; io:concepts/security
        # "Authorization for TCP traffic"; istio:pilot/pkg/security/authz/builder).
        if action != "DENY":
            return False
        rule = _without_http(rule)
    return ((not rule.from_ or any(f.source is None or _source(f.source, c, policy_namespace) for f in rule.from_))
            and (not rule.to or any(t.operation is None or _operation(t.operation, c) for t in rule.to))
            and all(_when(w, c) for w in rule.when))


def _matching_rule(policy: Resource, c: Caller) -> int | None:
    action = str(policy.spec.action or "ALLOW")
    for i, rule in enumerate(policy.spec.rules or ()):
        if _rule(rule, c, action, policy.namespace):
            return i
    return None


def _uses_ip(policy: Resource) -> bool:
    for rule in policy.spec.rules or ():
        for f in rule.from_:
            src = f.source
            if src and (src.ip_blocks or src.not_ip_blocks or src.remote_ip_blocks or src.not_remote_ip_blocks):
                return True
        if any(w.key in ("source.ip", "remote.ip", "destination.ip") for w in rule.when):
            return True
    return False


def policies_for(mesh: Mesh, pod: Pod) -> list[Resource]:
    """Root-namespace policies apply mesh-wide (a selector there matches in every namespace)."""
    out = []
    for namespace in dict.fromkeys([mesh.root_namespace, pod.namespace]):
        for res in mesh.authorization_policies.get(namespace, []):
            if res.spec.target_ref is not None or res.spec.target_refs:
                continue                     # targetRef binds to Gateway API/waypoints, not sidecars
            sel = res.spec.selector
            if sel is None or not sel.match_labels or pod.matches(sel.match_labels):
                out.append(res)
    return out


def authorize(mesh: Mesh, pod: Pod, caller: Caller) -> Verdict:
    if not pod.sidecar:
        return Verdict(False, "no sidecar on the server: no AuthorizationPolicy enforcement")
    by_action: dict[str, list[Resource]] = {"CUSTOM": [], "DENY": [], "ALLOW": []}
    for res in policies_for(mesh, pod):
        action = str(res.spec.action or "ALLOW")
        if action in by_action:
            by_action[action].append(res)
    uncertain = ""
    for res in by_action["CUSTOM"]:
        if _matching_rule(res, caller) is not None:
            uncertain = CUSTOM_UNKNOWN
    if any(_uses_ip(res) for group in by_action.values() for res in group):
        uncertain = uncertain or IP_UNKNOWN
    for res in by_action["DENY"]:
        index = _matching_rule(res, caller)
        if index is not None:
            return Verdict(True, f"DENY: {res.ref} matches (rule {index})",
                           res.reference(f"spec.rules[{index}]"), uncertain)
    if not by_action["ALLOW"]:
        return Verdict(False, "no ALLOW policy selects the workload: allowed", "", uncertain)
    for res in by_action["ALLOW"]:
        index = _matching_rule(res, caller)
        if index is not None:
            return Verdict(False, f"ALLOW: {res.ref} matches (rule {index})",
                           res.reference(f"spec.rules[{index}]"), uncertain)
    first = by_action["ALLOW"][0]
    return Verdict(True, "ALLOW policies select the workload but none matches: denied", first.reference(), uncertain)
