"""Istio's validation tests for security.istio.io, as YAML rows:
TestValidateAuthorizationPolicy, TestValidateRequestAuthentication, TestValidatePeerAuthentication and
pkg/config/security/security_test.go (TestParseJwksURI, TestValidateCondition, TestCheckValidPathTemplate).

Each row is named `<IstioTest>/<case>`; the harness and the meaning of OK / CLEAN / bad / warn are in
tests/engine/istio_tables.py.
"""

from __future__ import annotations

import pytest

from tests.engine.istio_tables import CLEAN, OK, Table, bad, check, obj, warn

TABLE = Table()
case = TABLE.case


# ---- TestValidateAuthorizationPolicy ----------------------------------------------------------------
def ap(spec: str, annotations: str = "") -> str:
    text = obj("AuthorizationPolicy", spec)
    if annotations:
        text = text.replace("metadata: {name: foo, namespace: bar}",
                            f"metadata: {{name: foo, namespace: bar, annotations: {{{annotations}}}}}")
    return text


HTTPBIN = "selector: {matchLabels: {app: httpbin, version: v1}}"
case("TestValidateAuthorizationPolicy", "good",
     ap(f"{HTTPBIN}\nrules: [{{from: [{{source: {{principals: [sa1]}}}}, {{source: {{principals: [sa2]}}}}], "
        "to: [{operation: {methods: [GET]}}, {operation: {methods: [POST]}}], "
        "when: [{key: source.ip, values: [1.2.3.4, 5.6.7.0/24]}, {key: 'request.headers[:authority]', values: [v1, v2]}]}]"),
     CLEAN)
case("TestValidateAuthorizationPolicy", "good serviceAccounts",
     ap(f"{HTTPBIN}\nrules: [{{from: [{{source: {{serviceAccounts: [ns1/sa1, ns2/sa2]}}}}, "
        "{source: {principals: [sa2]}}]}]"), CLEAN)
case("TestValidateAuthorizationPolicy", "serviceAccounts and namespaces",
     ap(f"{HTTPBIN}\nrules: [{{from: [{{source: {{serviceAccounts: [ns1/sa1, ns2/sa2], namespaces: [ns]}}}}]}}]"),
     bad("cannot set serviceAccounts with namespaces or principals"))
case("TestValidateAuthorizationPolicy", "custom-good",
     ap("action: CUSTOM\nprovider: {name: my-custom-authz}\nrules: [{}]"), CLEAN)
case("TestValidateAuthorizationPolicy", "custom-empty-provider", ap("action: CUSTOM\nprovider: {name: ''}\nrules: [{}]"),
     bad())
case("TestValidateAuthorizationPolicy", "custom-nil-provider", ap("action: CUSTOM\nrules: [{}]"), bad())
case("TestValidateAuthorizationPolicy", "custom-invalid-rule",
     ap("action: CUSTOM\nprovider: {name: my-custom-authz}\nrules: [{from: [{source: {namespaces: [ns], "
        "notNamespaces: [ns], principals: [id], notPrincipals: [id], requestPrincipals: [req], "
        "notRequestPrincipals: [req]}}], when: [{key: source.namespace, values: [source.namespace1], "
        "notValues: [source.namespace2]}, {key: source.principal, values: [source.principal1], "
        "notValues: [source.principal2]}, {key: 'request.auth.claims[a]', values: [claims1], notValues: [claims2]}]}]"),
     bad())
case("TestValidateAuthorizationPolicy", "provider-wrong-action", ap("action: ALLOW\nprovider: {name: ''}\nrules: [{}]"),
     bad())
case("TestValidateAuthorizationPolicy", "allow-rules-nil", ap("action: ALLOW"), CLEAN)
case("TestValidateAuthorizationPolicy", "dry-run-valid-allow", ap("action: ALLOW", "istio.io/dry-run: 'true'"), CLEAN)
case("TestValidateAuthorizationPolicy", "dry-run-valid-deny",
     ap("action: DENY\nrules: [{}]", "istio.io/dry-run: 'false'"), CLEAN)
