"""RequestAuthentication (engine/simulation/jwt.py), end to end through simulate().

Rows follow io:tasks/security/authentication/authn-policy "End-user authentication" and
"Require a valid token" (httpbin in foo, issuer testing@secure.istio.io, Istio's demo.jwt payload),
io:concepts/security "Request authentication" and api:security/v1beta1/request_authentication.proto:
an invalid token is a 401, no token is accepted (200) unless an AuthorizationPolicy asks for a
request principal (403), a valid token's principal is `<iss>/<sub>`.
"""

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.config import load_config_text
from engine.mesh import build_mesh
from engine.simulation import jwt
from engine.simulation.run import simulate

ISSUER = "testing@secure.istio.io"
# istio/istio security/tools/jwt/samples/demo.jwt: iss = sub = testing@secure.istio.io, exp in 2118.
DEMO = {"exp": 4685989700, "foo": "bar", "iat": 1532389700, "iss": ISSUER, "sub": ISSUER}


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def token(payload: dict, signature: str = "c2lnbmF0dXJl") -> str:
    return f"{b64({'alg': 'RS256', 'kid': 'DHFbpoIUqrY8t2zpA2qXfCmr5VO5ZEr4RzHU_-envvQ', 'typ': 'JWT'})}." \
           f"{b64(payload)}.{signature}"


VALID = token(DEMO)
EXPIRED = token(DEMO | {"exp": jwt.SIMULATED_NOW - 1})
OTHER_ISSUER = token(DEMO | {"iss": "someone@else.io"})
GROUPS = token(DEMO | {"groups": ["group1", "group2"]})

TOPOLOGY = """
apiVersion: meshdrill/v1
kind: Topology
spec:
  namespaces: [{name: foo, injection: true}]
  services:
    - name: httpbin
      namespace: foo
      ports: [{name: http, port: 8000, targetPort: 80}]
      workloads: [{labels: {app: httpbin}}]
  clients: [{name: sleep, namespace: foo}]
"""

RA = f"""
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {{name: jwt-example, namespace: foo}}
spec:
  selector: {{matchLabels: {{app: httpbin}}}}
  jwtRules:
  - issuer: "{ISSUER}"
    jwksUri: "https://raw.githubusercontent.com/istio/istio/master/security/tools/jwt/samples/jwks.json"
"""


def ap(rules: str, action: str = "ALLOW") -> str:
    return (f"apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {{name: require-jwt, "
            f"namespace: foo}}\nspec:\n  selector: {{matchLabels: {{app: httpbin}}}}\n  action: {action}\n"
            f"  rules:\n{rules}")


REQUIRE = ap(f"  - from: [{{source: {{requestPrincipals: ['{ISSUER}/{ISSUER}']}}}}]\n")
GROUP1 = ap(f"  - from: [{{source: {{requestPrincipals: ['{ISSUER}/{ISSUER}']}}}}]\n"
            "    when: [{key: 'request.auth.claims[groups]', values: [group1]}]\n")
DENY_NO_TOKEN = ap("  - from: [{source: {notRequestPrincipals: ['*']}}]\n", "DENY")


def stream(headers: str = "{}", path: str = "/headers") -> str:
    return f"{{from: foo/sleep, to: 'httpbin.foo:8000', requests: 20, path: '{path}', headers: {headers}}}"


def bearer(value: str) -> str:
    return f"{{Authorization: 'Bearer {value}'}}"


def run(config: str, s: str):
    text = TOPOLOGY + "---\n" + config + "\n---\napiVersion: meshdrill/v1\nkind: Traffic\nspec:\n  streams:\n  - " + s
    cs = load_config_text(text, "t.yaml")
    assert not cs.rejected, [d.message for d in cs.rejected]
    return simulate(cs).streams[0]


