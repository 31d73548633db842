"""Analysis cost grows linearly with the config: counted in selector checks, not timed.

Doubling the number of services (each with a Deployment, VirtualService and DestinationRule, in one
namespace with STRICT mTLS and a Gateway) must at most roughly double the number of label-selector
evaluations. A nested loop over Services x Deployments (as IST0116 once had) quadruples it.
"""

from engine.analysis import analyze
from engine.config import load_config_text
from engine.mesh import inventory

HEADER = """apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec: {mtls: {mode: STRICT}}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: shop}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ['*']}]
---
"""
SERVICE = """apiVersion: v1
kind: Service
metadata: {{name: s{i}, namespace: shop}}
spec: {{selector: {{app: s{i}}}, ports: [{{name: http, port: 80}}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: s{i}, namespace: shop}}
spec:
  template:
    metadata: {{labels: {{app: s{i}, version: v1}}}}
    spec: {{containers: [{{name: app, image: app}}]}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: s{i}, namespace: shop}}
spec:
  hosts: [s{i}]
  http: [{{route: [{{destination: {{host: s{i}, subset: v1}}}}]}}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: s{i}, namespace: shop}}
spec: {{host: s{i}, trafficPolicy: {{tls: {{mode: DISABLE}}}}, subsets: [{{name: v1, labels: {{version: v1}}}}]}}
---
"""


def selector_checks(count: int, monkeypatch) -> int:
    config = load_config_text(HEADER + "".join(SERVICE.format(i=i) for i in range(count)), "scale.yaml")
    calls = 0
    original = inventory.Pod.matches

    def counting(self, selector):
        nonlocal calls
        calls += 1
        return original(self, selector)

    monkeypatch.setattr(inventory.Pod, "matches", counting)
    found = analyze(config)
    monkeypatch.setattr(inventory.Pod, "matches", original)
    assert len([d for d in found if d.code == "MD0105"]) == count     # every DR is analyzed
    return calls


def test_selector_checks_grow_linearly(monkeypatch):
    small, large = selector_checks(60, monkeypatch), selector_checks(120, monkeypatch)
    assert large <= 2.3 * small, (small, large)