case("TestValidateAuthorizationPolicy", "dry-run-invalid-value", ap("action: ALLOW", "istio.io/dry-run: foo"), bad())
case("TestValidateAuthorizationPolicy", "dry-run-invalid-action-custom", ap("action: CUSTOM", "istio.io/dry-run: 'true'"),
     bad())
case("TestValidateAuthorizationPolicy", "dry-run-invalid-action-audit", ap("action: AUDIT", "istio.io/dry-run: 'true'"),
     bad())
case("TestValidateAuthorizationPolicy", "deny-rules-nil", ap("action: DENY"), bad())
case("TestValidateAuthorizationPolicy", "selector-empty-value", ap("selector: {matchLabels: {app: '', version: v1}}"),
     CLEAN)
case("TestValidateAuthorizationPolicy", "selector-empty-key", ap("selector: {matchLabels: {app: httpbin, '': v1}}"), bad())
case("TestValidateAuthorizationPolicy", "selector-empty-labels", ap("selector: {}"), warn(""))
case("TestValidateAuthorizationPolicy", "selector-wildcard-value", ap("selector: {matchLabels: {app: httpbin-*}}"), bad())
case("TestValidateAuthorizationPolicy", "selector-wildcard-key", ap("selector: {matchLabels: {app-*: httpbin}}"), bad())
TEMP_RULES = "rules: [{from: [{source: {principals: [temp]}}], to: [{operation: {ports: ['8080'], methods: [GET, DELETE]}}]}]"
GW_REF = "{group: gateway.networking.k8s.io, kind: Gateway, name: foo}"
case("TestValidateAuthorizationPolicy", "target-ref-good", ap(f"action: DENY\ntargetRef: {GW_REF}\n{TEMP_RULES}"), CLEAN)
case("TestValidateAuthorizationPolicy", "target-refs-good", ap(f"action: DENY\ntargetRefs: [{GW_REF}]\n{TEMP_RULES}"),
     CLEAN)
case("TestValidateAuthorizationPolicy", "target-refs-good-service",
     ap(f"action: DENY\ntargetRefs: [{{group: '', kind: Service, name: foo}}]\n{TEMP_RULES}"), CLEAN)
case("TestValidateAuthorizationPolicy", "target-ref-non-empty-namespace",
     ap(f"action: DENY\ntargetRef: {{group: gateway.networking.k8s.io, kind: Gateway, name: foo, namespace: bar}}\n"
        f"{TEMP_RULES}"), bad())
case("TestValidateAuthorizationPolicy", "target-ref-empty-name",
     ap(f"action: DENY\ntargetRef: {{group: gateway.networking.k8s.io, kind: Gateway}}\n{TEMP_RULES}"), bad())
case("TestValidateAuthorizationPolicy", "target-ref-wrong-group",
     ap(f"action: DENY\ntargetRef: {{group: wrong-group, kind: Gateway, name: foo}}\n{TEMP_RULES}"), bad())
case("TestValidateAuthorizationPolicy", "target-ref-wrong-kind",
     ap(f"action: DENY\ntargetRef: {{group: gateway.networking.k8s.io, kind: wrong-kind, name: foo}}\n{TEMP_RULES}"),
     bad())
case("TestValidateAuthorizationPolicy", "target-ref-and-selector-cannot-both-be-set",
     ap(f"action: DENY\ntargetRef: {GW_REF}\nselector: {{matchLabels: {{app: httpbin}}}}\n{TEMP_RULES}"), bad())
case("TestValidateAuthorizationPolicy", "target-refs-and-selector-cannot-both-be-set",
     ap(f"action: DENY\ntargetRefs: [{GW_REF}]\nselector: {{matchLabels: {{app: httpbin}}}}\n{TEMP_RULES}"), bad())
case("TestValidateAuthorizationPolicy", "from-empty", ap("rules: [{from: []}]"), bad())
case("TestValidateAuthorizationPolicy", "source-nil", ap("rules: [{from: [{}]}]"), bad())
case("TestValidateAuthorizationPolicy", "source-empty", ap("rules: [{from: [{source: {}}]}]"), bad())
case("TestValidateAuthorizationPolicy", "to-empty", ap("rules: [{to: []}]"), bad())
case("TestValidateAuthorizationPolicy", "operation-nil", ap("rules: [{to: [{}]}]"), bad())
case("TestValidateAuthorizationPolicy", "operation-empty", ap("rules: [{to: [{operation: {}}]}]"), bad())
for field in ("principals", "notPrincipals", "requestPrincipals", "notRequestPrincipals"):
    case("TestValidateAuthorizationPolicy", f"{field[0].upper()}{field[1:]}-empty",
         ap(f"rules: [{{from: [{{source: {{{field}: [p1, '']}}}}]}}]"), bad())

