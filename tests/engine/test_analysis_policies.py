"""AuthorizationPolicy, DestinationRule and ServiceEntry analyzers, both directions.

Rows follow istio's fixtures pkg/config/analysis/analyzers/testdata/{authorizationpolicies,
destinationrule-simple-destination,destinationrule-mutual-destination,destinationrule-*-port,
serviceentry-missing-addresses-protocol,destinationrule-subset*}.yaml and analyzers_test.go.
"""

import pytest

from engine.analysis import analyze
from engine.analysis.analyzers import ANALYZERS
from engine.config import load_config_text


def run(name: str, text: str) -> list[str]:
    analyzer = next(a for a in ANALYZERS if a.name == name)
    config = load_config_text(text, "t.yaml")
    config.rejected, config.notes = [], []      # only what this analyzer says
    return [d.render() for d in analyze(config, analyzers=(analyzer,))]


def messages(name, text):
    return [line.split(") ", 1)[1] for line in run(name, text)]


WORKLOADS = """apiVersion: v1
kind: Namespace
metadata:
  name: httpbin
  labels: {istio-injection: enabled}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: httpbin-v1
  namespace: httpbin
spec:
  selector: {matchLabels: {app: httpbin}}
  template:
    metadata: {labels: {app: httpbin, version: v1}}
    spec: {containers: [{name: httpbin, image: httpbin}]}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: plain
  namespace: plain
spec:
  selector: {matchLabels: {app: plain}}
  template:
    metadata: {labels: {app: plain}}
    spec: {containers: [{name: plain, image: plain}]}
---
"""


def policy(name, ns, body=""):
    return (f"apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: {name}\n"
            f"  namespace: {ns}\nspec:\n{body or '  {}'}\n---\n")


AUTHZ = "auth.AuthorizationPoliciesAnalyzer"


@pytest.mark.parametrize("text, expected", [
    (policy("httpbin-nopods", "httpbin", "  selector:\n    matchLabels: {app: bogus}"),
     ["No matching workloads for this resource with the following labels: app=bogus"]),
    (policy("ok", "httpbin", "  selector:\n    matchLabels: {app: httpbin, version: v1}"), []),
    # meshwide-httpbin-v1: a root-namespace selector must match some pod anywhere
    (policy("meshwide-httpbin-v1", "istio-system", "  selector:\n    matchLabels: {version: v9}"),
     ["No matching workloads for this resource with the following labels: version=v9"]),
    (policy("meshwide-ok", "istio-system", "  selector:\n    matchLabels: {version: v1}"), []),
    (policy("meshwide-all", "istio-system"), []),
    # httpbin-empty-namespace-wide: no in-mesh pod in the namespace
    (policy("empty-ns-wide", "httpbin-empty"),
     ["No matching workloads for this resource with the following labels: "]),
    # pods without a sidecar do not count
    (policy("plain-only", "plain", "  selector:\n    matchLabels: {app: plain}"),
     ["No matching workloads for this resource with the following labels: app=plain"]),
    # httpbin-bogus-ns: source namespaces must exist (globs allowed)
    (policy("bogus-ns", "httpbin", "  rules:\n  - from:\n    - source:\n        namespaces: [bogus, 'http*', '*bin']"),
     ['Referenced namespace not found: "bogus"']),
    (policy("not-ns", "httpbin", "  rules:\n  - from:\n    - source:\n        notNamespaces: [nowhere]"),
     ['Referenced namespace not found: "nowhere"']),
])
def test_authorization_policies(text, expected):
    assert messages(AUTHZ, WORKLOADS + text) == expected


CA = "destinationrule.CaCertificateAnalyzer"


def dr(name, body, ns="default"):
    return (f"apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: {name}\n"
            f"  namespace: {ns}\nspec:\n{body}---\n")


@pytest.mark.parametrize("text, expected", [
    (dr("api", "  host: api.example.com\n  trafficPolicy:\n    tls: {mode: SIMPLE}\n"),
     ["Warning [IST0128] (DestinationRule default/api t.yaml:1) DestinationRule default/api in namespace default "
      "has TLS mode set to SIMPLE but no caCertificates are set to validate server identity for host: "
      "api.example.com"]),
    (dr("api", "  host: api.example.com\n  trafficPolicy:\n    portLevelSettings:\n    - port: {number: 443}\n"
               "      tls: {mode: MUTUAL, clientCertificate: /c, privateKey: /k}\n"),
     ["Warning [IST0129] (DestinationRule default/api t.yaml:1) DestinationRule default/api in namespace default "
      "has TLS mode set to MUTUAL but no caCertificates are set to validate server identity for host: "
      "api.example.com at port number:443"]),
    (dr("api", "  host: api.example.com\n  trafficPolicy:\n    tls: {mode: SIMPLE, caCertificates: /etc/ca.pem}\n"), []),
    (dr("api", "  host: api.example.com\n  trafficPolicy:\n    tls: {mode: ISTIO_MUTUAL}\n"), []),
    (dr("api", "  host: api.example.com\n  workloadSelector:\n    matchLabels: {app: a}\n"
               "  trafficPolicy:\n    tls: {mode: SIMPLE, credentialName: api-cred}\n"), []),
])
def test_ca_certificates(text, expected):
    assert run(CA, text) == expected