CASES = [
    ("authn-policy: valid token -> 200", RA, stream(bearer(VALID)), "200"),
    ("authn-policy: invalid token (deadbeef) -> 401", RA, stream(bearer("deadbeef")), "401"),
    ("authn-policy: no token -> 200 (RequestAuthentication alone)", RA, stream(), "200"),
    ("authn-policy: expired token -> 401 (Jwt is expired)", RA, stream(bearer(EXPIRED)), "401"),
    ("an issuer no rule names -> 401", RA, stream(bearer(OTHER_ISSUER)), "401"),
    ("a token without the Bearer prefix is not read: accepted", RA, stream(f"{{Authorization: '{VALID}'}}"), "200"),
    ("the access_token query parameter is a default location", RA, stream(path="/headers?access_token=deadbeef"),
     "401"),
    ("require a valid token: no token + requestPrincipals ALLOW -> 403", RA + "---\n" + REQUIRE, stream(), "403"),
    ("require a valid token: valid token -> 200", RA + "---\n" + REQUIRE, stream(bearer(VALID)), "200"),
    ("401 comes before 403: invalid token + requestPrincipals ALLOW", RA + "---\n" + REQUIRE,
     stream(bearer("deadbeef")), "401"),
    ("DENY notRequestPrincipals ['*'] denies a request without token", RA + "---\n" + DENY_NO_TOKEN, stream(), "403"),
    ("requestPrincipals without RequestAuthentication: never a principal -> 403", REQUIRE, stream(bearer(VALID)),
     "403"),
    ("claims condition: groups contains group1 -> 200", RA + "---\n" + GROUP1, stream(bearer(GROUPS)), "200"),
    ("claims condition: no groups claim -> 403", RA + "---\n" + GROUP1, stream(bearer(VALID)), "403"),
    ("audiences set: a token without a matching aud -> 401",
     RA.replace("    jwksUri", "    audiences: [httpbin]\n    jwksUri"), stream(bearer(VALID)), "401"),
    ("audiences set: a token with one of them -> 200",
     RA.replace("    jwksUri", "    audiences: [httpbin]\n    jwksUri"),
     stream(bearer(token(DEMO | {"aud": ["other", "httpbin"]}))), "200"),
    ("fromHeaders: the token is read from that header only",
     RA.replace("    jwksUri", "    fromHeaders: [{name: x-jwt-assertion}]\n    jwksUri"),
     stream("{x-jwt-assertion: deadbeef, authorization: 'Bearer " + VALID + "'}"), "401"),
    ("fromHeaders: the Authorization header is then ignored",
     RA.replace("    jwksUri", "    fromHeaders: [{name: x-jwt-assertion}]\n    jwksUri"),
     stream(bearer("deadbeef")), "200"),
    ("root namespace policy applies mesh-wide",
     RA.replace("namespace: foo", "namespace: istio-system").replace("  selector: {matchLabels: {app: httpbin}}\n", ""),
     stream(bearer("deadbeef")), "401"),
    ("a selector for another workload does not apply", RA.replace("app: httpbin", "app: other"),
     stream(bearer("deadbeef")), "200"),
]


@pytest.mark.parametrize("name, config, s, status", CASES, ids=[c[0] for c in CASES])
def test_request_authentication(name, config, s, status):
    result = run(config, s)
    assert result.status == {status: 20}


def test_a_401_is_not_retried_and_the_signature_doubt_is_said():
    result = run(RA, stream(bearer(EXPIRED)))
    assert result.attempts.mean == 1.0 and result.status == {"401": 20}
    assert jwt.SIGNATURE_UNKNOWN in result.uncertain


def test_failure_reasons_are_envoys():
    mesh = build_mesh(load_config_text(TOPOLOGY + "---\n" + RA, "t.yaml"))
    pod = next(p for p in mesh.inventory.pods if p.labels.get("app") == "httpbin")
    reason = lambda t: jwt.authenticate(mesh, pod, {"authorization": f"Bearer {t}"}, {}).failed
    assert reason("deadbeef") == jwt.BAD_FORM
    assert reason(EXPIRED) == "Jwt is expired"
    assert reason(OTHER_ISSUER) == "Jwt issuer is not configured"
    assert reason(token(DEMO, signature="")) == "Jwt verification fails"
    assert reason(VALID) == ""
    ok = jwt.authenticate(mesh, pod, {"authorization": f"Bearer {VALID}"}, {})
    assert ok.principal == f"{ISSUER}/{ISSUER}" and ok.claims["foo"] == "bar"


GATEWAY_CONFIG = f"""
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {{name: httpbin-gateway, namespace: foo}}
spec:
  selector: {{istio: ingressgateway}}
  servers: [{{port: {{number: 80, name: http, protocol: HTTP}}, hosts: ["httpbin.example.com"]}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: httpbin, namespace: foo}}
spec:
  hosts: ["httpbin.example.com"]
  gateways: [httpbin-gateway]
  http: [{{route: [{{destination: {{host: httpbin, port: {{number: 8000}}}}}}]}}]
---
{RA.replace("namespace: foo", "namespace: istio-system").replace("app: httpbin", "istio: ingressgateway")}
"""


