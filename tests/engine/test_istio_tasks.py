"""istio.io traffic-management tasks, step by step (content/en/docs/tasks/traffic-management/...),
and the integration routing cases (istio:tests/integration/pilot/common/routing.go), as rows of
tests/engine/istio_cases.py. Bookinfo's productpage -> reviews/ratings hops are taken one at a time.
"""

import pytest

from tests.engine.istio_cases import HTTPBIN_DR, REVIEWS_DR, Case, check


def reviews_vs(http: str) -> str:
    return f"""
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: reviews, namespace: default}}
spec:
  hosts: [reviews]
  http:
{http}
"""


def httpbin_vs(http: str, name: str = "httpbin") -> str:
    return f"""
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: {name}, namespace: default}}
spec:
  hosts: [httpbin]
  http:
{http}
"""


RATINGS_DR = """
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ratings, namespace: default}
spec:
  host: ratings
  subsets: [{name: v1, labels: {version: v1}}]
"""

PP_REVIEWS = "{from: default/productpage, to: 'reviews:9080', requests: %d%s}"
JASON = ", headers: {end-user: jason}"
SLEEP_HTTPBIN = "{from: default/sleep, to: 'httpbin:8000', requests: %d, path: '%s'}"

ALL_V1 = reviews_vs("    - route: [{destination: {host: reviews, subset: v1}}]")
TEST_V2 = reviews_vs("""    - match: [{headers: {end-user: {exact: jason}}}]
      route: [{destination: {host: reviews, subset: v2}}]
    - route: [{destination: {host: reviews, subset: v1}}]""")

REQUEST_ROUTING = [
    Case("task/request-routing: no VirtualService, reviews round-robins over v1/v2/v3",
         REVIEWS_DR, PP_REVIEWS % (3000, ""), {"status": {"200": 3000}, "to": {"reviews": 1.0}}),
    Case("task/request-routing: virtual-service-all-v1 sends everything to reviews v1",
         REVIEWS_DR + ALL_V1, PP_REVIEWS % (100, ""), {"status": {"200": 100}, "to": {"reviews/v1": 1.0}}),
    Case("task/request-routing: reviews-test-v2, end-user: jason -> v2",
         REVIEWS_DR + TEST_V2, PP_REVIEWS % (100, JASON), {"status": {"200": 100}, "to": {"reviews/v2": 1.0}}),
    Case("task/request-routing: reviews-test-v2, other users -> v1",
         REVIEWS_DR + TEST_V2, PP_REVIEWS % (100, ", headers: {end-user: JASON}"),
         {"status": {"200": 100}, "to": {"reviews/v1": 1.0}}),
    Case("task/request-routing: reviews-test-v2, no end-user header -> v1",
         REVIEWS_DR + TEST_V2, PP_REVIEWS % (100, ""), {"status": {"200": 100}, "to": {"reviews/v1": 1.0}}),
    Case("task/request-routing: subsets used before the DestinationRule exists -> 503 NC",
         ALL_V1, PP_REVIEWS % (10, ""), {"status": {"503": 10}, "flags": {"NC": 10}}),
    Case("task/request-routing: a sidecar-less caller ignores the VirtualService",
         REVIEWS_DR + ALL_V1, "{from: legacy/sleep, to: 'reviews.default:9080', requests: 3000}",
         {"status": {"200": 3000}, "to": {"reviews": 1.0}, "tls": {"plaintext": 3000}}),
]