SE = "serviceentry.Analyzer"


def se(body):
    return f"apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: db\nspec:\n{body}---\n"


@pytest.mark.parametrize("text, expected", [
    (se("  hosts: [db.example.com]\n  ports:\n  - number: 5432\n    name: tcp-db\n    protocol: TCP\n"
        "  - number: 9000\n    name: raw\n"),
     # istioctl sorts the rendered lines as strings: "t.yaml:12" before "t.yaml:9"
     ["Warning [IST0134] (ServiceEntry default/db t.yaml:12) ServiceEntry addresses are required for this protocol.",
      "Warning [IST0134] (ServiceEntry default/db t.yaml:9) ServiceEntry addresses are required for this protocol."]),
    (se("  hosts: [db.example.com]\n  addresses: [10.0.0.5]\n  ports:\n  - {number: 5432, name: tcp, protocol: TCP}\n"), []),
    (se("  hosts: [api.example.com]\n  ports:\n  - {number: 443, name: https, protocol: HTTPS}\n"), []),
])
def test_service_entry_addresses(text, expected):
    assert run(SE, text) == expected


SUBSETS = "destinationrule.SubsetSelectPodAnalyzer"
REVIEWS = """apiVersion: v1
kind: Service
metadata:
  name: reviews
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: reviews-v1
spec:
  replicas: 3
  selector: {matchLabels: {app: reviews}}
  template:
    metadata: {labels: {app: reviews, version: v1}}
    spec: {containers: [{name: reviews, image: reviews}]}
---
"""
SUBSETS_V1_V3 = "  host: reviews\n  subsets:\n  - {name: v1, labels: {version: v1}}\n  - {name: v3, labels: {version: v3}}\n"


@pytest.mark.parametrize("text, expected", [
    (REVIEWS + dr("reviews", SUBSETS_V1_V3),
     ["Error [IST0173] (DestinationRule default/reviews t.yaml:20) The Subset v3 defined in the DestinationRule "
      "does not select any pods. Which may lead to 503 UH (NoHealthyUpstream)."]),
    (REVIEWS + dr("reviews", "  host: reviews\n  subsets:\n  - {name: v1, labels: {version: v1}}\n"), []),
    # unknown host: IST0174 and the subsets are not checked
    (REVIEWS + dr("ratings", SUBSETS_V1_V3.replace("host: reviews", "host: ratings-svc")),
     ["Warning [IST0174] (DestinationRule default/ratings t.yaml:20) The host ratings-svc defined in the "
      "DestinationRule does not match any services in the mesh."]),
    # short host in another namespace does not name default/reviews
    (REVIEWS + dr("reviews", "  host: reviews\n", ns="other"),
     ["Warning [IST0174] (DestinationRule other/reviews t.yaml:20) The host reviews defined in the "
      "DestinationRule does not match any services in the mesh."]),
    (REVIEWS + dr("reviews", "  host: reviews.default.svc.cluster.local\n", ns="other"), []),
])
def test_subsets_select_pods(text, expected):
    assert run(SUBSETS, text) == expected


def test_ambient_pods_count_as_workloads():
    """authorizationpolicies.yaml `valid-policy`: a pod redirected by ambient is in the mesh."""
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: sleep\n  namespace: test-ambient\n  labels: {app: sleep}\n"
           "  annotations: {ambient.istio.io/redirection: enabled}\nspec:\n  containers: [{name: s, image: s}]\n---\n")
    ambient_ns = ("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: amb\n  labels: {istio.io/dataplane-mode: ambient}\n---\n"
                  "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: amb}\nspec:\n  template:\n"
                  "    metadata: {labels: {app: web}}\n    spec: {containers: [{name: w, image: w}]}\n---\n")
    assert messages(AUTHZ, pod + policy("valid-policy", "test-ambient", "  selector:\n    matchLabels: {app: sleep}")) == []
    assert messages(AUTHZ, ambient_ns + policy("web", "amb", "  selector:\n    matchLabels: {app: web}")) == []
    assert messages(AUTHZ, pod.replace("enabled}", "disabled}") + policy(
        "valid-policy", "test-ambient", "  selector:\n    matchLabels: {app: sleep}")) == [
        "No matching workloads for this resource with the following labels: app=sleep"]
