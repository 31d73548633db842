"""Loading + admission + analysis of a generated config, and how its cost grows.

N services in namespace `shop` (injection on, STRICT mTLS, one ingress Gateway), each with a Service,
a Deployment (2 replicas), a VirtualService splitting 90/10 between subsets and a DestinationRule
defining them with ISTIO_MUTUAL: every analyzer and hint has work to do. Prints the
median time of `analyze(load_config_text(...))` for 1,000 and 5,000 services, the 5,000/1,000 cost
ratio (5.0 is linear), and the ratio against a baseline measured in the same run: plain
`yaml.load_all` of the same text with the C loader. Target: 5,000 services under 2 s.

    .venv/bin/python bench/analyze.py [--runs 3] [--profile]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.analysis import analyze  # noqa: E402
from engine.config import admit, load_config_text  # noqa: E402
from engine.loading import Limits, load_text  # noqa: E402
from _common import median_seconds  # noqa: E402

LIMITS = Limits(max_bytes=64 * 1024 * 1024, max_documents=100_000)

TEMPLATE = """apiVersion: v1
kind: Service
metadata: {{name: svc{i}, namespace: shop}}
spec:
  selector: {{app: svc{i}}}
  ports: [{{name: http, port: 8080}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: svc{i}-v1, namespace: shop}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: svc{i}}}}}
  template:
    metadata: {{labels: {{app: svc{i}, version: v1}}}}
    spec: {{containers: [{{name: app, image: app}}]}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: svc{i}, namespace: shop}}
spec:
  hosts: [svc{i}]
  http:
  - match: [{{uri: {{prefix: /api}}}}]
    route:
    - {{destination: {{host: svc{i}, subset: v1}}, weight: 90}}
    - {{destination: {{host: svc{i}, subset: v2}}, weight: 10}}
  - route: [{{destination: {{host: svc{i}, subset: v1}}}}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: svc{i}, namespace: shop}}
spec:
  host: svc{i}
  trafficPolicy: {{connectionPool: {{http: {{http1MaxPendingRequests: 100}}}}, tls: {{mode: ISTIO_MUTUAL}}}}
  subsets:
  - {{name: v1, labels: {{version: v1}}}}
  - {{name: v2, labels: {{version: v2}}}}
---
"""


def generate(count: int) -> str:
    header = ("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {istio-injection: enabled}}\n---\n"
              "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: shop}\n"
              "spec: {mtls: {mode: STRICT}}\n---\n"
              "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: public, namespace: shop}\n"
              "spec:\n  selector: {istio: ingressgateway}\n  servers:\n"
              "  - {port: {number: 8080, name: http, protocol: HTTP}, hosts: ['*']}\n---\n")
    return header + "".join(TEMPLATE.format(i=i) for i in range(count))


def baseline(text: str) -> None:
    list(yaml.load_all(text, Loader=yaml.CSafeLoader))


def run(text: str) -> int:
    return len(analyze(load_config_text(text, "bench.yaml", limits=LIMITS)))


def stages(text: str) -> str:
    """One run split into loading (YAML + lines), admission (schema + webhook) and analysis."""
    t0 = time.perf_counter()
    loaded = load_text(text, "bench.yaml", limits=LIMITS)
    t1 = time.perf_counter()
    config = admit(loaded.documents, loaded.diagnostics)
    t2 = time.perf_counter()
    analyze(config)
    t3 = time.perf_counter()
    return f"loading {t1 - t0:.2f} s, admission {t2 - t1:.2f} s, analysis {t3 - t2:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile the 5,000-service run")
    args = parser.parse_args()
    small, large = generate(1000), generate(5000)
    if args.profile:
        import cProfile
        import pstats

        cProfile.runctx("run(large)", globals(), {"large": large}, "/tmp/analyze.prof")
        pstats.Stats("/tmp/analyze.prof").sort_stats("cumulative").print_stats(25)
        return
    findings = run(large)
    t_small = median_seconds(lambda: run(small), args.runs)
    t_large = median_seconds(lambda: run(large), args.runs)
    t_base = median_seconds(lambda: baseline(large), args.runs)
    print(f"objects: {5000 * 4 + 3} ({len(large) / 1e6:.1f} MB), findings: {findings}")
    print(f"1,000 services: {t_small:.2f} s")
    print(f"5,000 services: {t_large:.2f} s (target < 2 s)")
    print(f"cost ratio 5,000/1,000: {t_large / t_small:.2f} (5.00 = linear)")
    print(f"5,000 services by stage: {stages(large)}")
    print(f"baseline yaml.load_all (CSafeLoader) of the same text: {t_base:.2f} s; ratio {t_large / t_base:.1f}x")


if __name__ == "__main__":
    main()
