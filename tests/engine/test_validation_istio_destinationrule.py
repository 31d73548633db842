"""Istio's validation tests for DestinationRule, as YAML rows:
TestValidateDestinationRule, TestValidateTrafficPolicy, TestValidateConnectionPool,
TestValidateLoadBalancer, TestValidateOutlierDetection, agent TestValidateTLS, TestValidateLocalityLbSetting
and TestValidateLocalities.

Each row is named `<IstioTest>/<case>`; the harness and the meaning of OK / CLEAN / bad / warn are in
tests/engine/istio_tables.py.
"""

from __future__ import annotations

import pytest

from tests.engine.istio_tables import CLEAN, OK, RATINGS, Table, bad, check, crd, dr, policy, warn

TABLE = Table()
case = TABLE.case


# ---- TestValidateDestinationRule --------------------------------------------------------------------
SUBSETS = "subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]"
GOOD_POLICY = ("{loadBalancer: {simple: ROUND_ROBIN}, connectionPool: {tcp: {maxConnections: 7}, "
               "http: {http2MaxRequests: 11}}, outlierDetection: {minHealthPercent: %d}}")
BAD_POLICY = "{loadBalancer: {simple: ROUND_ROBIN}, connectionPool: {}, outlierDetection: {minHealthPercent: 20}}"
case("TestValidateDestinationRule", "simple destination rule", dr(f"host: reviews\n{SUBSETS}"), CLEAN)
case("TestValidateDestinationRule", "simple destination rule with empty selector labels",
     dr(f"host: reviews\n{SUBSETS}\nworkloadSelector: {{}}"), warn(""))
case("TestValidateDestinationRule", "missing destination name", dr(f"host: ''\n{SUBSETS}"), bad())
case("TestValidateDestinationRule", "missing subset name",
     dr("host: reviews\nsubsets: [{name: '', labels: {version: v1}}, {name: v2, labels: {version: v2}}]"), bad())
case("TestValidateDestinationRule", "duplicate subset names",
     dr("host: reviews\nsubsets: [{name: foo, labels: {version: v1}}, {name: foo, labels: {version: v2}}]"), bad())
case("TestValidateDestinationRule", "valid traffic policy, top level",
     dr(f"host: reviews\ntrafficPolicy: {GOOD_POLICY % 20}\n{SUBSETS}"), CLEAN)
case("TestValidateDestinationRule", "invalid traffic policy, top level",
     dr(f"host: reviews\ntrafficPolicy: {BAD_POLICY}\n{SUBSETS}"), bad())
case("TestValidateDestinationRule", "valid traffic policy, subset level",
     dr(f"host: reviews\nsubsets: [{{name: v1, labels: {{version: v1}}, trafficPolicy: {GOOD_POLICY % 20}}}, "
        "{name: v2, labels: {version: v2}}]"), CLEAN)
case("TestValidateDestinationRule", "invalid traffic policy, subset level",
     dr(f"host: reviews\nsubsets: [{{name: v1, labels: {{version: v1}}, trafficPolicy: {BAD_POLICY}}}, "
        "{name: v2, labels: {version: v2}}]"), bad())
case("TestValidateDestinationRule", "valid traffic policy, both levels",
     dr(f"host: reviews\ntrafficPolicy: {GOOD_POLICY % 20}\nsubsets: [{{name: v1, labels: {{version: v1}}, "
        f"trafficPolicy: {GOOD_POLICY % 30}}}, {{name: v2, labels: {{version: v2}}}}]"), CLEAN)


def tls(fields: str) -> str:
    return dr("host: reviews\ntrafficPolicy: {tls: {%s}}" % fields)


SAN = "subjectAltNames: [reviews.default.svc]"
KEYS = "privateKey: key, clientCertificate: cert"
for mode in ("simple", "mutual"):
    M = mode.upper()
    keys = f", {KEYS}" if M == "MUTUAL" else ""
    case("TestValidateDestinationRule", f"InsecureSkipVerify is not specified with tls mode {mode}, and the ca cert "
         "is specified by CaCertificates", tls(f"mode: {M}, caCertificates: test{keys}, {SAN}"), CLEAN)
    case("TestValidateDestinationRule", f"InsecureSkipVerify is not specified with tls mode {mode}, and the ca cert "
         "is specified by CredentialName", tls(f"mode: {M}, credentialName: test, {SAN}"), CLEAN)
    case("TestValidateDestinationRule", f"InsecureSkipVerify is set false with tls mode {mode}, and the ca cert "
         "is specified by CaCertificates",
         tls(f"mode: {M}, caCertificates: test{keys}, {SAN}, insecureSkipVerify: false"), CLEAN)
    case("TestValidateDestinationRule", f"InsecureSkipVerify is set false with tls mode {mode}, and the ca cert "
         "is specified by CredentialName", tls(f"mode: {M}, credentialName: test, {SAN}, insecureSkipVerify: false"), CLEAN)
