"""Inventory: Kubernetes objects and Topology expand to the same namespaces, services and pods."""

from engine.config import load_config_text
from engine.mesh.build import build_inventory

TOPOLOGY = """
apiVersion: meshdrill/v1
kind: Topology
spec:
  namespaces:
    - {name: default, injection: true}
    - {name: legacy, injection: false}
  services:
    - name: reviews
      ports: [{name: http, port: 9080}]
      workloads:
        - {labels: {version: v1}, replicas: 2, serviceAccount: bookinfo-reviews}
        - {labels: {version: v2}, sidecar: false}
  clients:
    - {name: sleep, namespace: legacy}
"""

KUBE = """
apiVersion: v1
kind: Namespace
metadata: {name: default, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Service
metadata: {name: reviews}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080, targetPort: 9080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v1}
spec:
  replicas: 2
  selector: {matchLabels: {app: reviews, version: v1}}
  template:
    metadata: {labels: {app: reviews, version: v1}}
    spec: {serviceAccountName: bookinfo-reviews, containers: [{name: reviews, image: x}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v2}
spec:
  selector: {matchLabels: {app: reviews, version: v2}}
  template:
    metadata: {labels: {app: reviews, version: v2, sidecar.istio.io/inject: "false"}}
    spec: {containers: [{name: reviews, image: x}]}
"""


def _summary(text):
    inv = build_inventory(load_config_text(text, "t.yaml").resources)
    svc = inv.service("reviews.default.svc.cluster.local")
    pods = inv.service_pods(svc)
    return svc.ports[0].protocol, sorted((p.labels["version"], p.sidecar, p.service_account) for p in pods)


def test_topology_and_kubernetes_objects_expand_alike():
    expected = ("HTTP", [("v1", True, "bookinfo-reviews"), ("v1", True, "bookinfo-reviews"), ("v2", False, "default")])
    assert _summary(TOPOLOGY) == expected
    assert _summary(KUBE) == expected


def test_injection_policy_table():
    """io:setup/additional-setup/sidecar-injection 'Controlling the injection policy'."""
    text = """
apiVersion: v1
kind: Namespace
metadata: {name: plain}
---
apiVersion: v1
kind: Pod
metadata: {name: opted-in, namespace: plain, labels: {sidecar.istio.io/inject: "true"}}
spec: {containers: [{name: a, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: not-labeled, namespace: plain}
spec: {containers: [{name: a, image: x}]}
"""
    inv = build_inventory(load_config_text(text, "t.yaml").resources)
    assert {p.name: p.sidecar for p in inv.pods_in("plain")} == {"opted-in": True, "not-labeled": False}


def test_default_ingress_gateway_is_present_and_clients_resolve():
    inv = build_inventory(load_config_text(TOPOLOGY, "t.yaml").resources)
    (gw,) = inv.select(None, {"istio": "ingressgateway"})
    assert (gw.namespace, gw.gateway) == ("istio-system", True)
    assert [p.sidecar for p in inv.workload_of("legacy/sleep")] == [False]
    assert [p.port for p in inv.service("istio-ingressgateway.istio-system.svc.cluster.local").ports] == [80, 443, 31400, 15443]