for field, values in (("namespaces", "[ns, '']"), ("serviceAccounts", "[ns/sa, '']"), ("notNamespaces", "[ns, '']"),
                      ("ipBlocks", "[1.2.3.4, '']"), ("notIpBlocks", "[1.2.3.4, '']"),
                      ("remoteIpBlocks", "[1.2.3.4, '']"), ("notRemoteIpBlocks", "[1.2.3.4, '']")):
    case("TestValidateAuthorizationPolicy", f"{field[0].upper()}{field[1:]}-empty",
         ap(f"rules: [{{from: [{{source: {{{field}: {values}}}}}]}}]"), bad())
for field, values in (("hosts", "[host, '']"), ("notHosts", "[host, '']"), ("ports", "['80', '']"),
                      ("notPorts", "['80', '']"), ("methods", "[GET, '']"), ("notMethods", "[GET, '']"),
                      ("paths", "[/path, '']"), ("notPaths", "[/path, '']")):
    case("TestValidateAuthorizationPolicy", f"{field[0].upper()}{field[1:]}-empty",
         ap(f"rules: [{{to: [{{operation: {{{field}: {values}}}}}]}}]"), bad())
case("TestValidateAuthorizationPolicy", "value-empty",
     ap("rules: [{when: [{key: 'request.headers[:authority]', values: [v1, '']}]}]"), bad())
case("TestValidateAuthorizationPolicy", "invalid ip and port in ipBlocks",
     ap("rules: [{from: [{source: {ipBlocks: [1.2.3.4, ip1], notIpBlocks: [5.6.7.8, ip2]}}], "
        "to: [{operation: {ports: ['80', port1], notPorts: ['90', port2]}}]}]"), bad())
case("TestValidateAuthorizationPolicy", "invalid ip and port in remoteIpBlocks",
     ap("rules: [{from: [{source: {remoteIpBlocks: [1.2.3.4, ip1], notRemoteIpBlocks: [5.6.7.8, ip2]}}], "
        "to: [{operation: {ports: ['80', port1], notPorts: ['90', port2]}}]}]"), bad())
APP = "selector: {matchLabels: {app: httpbin}}"
case("TestValidateAuthorizationPolicy", "condition-key-missing", ap(f"{APP}\nrules: [{{when: [{{values: [v1, v2]}}]}}]"),
     bad())
case("TestValidateAuthorizationPolicy", "condition-key-empty",
     ap(f"{APP}\nrules: [{{when: [{{key: '', values: [v1, v2]}}]}}]"), bad())
case("TestValidateAuthorizationPolicy", "condition-value-missing",
     ap(f"{APP}\nrules: [{{when: [{{key: source.principal}}]}}]"), bad())
case("TestValidateAuthorizationPolicy", "condition-value-invalid",
     ap("rules: [{when: [{key: source.ip, values: [a.b.c.d]}]}]"), bad())
case("TestValidateAuthorizationPolicy", "condition-notValue-invalid",
     ap("rules: [{when: [{key: source.ip, notValues: [a.b.c.d]}]}]"), bad())
case("TestValidateAuthorizationPolicy", "condition-unknown", ap(f"{APP}\nrules: [{{when: [{{key: key1, values: [v1]}}]}}]"),
     bad())
case("TestValidateAuthorizationPolicy", "L7DenyWithFrom",
     ap(f"action: DENY\n{APP}\nrules: [{{from: [{{source: {{requestPrincipals: [example.com/sub-1]}}}}]}}]"), warn(""))
case("TestValidateAuthorizationPolicy", "L7DenyWithTo",
     ap(f"action: DENY\n{APP}\nrules: [{{to: [{{operation: {{methods: [GET, DELETE]}}}}]}}]"), warn(""))