@pytest.mark.parametrize("headers, status", [(bearer(VALID), "200"), (bearer("deadbeef"), "401"), ("{}", "200")])
def test_on_the_ingress_gateway(headers, status):
    # io:tasks/security/authentication/authn-policy "End-user authentication" on istio-ingressgateway.
    s = f"{{from: external, to: 'http://httpbin.example.com/headers', requests: 20, headers: {headers}}}"
    assert run(GATEWAY_CONFIG, s).status == {status: 20}


def test_the_gateway_does_not_forward_a_validated_token_by_default():
    # jwt.proto forwardOriginalToken (default false): the backend's own policy sees no token.
    backend = RA.replace("name: jwt-example", "name: backend").replace("    jwksUri", "    audiences: [nobody]\n    jwksUri")
    s = f"{{from: external, to: 'http://httpbin.example.com/headers', requests: 20, headers: {bearer(VALID)}}}"
    assert run(GATEWAY_CONFIG + "---\n" + backend, s).status == {"200": 20}
    kept = GATEWAY_CONFIG.replace("    jwksUri", "    forwardOriginalToken: true\n    jwksUri")
    assert run(kept + "---\n" + backend, s).status == {"401": 20}


@given(st.text(max_size=60))
def test_any_token_text_is_a_verdict_never_a_crash(text):
    mesh = build_mesh(load_config_text(TOPOLOGY + "---\n" + RA, "t.yaml"))
    pod = next(p for p in mesh.inventory.pods if p.labels.get("app") == "httpbin")
    out = jwt.authenticate(mesh, pod, {"authorization": "Bearer " + text}, {"access_token": text})
    assert out.failed or out.principal is not None or not text.strip()


def test_from_cookies_reads_that_cookie_only():
    cookie_rule = RA.replace("    jwksUri", "    fromCookies: [session]\n    jwksUri")
    assert run(cookie_rule, stream("{cookie: 'theme=dark; session=deadbeef'}")).status == {"401": 20}
    assert run(cookie_rule, stream("{cookie: 'session=" + VALID + "'}")).status == {"200": 20}
    assert run(cookie_rule, stream(bearer("deadbeef"))).status == {"200": 20}


def test_a_signature_that_is_not_base64url_is_rejected():
    mesh = build_mesh(load_config_text(TOPOLOGY + "---\n" + RA, "t.yaml"))
    pod = next(p for p in mesh.inventory.pods if p.labels.get("app") == "httpbin")
    out = jwt.authenticate(mesh, pod, {"authorization": f"Bearer {token(DEMO, signature='not base64!')}"}, {})
    assert out.failed == "Jwt signature is an invalid Base64url encoded"


CLAIM_VS = """
  http:
  - match: [{headers: {"@request.auth.claims.groups": {exact: group1}}}]
    route: [{destination: {host: httpbin, port: {number: 8000}}}]
  - match: [{headers: {"@request.auth.claims.iss": {}}}]
    directResponse: {status: 418}
  - directResponse: {status: 404}
"""


@pytest.mark.parametrize("headers, status", [
    (bearer(GROUPS), "200"),          # a list claim matches when one element does
    (bearer(VALID), "418"),           # no groups claim; iss is present
    ("{}", "404"),                    # no validated token: no claim to match
    ("{'@request.auth.claims.groups': group1}", "404"),   # a client cannot forge the claim with a header
])
def test_claim_based_routing_at_the_gateway(headers, status):
    # api:security/v1beta1/request_authentication.proto: `@request.auth.claims.<claim>` header matches
    # use the JWT validated at the gateway (route.go MetadataMatcherForJWTClaims).
    vs = GATEWAY_CONFIG.replace("  http: [{route: [{destination: {host: httpbin, port: {number: 8000}}}]}]\n",
                                CLAIM_VS.lstrip("\n"))
    assert vs != GATEWAY_CONFIG
    s = f"{{from: external, to: 'http://httpbin.example.com/headers', requests: 20, headers: {headers}}}"
    assert run(vs, s).status == {status: 20}