# (Istio's case names for the `true` rows swap CaCertificates and CredentialName; the specs are kept.)
case("TestValidateDestinationRule", "InsecureSkipVerify is set true with tls mode simple, and the ca cert is "
     "specified by CaCertificates", tls("mode: SIMPLE, credentialName: test, insecureSkipVerify: true"), bad())
case("TestValidateDestinationRule", "InsecureSkipVerify is set true with tls mode simple, and the ca cert is "
     "specified by CredentialName", tls("mode: SIMPLE, caCertificates: test, insecureSkipVerify: true"), bad())
case("TestValidateDestinationRule", "InsecureSkipVerify is set true with tls mode simple, and the san is specified",
     tls(f"mode: SIMPLE, {SAN}, insecureSkipVerify: true"), bad())
case("TestValidateDestinationRule", "InsecureSkipVerify is set true with tls mode mutual, and the ca cert is "
     "specified by CaCertificates", tls(f"mode: MUTUAL, caCertificates: test, {KEYS}, insecureSkipVerify: true"), bad())
case("TestValidateDestinationRule", "InsecureSkipVerify is set true with tls mode mutual, and the ca cert is "
     "specified by CaCertificates (credentialName)", tls("mode: MUTUAL, credentialName: test, insecureSkipVerify: true"),
     OK)
case("TestValidateDestinationRule", "InsecureSkipVerify is set true with tls mode mutual, and the ca cert is not "
     "specified", tls(f"mode: MUTUAL, {KEYS}, insecureSkipVerify: true"), OK)
case("TestValidateDestinationRule", "InsecureSkipVerify is set true with tls mode mutual, and the san is specified",
     tls(f"mode: MUTUAL, {KEYS}, {SAN}, insecureSkipVerify: true"), bad())

case("TestValidateTrafficPolicy", "valid traffic policy",
     dr(f"host: reviews\ntrafficPolicy: {GOOD_POLICY % 20}"), OK)
case("TestValidateTrafficPolicy", "invalid traffic policy, nil entries", policy(""), bad())
case("TestValidateTrafficPolicy", "invalid traffic policy, missing port in port level settings",
     policy("portLevelSettings: [{loadBalancer: {simple: ROUND_ROBIN}, connectionPool: {tcp: {maxConnections: 7}, "
            "http: {http2MaxRequests: 11}}, outlierDetection: {minHealthPercent: 20}}]"), bad())
case("TestValidateTrafficPolicy", "invalid traffic policy, bad connection pool", dr(f"host: reviews\ntrafficPolicy: {BAD_POLICY}"),
     bad())
case("TestValidateTrafficPolicy", "invalid traffic policy, bad max connection duration",
     policy("loadBalancer: {simple: ROUND_ROBIN}, connectionPool: {tcp: {maxConnectionDuration: 500ns}}"), bad())
case("TestValidateTrafficPolicy", "invalid traffic policy, panic threshold too low",
     dr("host: reviews\ntrafficPolicy: " + (GOOD_POLICY % -1)), bad())
case("TestValidateTrafficPolicy", "invalid traffic policy, both upgrade and use client protocol set",
     policy("connectionPool: {http: {h2UpgradePolicy: UPGRADE, useClientProtocol: true}}"), bad())


def pool(fields: str) -> str:
    return policy("connectionPool: {%s}" % fields)


HTTP_POOL = "http1MaxPendingRequests: 2, http2MaxRequests: 11, maxRequestsPerConnection: 5, maxRetries: 4, " \
            "maxConcurrentStreams: 5"
case("TestValidateConnectionPool", "valid connection pool, tcp and http",
     pool(f"tcp: {{maxConnections: 7, connectTimeout: 2s}}, http: {{{HTTP_POOL}, idleTimeout: 30s}}"), OK)
case("TestValidateConnectionPool", "valid connection pool, tcp only", pool("tcp: {maxConnections: 7, connectTimeout: 2s}"), OK)
case("TestValidateConnectionPool", "valid connection pool, http only", pool(f"http: {{{HTTP_POOL}, idleTimeout: 30s}}"), OK)
case("TestValidateConnectionPool", "valid connection pool, http only with empty idle timeout",
     pool(f"http: {{{HTTP_POOL}}}"), OK)
case("TestValidateConnectionPool", "invalid connection pool, empty", pool(""), bad())
case("TestValidateConnectionPool", "invalid connection pool, bad max connections", pool("tcp: {maxConnections: -1}"), bad())
case("TestValidateConnectionPool", "invalid connection pool, bad connect timeout",
     pool("tcp: {connectTimeout: 2.000000005s}"), bad())
