"""What the report template is given: the contents list, the titles, the charts' titles, the
annex, the logos. Read from the context, without rendering a PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone, translation

from reports import services
from reports.models import Report
from reports.services import builds
from tests.factories import (
    EventFactory,
    RecommendationFactory,
    RegistrationFactory,
    ReportFactory,
    SessionFactory,
    SessionSummaryFactory,
)
from webinar.models import Organisation, Series

pytestmark = pytest.mark.django_db


def _context(report: Report, language: str = "en", **kwargs) -> dict:
    with translation.override(language):
        return services.report_render_context(
            report=report, language=language, allow_fallback=True, **kwargs
        )


def test_contents_of_a_report_with_only_what_every_report_has():
    report = ReportFactory(title_en="Water")
    context = _context(report)
    assert context["toc"] == [
        ("key-figures", "Key figures"),
        ("background", "Background"),
        ("agenda", "Agenda"),
        ("findings", "Findings"),
        ("recommendations", "Recommendations"),
        ("participation", "Participation"),
        ("annex", "Annex: list of participants"),
    ]
    assert (context["has_summaries"], context["sessions_count"]) == (False, 0)


def test_contents_of_a_report_with_every_section():
    report = ReportFactory(
        title_en="Water",
        executive_summary_en="In short.",
        objectives_en="To learn.",
        conclusions_en="We learnt.",
        next_steps_en="More.",
    )
    SessionSummaryFactory(report=report)
    SessionFactory(event=report.event)  # a session without a summary
    RecommendationFactory(report=report)
    context = _context(report)
    assert context["toc"] == [
        ("key-figures", "Key figures"),
        ("summary", "Executive summary"),
        ("background", "Background"),
        ("objectives", "Objectives"),
        ("agenda", "Agenda"),
        ("sessions", "Session summaries"),
        ("findings", "Findings"),
        ("recommendations", "Recommendations"),
        ("index", "Index of recommendations by addressee"),
        ("stages", "Recommendations by stage of the national development process"),
        ("conclusions", "Conclusions"),
        ("next-steps", "Next steps"),
        ("participation", "Participation"),
        ("annex", "Annex: list of participants"),
    ]
    assert (context["has_summaries"], context["sessions_count"]) == (True, 2)


def test_contents_in_french():
    context = _context(ReportFactory(title_fr="Eau", title_en="Water"), "fr")
    assert context["toc"][0] == ("key-figures", "Chiffres clés")
    assert (context["meeting_kind"], context["page_word"], context["of_word"]) == (
        "Webinaire",
        "Page",
        "sur",
    )
    assert (context["language"], context["rtl"]) == ("fr", False)


def test_the_words_printed_around_the_pages():
    context = _context(ReportFactory(title_en="Water"))
    assert (
        context["meeting_kind"],
        context["page_word"],
        context["of_word"],
        context["draft_word"],
    ) == ("Webinar", "Page", "of", "DRAFT")
    assert (context["language"], context["rtl"]) == ("en", False)
    assert context["chart_base"] == builds.GENERATED_BASE_URL


def test_arabic_reads_right_to_left():
    context = _context(ReportFactory(title_ar="تقرير"), "ar")
    assert (context["language"], context["rtl"]) == ("ar", True)


def test_draft_until_the_report_is_final():
    report = ReportFactory(title_en="Water")
    assert _context(report)["draft"] is True
    services.report_mark_final(report=report)
    assert _context(report)["draft"] is False


def test_title_of_the_event_when_the_report_has_none():
    event = EventFactory(title="Water and migration")
    context = _context(ReportFactory(event=event, title_en=""))
    title = context["title"]
    assert (title.value, title.language, title.fallback) == ("Water and migration", "en", False)
    assert context["kind_label"] == "Summary report"
    assert context["running_title"] == "Water and migration"


def test_kind_label_left_out_when_the_title_already_says_it():
    context = _context(ReportFactory(title_en="Water webinar: SUMMARY REPORT"))
    assert context["kind_label"] == ""


def test_running_title_is_the_short_title_else_a_title_that_fits_else_the_kind():
    assert _context(ReportFactory(title_en="W" * 81, short_title_en="Water"))["running_title"] == (
        "Water"
    )
    assert _context(ReportFactory(title_en="W" * 80))["running_title"] == "W" * 80
    assert _context(ReportFactory(title_en="W" * 81))["running_title"] == "Summary report"


def test_event_date_is_the_day_in_the_events_time_zone():
    # 23:30 UTC on 5 March is already 6 March in Cairo.
    starts = dt.datetime(2031, 3, 5, 23, 30, tzinfo=dt.UTC)
    event = EventFactory(starts_at=starts, time_zone="Africa/Cairo")
    assert _context(ReportFactory(event=event, title_en="Water"))["event_date"] == "6 March 2031"


def _countries(report: Report, count: int) -> None:
    codes = ["NE", "ML", "TD", "BF", "MR", "SN", "NG", "SD", "EG", "LY", "DZ", "MA", "CH", "GM"]
    codes += ["CM", "ER"]
    for n, code in enumerate(codes[:count]):
        for _copy in range(count + 1 - n):
            RegistrationFactory(event=report.event, country=code)


def test_country_chart_of_fifteen_countries_shows_them_all_without_a_table():
    report = ReportFactory(title_en="Water")
    _countries(report, 15)
    context = _context(report)
    chart = context["charts"]["country"]
    assert chart.title == "Participants by country"
    assert len(chart.bars) == 15
    assert chart.total == context["statistics"].approved == sum(range(2, 17))
    assert context["countries_table"] is False


def test_country_chart_of_sixteen_countries_shows_fifteen_and_a_table():
    report = ReportFactory(title_en="Water")
    _countries(report, 16)
    context = _context(report)
    chart = context["charts"]["country"]
    assert chart.title == "The 15 countries with most participants"
    assert [bar.label for bar in chart.bars][:2] == ["Niger", "Mali"]
    assert len(chart.bars) == 15
    assert chart.total == sum(range(2, 18))
    assert context["countries_table"] is True


def test_the_other_charts_titles_and_shares():
    report = ReportFactory(title_en="Water")
    RegistrationFactory(event=report.event, category="local_government", sex="female")
    RegistrationFactory(event=report.event, category="local_government", sex="male")
    RegistrationFactory(event=report.event, category="civil_society", sex="female")
    charts = _context(report)["charts"]
    assert {key: chart.title for key, chart in charts.items()} == {
        "category": "Participants by category",
        "country": "Participants by country",
        "sex": "Participants by sex",
        "language": "Participants by language of registration",
    }
    assert all(chart.show_share for chart in charts.values())
    assert [(bar.value, bar.share) for bar in charts["category"].bars] == [(2, 66.7), (1, 33.3)]


def test_annex_groups_people_by_country_name_then_by_last_and_first_name():
    report = ReportFactory(title_en="Water")
    event = report.event
    listed = {"consent_listing": True}
    RegistrationFactory(event=event, country="NE", first_name="Zara", last_name="Ba", **listed)
    RegistrationFactory(event=event, country="NE", first_name="Ali", last_name="Ba", **listed)
    RegistrationFactory(event=event, country="NE", first_name="Awa", last_name="Abdou", **listed)
    RegistrationFactory(event=event, country="ML", first_name="Musa", last_name="Diarra", **listed)
    RegistrationFactory(event=event, country="", first_name="Sans", last_name="Pays", **listed)
    RegistrationFactory(event=event, country="NE", first_name="Not", last_name="Listed")
    annex = _context(report)["annex"]
    # One line per person, last name first, in each country's block.
    assert annex == [
        ("Country not given", "Pays, Sans — Ministry (fictional)"),
        ("Mali", "Diarra, Musa — Ministry (fictional)"),
        (
            "Niger",
            "Abdou, Awa — Ministry (fictional)\n"
            "Ba, Ali — Ministry (fictional)\n"
            "Ba, Zara — Ministry (fictional)",
        ),
    ]


def test_annex_names_an_unknown_country_by_its_code():
    report = ReportFactory(title_en="Water")
    RegistrationFactory(event=report.event, country="ZZ", consent_listing=True)
    assert [country for country, _people in _context(report)["annex"]] == ["ZZ"]


def _organisation(name: str, logo: bytes | None = None) -> Organisation:
    organisation = Organisation.objects.create(name=name)
    if logo is not None:
        organisation.logo.save(f"{name.lower()}.png", ContentFile(logo))
    return organisation


def test_logos_of_the_organisers_and_partners_go_to_the_renderer():
    series: Series = EventFactory().series
    report = ReportFactory(event=EventFactory(series=series), title_en="Water")
    with_logo = _organisation("Centre", b"\x89PNG centre")
    without = _organisation("Donor")
    partner = _organisation("Agency", b"\x89PNG agency")
    series.organisers.add(with_logo, without)
    series.partners.add(partner)
    generated: dict = {}
    context = _context(report, generated=generated)
    assert context["organisers"] == [
        {"name": "Centre", "logo": f"organiser-{with_logo.pk}.png"},
        {"name": "Donor", "logo": ""},
    ]
    assert context["partners"] == [{"name": "Agency", "logo": f"partner-{partner.pk}.png"}]
    assert generated == {
        f"organiser-{with_logo.pk}.png": (b"\x89PNG centre", "image/png"),
        f"partner-{partner.pk}.png": (b"\x89PNG agency", "image/png"),
    }


def test_a_logo_too_large_or_missing_is_left_out_and_the_name_printed_alone():
    series: Series = EventFactory().series
    report = ReportFactory(event=EventFactory(series=series), title_en="Water")
    largest = _organisation("Largest", b"L" * builds.LOGO_MAX_BYTES)
    too_large = _organisation("Too large", b"T" * (builds.LOGO_MAX_BYTES + 1))
    missing = _organisation("Missing", b"M")
    default_storage.delete(missing.logo.name)
    series.organisers.add(largest, too_large, missing)
    generated: dict = {}
    context = _context(report, generated=generated)
    assert context["organisers"] == [
        {"name": "Largest", "logo": f"organiser-{largest.pk}.png"},
        {"name": "Missing", "logo": ""},
        {"name": "Too large", "logo": ""},
    ]
    assert list(generated) == [f"organiser-{largest.pk}.png"]
    assert len(generated[f"organiser-{largest.pk}.png"][0]) == builds.LOGO_MAX_BYTES


def test_generated_at_is_the_time_of_the_context():
    before = timezone.now()
    generated_at = _context(ReportFactory(title_en="Water"))["generated_at"]
    assert before <= generated_at <= timezone.now()


def test_render_reports_its_progress_and_the_texts_that_fell_back():
    report = ReportFactory(title_en="Water", background_en="Rivers.", background_fr="")
    seen: list[int] = []
    rendered, fallbacks = services.report_render(
        report=report, language="fr", allow_fallback=True, progress=seen.append
    )
    assert seen == [30]
    assert rendered.content[:5] == b"%PDF-"
    assert rendered.pages >= 1
    assert fallbacks == ["titre", "contexte"]  # named in the build's language


def test_the_context_carries_the_event_its_series_and_the_statistics_asked_for():
    report = ReportFactory(title_en="Water", region_countries=["NE", "ML", "TD"])
    RegistrationFactory(event=report.event, country="NE")
    RegistrationFactory(event=report.event, country="EG")
    context = _context(report)
    assert (context["event"], context["series"]) == (report.event, report.event.series)
    statistics = context["statistics"]
    assert (statistics.approved, statistics.countries_total) == (2, 2)
    assert (statistics.region_countries_total, statistics.region_countries_present) == (3, 1)


def test_charts_in_french_are_titled_and_labelled_in_french():
    report = ReportFactory(title_en="Water", title_fr="Eau")
    _countries(report, 16)
    charts = _context(report, "fr")["charts"]
    assert charts["country"].title == "Les 15 pays qui comptent le plus de participants"
    assert charts["category"].title == "Participants par catégorie"
    assert [bar.label for bar in charts["category"].bars] == [
        "Gouvernement national (ministère, agence)"
    ]
    assert charts["country"].bars[0].label == "Niger"
    niger = charts["country"].bars[0]  # 17 of the 152 participants
    assert (niger.share, niger.share_text) == (11.2, "11\u00a0%")


def test_render_prints_the_logos_and_falls_back_unless_told_not_to():
    import io

    from PIL import Image
    from pypdf import PdfReader

    series: Series = EventFactory().series
    report = ReportFactory(
        event=EventFactory(series=series), title_en="Water", background_en="Rivers."
    )
    logo = io.BytesIO()
    Image.new("RGB", (7, 5), "navy").save(logo, format="PNG")
    series.partners.add(_organisation("Agency", logo.getvalue()))
    rendered, fallbacks = services.report_render(report=report, language="fr")
    assert fallbacks == ["titre", "contexte"]
    reader = PdfReader(io.BytesIO(rendered.content))
    sizes = [image.image.size for page in reader.pages for image in page.images]
    assert (7, 5) in sizes


def test_annex_in_arabic_follows_the_arabic_collation():
    # Arabic dictionaries put Arabic script before Latin, which the database's order (by country
    # code, then name) does not: the countries and the people are sorted again.
    report = ReportFactory(title_ar="تقرير")
    listed = {"event": report.event, "consent_listing": True, "organization": "Agency"}
    RegistrationFactory(country="NE", first_name="Ali", last_name="Ba", **listed)
    RegistrationFactory(country="NE", first_name="أمين", last_name="Ba", **listed)
    RegistrationFactory(country="NE", first_name="Musa", last_name="بشير", **listed)
    RegistrationFactory(country="ML", first_name="Awa", last_name="Diarra", **listed)
    RegistrationFactory(country="ZZ", first_name="Sans", last_name="Code", **listed)
    annex = _context(report, "ar")["annex"]
    assert [country for country, _lines in annex] == ["النيجر", "مالي", "ZZ"]
    assert annex[0][1].split("\n") == [
        "بشير, Musa — Agency",
        "Ba, أمين — Agency",
        "Ba, Ali — Agency",
    ]


def test_countries_with_as_many_participants_follow_the_languages_collation():
    report = ReportFactory(title_ar="تقرير")
    RegistrationFactory(event=report.event, country="ZZ")  # unknown: named by its code
    RegistrationFactory(event=report.event, country="NE")
    context = _context(report, "ar")
    assert [code for code, _name, _n in context["statistics"].by_country] == ["NE", "ZZ"]
    assert [bar.label for bar in context["charts"]["country"].bars] == ["النيجر", "ZZ"]


def test_logos_are_named_without_a_dict_for_the_renderer():
    series: Series = EventFactory().series
    report = ReportFactory(event=EventFactory(series=series), title_en="Water")
    centre = _organisation("Centre", b"\x89PNG centre")
    series.organisers.add(centre)
    assert _context(report)["organisers"] == [
        {"name": "Centre", "logo": f"organiser-{centre.pk}.png"}
    ]


def test_date_and_every_charts_figures_in_french():
    starts = dt.datetime(2031, 3, 5, 10, 0, tzinfo=dt.UTC)
    report = ReportFactory(event=EventFactory(starts_at=starts), title_fr="Eau")
    RegistrationFactory(event=report.event, sex="female")
    RegistrationFactory(event=report.event, sex="male")
    RegistrationFactory(event=report.event, sex="female")
    context = _context(report, "fr")
    assert context["event_date"] == "5 mars 2031"
    shares = {
        key: [bar.share_text for bar in chart.bars if bar.value]
        for key, chart in context["charts"].items()
    }
    assert shares == {
        "category": ["100\u00a0%"],
        "country": ["100\u00a0%"],
        "sex": ["67\u00a0%", "33\u00a0%"],
        "language": ["100\u00a0%"],
    }


def test_texts_in_the_builds_language_and_the_ones_that_fall_back():
    report = ReportFactory(
        title_en="Water", title_fr="Eau", background_en="Rivers.", background_fr=""
    )
    context = _context(report, "fr")
    title = context["title"]
    assert (title.value, title.language, title.fallback) == ("Eau", "fr", False)
    background = context["texts"]["background"]
    assert (background.value, background.language, background.fallback) == ("Rivers.", "en", True)
    assert context["fallbacks"] == ["contexte"]


def test_without_fallback_a_missing_text_is_left_empty():
    report = ReportFactory(title_en="Water", title_fr="Eau", background_en="Rivers.")
    with translation.override("fr"):
        context = services.report_render_context(report=report, language="fr", allow_fallback=False)
    background = context["texts"]["background"]
    assert (background.value, background.language, background.fallback) == ("", "fr", False)
    assert context["fallbacks"] == []