case("TestValidateAuthorizationPolicy", "L7DenyWithFromAndTo",
     ap(f"action: DENY\n{APP}\nrules: [{{from: [{{source: {{principals: [temp]}}}}], "
        "to: [{operation: {methods: [GET, DELETE]}}]}]"), warn(""))
case("TestValidateAuthorizationPolicy", "L7DenyWithFromAndToWithPort", ap(f"action: DENY\n{APP}\n{TEMP_RULES}"), CLEAN)


# ---- TestValidateRequestAuthentication -------------------------------------------------------------
def ra(spec: str, name: str = "foo", annotations: str = "") -> str:
    text = obj("RequestAuthentication", spec, name=name)
    if annotations:
        text = text.replace(f"metadata: {{name: {name}, namespace: bar}}",
                            f"metadata: {{name: {name}, namespace: bar, annotations: {{{annotations}}}}}")
    return text


FOO_RULE = "jwtRules: [{issuer: foo.com, jwksUri: 'https://foo.com/cert'}]"
JWKS = ('{ "keys":[ {"e":"AQAB","kid":"DHFbpoIUqrY8t2zpA2qXfCmr5VO5ZEr4RzHU_-envvQ","kty":"RSA","n":"xAE7eB6qugXyCAG3yhh7'
        'pkDkT65pHymX-P7KfIupjf59vsdo91bSP9C8H07pSAGQO1MV_xFj9VswgsCg4R6otmg5PV2He95lZdHtOcU5DXIg_pbhLdKXbi66GlVeK6ABZOUW3W'
        'YtnNHD-91gVuoeJT_DwtGGcp4ignkgXfkiEm4sw-4sfb4qdt5oLbyVpmW6x9cfa7vs2WTfURiCrBoUqgBo_-4WTiULmmHSGZHOjzwa8WtrtOQGsAF'
        'jIbno85jp6MnGGGZPYZbDAa_b3y5u-YpW7ypZrvD8BgtKVjgtQgZhLAGezMt0ua3DRrWnKqTZ0BJ_EyxOGuHJrLsn00fnMQ"}]}')
XFOO = "fromHeaders: [{name: x-foo, prefix: 'Bearer '}]"
case("TestValidateRequestAuthentication", "empty spec", ra("{}", name="default"), CLEAN)
case("TestValidateRequestAuthentication", "another empty spec", ra("selector: {}", name="default"), warn(""))
case("TestValidateRequestAuthentication", "empty spec with non default name", ra("{}"), CLEAN)
case("TestValidateRequestAuthentication", "dry run annotation not supported",
     ra("{}", annotations="istio.io/dry-run: 'true'"), bad())
case("TestValidateRequestAuthentication", "default name with non empty selector",
     ra("selector: {matchLabels: {app: httpbin}}", name="default"), CLEAN)
case("TestValidateRequestAuthentication", "empty jwt rule", ra("jwtRules: [{}]"), bad())
case("TestValidateRequestAuthentication", "empty issuer", ra("jwtRules: [{issuer: ''}]"), bad())
case("TestValidateRequestAuthentication", "bad JwksUri - no protocol", ra("jwtRules: [{issuer: foo.com, jwksUri: foo.com}]"),
     bad())
case("TestValidateRequestAuthentication", "bad JwksUri - invalid port",
     ra("jwtRules: [{issuer: foo.com, jwksUri: 'https://foo.com:not-a-number'}]"), bad())
case("TestValidateRequestAuthentication", "empty value",
     ra(f"selector: {{matchLabels: {{app: httpbin, version: ''}}}}\n{FOO_RULE}"), CLEAN)
case("TestValidateRequestAuthentication", "bad workload selector - empty key",
     ra(f"selector: {{matchLabels: {{app: httpbin, '': v1}}}}\n{FOO_RULE}"), bad())
case("TestValidateRequestAuthentication", "good targetRef", ra(f"targetRef: {GW_REF}\n{FOO_RULE}"), CLEAN)
case("TestValidateRequestAuthentication", "bad targetRef - empty name",
     ra(f"targetRef: {{group: gateway.networking.k8s.io, kind: Gateway}}\n{FOO_RULE}"), bad())
