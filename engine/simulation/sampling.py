"""Seeded sampling helpers whose cost does not grow with the number of requests.

The bulk (timeless) path draws whole streams at once: a binomial draw costs the same for
10 requests and for 10 million, and a multinomial is a chain of binomials (binomial
splitting). `binomial` follows CPython 3.12's `random.binomialvariate` (Devroye's geometric
method for small n*p, Hörmann's BTRS transformed rejection otherwise), re-stated here because
the project runs on Python 3.11. Every draw uses only the `random.Random` passed in.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence


def binomial(rng: random.Random, n: int, p: float) -> int:
    """Number of successes in n trials of probability p (exact distribution, O(1) expected cost)."""
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    if n == 1:
        return int(rng.random() < p)
    if p > 0.5:
        return n - binomial(rng, n, 1.0 - p)
    random_ = rng.random
    if n * p < 10.0:
        # Devroye's geometric method: count the gaps between successes, O(n*p) < 10 steps.
        x = y = 0
        c = math.log(1.0 - p)
        if not c:
            return 0
        while True:
            y += math.floor(math.log(1.0 - random_()) / c) + 1
            if y > n:
                return x
            x += 1
    # BTRS (W. Hörmann, "The generation of binomial random variates", 1993).
    spq = math.sqrt(n * p * (1.0 - p))
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = n * p + 0.5
    vr = 0.92 - 4.2 / b
    alpha = (2.83 + 5.1 / b) * spq
    lpq = math.log(p / (1.0 - p))
    m = math.floor((n + 1) * p)
    h = math.lgamma(m + 1) + math.lgamma(n - m + 1)
    while True:
        u = random_() - 0.5
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + c)
        if k < 0 or k > n:
            continue
        v = random_()
        if us >= 0.07 and v <= vr:
            return k
        v *= alpha / (a / (us * us) + b)
        if v > 0 and math.log(v) <= h - math.lgamma(k + 1) - math.lgamma(n - k + 1) + (k - m) * lpq:
            return k


def multinomial(rng: random.Random, n: int, weights: Sequence[float]) -> list[int]:
    """Split n into len(weights) counts with probabilities proportional to weights."""
    counts = [0] * len(weights)
    remaining_weight = float(sum(weights))
    for i, w in enumerate(weights):
        if n <= 0 or remaining_weight <= 0:
            break
        if i == len(weights) - 1 or w >= remaining_weight:
            counts[i] = n
            n = 0
            break
        k = binomial(rng, n, w / remaining_weight)
        counts[i] = k
        n -= k
        remaining_weight -= w
    return counts


def percentile(pairs: Iterable[tuple[float, int]], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of values given as (value, count) pairs."""
    items = sorted((v, c) for v, c in pairs if c > 0)
    total = sum(c for _, c in items)
    if total == 0:
        return 0.0
    rank = max(1, math.ceil(q / 100.0 * total))
    seen = 0
    for value, count in items:
        seen += count
        if seen >= rank:
            return value
    return items[-1][0]


def percentiles_sorted(values: list[float], qs: Sequence[float]) -> list[float]:
    """Nearest-rank percentiles of an already sorted list (the event-driven path)."""
    if not values:
        return [0.0 for _ in qs]
    n = len(values)
    return [values[max(1, math.ceil(q / 100.0 * n)) - 1] for q in qs]
