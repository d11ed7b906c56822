"""The statistics behind the outcome figures: medians and 95 % confidence intervals.

* **Proportions** — the Wilson score interval (Wilson EB. *J Am Stat Assoc* 1927;22:209–212),
  recommended over the simple Wald interval for the small samples of a single clinic, and never
  outside 0–100 % (Newcombe RG. *Stat Med* 1998;17:857–872, method 3).
* **Medians** — the distribution-free interval from order statistics: the ``l``-th and
  ``(n − l + 1)``-th smallest values, with ``l`` the largest rank whose binomial(n, ½) tail keeps
  the coverage at least 95 % (Conover WJ. *Practical Nonparametric Statistics*, 3rd ed. 1999,
  §3.2; Campbell MJ, Gardner MJ. *BMJ* 1988;296:1454–1456). Below six values no such interval
  reaches 95 %, and none is given.

Pure functions of numbers: no Django here.
"""

import functools
import math
import statistics

CONFIDENCE = 0.95
Z_95 = 1.959963984540054  # the standard normal quantile for a two-sided 95 % interval


def median(values):
    """The usual median (the mean of the two middle values for an even n), or None if empty."""
    return statistics.median(values) if values else None


def wilson_interval(successes, n, z=Z_95):
    """The Wilson score interval of ``successes`` out of ``n`` as fractions ``(low, high)``.

    None when ``n`` is 0.
    """
    if not n:
        return None
    if not 0 <= successes <= n:
        raise ValueError("successes must lie between 0 and n")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = (z / (1 + z2 / n)) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # At 0 or n successes one bound is exactly 0 or 1; rounding must not move it.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


EXACT_UP_TO = 5_000  # values; above, the binomial tail is summed in floating point


@functools.lru_cache(maxsize=4096)
def median_interval_ranks(n, confidence=CONFIDENCE):
    """The 1-based ranks ``(l, n − l + 1)`` of the median's interval, or None below 6 values."""
    alpha = 1 - confidence
    # The coverage of [x(l), x(n−l+1)] is 1 − 2·P(X ≤ l − 1), X ~ binomial(n, ½): take the
    # largest l that keeps it at least ``confidence``.
    if n > EXACT_UP_TO:
        return _large_sample_ranks(n, alpha)
    total = 2**n
    # Exact integer arithmetic, cumulatively.
    rank, term, cumulative = 0, 1, 1  # term = C(n, rank); cumulative = P(X ≤ rank)·2^n
    while rank + 1 <= (n + 1) // 2 and 2 * cumulative / total <= alpha:
        rank += 1
        term = term * (n - rank + 1) // rank
        cumulative += term
    if rank == 0:
        return None
    return rank, n - rank + 1


def _log_term(n, k):
    """log P(X = k), X ~ binomial(n, ½)."""
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) - n * math.log(2)


def _large_sample_ranks(n, alpha):
    """The same search for a large n, summing the tail in floating point from ten standard
    deviations below the mean (what lies further out is below 1e-23 of it), so it takes about
    √n steps instead of n/2 steps of ever longer integers."""
    rank = max(0, math.floor(n / 2 - 5 * math.sqrt(n)))
    cumulative = sum(math.exp(_log_term(n, k)) for k in range(rank + 1))
    while rank + 1 <= (n + 1) // 2 and 2 * cumulative <= alpha:
        rank += 1
        cumulative += math.exp(_log_term(n, rank))
    return rank, n - rank + 1


def median_interval(values, confidence=CONFIDENCE):
    """The order-statistic interval ``(low, high)`` of the median of ``values``, or None."""
    ranks = median_interval_ranks(len(values), confidence)
    if ranks is None:
        return None
    ordered = sorted(values)
    low, high = ranks
    return ordered[low - 1], ordered[high - 1]
