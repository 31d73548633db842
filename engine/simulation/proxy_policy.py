"""The route's resilience settings as the client proxy applies them, and Envoy's retry conditions.

Sources: Envoy `source/common/router/retry_state_impl.cc` (`wouldRetryFromHeaders`,
`wouldRetryFromReset`: an upstream reset is retried by `reset`, `5xx`, `gateway-error`; a connect
failure also by `connect-failure`; an overflow never), `router.cc` (a non-hedged per-try timeout
is retried only with `5xx`, `gateway-error` or `reset`), `backoff_strategy.cc` (fully jittered:
retry k waits uniform [0, base * 2^(k-1)) ms, interval capped at 10 x base), `FilterUtility::
finalTimeout` (a per-try timeout >= the route timeout is ignored), istio-semantics §3.7-3.9.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.simulation.plan import Plan, RetryPolicy

GATEWAY_ERRORS = frozenset({502, 503, 504})
NO_TIMEOUT = float("inf")


@dataclass(frozen=True)
class ProxyPolicy:
    retries: int                       # retries after the first try (num_retries)
    per_try_ms: float | None
    timeout_ms: float                  # NO_TIMEOUT when the route sets none (Istio's default)
    retry_connect: bool                # connect / TLS handshake failure (503 UF)
    retry_reset: bool                  # upstream reset (503 UC) and per-try timeout (504 UT)
    retry_on: frozenset[str]
    retriable_codes: frozenset[int]
    other_hosts: bool                  # retry host predicate previous_hosts
    backoff_ms: float
    delay_ms: float
    delay_fraction: float
    abort_status: int | None
    abort_fraction: float
    mirror_fractions: tuple[float, ...]

    def status_retriable(self, status: int | None) -> bool:
        """`wouldRetryFromHeaders` for an HTTP status from upstream (app or server sidecar)."""
        if status is None or self.retries <= 0:
            return False
        on = self.retry_on
        return (("5xx" in on and status >= 500)
                or ("gateway-error" in on and status in GATEWAY_ERRORS)
                or ("retriable-4xx" in on and status == 409)
                or ("retriable-status-codes" in on and status in self.retriable_codes))


def effective(plan: Plan) -> ProxyPolicy:
    """What the sender actually applies. A sender without a sidecar has no Envoy: no retries,
    timeouts, faults or mirrors (VirtualService is client-side config, istio-semantics §0.3)."""
    policy = plan.policy
    if plan.sender_sidecar:
        retry = policy.retry
        timeout = policy.timeout_ms if policy.timeout_ms and policy.timeout_ms > 0 else NO_TIMEOUT
        fault = policy.fault
        mirrors = tuple(min(1.0, max(0.0, m.fraction)) for m in policy.mirrors)
    else:
        retry, timeout, fault, mirrors = RetryPolicy(attempts=0), NO_TIMEOUT, None, ()
    on = frozenset(retry.retry_on)
    retries = max(0, retry.attempts)
    per_try = retry.per_try_timeout_ms
    if per_try is not None and (per_try <= 0 or per_try >= timeout):
        per_try = None
    reset_like = bool(on & {"5xx", "gateway-error", "reset"})
    return ProxyPolicy(
        retries=retries, per_try_ms=per_try, timeout_ms=timeout,
        retry_connect=retries > 0 and (reset_like or "connect-failure" in on),
        retry_reset=retries > 0 and reset_like,
        retry_on=on, retriable_codes=frozenset(retry.retriable_status_codes),
        other_hosts=retry.retry_other_hosts,
        backoff_ms=max(1.0, float(retry.backoff_ms)),
        delay_ms=max(0.0, fault.delay_ms) if fault else 0.0,
        delay_fraction=min(1.0, max(0.0, fault.delay_fraction)) if fault else 0.0,
        abort_status=fault.abort_status if fault else None,
        abort_fraction=min(1.0, max(0.0, fault.abort_fraction)) if fault and fault.abort_status else 0.0,
        mirror_fractions=mirrors,
    )


def backoff_interval(base_ms: float, retry_number: int) -> float:
    """Upper bound of the jittered wait before retry `retry_number` (1-based)."""
    return min(base_ms * (1 << min(retry_number - 1, 30)), 10.0 * base_ms)