case("TestValidateRequestAuthentication", "bad targetRef - non-empty namespace",
     ra(f"targetRef: {{group: gateway.networking.k8s.io, kind: Gateway, name: foo, namespace: bar}}\n{FOO_RULE}"), bad())
case("TestValidateRequestAuthentication", "bad targetRef - wrong group",
     ra(f"targetRef: {{group: wrong-group, kind: Gateway, name: foo}}\n{FOO_RULE}"), bad())
case("TestValidateRequestAuthentication", "bad targetRef - wrong kind",
     ra(f"targetRef: {{group: gateway.networking.k8s.io, kind: wrong-kind, name: foo}}\n{FOO_RULE}"), bad())
case("TestValidateRequestAuthentication", "targetRef and selector cannot both be set",
     ra(f"targetRef: {GW_REF}\n{FOO_RULE}\nselector: {{matchLabels: {{app: httpbin}}}}"), bad())
case("TestValidateRequestAuthentication", "bad header location",
     ra("jwtRules: [{issuer: foo.com, jwksUri: 'https://foo.com', fromHeaders: [{name: '', prefix: 'Bearer '}]}]",
        name="default"), bad())
case("TestValidateRequestAuthentication", "bad param location",
     ra("jwtRules: [{issuer: foo.com, jwksUri: 'https://foo.com', fromParams: ['']}]", name="default"), bad())
case("TestValidateRequestAuthentication", "good",
     ra(f"jwtRules: [{{issuer: foo.com, jwksUri: 'https://foo.com', {XFOO}}}]", name="default"), CLEAN)
case("TestValidateRequestAuthentication", "bad cookie location",
     ra("jwtRules: [{issuer: foo.com, jwksUri: 'https://foo.com', fromCookies: ['', foo]}]", name="default"), bad())
case("TestValidateRequestAuthentication", "jwks ok",
     ra("jwtRules: [{issuer: foo.com, jwks: '%s', %s}]" % (JWKS, XFOO), name="default"), CLEAN)
case("TestValidateRequestAuthentication", "jwks error", ra(f"jwtRules: [{{issuer: foo.com, jwks: foo, {XFOO}}}]",
                                                           name="default"), bad())
case("TestValidateRequestAuthentication", "null outputClaimToHeader",
     ra("jwtRules: [{issuer: foo.com, jwksUri: 'https://foo.com', outputClaimToHeaders: [{}]}]", name="default"), bad())
case("TestValidateRequestAuthentication", "null claim value in outputClaimToHeader ",
     ra("jwtRules: [{issuer: foo.com, jwksUri: 'https://foo.com', outputClaimToHeaders: [{header: x-jwt-claim, "
        "claim: ''}]}]", name="default"), bad())
case("TestValidateRequestAuthentication", "null header value in outputClaimToHeader ",
     ra("jwtRules: [{issuer: foo.com, jwksUri: 'https://foo.com', outputClaimToHeaders: [{header: '', claim: sub}]}]",
        name="default"), bad())
case("TestValidateRequestAuthentication", "invalid header value in outputClaimToHeader ",
     ra("jwtRules: [{issuer: foo.com, jwksUri: 'https://foo.com', outputClaimToHeaders: [{header: 'abc%123', "
        "claim: sub}]}]", name="default"), bad())


def pa(spec: str, name: str = "default") -> str:
    return obj("PeerAuthentication", spec, name=name)


case("TestValidatePeerAuthentication", "empty spec", pa("{}"), CLEAN)
case("TestValidatePeerAuthentication", "empty mtls with selector of empty labels", pa("selector: {}"), warn(""))
case("TestValidatePeerAuthentication", "empty spec with non default name", pa("{}", name="foo"), CLEAN)
case("TestValidatePeerAuthentication", "default name with non empty selector", pa("selector: {matchLabels: {app: httpbin}}"),
     CLEAN)
# (Go's empty map is a non-nil map here: the YAML writes `portLevelMtls: {}` out.)
case("TestValidatePeerAuthentication", "empty port level mtls",
     pa("selector: {matchLabels: {app: httpbin}}\nportLevelMtls: {}", name="foo"), bad())
