"""Summaries of measurements: latency percentiles, and the power law that extrapolates a phase past its budget."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile: a value that was measured, never an interpolation between two."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    """p50 / p99 / mean in milliseconds, and how many samples they rest on."""
    return {
        "n": len(seconds),
        "p50_ms": round(percentile(seconds, 0.50) * 1000, 3),
        "p99_ms": round(percentile(seconds, 0.99) * 1000, 3),
        "mean_ms": round(sum(seconds) / len(seconds) * 1000, 3),
    }


@dataclass(frozen=True)
class PowerLaw:
    """t = a · n^b, fitted through two measured points; `b` says how fast the cost grows with size."""

    a: float
    b: float

    @classmethod
    def through(cls, small: tuple[float, float], large: tuple[float, float]) -> PowerLaw:
        (n1, t1), (n2, t2) = small, large
        b = math.log(t2 / t1) / math.log(n2 / n1)
        return cls(a=t1 / n1**b, b=b)

    def at(self, n: float) -> float:
        return float(self.a * n**self.b)


def extrapolate(points: Sequence[tuple[float, float]], n: float) -> tuple[float, float] | None:
    """(predicted value at n, exponent) from the two largest measured points, or None with fewer than two."""
    usable = sorted((size, value) for size, value in points if value > 0)
    if len(usable) < 2:
        return None
    law = PowerLaw.through(usable[-2], usable[-1])
    return law.at(n), law.b