TRAFFIC_SHIFTING = [
    Case("task/traffic-shifting: virtual-service-reviews-50-v3",
         REVIEWS_DR + reviews_vs("""    - route:
        - {destination: {host: reviews, subset: v1}, weight: 50}
        - {destination: {host: reviews, subset: v3}, weight: 50}"""),
         PP_REVIEWS % (10000, ""), {"status": {"200": 10000}, "to": {"reviews/v1": 0.5, "reviews/v3": 0.5}},
         tolerance=0.03),
    Case("task/traffic-shifting: virtual-service-reviews-v3 (100%)",
         REVIEWS_DR + reviews_vs("    - route: [{destination: {host: reviews, subset: v3}, weight: 100}]"),
         PP_REVIEWS % (100, ""), {"status": {"200": 100}, "to": {"reviews/v3": 1.0}}),
    Case("virtual_service.proto weight: relative weights 1:3 (no sum to 100 since 1.15)",
         REVIEWS_DR + reviews_vs("""    - route:
        - {destination: {host: reviews, subset: v1}, weight: 1}
        - {destination: {host: reviews, subset: v2}, weight: 3}"""),
         PP_REVIEWS % (10000, ""), {"status": {"200": 10000}, "to": {"reviews/v1": 0.25, "reviews/v2": 0.75}},
         tolerance=0.03),
    Case("virtual_service.proto weight: a 0-weight destination gets nothing",
         REVIEWS_DR + reviews_vs("""    - route:
        - {destination: {host: reviews, subset: v1}, weight: 100}
        - {destination: {host: reviews, subset: v2}, weight: 0}"""),
         PP_REVIEWS % (200, ""), {"status": {"200": 200}, "to": {"reviews/v1": 1.0}}),
    Case("virtual_service.proto weight: a lone destination gets everything whatever its weight",
         REVIEWS_DR + reviews_vs("    - route: [{destination: {host: reviews, subset: v2}, weight: 10}]"),
         PP_REVIEWS % (200, ""), {"status": {"200": 200}, "to": {"reviews/v2": 1.0}}),
]

RATINGS_DELAY = """
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings, namespace: default}
spec:
  hosts: [ratings]
  http:
    - match: [{headers: {end-user: {exact: jason}}}]
      fault: {delay: {percentage: {value: 100.0}, fixedDelay: 7s}}
      route: [{destination: {host: ratings, subset: v1}}]
    - route: [{destination: {host: ratings, subset: v1}}]
"""
RATINGS_ABORT = RATINGS_DELAY.replace("delay: {percentage: {value: 100.0}, fixedDelay: 7s}",
                                      "abort: {percentage: {value: 100.0}, httpStatus: 500}")
TO_RATINGS = "{from: default/productpage, to: 'ratings:9080', requests: 20%s}"

