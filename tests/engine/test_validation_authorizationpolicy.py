"""AuthorizationPolicy rules (istio validation_test.go TestValidateAuthorizationPolicy,
security_test.go, and the CRD's CEL rules). Errors carry `invalid policy <name>.<ns>: `."""

import textwrap

import pytest

from engine.config import load_config_text

P = "IST0106 Schema validation error: invalid policy ap.foo: "
WARN = "IST0133 Schema validation warning: "
HTTP_ONLY = (f"{WARN}configured AuthorizationPolicy will deny all traffic to TCP ports under its scope due to the "
             "use of only HTTP attributes in a DENY rule; it is recommended to explicitly specify the port")


def findings(spec: str) -> list[str]:
    text = ("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: ap, namespace: foo}\n"
            "spec:\n" + textwrap.indent(textwrap.dedent(spec), "  "))
    return sorted(f"{d.code} {d.message}" for d in load_config_text(text, "ap.yaml").diagnostics)


REJECTED = [
    ("action: DENY", [f"{P}DENY action without `rules` is meaningless as it will never be triggered, add an empty "
                      "rule `{}` if you want it be triggered for every request"]),
    ("action: CUSTOM", [f"{P}CUSTOM action without `rules` is meaningless as it will never be triggered, add an empty "
                        "rule `{}` if you want it be triggered for every request"]),
    ("action: CUSTOM\nrules: [{}]", [f"{P}`provider.name` must not be empty"]),
    ("action: CUSTOM\nprovider: {name: ext}\nrules: [{from: [{source: {namespaces: [a]}}]}]",
     [f"{P}From.Namespaces is currently not supported with CUSTOM action"]),
    ("provider: {name: ext}\nrules: [{}]", [f"{P}`provider` must not be with non CUSTOM action, found ALLOW"]),
    ("rules: [{from: [{}]}]", [f"{P}`from.source` must not be nil, found at rule 0"]),
    ("rules: [{from: [{source: {}}]}]", [f"{P}`from.source` must not be empty, found at rule 0"]),
    ("rules: [{to: [{operation: {}}]}]", [f"{P}`to.operation` must not be empty, found at rule 0"]),
    ("rules: [{from: [{source: {principals: ['']}}]}]", [f"{P}empty value not allowed, found in Principals"]),
    ("rules: [{from: [{source: {ipBlocks: [10.0.0.0/33, nope]}}]}]",
     [f'{P}bad CIDR range (10.0.0.0/33): netip.ParsePrefix("10.0.0.0/33"): prefix length out of range',
      f"{P}bad IP address (nope)"]),
    ("rules: [{to: [{operation: {ports: [http]}}]}]",
     [f'{P}bad port (http): strconv.ParseUint: parsing "http": invalid syntax']),
    ("rules: [{from: [{source: {serviceAccounts: ['a/b/c']}}]}]",
     [f"{P}expected format 'serviceAccount' or 'namespace/serviceAccount', found \"a/b/c\" in ServiceAccounts"]),
    ("rules: [{to: [{operation: {paths: ['/{**}/x/{**}']}}]}]",
     [f"{P}invalid or unsupported path {{**}}/x/{{**}}, found in Paths. {{**}} is not the last operator"]),
    ("rules: [{when: [{key: request.headers, values: [a]}]}]",
     [f"{P}invalid `value` for `key` request.headers: bad key (request.headers): should have format a[b]",
      f"{P}invalid `notValue` for `key` request.headers: bad key (request.headers): should have format a[b]"]),
    ("rules: [{when: [{key: source.foo, values: [a]}]}]",
     [f"{P}invalid `value` for `key` source.foo: unknown attribute: source.foo",
      f"{P}invalid `notValue` for `key` source.foo: unknown attribute: source.foo"]),
    ("rules: [{when: [{key: source.ip}]}]", [f"{P}at least one of `values` or `notValues` must be set for key source.ip"]),
    ("selector: {matchLabels: {app: 'a*'}}", [f'{P}wildcard is not supported in selector: "app=a*"']),
    ("action: DENY\nrules: [{to: [{operation: {paths: [/admin]}}]}]", [HTTP_ONLY]),
    ("action: DENY\nrules: [{from: [{source: {requestPrincipals: ['*']}}]}]", [HTTP_ONLY]),
    # CRD CEL (API server), plus the webhook's own verdict, which istioctl analyze shows
    ("selector: {matchLabels: {app: a}}\ntargetRefs: [{kind: Service, name: x}]",
     ['MD0024 spec: Invalid value: "object": only one of targetRefs or selector can be set',
      f"{P}only one of targetRefs or workloadSelector can be set"]),
    ("rules: [{from: [{source: {serviceAccounts: [a], namespaces: [b]}}]}]",
     ['MD0024 spec.rules[0].from[0].source: Invalid value: "object": Cannot set serviceAccounts with namespaces or '
      'principals', f"{P}cannot set serviceAccounts with namespaces or principals, found at rule 0"]),
]


@pytest.mark.parametrize("spec,expected", REJECTED)
def test_rejected(spec, expected):
    assert findings(spec) == sorted(expected)


ACCEPTED = [
    "{}",                                                  # ALLOW nothing: valid, denies every request
    "action: DENY\nrules: [{}]",                           # DENY everything in scope
    "action: ALLOW\nrules: [{from: [{source: {principals: [cluster.local/ns/default/sa/sleep]}}], "
    "to: [{operation: {methods: [GET], paths: ['/api/*'], ports: ['9080']}}]}]",
    "action: DENY\nrules: [{from: [{source: {notNamespaces: [foo]}}]}]",
    "action: DENY\nrules: [{to: [{operation: {ports: ['8080'], paths: [/admin]}}]}]",
    "action: CUSTOM\nprovider: {name: ext-authz}\nrules: [{to: [{operation: {paths: ['/headers']}}]}]",
    "rules: [{when: [{key: 'request.auth.claims[groups]', values: [admin]}, {key: source.ip, values: [10.0.0.0/8]}]}]",
    "rules: [{from: [{source: {serviceAccounts: [default/sleep, httpbin]}}]}]",
    "rules: [{to: [{operation: {paths: ['/foo/{*}/bar/{**}']}}]}]",
    "targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]",
]


@pytest.mark.parametrize("spec", ACCEPTED)
def test_accepted(spec):
    assert findings(spec) == []
