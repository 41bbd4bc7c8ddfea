"""The HTML bar charts shared by the report and the admin pages."""

from django.template.loader import render_to_string

from webinar.charts import bar_chart


def test_bar_chart_lengths_shares_and_numbers_in_the_language():
    chart = bar_chart(
        title="Participants", rows=[("Niger", 1200), ("Mali", 600)], language="fr", total=2400
    )
    assert [(b.label, b.value, b.percent, b.share) for b in chart.bars] == [
        ("Niger", 1200, 100.0, 50.0),
        ("Mali", 600, 50.0, 25.0),
    ]
    assert [(b.value_text, b.share_text) for b in chart.bars] == [
        ("1\u202f200", "50\u00a0%"),
        ("600", "25\u00a0%"),
    ]
    assert chart.total == 2400


def test_bar_chart_without_rows_is_empty_and_says_so():
    chart = bar_chart(title="Nothing", rows=[])
    assert (chart.empty, chart.total, chart.bars) == (True, 0, [])
    assert "No data yet." in render_to_string("charts/bars.html", {"chart": chart})


def test_bar_chart_template_escapes_labels_and_writes_widths():
    chart = bar_chart(title="<b>T</b>", rows=[("<script>", 3), ("Égypte", 1)], show_share=True)
    html = render_to_string("charts/bars.html", {"chart": chart})
    assert "&lt;script&gt;" in html
    assert "<script>" not in html
    assert 'style="width: 100.0%"' in html
    assert 'style="width: 33.3%"' in html
    assert "&lt;b&gt;T&lt;/b&gt;" in html
    assert "(75%)" in html
