"""Shared helpers for benchmarks: Django set-up and the one output line format.

Every benchmark prints, per figure:
    bench: <name>: <value> <unit> (baseline <value> <unit>, ratio <x>)
with the baseline measured in the same run, on the same machine.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(settings_module: str = "tests.settings") -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()


def timed(fn: Callable[[], object], *, repeat: int = 3) -> float:
    """Median wall time of ``repeat`` runs, in seconds."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def report(name: str, value: float, unit: str, baseline: float, baseline_unit: str | None = None):
    ratio = value / baseline if baseline else float("inf")
    print(
        f"bench: {name}: {value:.3f} {unit} "
        f"(baseline {baseline:.3f} {baseline_unit or unit}, ratio {ratio:.2f})",
        flush=True,
    )
