"""RequestAuthentication webhook rules (istio validation_test.go TestValidateRequestAuthentication), with the
CRD's own field rules (minLength, header pattern, jwksUri scheme; testdata/crds/reqauth-invalid.yaml)
reported first by the API server."""

import textwrap

import pytest

from engine.config import load_config_text

ERR = "IST0106 Schema validation error: "
CRD = "MD0024 spec.jwtRules[0]."


def findings(spec: str) -> list[str]:
    text = ("apiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata: {name: jwt, namespace: foo}\n"
            "spec:\n" + textwrap.indent(textwrap.dedent(spec), "  "))
    cs = load_config_text(text, "ra.yaml")
    return sorted(f"{d.code} {d.message}" for d in cs.diagnostics if d.layer in ("webhook", "schema"))


@pytest.mark.parametrize("spec,expected", [
    ("jwtRules: [{audiences: ['']}]",
     [f"{ERR}audience must be non-empty string", f"{ERR}issuer or jwksUri must be non-empty string",
      f'{CRD}audiences[0]: Invalid value: "": spec.jwtRules[0].audiences[0] in body should be at least 1 chars long']),
    ("jwtRules: [{issuer: a, jwksUri: 'ftp://x/keys'}]",
     [f'{ERR}URI scheme "ftp" is not supported',
      f'{CRD}jwksUri: Invalid value: "string": url must have scheme http:// or https://']),
    ("jwtRules: [{issuer: a, fromParams: ['']}]",
     [f"{ERR}location query must be non-empty string",
      f'{CRD}fromParams[0]: Invalid value: "": spec.jwtRules[0].fromParams[0] in body should be at least 1 chars long']),
    ("jwtRules: [{issuer: a, fromHeaders: [{prefix: 'Bearer '}]}]",
     [f"{ERR}location header name must be non-empty string", f"{CRD}fromHeaders[0].name: Required value"]),
    ("jwtRules: [{issuer: a, outputClaimToHeaders: [{header: 'x y', claim: sub}]}]",
     [f"{ERR}header name x y is not a valid header name",
      f"{CRD}outputClaimToHeaders[0].header: Invalid value: \"x y\": spec.jwtRules[0].outputClaimToHeaders[0].header "
      "in body should match '^[-_A-Za-z0-9]+$'"]),
    ("selector: {matchLabels: {app: 'x*'}}", [f'{ERR}wildcard is not supported in selector: "app=x*"']),
])
def test_rejected(spec, expected):
    assert findings(spec) == sorted(expected)


@pytest.mark.parametrize("spec", [
    "selector: {matchLabels: {app: httpbin}}\njwtRules: [{issuer: testing@secure.istio.io, "
    "jwksUri: 'https://raw.githubusercontent.com/istio/istio/master/security/tools/jwt/samples/jwks.json'}]",
    "jwtRules: [{jwksUri: 'http://keys.example.com/jwks'}]",
    "{}",
])
def test_accepted(spec):
    assert findings(spec) == []
