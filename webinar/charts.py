"""Bar charts drawn in HTML and CSS, for the report PDF and the organisers' desk alike.

Labels are ordinary text boxes, so WeasyPrint and the browser shape them like the body: Arabic
reads right to left, country names are words, and no key is needed. Each bar's width is a
percentage of the largest value, written as an inline ``style`` by the template (no script).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    percent: float  # of the chart's largest value, 0-100, for the bar's length
    share: float  # of the chart's total, 0-100, printed beside the value


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar] = field(default_factory=list)
    total: int = 0

    @property
    def empty(self) -> bool:
        return not self.bars


def bar_chart(*, title: str, rows: Iterable[tuple[str, int]]) -> BarChart:
    """One bar per ``(label, value)``, in the given order."""
    pairs = [(str(label), int(value)) for label, value in rows]
    total = sum(value for _label, value in pairs)
    largest = max((value for _label, value in pairs), default=0)
    bars = [
        Bar(
            label=label,
            value=value,
            percent=round(100 * value / largest, 1) if largest else 0.0,
            share=round(100 * value / total, 1) if total else 0.0,
        )
        for label, value in pairs
    ]
    return BarChart(title=title, bars=bars, total=total)