for field in ("http1MaxPendingRequests", "http2MaxRequests", "maxRequestsPerConnection", "maxRetries",
              "maxConcurrentStreams"):
    label = {"http1MaxPendingRequests": "max pending requests", "http2MaxRequests": "max requests",
             "maxRequestsPerConnection": "max requests per connection", "maxRetries": "max retries",
             "maxConcurrentStreams": "max concurrent streams"}[field]
    case("TestValidateConnectionPool", f"invalid connection pool, bad {label}", pool(f"http: {{{field}: -1}}"), bad())
case("TestValidateConnectionPool", "invalid connection pool, bad idle timeout", pool("http: {idleTimeout: 30.000000005s}"),
     bad())
case("TestValidateConnectionPool", "valid connection pool, tcp timeout disabled", pool("tcp: {idleTimeout: 0s}"), OK)

def lb(fields: str) -> str:
    return policy("loadBalancer: {%s}" % fields)


case("TestValidateLoadBalancer", "valid load balancer with simple load balancing", lb("simple: ROUND_ROBIN"), OK)
case("TestValidateLoadBalancer", "valid load balancer with consistentHash load balancing",
     lb("consistentHash: {minimumRingSize: 1024, httpCookie: {name: test, ttl: 3600s}}"), OK)
case("TestValidateLoadBalancer", "invalid load balancer with consistentHash load balancing, missing name",
     lb("consistentHash: {minimumRingSize: 1024, httpCookie: {ttl: 3600s}}"), bad())
case("TestValidateLoadBalancer", "invalid load balancer with consistentHash load balancing, maglev not prime",
     lb("consistentHash: {maglev: {tableSize: 1000}}"), bad())

def outlier(fields: str) -> str:
    return policy("outlierDetection: {%s}" % fields)


case("TestValidateOutlierDetection", "valid outlier detection",
     outlier("interval: 2s, baseEjectionTime: 2s, maxEjectionPercent: 50"), CLEAN)
case("TestValidateOutlierDetection", "invalid outlier detection, bad interval", outlier("interval: 2.000000005s"), bad())
case("TestValidateOutlierDetection", "invalid outlier detection, bad base ejection time",
     outlier("baseEjectionTime: 2.000000005s"), bad())
case("TestValidateOutlierDetection", "invalid outlier detection, bad max ejection percent",
     outlier("maxEjectionPercent: 105"), bad())
case("TestValidateOutlierDetection", "invalid outlier detection, panic threshold too low", outlier("minHealthPercent: -1"),
     bad())
case("TestValidateOutlierDetection", "invalid outlier detection, panic threshold too high",
     outlier("minHealthPercent: 101"), bad())
case("TestValidateOutlierDetection", "deprecated outlier detection, ConsecutiveErrors", outlier("consecutiveErrors: 101"),
     warn(""))
case("TestValidateOutlierDetection", "consecutive local origin errors is set but split local origin errors is not set",
     outlier("consecutiveLocalOriginFailures: 10"), bad())


# ---- agent/validation_test.go: TestValidateTLS (DestinationRule client TLS) -----------------------
for name, fields, expect in (
        ("SIMPLE: Credential Name set correctly", "mode: SIMPLE, credentialName: some credential", OK),
        ("SIMPLE CredentialName set with ClientCertificate specified",
         "mode: SIMPLE, credentialName: credential, clientCertificate: cert", bad()),
        ("SIMPLE: CredentialName set with PrivateKey specified", "mode: SIMPLE, credentialName: credential, privateKey: key",
         bad()),
        ("SIMPLE: CredentialName set with CACertficiates specified",
         "mode: SIMPLE, credentialName: credential, caCertificates: ca", bad()),
        ("MUTUAL: Credential Name set correctly", "mode: MUTUAL, credentialName: some credential", OK),
        ("MUTUAL CredentialName set with ClientCertificate specified",
         "mode: MUTUAL, credentialName: credential, clientCertificate: cert", bad()),
        ("MUTUAL: CredentialName set with PrivateKey specified", "mode: MUTUAL, credentialName: credential, privateKey: key",
         bad()),
        ("MUTUAL: CredentialName set with CACertficiates specified",
         "mode: MUTUAL, credentialName: credential, caCertificates: ca", bad()),
        ("MUTUAL: CredentialName set with CACRL specified", "mode: MUTUAL, credentialName: credential, caCrl: ca", bad()),
        ("MUTUAL: CredentialName not set with ClientCertificate and Key specified",
         "mode: MUTUAL, clientCertificate: cert, privateKey: key", OK),
        ("MUTUAL: CredentialName not set with ClientCertificate specified and Key missing",
         "mode: MUTUAL, clientCertificate: cert", bad()),
        ("MUTUAL: CredentialName not set with ClientCertificate missing and Key specified",
         "mode: MUTUAL, privateKey: key", bad())):
    case("TestValidateTLS", name, tls(fields), expect)


