"""A route's timeout, retry policy and fault injection as Envoy receives them (§3.7–3.9).

Sources: istio:pilot/pkg/networking/core/route/retry/retry.go (`DefaultPolicy`, `ConvertPolicy`),
istio:pilot/pkg/networking/core/route/route.go (`setTimeout`, `TranslateFault`).
"""

from __future__ import annotations

from http import HTTPStatus

from engine.resources.networking import HTTPFaultInjection, HTTPRetry, Percent
from engine.simulation.plan import Fault, RetryPolicy, RoutePolicy

DEFAULT_RETRY = RetryPolicy()          # attempts 2, connect-failure,refused-stream,unavailable,cancelled,...
NO_RETRY = RetryPolicy(attempts=0, retry_on=frozenset())


def retry_policy(retries: HTTPRetry | None) -> RetryPolicy:
    """No `retries`: the mesh default. `attempts` unset or 0: disabled (`ConvertPolicy` returns nil).

    `retryOn` unset keeps the default conditions; numeric tokens become retriable status codes
    and imply `retriable-status-codes`. 503 is no longer a default code since 1.24.
    """
    if retries is None:
        return DEFAULT_RETRY
    if not retries.attempts or retries.attempts <= 0:
        return NO_RETRY
    retry_on = DEFAULT_RETRY.retry_on
    codes: set[int] = set()
    if retries.retry_on:
        # parseRetryOn: trimmed tokens; a known HTTP status is a retriable code, the rest conditions.
        tokens = [t.strip() for t in retries.retry_on.split(",") if t.strip()]
        codes = {int(t) for t in tokens if _status(t)}
        names = {t for t in tokens if not _status(t)}
        if codes:
            names.add("retriable-status-codes")
        retry_on = frozenset(names)
    per_try = retries.per_try_timeout.ms if retries.per_try_timeout else None
    return RetryPolicy(attempts=retries.attempts, per_try_timeout_ms=per_try, retry_on=retry_on,
                       retriable_status_codes=frozenset(codes))


def _status(token: str) -> bool:
    """Go's `http.StatusText(i) != ""`: a registered status code."""
    if not token.isdigit():
        return False
    try:
        HTTPStatus(int(token))
    except ValueError:
        return False
    return True


def _fraction(percentage: Percent | None, percent: int | None = None) -> float:
    """Unset percentage = 0% (`translateIntegerToFractionalPercent(0)`); the deprecated integer
    `delay.percent` still counts when `percentage` is absent."""
    if percentage is not None and percentage.value is not None:
        return max(0.0, min(100.0, percentage.value)) / 100.0
    if percent is not None:
        return max(0, min(100, percent)) / 100.0
    return 0.0


def fault(spec: HTTPFaultInjection | None) -> Fault | None:
    if spec is None:
        return None
    delay_ms, delay_fraction = 0.0, 0.0
    if spec.delay is not None and spec.delay.fixed_delay is not None:
        # exponentialDelay is not implemented by Istio (api: "not supported"): no delay.
        delay_ms = spec.delay.fixed_delay.ms
        delay_fraction = _fraction(spec.delay.percentage, spec.delay.percent)
    abort_status, abort_fraction = None, 0.0
    if spec.abort is not None and spec.abort.http_status is not None:
        abort_status = spec.abort.http_status
        abort_fraction = _fraction(spec.abort.percentage)
    elif spec.abort is not None and spec.abort.grpc_status:
        # Envoy fault_filter.cc `abortStatus`: "If gRPC status code is set, then HTTP will be set
        # to Http::Code::OK (200)"; the gRPC status travels in the grpc-status header.
        abort_status = 200
        abort_fraction = _fraction(spec.abort.percentage)
    if not delay_fraction and not abort_fraction:
        return None
    return Fault(delay_ms=delay_ms, delay_fraction=delay_fraction, abort_status=abort_status,
                 abort_fraction=abort_fraction)


def mirror_fraction(percentage: Percent | None, legacy_percent: int | None = None) -> float:
    """Mirror share: unset means 100% (`MirrorPercent`); the deprecated integer also counts."""
    if percentage is not None and percentage.value is not None:
        return max(0.0, min(100.0, percentage.value)) / 100.0
    if legacy_percent is not None:
        return max(0, min(100, legacy_percent)) / 100.0
    return 1.0


TIMEOUT_HEADER = "x-envoy-upstream-rq-timeout-ms"


def app_timeout(policy: RoutePolicy, headers: dict[str, str]) -> tuple[RoutePolicy, str]:
    """The app can override the route timeout per request with `x-envoy-upstream-rq-timeout-ms`
    (io:tasks/traffic-management/request-timeouts; Envoy router: the header replaces the route's
    timeout, 0 disables it). Returns the policy and what changed ("" when nothing did)."""
    value = headers.get(TIMEOUT_HEADER, "").strip()
    if not value.isdigit():
        return policy, ""
    ms = int(value)
    return (RoutePolicy(timeout_ms=float(ms) if ms > 0 else None, retry=policy.retry, fault=policy.fault,
                        mirrors=policy.mirrors),
            f"{TIMEOUT_HEADER}: {ms} sets this request's route timeout" + ("" if ms else " (0: none)"))
