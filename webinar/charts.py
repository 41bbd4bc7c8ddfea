"""Bar charts drawn in HTML and CSS, for the report PDF and the organisers' desk alike.

Labels are ordinary text boxes, so WeasyPrint and the browser shape them like the body: Arabic
reads right to left, country names are words, and no key is needed. Each bar's width is a
percentage of the largest value, written as an inline ``style`` by the template (no script).
Style the chart with ``static/charts/bars.css``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from babel.numbers import format_decimal, format_percent

from webinar.locale import site_language


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    percent: float  # of the chart's largest value, 0-100, for the bar's length
    share: float  # of the chart's total, 0-100, printed beside the value
    value_text: str = ""  # the value as the chart's language writes it
    share_text: str = ""  # the share as the chart's language writes it ("35 %", "35%")


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar] = field(default_factory=list)
    total: int = 0
    show_share: bool = False

    @property
    def empty(self) -> bool:
        return not self.bars


def bar_chart(
    *,
    title: str,
    rows: Iterable[tuple[str, int]],
    language: str = "en",
    show_share: bool = False,
    total: int | None = None,
) -> BarChart:
    """One bar per ``(label, value)``, in the given order.

    ``total`` is what shares are taken of (the rows' sum unless given: a chart of the first
    eight countries shares out all participants, not the eight countries' own).
    """
    locale = site_language(language)
    pairs = [(str(label), int(value)) for label, value in rows]
    whole = sum(value for _label, value in pairs) if total is None else total
    largest = max((value for _label, value in pairs), default=0)
    bars = []
    for label, value in pairs:
        share = round(100 * value / whole, 1) if whole else 0.0
        bars.append(
            Bar(
                label=label,
                value=value,
                percent=round(100 * value / largest, 1) if largest else 0.0,
                share=share,
                value_text=format_decimal(value, locale=locale),
                share_text=format_percent(share / 100, locale=locale),
            )
        )
    return BarChart(title=title, bars=bars, total=whole, show_share=show_share)