case("TestValidatePeerAuthentication", "empty selector with port level mtls", pa("portLevelMtls: {'8080': {mode: UNSET}}"),
     bad("mesh/namespace peer authentication cannot have port level mTLS"))
case("TestValidatePeerAuthentication", "port 0", pa("portLevelMtls: {'0': {mode: UNSET}}", name="foo"), bad())
case("TestValidatePeerAuthentication", "unset mode", pa("mtls: {mode: UNSET}"), CLEAN)
case("TestValidatePeerAuthentication", "port level",
     pa("selector: {matchLabels: {app: httpbin}}\nportLevelMtls: {'8080': {mode: UNSET}}", name="port-level"), CLEAN)


# ---- pkg/config/security/security_test.go ------------------------------------------------------------
for uri, expect in (("foo.bar.com", bad()), ("tcp://foo.bar.com:abc", bad()), ("http://foo.bar.com:abc", bad()),
                    ("http://foo.bar.com", OK), ("https://foo.bar.com", OK), ("http://foo.bar.com:1234", OK),
                    ("https://foo.bar.com:1234/secure/key", OK)):
    case("TestParseJwksURI", uri, ra(f"jwtRules: [{{issuer: foo.com, jwksUri: '{uri}'}}]"), expect)

for key, values, expect in (
        ("request.headers[:authority]", "[productpage, '']", bad()),
        ("request.headers[:authority]", "[productpage]", OK),
        ("request.headers[]", "[productpage]", bad()),
        ("source.ip", "[1.2.3.4, 5.6.7.0/24]", OK),
        ("source.ip", "[a.b.c.d]", bad()),
        ("remote.ip", "[1.2.3.4, 5.6.7.0/24]", OK),
        ("remote.ip", "[a.b.c.d]", bad()),
        ("source.namespace", "[value]", OK),
        ("source.user", "[value]", bad()),
        ("source.principal", "[value]", OK),
        ("request.auth.principal", "[value]", OK),
        ("request.auth.audiences", "[value]", OK),
        ("request.auth.presenter", "[value]", OK),
        ("request.auth.claims[id]", "['123']", OK),
        ("request.auth.claims[]", "[value]", bad()),
        ("destination.ip", "[1.2.3.4, 5.6.7.0/24]", OK),
        ("destination.ip", "[a.b.c.d]", bad()),
        ("destination.port", "['80', '90']", OK),
        ("destination.port", "['80', x]", bad()),
        ("destination.labels[app]", "[value]", bad()),
        ("destination.name", "[value]", bad()),
        ("destination.namespace", "[value]", bad()),
        ("destination.user", "[value]", bad()),
        ("connection.sni", "[value]", OK),
        ("experimental.envoy.filters.a.b[c]", "[value]", OK),
        ("experimental.envoy.filters.a.b.x", "[value]", bad())):
    case("TestValidateCondition", f"{key} {values}", ap(f"rules: [{{when: [{{key: '{key}', values: {values}}}]}}]"), expect)

for name, path, expect in (
        ("valid path template - matchOneTemplate", "/{*}/foo", OK),
        ("valid path template - matchAnyTemplate", "/foo/{**}/bar", OK),
        ("invalid path template - empty curly braces", "/{*}/foo/{}/bar", bad()),
        ("unsupported path template - matchOneTemplate with `*`", "/foo/{*}/bar/*", bad()),
        ("unsupported path template - matchOneTemplate with `**`", "/foo/{*}/bar/**/buzz", bad()),
        ("unsupported path template - matchAnyTemplate with named var: {buzz}", "/foo/{buzz}/bar/{**}.txt", bad()),
        ("unsupported path template - matchAnyTemplate with named var: {buzz=*}", "/foo/{buzz=*}/bar/{**}.txt", bad()),
        ("unsupported path template - matchAnyTemplate with named var: {buzz=**}", "/{*}/foo/{buzz=**}/bar", bad())):
    case("TestCheckValidPathTemplate", name, ap(f"rules: [{{to: [{{operation: {{paths: ['{path}']}}}}]}}]"), expect)


@pytest.mark.parametrize("text,expect", TABLE.params())
def test_istio_case(text, expect):
    check(text, expect)