# ---- agent/validation_test.go: TestValidateLocalityLbSetting / TestValidateLocalities ---------------
def locality(setting: str, outlier: bool = True) -> str:
    fields = f"loadBalancer: {{simple: ROUND_ROBIN, localityLbSetting: {setting}}}"
    return policy(fields + (", outlierDetection: {consecutive5xxErrors: 5}" if outlier else ""))


for name, setting, outlier, expect in (
        ("invalid LocalityLoadBalancerSetting_Distribute total weight > 100",
         "{distribute: [{from: a/b/c, to: {a/b/c: 80, a/b1: 25}}]}", True, bad("total locality weight 105 != 100")),
        ("invalid LocalityLoadBalancerSetting_Distribute total weight < 100",
         "{distribute: [{from: a/b/c, to: {a/b/c: 80, a/b1: 15}}]}", True, bad("total locality weight 95 != 100")),
        ("invalid LocalityLoadBalancerSetting_Distribute weight = 0",
         "{distribute: [{from: a/b/c, to: {a/b/c: 0, a/b1: 100}}]}", True, bad("locality weight must be in range [1, 100]")),
        ("invalid LocalityLoadBalancerSetting specify both distribute and failover",
         "{distribute: [{from: a/b/c, to: {a/b/c: 80, a/b1: 20}}], failover: [{from: region1, to: region2}]}", True,
         bad("can not simultaneously specify 'distribute' and 'failover'")),
        ("invalid failover src and dst have same region", "{failover: [{from: region1, to: region1}]}", True,
         bad("must specify different regions")),
        ("invalid failover src contain '*' wildcard", "{failover: [{from: '*', to: region2}]}", True, bad("wildcard")),
        ("invalid failover dst contain '*' wildcard", "{failover: [{from: region1, to: '*'}]}", True, bad("wildcard")),
        ("invalid failover src contain '/' separator", "{failover: [{from: region1/zone1, to: region2}]}", True,
         bad("locality lb failover only specify region")),
        ("invalid failover dst contain '/' separator", "{failover: [{from: region1, to: region2/zone1}]}", True,
         bad("locality lb failover only specify region")),
        ("failover priority provided without outlier detection policy",
         "{failoverPriority: [topology.istio.io/network, topology.kubernetes.io/region, topology.kubernetes.io/zone, "
         "topology.istio.io/subzone]}", False, warn("outlier detection policy must be provided for failover")),
        ("failover provided without outlier detection policy",
         "{failover: [{from: us-east, to: eu-west}, {from: us-west, to: eu-east}]}", False,
         warn("outlier detection policy must be provided for failover")),
        ("invalid LocalityLoadBalancerSetting specify both failoverPriority and region in failover",
         "{failover: [{from: region1, to: region2}], failoverPriority: [topology.kubernetes.io/region]}", True,
         bad("can not simultaneously set 'failover' and topology label"))):
    case("TestValidateLocalityLbSetting", name, locality(setting, outlier), expect)

for name, froms, expect in (
        ("multi wildcard locality", ["*/zone/*"], bad("wildcard '*' number can not exceed 1")),
        ("wildcard not in suffix", ["*/zone"], bad("must be in the end")),
        ("explicit wildcard region overlap", ["*", "a/b/c"], bad("overlap with previous specified ones")),
        ("implicit wildcard region overlap", ["a", "a/b/c"], bad("overlap")),
        ("explicit wildcard zone overlap", ["a/*", "a/b/c"], bad("overlap")),
        ("implicit wildcard zone overlap", ["a/b", "a/b/c"], bad("overlap")),
        ("explicit wildcard subzone overlap", ["a/b/*", "a/b/c"], bad("overlap")),
        ("valid localities", ["a1/*", "a2/*", "a3/b3/c3", "a4/b4", "a5/b5/*"], OK)):
    # distribute sources are validated together (validateLocalities(srcLocalities))
    distribute = ", ".join(f"{{from: '{src}', to: {{r/z: 100}}}}" for src in froms)
    case("TestValidateLocalities", name, locality(f"{{distribute: [{distribute}]}}"), expect)

# The webhook's side of the same rules (agent.ValidateLoadBalancer warmup, validateConnectionPool):
case("TestCRDs/destinationrule-invalid", "warmup without duration (webhook)",
     crd("DestinationRule", RATINGS + "{loadBalancer: {warmup: {minimumPercent: 5.0}}}", "bookinfo-ratings"),
     bad("duration is required"))
case("TestCRDs/destinationrule-invalid", "http2KeepAlive without timeout",
     crd("DestinationRule", RATINGS + "{connectionPool: {http: {http2KeepAlive: {interval: 15s}}}}", "r"),
     bad("http2 keepalive timeout is required"))


@pytest.mark.parametrize("text,expect", TABLE.params())
def test_istio_case(text, expect):
    check(text, expect)
