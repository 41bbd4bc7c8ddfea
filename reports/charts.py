"""Participation charts as SVG, drawn by pygal and embedded in the PDF as images.

The charts are served to WeasyPrint by the restricted fetcher from memory (never inlined in
the HTML), so whatever pygal writes into an SVG (its config script, comments) stays inside an
image that WeasyPrint draws and never executes. Every figure is also printed in a table under
its chart, for readers of the text and for screen readers.

WeasyPrint lays out SVG text without the bidirectional algorithm, so Arabic words inside a
chart come out reversed. Right-to-left builds therefore label their charts with keys (numbers,
ISO country codes) that the table beside each chart spells out; titles are HTML captions.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

FONT = "DejaVu Sans, Noto Naskh Arabic, sans-serif"
COLOURS = ("#1f5f8b", "#c26a1b", "#5b8c3a", "#8e44ad", "#7f8c8d", "#b03a2e", "#117a65", "#34495e")
SVG = "image/svg+xml"


def _style():
    from pygal.style import Style

    return Style(
        font_family=FONT,
        background="white",
        plot_background="white",
        foreground="#222",
        foreground_strong="#111",
        foreground_subtle="#ddd",
        colors=COLOURS,
        label_font_size=13,
        major_label_font_size=13,
        value_font_size=13,
        title_font_size=16,
        legend_font_size=13,
    )


def _common(**extra) -> dict:
    return {
        "style": _style(),
        "js": [],
        "disable_xml_declaration": True,
        "width": 720,
        "print_values": True,
        "show_legend": False,
        "show_y_guides": False,
        "margin": 12,
        **extra,
    }


def bar_chart(*, rows: list[tuple[str, int]]) -> bytes:
    """A horizontal bar chart, one bar per (label, count), drawn top-down in the given order."""
    import pygal

    rows = [(str(label), count) for label, count in rows] or [(_("No data"), 0)]
    chart = pygal.HorizontalBar(
        **_common(
            height=max(140, 50 + 32 * len(rows)),
            truncate_label=45,
            show_x_guides=False,
            show_x_labels=False,
            print_values_position="top",
        )
    )
    # HorizontalBar draws the first label at the bottom: reverse to read top-down.
    chart.x_labels = [label for label, _count in reversed(rows)]
    chart.add("", [count for _label, count in reversed(rows)])
    return chart.render(is_unicode=False)


def share_chart(*, rows: list[tuple[str, int]]) -> bytes:
    """Parts of a whole (sex, language) as a ring with a legend."""
    import pygal

    chart = pygal.Pie(
        **_common(height=260, show_legend=True, legend_at_bottom=True, inner_radius=0.45)
    )
    for label, count in rows:
        chart.add(f"{label} ({count})", count)
    return chart.render(is_unicode=False)


def _keys(rows: list[tuple[str, int]], rtl: bool) -> list[tuple[str, int]]:
    if not rtl:
        return rows
    return [(str(number), count) for number, (_label, count) in enumerate(rows, start=1)]


def statistics_charts(statistics, *, rtl: bool = False) -> dict[str, tuple[bytes, str]]:
    """The report's charts, by file name, ready for ``render_pdf(generated=...)``."""
    countries = [
        (code if rtl else name, n) for code, name, n in statistics.by_country[:COUNTRY_BARS]
    ]
    return {
        "category.svg": (bar_chart(rows=_keys(statistics.by_category, rtl)), SVG),
        "country.svg": (bar_chart(rows=countries), SVG),
        "sex.svg": (share_chart(rows=_keys(statistics.by_sex, rtl)), SVG),
        "language.svg": (share_chart(rows=_keys(statistics.by_language, rtl)), SVG),
    }


COUNTRY_BARS = 15