FAULTS = [
    Case("task/fault-injection: ratings-test-delay, jason waits 7s", RATINGS_DR + RATINGS_DELAY,
         TO_RATINGS % JASON, {"status": {"200": 20}, "flags": {"DI": 20}, "latency_p50": 7000}),
    Case("task/fault-injection: ratings-test-delay, other users are not delayed", RATINGS_DR + RATINGS_DELAY,
         TO_RATINGS % "", {"status": {"200": 20}, "flags": {}}),
    Case("task/fault-injection: ratings-test-abort, jason gets HTTP 500 (FI)", RATINGS_DR + RATINGS_ABORT,
         TO_RATINGS % JASON, {"status": {"500": 20}, "flags": {"FI": 20}, "attempts_max": 0}),
    Case("task/fault-injection: ratings-test-abort, other users get 200", RATINGS_DR + RATINGS_ABORT,
         TO_RATINGS % "", {"status": {"200": 20}}),
    Case("route.go TranslateFault: delay without percentage delays nothing",
         httpbin_vs("""    - fault: {delay: {fixedDelay: 7s}}
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (10, "/"), {"status": {"200": 10}, "flags": {}}),
    Case("route.go TranslateFault: the deprecated integer delay.percent still delays",
         httpbin_vs("""    - fault: {delay: {percent: 100, fixedDelay: 7s}}
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (10, "/"), {"status": {"200": 10}, "flags": {"DI": 10}, "latency_p50": 7000}),
    Case("route.go TranslateFault: abort without percentage aborts nothing",
         httpbin_vs("""    - fault: {abort: {httpStatus: 503}}
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (20, "/"), {"status": {"200": 20}}),
    Case("VS fault: injected aborts are never retried (fault filter runs before the router)",
         httpbin_vs("""    - fault: {abort: {percentage: {value: 100}, httpStatus: 503}}
      retries: {attempts: 3, retryOn: 5xx}
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (20, "/"), {"status": {"503": 20}, "flags": {"FI": 20}}),
    Case("VS fault: delay 5s + timeout 1s on the same route is not a 504 (the timer starts after the delay)",
         httpbin_vs("""    - fault: {delay: {percentage: {value: 100}, fixedDelay: 5s}}
      timeout: 1s
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (10, "/"), {"status": {"200": 10}, "flags": {"DI": 10}}),
]

TIMEOUTS = [
    Case("task/request-timeouts: a 0.5s route timeout on a 2s backend -> 504 UT",
         REVIEWS_DR + reviews_vs("""    - route: [{destination: {host: reviews, subset: v2}}]
      timeout: 0.5s"""), PP_REVIEWS % (10, ""),
         {"status": {"504": 10}, "flags": {"UT": 10}, "latency_p50": 500},
         backends="[{namespace: default, selector: {app: reviews}, latency: 2s}]"),
    Case("task/request-timeouts: no timeout set, the 2s backend answers (timeouts are disabled by default)",
         REVIEWS_DR + reviews_vs("    - route: [{destination: {host: reviews, subset: v2}}]"),
         PP_REVIEWS % (10, ""), {"status": {"200": 10}, "latency_p50": 2000},
         backends="[{namespace: default, selector: {app: reviews}, latency: 2s}]"),
    Case("task/request-timeouts: the app's x-envoy-upstream-rq-timeout-ms header overrides the route timeout",
         "", "{from: default/sleep, to: 'httpbin:8000', requests: 10, headers: {x-envoy-upstream-rq-timeout-ms: '500'}}",
         {"status": {"504": 10}, "flags": {"UT": 10}, "latency_p50": 500},
         backends="[{namespace: default, selector: {app: httpbin}, latency: 2s}]"),
    Case("task/request-timeouts: the header also replaces a VirtualService timeout",
         httpbin_vs("""    - timeout: 100ms
      route: [{destination: {host: httpbin}}]"""),
         "{from: default/sleep, to: 'httpbin:8000', requests: 10, headers: {x-envoy-upstream-rq-timeout-ms: '5000'}}",
         {"status": {"200": 10}, "latency_p50": 2000},
         backends="[{namespace: default, selector: {app: httpbin}, latency: 2s}]"),
    Case("task/request-timeouts: a sidecar-less app has no Envoy to read the header",
         "", "{from: legacy/sleep, to: 'httpbin.default:8000', requests: 10, headers: {x-envoy-upstream-rq-timeout-ms: '500'}}",
         {"status": {"200": 10}}, backends="[{namespace: default, selector: {app: httpbin}, latency: 2s}]"),
    Case("task/egress-control: VS timeout 3s on httpbin.org /delay/5 -> 504 after ~3s",
         """
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: httpbin-ext, namespace: default}
spec:
  hosts: [httpbin.org]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
  location: MESH_EXTERNAL
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin-ext, namespace: default}
spec:
  hosts: [httpbin.org]
  http:
    - timeout: 3s
      route: [{destination: {host: httpbin.org}}]
""", "{from: default/sleep, to: 'http://httpbin.org/delay/5', requests: 5}",
         {"status": {"504": 5}, "flags": {"UT": 5}, "latency_p50": 3000},
         backends="[{host: httpbin.org, path: /delay/5, latency: 5s}]"),
]

RETRIES = [
    Case("retry.go DefaultPolicy: an upstream 503 is not retried since 1.24 (no VS)",
         "", SLEEP_HTTPBIN % (100, "/"), {"status": {"503": 100}, "attempts_max": 1},
         backends="[{namespace: default, selector: {app: httpbin}, errorRate: 1.0, errorStatus: 503}]"),
    Case("retry.go ConvertPolicy: attempts 3 without retryOn keeps the default conditions (503 not retried)",
         httpbin_vs("""    - retries: {attempts: 3}
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (100, "/"), {"status": {"503": 100}, "attempts_max": 1},
         backends="[{namespace: default, selector: {app: httpbin}, errorRate: 1.0, errorStatus: 503}]"),
    Case("retry.go ConvertPolicy: attempts 3 on 5xx -> 4 tries, URX when exhausted",
         httpbin_vs("""    - retries: {attempts: 3, retryOn: 5xx}
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (10, "/"), {"status": {"503": 10}, "attempts_max": 4, "attempts_total": 40,
                                     "flags": {"URX": 10}},
         backends="[{namespace: default, selector: {app: httpbin}, errorRate: 1.0, errorStatus: 503}]"),
    Case("retry.go ConvertPolicy: retryOn with a status code retries that code only",
         httpbin_vs("""    - retries: {attempts: 2, retryOn: "500"}
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (10, "/"), {"status": {"503": 10}, "attempts_max": 1},
         backends="[{namespace: default, selector: {app: httpbin}, errorRate: 1.0, errorStatus: 503}]"),
    Case("retry.go ConvertPolicy: gateway-error retries 503",
         httpbin_vs("""    - retries: {attempts: 2, retryOn: gateway-error}
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (10, "/"), {"status": {"503": 10}, "attempts_max": 3, "flags": {"URX": 10}},
         backends="[{namespace: default, selector: {app: httpbin}, errorRate: 1.0, errorStatus: 503}]"),
    Case("retry.go ConvertPolicy: gateway-error does not retry 500",
         httpbin_vs("""    - retries: {attempts: 2, retryOn: gateway-error}
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (10, "/"), {"status": {"500": 10}, "attempts_max": 1},
         backends="[{namespace: default, selector: {app: httpbin}, errorRate: 1.0, errorStatus: 500}]"),
    Case("retry.go ConvertPolicy: attempts 0 disables retries",
         httpbin_vs("""    - retries: {attempts: 0}
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (10, "/"), {"status": {"503": 10}, "attempts_max": 1},
         backends="[{namespace: default, selector: {app: httpbin}, errorRate: 1.0, errorStatus: 503}]"),
    Case("Envoy retry_state: per-try timeout with the default retryOn is final (504 UT, one try)",
         httpbin_vs("""    - retries: {attempts: 3, perTryTimeout: 1s}
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (10, "/"), {"status": {"504": 10}, "flags": {"UT": 10}, "attempts_max": 1},
         backends="[{namespace: default, selector: {app: httpbin}, latency: 2s}]"),
    Case("Envoy retry_state: per-try timeout retried with retryOn 5xx, then URX",
         httpbin_vs("""    - retries: {attempts: 2, perTryTimeout: 1s, retryOn: 5xx}
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (10, "/"), {"status": {"504": 10}, "attempts_max": 3},
         backends="[{namespace: default, selector: {app: httpbin}, latency: 2s}]"),
    Case("Envoy router: the route timeout caps all tries (timeout 2.5s, perTryTimeout 1s, 5xx)",
         httpbin_vs("""    - retries: {attempts: 5, perTryTimeout: 1s, retryOn: 5xx}
      timeout: 2500ms
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (10, "/"), {"status": {"504": 10}, "attempts_max": 3, "latency_p50": 2500},
         backends="[{namespace: default, selector: {app: httpbin}, latency: 2s}]"),
    Case("Envoy FilterUtility::finalTimeout: perTryTimeout >= timeout is ignored",
         httpbin_vs("""    - retries: {attempts: 2, perTryTimeout: 5s, retryOn: 5xx}
      timeout: 1s
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (10, "/"), {"status": {"504": 10}, "flags": {"UT": 10}, "attempts_max": 1,
                                     "latency_p50": 1000},
         backends="[{namespace: default, selector: {app: httpbin}, latency: 2s}]"),
    Case("retry.go DefaultPolicy: a refused connection is retried twice (connect-failure) -> 503 UF,URX",
         "", SLEEP_HTTPBIN % (10, "/"), {"status": {"503": 10}, "flags": {"UF": 10, "URX": 10}, "attempts_max": 3},
         backends="[{namespace: default, selector: {app: httpbin}, down: true}]"),
    Case("retry.go ConvertPolicy: attempts 0, a refused connection is final -> 503 UF",
         httpbin_vs("""    - retries: {attempts: 0}
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (10, "/"), {"status": {"503": 10}, "flags": {"UF": 10}, "attempts_max": 1},
         backends="[{namespace: default, selector: {app: httpbin}, down: true}]"),
    Case("retry.go DefaultPolicy: an upstream reset after connect is not retried -> 503 UC",
         "", SLEEP_HTTPBIN % (10, "/"), {"status": {"503": 10}, "flags": {"UC": 10}, "attempts_max": 1},
         backends="[{namespace: default, selector: {app: httpbin}, resetRate: 1.0}]"),
    Case("Envoy retry_state: retryOn reset retries an upstream reset -> 503 UC,URX after 3 tries",
         httpbin_vs("""    - retries: {attempts: 2, retryOn: reset}
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (10, "/"), {"status": {"503": 10}, "flags": {"UC": 10, "URX": 10}, "attempts_max": 3},
         backends="[{namespace: default, selector: {app: httpbin}, resetRate: 1.0}]"),
    Case("Envoy retry_state: retriable-4xx retries 409 only",
         httpbin_vs("""    - retries: {attempts: 2, retryOn: retriable-4xx}
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (10, "/"), {"status": {"409": 10}, "flags": {"URX": 10}, "attempts_max": 3},
         backends="[{namespace: default, selector: {app: httpbin}, errorRate: 1.0, errorStatus: 409}]"),
    Case("Envoy retry_state: per-try timeout retried with 5xx ends 504 UT,URX",
         httpbin_vs("""    - retries: {attempts: 2, perTryTimeout: 1s, retryOn: 5xx}
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (10, "/"), {"status": {"504": 10}, "flags": {"UT": 10, "URX": 10}, "attempts_max": 3},
         backends="[{namespace: default, selector: {app: httpbin}, latency: 2s}]"),
    Case("retries stay in the weighted subset chosen for the request",
         HTTPBIN_DR + httpbin_vs("""    - retries: {attempts: 2, retryOn: 5xx}
      route:
        - {destination: {host: httpbin, subset: v1}, weight: 50}
        - {destination: {host: httpbin, subset: v2}, weight: 50}"""),
         SLEEP_HTTPBIN % (2000, "/"), {"to": {"httpbin/v1": 0.5, "httpbin/v2": 0.5}},
         backends="[{namespace: default, selector: {app: httpbin, version: v1}, errorRate: 1.0, errorStatus: 503}]",
         tolerance=0.04),
]

ACTIONS = [
    Case("integ/redirect: exact /foo -> 301", httpbin_vs("""    - match: [{uri: {exact: /foo}}]
      redirect: {uri: /new/path}
    - match: [{uri: {exact: /new/path}}]
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (5, "/foo?key=value"), {"status": {"301": 5}, "attempts_max": 0}),
    Case("integ/redirect: the redirect target itself routes", httpbin_vs("""    - match: [{uri: {exact: /foo}}]
      redirect: {uri: /new/path}
    - match: [{uri: {exact: /new/path}}]
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (5, "/new/path?key=value"), {"status": {"200": 5}}),
    Case("integ/redirect: uri exact excludes the query string, anything else is 404 NR",
         httpbin_vs("""    - match: [{uri: {exact: /foo}}]
      redirect: {uri: /new/path}"""),
         SLEEP_HTTPBIN % (5, "/foo/bar"), {"status": {"404": 5}, "flags": {"NR": 5}}),
    Case("integ/redirect: redirectCode 308", httpbin_vs("""    - match: [{uri: {prefix: /}}]
      redirect: {uri: /x, redirectCode: 308}"""),
         SLEEP_HTTPBIN % (5, "/a"), {"status": {"308": 5}}),
    Case("integ/rewrite uri: the rewritten request reaches the backend",
         httpbin_vs("""    - match: [{uri: {exact: /foo}}]
      rewrite: {uri: /new/path}
      route: [{destination: {host: httpbin}}]"""),
         SLEEP_HTTPBIN % (5, "/foo?key=value"), {"status": {"418": 5}},
         backends="[{namespace: default, selector: {app: httpbin}, path: /new/path, errorRate: 1.0, errorStatus: 418}]"),
    Case("integ/direct response", httpbin_vs("""    - directResponse: {status: 203, body: {string: hello}}"""),
         SLEEP_HTTPBIN % (5, "/"), {"status": {"203": 5}, "attempts_max": 0}),
    Case("integ/uri prefix is a plain string prefix (/api matches /apix)",
         httpbin_vs("""    - match: [{uri: {prefix: /api}}]
      directResponse: {status: 200}
    - directResponse: {status: 204}"""),
         SLEEP_HTTPBIN % (5, "/apix"), {"status": {"200": 5}}),
    Case("integ/uri regex is a full match", httpbin_vs("""    - match: [{uri: {regex: "/v[0-9]"}}]
      directResponse: {status: 200}
    - directResponse: {status: 204}"""),
         SLEEP_HTTPBIN % (5, "/v1/x"), {"status": {"204": 5}}),
    Case("integ/ignoreUriCase on an exact match", httpbin_vs("""    - match: [{uri: {exact: /FOO}, ignoreUriCase: true}]
      directResponse: {status: 200}
    - directResponse: {status: 204}"""),
         SLEEP_HTTPBIN % (5, "/foo"), {"status": {"200": 5}}),
    Case("integ/header regex match is a full match", httpbin_vs("""    - match: [{headers: {x-user: {regex: "ja.*"}}}]
      directResponse: {status: 200}
    - directResponse: {status: 204}"""),
         "{from: default/sleep, to: 'httpbin:8000', requests: 5, headers: {x-user: ajason}}", {"status": {"204": 5}}),
    Case("integ/withoutHeaders: a missing header matches", httpbin_vs("""    - match: [{withoutHeaders: {x-canary: {exact: 'true'}}}]
      directResponse: {status: 200}
    - directResponse: {status: 204}"""),
         SLEEP_HTTPBIN % (5, "/"), {"status": {"200": 5}}),
    Case("integ/queryParams exact", httpbin_vs("""    - match: [{queryParams: {version: {exact: v2}}}]
      directResponse: {status: 200}
    - directResponse: {status: 204}"""),
         SLEEP_HTTPBIN % (5, "/get?version=v2"), {"status": {"200": 5}}),
    Case("integ/method match is case-sensitive", httpbin_vs("""    - match: [{method: {exact: POST}}]
      directResponse: {status: 200}
    - directResponse: {status: 204}"""),
         "{from: default/sleep, to: 'httpbin:8000', requests: 5, method: POST}", {"status": {"200": 5}}),
    # The sidecar keeps the port in :authority (vhost domains are "host" and "host:*"), so an
    # authority match sees "httpbin:8000" when the client dialled httpbin:8000.
    Case("route.go authority match: exact 'httpbin' misses Host 'httpbin:8000'", httpbin_vs("""    - match: [{authority: {exact: httpbin}}]
      directResponse: {status: 200}
    - directResponse: {status: 204}"""), SLEEP_HTTPBIN % (5, "/"), {"status": {"204": 5}}),
    Case("route.go authority match: exact 'httpbin:8000' matches", httpbin_vs("""    - match: [{authority: {exact: "httpbin:8000"}}]
      directResponse: {status: 200}
    - directResponse: {status: 204}"""), SLEEP_HTTPBIN % (5, "/"), {"status": {"200": 5}}),
    Case("route.go: rules after a catch-all are never emitted",
         httpbin_vs("""    - route: [{destination: {host: httpbin}}]
    - match: [{uri: {prefix: /x}}]
      directResponse: {status: 204}"""),
         SLEEP_HTTPBIN % (5, "/x"), {"status": {"200": 5}}),
]

def without_end_user(matcher: str) -> str:
    return httpbin_vs(f"""    - match: [{{withoutHeaders: {{end-user: {matcher}}}}}]
      fault: {{abort: {{percentage: {{value: 100}}, httpStatus: 403}}}}
      route: [{{destination: {{host: httpbin}}}}]
    - route: [{{destination: {{host: httpbin}}}}]""")


def as_user(value: str | None) -> str:
    headers = "" if value is None else f", headers: {{end-user: '{value}'}}"
    return f"{{from: default/sleep, to: 'httpbin:8000', path: /foo, requests: 5{headers}}}"


INTEG_MATCHES = [
    Case("integ/fault abort: httpStatus 418 at 100%", httpbin_vs("""    - fault: {abort: {percentage: {value: 100}, httpStatus: 418}}
      route: [{destination: {host: httpbin}}]"""), SLEEP_HTTPBIN % (5, "/"), {"status": {"418": 5}, "flags": {"FI": 5}}),
    Case("integ/fault abort gRPC: grpcStatus UNAVAILABLE answers HTTP 200 + grpc-status (FI, no upstream)",
         httpbin_vs("""    - fault: {abort: {percentage: {value: 100}, grpcStatus: UNAVAILABLE}}
      route: [{destination: {host: httpbin}}]"""), SLEEP_HTTPBIN % (5, "/"),
         {"status": {"200": 5}, "flags": {"FI": 5}, "attempts_max": 0}),
    Case("integ/catch all route short circuit the other routes (regex .*)",
         httpbin_vs("""    - match: [{uri: {regex: ".*"}}]
      fault: {abort: {percentage: {value: 100}, httpStatus: 418}}
      route: [{destination: {host: httpbin}}]
    - route: [{destination: {host: httpbin}}]"""), SLEEP_HTTPBIN % (5, "/x"), {"status": {"418": 5}}),
    Case("integ/shifting-80: 80/10/10 across three services",
         httpbin_vs("""    - route:
        - {destination: {host: httpbin}, weight: 80}
        - {destination: {host: known.default.svc.cluster.local, port: {number: 80}}, weight: 10}
        - {destination: {host: alt-known.default.svc.cluster.local, port: {number: 80}}, weight: 10}"""),
         SLEEP_HTTPBIN % (10000, "/"), {"status": {"200": 10000}, "to": {"httpbin": 0.8, "known": 0.1, "alt-known": 0.1}},
         tolerance=0.02),
    Case("integ/without headers: end-user is jason -> 200", without_end_user("{exact: jason}"), as_user("jason"),
         {"status": {"200": 5}}),
    Case("integ/without headers: end-user is not jason -> 403", without_end_user("{exact: jason}"), as_user("not-jason"),
         {"status": {"403": 5}}),
    Case("integ/without headers: no end-user header -> 403", without_end_user("{exact: jason}"), as_user(None),
         {"status": {"403": 5}}),
    Case("integ/without headers regex convert to present_match: jason -> 200",
         without_end_user('{regex: "*"}'), as_user("jason"), {"status": {"200": 5}}),
    Case("integ/without headers regex convert to present_match: empty value -> 200",
         without_end_user('{regex: "*"}'), as_user(""), {"status": {"200": 5}}),
    Case("integ/without headers regex convert to present_match: no header -> 403",
         without_end_user('{regex: "*"}'), as_user(None), {"status": {"403": 5}}),
    Case("integ/without headers regex match any string: jason -> 200",
         without_end_user('{regex: ".*"}'), as_user("jason"), {"status": {"200": 5}}),
    Case("integ/without headers regex match any string: empty value -> 200",
         without_end_user('{regex: ".*"}'), as_user(""), {"status": {"200": 5}}),
    Case("integ/without headers regex match any string: no header -> 200 (missing = empty)",
         without_end_user('{regex: ".*"}'), as_user(None), {"status": {"200": 5}}),
    Case("integ/retry conditions: the config is accepted and a healthy call is OK",
         httpbin_vs("""    - route: [{destination: {host: httpbin}}]
      retries: {attempts: 3, perTryTimeout: 2s, retryOn: "gateway-error,connect-failure,refused-stream,reset-before-request",
                retryRemoteLocalities: true}"""), SLEEP_HTTPBIN % (5, "/"), {"status": {"200": 5}, "attempts_max": 1}),
]

MIRRORING = [
    Case("task/mirroring: 100% to v1, mirror to v2 (mirrorPercentage 100)",
         HTTPBIN_DR + httpbin_vs("""    - route: [{destination: {host: httpbin, subset: v1}, weight: 100}]
      mirror: {host: httpbin, subset: v2}
      mirrorPercentage: {value: 100.0}"""),
         SLEEP_HTTPBIN % (50, "/headers"), {"status": {"200": 50}, "to": {"httpbin/v1": 1.0}, "mirrored": 50}),
    Case("task/mirroring: mirrorPercentage unset means 100%",
         HTTPBIN_DR + httpbin_vs("""    - route: [{destination: {host: httpbin, subset: v1}}]
      mirror: {host: httpbin, subset: v2}"""),
         SLEEP_HTTPBIN % (50, "/headers"), {"status": {"200": 50}, "mirrored": 50}),
    Case("task/mirroring: mirror responses are ignored (v2 failing does not change the answer)",
         HTTPBIN_DR + httpbin_vs("""    - route: [{destination: {host: httpbin, subset: v1}}]
      mirror: {host: httpbin, subset: v2}"""),
         SLEEP_HTTPBIN % (50, "/headers"), {"status": {"200": 50}, "mirrored": 50},
         backends="[{namespace: default, selector: {app: httpbin, version: v2}, errorRate: 1.0, errorStatus: 500}]"),
]

CIRCUIT_BREAKING = [
    Case("task/circuit-breaking: fortio -c 2 -n 20 trips the breaker (503 UO, not retried)",
         """
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: httpbin, namespace: default}
spec:
  host: httpbin
  trafficPolicy:
    connectionPool:
      tcp: {maxConnections: 1}
      http: {http1MaxPendingRequests: 1, maxRequestsPerConnection: 1}
    outlierDetection: {consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 3m, maxEjectionPercent: 100}
""", "{from: default/sleep, to: 'httpbin:8000', requests: 30, concurrency: 3, rate: max}",
         {"has_flags": ["UO"]}, backends="[{namespace: default, selector: {app: httpbin}, latency: 10ms}]"),
    Case("task/circuit-breaking: one connection at a time (-c 1) never trips it",
         """
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: httpbin, namespace: default}
spec:
  host: httpbin
  trafficPolicy:
    connectionPool:
      tcp: {maxConnections: 1}
      http: {http1MaxPendingRequests: 1, maxRequestsPerConnection: 1}
""", "{from: default/sleep, to: 'httpbin:8000', requests: 20, concurrency: 1, rate: max}",
         {"status": {"200": 20}, "flags": {}}, backends="[{namespace: default, selector: {app: httpbin}, latency: 10ms}]"),
]

ALL = REQUEST_ROUTING + TRAFFIC_SHIFTING + INTEG_MATCHES + FAULTS + TIMEOUTS + RETRIES + ACTIONS + MIRRORING + CIRCUIT_BREAKING


@pytest.mark.parametrize("case", ALL, ids=str)
def test_traffic_management_tasks(case):
    check(case)


@pytest.mark.parametrize("fault, flag, fraction", [
    ("{delay: {fixedDelay: 1s, percentage: {value: 50}}}", "DI", 0.5),
    ("{abort: {httpStatus: 500, percentage: {value: 10}}}", "FI", 0.1),
    ("{abort: {httpStatus: 500, percentage: {value: 0.5}}}", "FI", 0.005),
])
def test_fault_percentages_apply_per_request(fault, flag, fraction):
    """route.go TranslateFault: percentage.value is a per-request probability (Envoy fractional percent)."""
    from tests.engine.istio_cases import run_case
    s = run_case(Case("fault", httpbin_vs(f"    - {{fault: {fault}, route: [{{destination: {{host: httpbin}}}}]}}"),
                      SLEEP_HTTPBIN % (20000, "/"), {}))
    assert abs(s.flags.get(flag, 0) / 20000 - fraction) < 4 * (fraction * (1 - fraction) / 20000) ** 0.5 + 1e-4


def test_mirror_percentage_mirrors_that_share_of_requests():
    """task/mirroring: mirrorPercentage 50 mirrors about half; the primary answers all."""
    from tests.engine.istio_cases import run_case
    s = run_case(Case("mirror", HTTPBIN_DR + httpbin_vs("""    - route: [{destination: {host: httpbin, subset: v1}}]
      mirror: {host: httpbin, subset: v2}
      mirrorPercentage: {value: 50}"""), SLEEP_HTTPBIN % (20000, "/"), {}))
    assert s.status == {"200": 20000} and abs(s.mirrored / 20000 - 0.5) < 0.02
