"""Real-world manifests must produce nothing; arbitrary and mutated YAML must never raise.

The manifests are istio/istio `samples/bookinfo/networking/*.yaml` (current versions: `percentage`
instead of the removed `abort.percent`) and istio.io security tasks.
"""

import copy
import random

import yaml
from hypothesis import given, settings, strategies as st

from engine.config import load_config_text

BOOKINFO = """\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: bookinfo-gateway
spec:
  # The selector matches the ingress gateway pod labels.
  selector:
    istio: ingressgateway # use istio default controller
  servers:
  - port:
      number: 80
      name: http
      protocol: HTTP
    hosts:
    - "*"
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: bookinfo
spec:
  hosts:
  - "*"
  gateways:
  - bookinfo-gateway
  http:
  - match:
    - uri:
        exact: /productpage
    - uri:
        prefix: /static
    - uri:
        exact: /login
    - uri:
        exact: /logout
    - uri:
        prefix: /api/v1/products
    route:
    - destination:
        host: productpage
        port:
          number: 9080
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: productpage
spec:
  host: productpage
  trafficPolicy:
    tls:
      mode: ISTIO_MUTUAL
  subsets:
  - name: v1
    labels:
      version: v1
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
  - name: v3
    labels:
      version: v3
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ratings
spec:
  host: ratings
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
  - name: v2-mysql
    labels:
      version: v2-mysql
  - name: v2-mysql-vm
    labels:
      version: v2-mysql-vm
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: details
spec:
  host: details
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: productpage
spec:
  hosts:
  - productpage
  http:
  - route:
    - destination:
        host: productpage
        subset: v1
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
    - reviews
  http:
  - match:
    - headers:
        end-user:
          exact: jason
    route:
    - destination:
        host: reviews
        subset: v2
  - route:
    - destination:
        host: reviews
        subset: v1
      weight: 80
    - destination:
        host: reviews
        subset: v3
      weight: 20
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
spec:
  hosts:
  - ratings
  http:
  - match:
    - headers:
        end-user:
          exact: jason
    fault:
      delay:
        percentage:
          value: 100.0
        fixedDelay: 7s
      abort:
        percentage:
          value: 100.0
        httpStatus: 500
    route:
    - destination:
        host: ratings
        subset: v1
  - route:
    - destination:
        host: ratings
        subset: v1
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: details
spec:
  hosts:
  - details
  http:
  - route:
    - destination:
        host: details
        subset: v1
    timeout: 10s
    retries:
      attempts: 3
      perTryTimeout: 2s
      retryOn: gateway-error,connect-failure,refused-stream
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: googleapis
spec:
  hosts:
    - www.googleapis.com
  ports:
    - number: 443
      name: https
      protocol: http
  location: MESH_EXTERNAL
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: default
  namespace: bookinfo
spec:
  egress:
  - hosts:
    - "./*"
    - "istio-system/*"
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: istio-system
spec:
  mtls:
    mode: STRICT
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-nothing
  namespace: default
spec:
  {}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: productpage-viewer
  namespace: default
spec:
  selector:
    matchLabels:
      app: productpage
  action: ALLOW
  rules:
  - to:
    - operation:
        methods: ["GET"]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: reviews-viewer
  namespace: default
spec:
  selector:
    matchLabels:
      app: reviews
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/default/sa/bookinfo-productpage"]
    to:
    - operation:
        methods: ["GET"]
"""


def test_bookinfo_produces_nothing():
    cs = load_config_text(BOOKINFO, "bookinfo.yaml")
    assert cs.diagnostics == []
    assert len(cs.resources) == 16


def _text(rng: random.Random) -> str:
    alphabet = "aZ09.-_*/:[]{}()\\?+%@~ \té"
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))


def _mutations(rng: random.Random, data):
    """Drop, rename, retype and randomise keys of a valid object, recursively."""
    if isinstance(data, dict) and data:
        key = rng.choice(list(data))
        choice = rng.randrange(6)
        if choice == 0:
            del data[key]
        elif choice == 1:
            data[key + rng.choice(["s", "X", ""])] = data.pop(key)
        elif choice == 2:
            data[key] = rng.choice([None, -1, 0, 1.5, "", "*", "x" * 300, [], {}, True, "0s", "(a", "70000",
                                    _text(rng), rng.randint(-(2**33), 2**33)])
        elif choice == 3:
            data[key] = [data[key]]
        else:
            _mutations(rng, data[key])
    elif isinstance(data, list) and data:
        i = rng.randrange(len(data))
        if rng.random() < 0.3:
            data.append(copy.deepcopy(data[i]))
        elif not isinstance(data[i], (dict, list)):
            data[i] = _text(rng)
        else:
            _mutations(rng, data[i])
    return data


DOCS = list(yaml.safe_load_all(BOOKINFO))


@settings(max_examples=300)
@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=6))
def test_mutated_istio_objects_never_raise(seed, rounds):
    rng = random.Random(seed)
    doc = copy.deepcopy(rng.choice(DOCS))
    for _ in range(rounds):
        _mutations(rng, doc)
    cs = load_config_text(yaml.safe_dump(doc), "m.yaml")
    assert all(d.message for d in cs.diagnostics)


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.floats(allow_nan=True),
                     st.text(max_size=20))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(st.text(max_size=12), inner, max_size=4)),
                       max_leaves=20)
_KINDS = st.sampled_from([("networking.istio.io/v1", k) for k in
                          ("VirtualService", "DestinationRule", "Gateway", "ServiceEntry", "Sidecar")]
                         + [("security.istio.io/v1", k) for k in
                            ("PeerAuthentication", "AuthorizationPolicy", "RequestAuthentication")]
                         + [("meshdrill/v1", "Topology"), ("meshdrill/v1", "Traffic")])


@given(_KINDS, st.dictionaries(st.sampled_from(["hosts", "http", "tcp", "tls", "host", "subsets", "trafficPolicy",
                                                "servers", "selector", "rules", "action", "mtls", "portLevelMtls",
                                                "egress", "ingress", "ports", "endpoints", "resolution", "streams",
                                                "backends", "services", "jwtRules", "exportTo"]),
                               _VALUES, max_size=5))
def test_arbitrary_specs_never_raise(kind, spec):
    api_version, name = kind
    doc = {"apiVersion": api_version, "kind": name, "metadata": {"name": "x"}, "spec": spec}
    try:
        text = yaml.safe_dump(doc)
    except yaml.YAMLError:
        return
    cs = load_config_text(text, "a.yaml")   # diagnostics only: never an exception
    assert all(d.message for d in cs.diagnostics)
