"""DestinationRule webhook rules, both directions. Rows mirror istio validation_test.go
TestValidateDestinationRule, TestValidateTrafficPolicy, TestValidateConnectionPool,
TestValidateOutlierDetection, TestValidateLoadBalancer and agent TestValidateTLS."""

import textwrap

import pytest

from engine.config import load_config_text

ERR, WARN = "IST0106 Schema validation error: ", "IST0133 Schema validation warning: "


def findings(spec: str) -> list[str]:
    text = ("apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: reviews}\nspec:\n"
            + textwrap.indent(textwrap.dedent(spec), "  "))
    return sorted(f"{d.code} {d.message}" for d in load_config_text(text, "dr.yaml").diagnostics)


REJECTED = [
    ("host: ''", [f"{ERR}empty domain name not allowed"]),
    ("host: 'foo.*.com'", [f'{ERR}domain name "*.com" invalid (label "*" invalid)']),
    ("host: reviews\nsubsets: [{name: v1}, {name: v1}]", [f"{ERR}duplicate subset names: v1"]),
    ("host: reviews\nsubsets: [{name: v1.0}]", [f"{ERR}subset name is invalid: v1.0"]),
    ("host: reviews\nsubsets: [{name: ''}]", [f"{ERR}subset name cannot be empty"]),
    ("host: reviews\nsubsets: [{name: v1, labels: {version: 'bad value'}}]", [f'{ERR}invalid tag value: "bad value"']),
    ("host: reviews\ntrafficPolicy: {}", [f"{ERR}traffic policy must have at least one field"]),
    ("host: reviews\nsubsets: [{name: v1, trafficPolicy: {}}]", [f"{ERR}traffic policy must have at least one field"]),
    ("host: reviews\ntrafficPolicy: {connectionPool: {}}", [f"{ERR}connection pool must have at least one field"]),
    ("host: reviews\ntrafficPolicy: {connectionPool: {tcp: {maxConnections: -1}, http: {http1MaxPendingRequests: -2, "
     "http2MaxRequests: -1, maxRequestsPerConnection: -1, maxRetries: -1}}}",
     [f"{ERR}http1 max pending requests must be non-negative", f"{ERR}http2 max requests must be non-negative",
      f"{ERR}max connections must be non-negative", f"{ERR}max requests per connection must be non-negative",
      f"{ERR}max retries must be non-negative"]),
    ("host: reviews\ntrafficPolicy: {connectionPool: {http: {h2UpgradePolicy: UPGRADE, useClientProtocol: true}}}",
     [f"{ERR}use client protocol must not be true when H2UpgradePolicy is UPGRADE"]),
    ("host: reviews\ntrafficPolicy: {outlierDetection: {maxEjectionPercent: 150, minHealthPercent: -1}}",
     [f"{ERR}percentage -1 is not in range 0..100", f"{ERR}percentage 150 is not in range 0..100"]),
    ("host: reviews\ntrafficPolicy: {outlierDetection: {consecutiveLocalOriginFailures: 3}}",
     [f"{ERR}outlier detection consecutive local origin failures is specified, but split external local origin "
      "errors is set to false"]),
    ("host: reviews\ntrafficPolicy: {outlierDetection: {interval: 1500us}}",
     [f"{ERR}only durations to ms precision are supported"]),
    ("host: reviews\ntrafficPolicy: {outlierDetection: {consecutiveErrors: 5}}",
     [f"{WARN}outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or "
      "consecutive5xxErrors instead"]),
    ("host: reviews\ntrafficPolicy: {loadBalancer: {consistentHash: {httpCookie: {ttl: 1s}}}}",
     [f"{ERR}name required for HttpCookie"]),
    ("host: reviews\ntrafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x, maglev: {tableSize: 1000}}}}",
     [f"{ERR}tableSize must be a prime number for maglev"]),
    ("host: reviews\ntrafficPolicy: {tls: {mode: MUTUAL}}",
     [f"{ERR}client certificate required for mutual tls", f"{ERR}private key required for mutual tls"]),
    ("host: reviews\ntrafficPolicy: {tls: {mode: SIMPLE, credentialName: c, caCertificates: /ca.pem}}",
     [f"{ERR}cannot specify client certificates or CA certificate or CA CRL If credentialName is set"]),
    ("host: reviews\ntrafficPolicy: {tls: {mode: SIMPLE, insecureSkipVerify: true, caCertificates: /ca.pem}}",
     [f"{ERR}cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true"]),
    ("host: reviews\ntrafficPolicy: {portLevelSettings: [{port: {number: 80}}]}",
     [f"{ERR}port traffic policy must have at least one field"]),
    ("host: reviews\ntrafficPolicy: {portLevelSettings: [{tls: {mode: ISTIO_MUTUAL}}]}",
     [f"{ERR}portTrafficPolicy must have valid port"]),
    ("host: reviews\nexportTo: [other]\nworkloadSelector: {matchLabels: {app: a}}",
     [f"{ERR}destination rule with workload selector cannot have exportTo beyond current namespace"]),
    ("host: reviews\nexportTo: [default, '.']", [f"{ERR}duplicate entries in exportTo: . and current namespace default"]),
    ("host: reviews\nworkloadSelector: {matchLabels: {app: 'a*'}}", [f'{ERR}wildcard is not supported in selector: "app=a*"']),
    ("host: reviews\nworkloadSelector: {}", [f"{WARN}workload selector specified without labels"]),
]


@pytest.mark.parametrize("spec,expected", REJECTED)
def test_rejected(spec, expected):
    assert findings(spec) == sorted(expected)


ACCEPTED = [
    "host: reviews",
    "host: '*'",                                              # a full wildcard is allowed in a DR
    "host: '*.example.com'",
    "host: reviews\nsubsets: [{name: V1, labels: {version: v1}}]",   # DNS-1123 check is case-insensitive
    "host: reviews\ntrafficPolicy: {tls: {mode: ISTIO_MUTUAL}}",
    "host: reviews\ntrafficPolicy: {tls: {mode: MUTUAL, credentialName: client-cert}}",
    "host: reviews\ntrafficPolicy: {tls: {mode: MUTUAL, clientCertificate: /c.pem, privateKey: /k.pem}}",
    "host: reviews\ntrafficPolicy: {connectionPool: {tcp: {maxConnections: 1, idleTimeout: 0s}, "
    "http: {http1MaxPendingRequests: 1, maxRequestsPerConnection: 1}}, "
    "outlierDetection: {consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 3m, maxEjectionPercent: 100}}",
    "host: reviews\ntrafficPolicy: {loadBalancer: {consistentHash: {httpCookie: {name: user, ttl: 0s}}}}",
    "host: reviews\ntrafficPolicy: {portLevelSettings: [{port: {number: 9080}, loadBalancer: {simple: RANDOM}}]}",
    "host: reviews\nexportTo: ['.']\nworkloadSelector: {matchLabels: {app: a}}",
]


@pytest.mark.parametrize("spec", ACCEPTED)
def test_accepted(spec):
    assert findings(spec) == []
