"""Topology and helpers shared by the L4/protocol scenario tables (test_istio_l4_protocols.py,
test_istio_l4_gateways.py); rows use tests/engine/istio_cases.py."""

from tests.engine.istio_cases import BASE, Case

# The task's tcp-echo (two ports, v1/v2) and a service with one port per protocol-selection rule.
TOPOLOGY = BASE.replace("  clients:", """    - name: tcp-echo
      namespace: default
      ports: [{name: tcp, port: 9000}, {name: tcp-other, port: 9001}]
      workloads:
        - {labels: {app: tcp-echo, version: v1}, replicas: 1}
        - {labels: {app: tcp-echo, version: v2}, replicas: 1}
    - name: proto
      namespace: default
      ports:
        - {name: http-web, port: 80}
        - {name: tcp-db, port: 3306}
        - {name: tls-x, port: 8443}
        - {name: https-y, port: 443}
        - {name: grpc, port: 7070}
        - {name: foo, port: 8081, appProtocol: http}
        - {name: bar, port: 8082, appProtocol: tcp}
        - {name: http-a, port: 8083, appProtocol: foo}
        - {name: tcp-b, port: 8084, appProtocol: kubernetes.io/h2c}
        - {name: tcp_c, port: 8085}
        - {name: HTTP-d, port: 8086}
        - {port: 27017}
        - {port: 9999}
      workloads:
        - {labels: {app: proto, version: v1}, replicas: 1}
        - {labels: {app: proto, version: v2}, replicas: 1}
    - {name: my-nginx, namespace: default, ports: [{name: https, port: 443}], workloads: [{labels: {run: my-nginx}}]}
  clients:""", 1)

SUBSETS = """
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: %s, namespace: default}
spec:
  host: %s
  subsets:
    - {name: v1, labels: {version: v1}}
    - {name: v2, labels: {version: v2}}
"""
ECHO_DR = SUBSETS % ("tcp-echo", "tcp-echo")
PROTO_DR = SUBSETS % ("proto", "proto")


def vs(host: str, body: str, name: str = "vs") -> str:
    return f"""
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: {name}, namespace: default}}
spec:
  hosts: [{host}]
{body}
"""


def case(name: str, config: str, stream: str, expect: dict, **kw) -> Case:
    return Case(name, config, stream, expect, topology=TOPOLOGY, **kw)


def conns(to: str, n: int = 10, src: str = "default/sleep") -> str:
    return f"{{from: {src}, to: '{to}', requests: {n}}}"
