"""Analysis cost grows linearly with the config: counted in Python calls, not timed.

Doubling the number of services (each with a Deployment, VirtualService and DestinationRule, in one
namespace with STRICT mTLS and a Gateway) must at most roughly double the number of Python function
calls made by `analyze` (generator steps included). A nested loop over Services x Deployments, as
IST0116 once had, quadruples it.
"""

import sys

from engine.analysis import analyze
from engine.config import load_config_text

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


def calls_to_analyze(count: int) -> int:
    config = load_config_text(HEADER + "".join(SERVICE.format(i=i) for i in range(count)), "scale.yaml")
    calls = 0

    def profile(frame, event, arg):
        nonlocal calls
        if event == "call":
            calls += 1

    sys.setprofile(profile)
    try:
        found = analyze(config)
    finally:
        sys.setprofile(None)
    assert len([d for d in found if d.code == "MD0105"]) == count     # every DR is analyzed
    return calls


def test_analysis_work_grows_linearly():
    small, large = calls_to_analyze(60), calls_to_analyze(120)
    assert large <= 2.3 * small, (small, large)
