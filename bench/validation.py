"""Cost of Istio's webhook checks (engine.validation) on 10,000 objects.

5,000 VirtualServices (matches with regexes, retries, fault, weights) and 5,000 DestinationRules
(subsets, traffic policies). Prints the median time of decoding (kind + schema layers) and of
validating the decoded objects, the validation/decoding ratio measured in the same run (the
baseline), and microseconds per object. The same regexes recur across objects, as in real
configs, so compiled-pattern caches matter.

    .venv/bin/python bench/validation.py [--objects 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine import validation  # noqa: E402
from engine.loading import Limits, load_text  # noqa: E402
from engine.resources import decode_documents  # noqa: E402

LIMITS = Limits(max_bytes=128 * 1024 * 1024, max_documents=100_000)

TEMPLATE = """apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: svc{i}, namespace: shop}}
spec:
  hosts: [svc{i}, svc{i}.shop.svc.cluster.local]
  http:
  - match: [{{uri: {{regex: "^/api/v[0-9]+/items/{m}$"}}, headers: {{end-user: {{exact: jason}}}}}}]
    retries: {{attempts: 3, perTryTimeout: 2s, retryOn: "5xx,reset,503"}}
    fault: {{delay: {{fixedDelay: 5s, percentage: {{value: 10}}}}}}
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
  trafficPolicy:
    connectionPool: {{tcp: {{maxConnections: 100}}, http: {{http1MaxPendingRequests: 10}}}}
    outlierDetection: {{consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s}}
  subsets:
  - {{name: v1, labels: {{version: v1}}}}
  - {{name: v2, labels: {{version: v2}}}}
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    text = "---\n".join(TEMPLATE.format(i=i, m=i % 20) for i in range(args.objects // 2))
    documents = load_text(text, "bench.yaml", limits=LIMITS).documents
    decode_times, validate_times = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        resources = decode_documents(documents).resources
        decode_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        found = sum(len(validation.validate(r)) for r in resources)
        validate_times.append(time.perf_counter() - start)
    decode, validate = statistics.median(decode_times), statistics.median(validate_times)
    print(f"{len(resources)} objects, {found} findings")
    print(f"decode (baseline): {decode:.3f} s   validate: {validate:.3f} s   "
          f"ratio validate/decode: {validate / decode:.2f}   {validate / len(resources) * 1e6:.0f} us/object")


if __name__ == "__main__":
    main()
