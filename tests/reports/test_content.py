"""What the built PDF says, in each language, and what it must never contain or fetch."""

import io
import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from registration.models import Registration
from reports import services
from tests.factories import (
    EventFactory,
    FindingFactory,
    RecommendationFactory,
    RegistrationFactory,
    ReportFactory,
    SessionFactory,
    SessionSummaryFactory,
)

pytestmark = pytest.mark.django_db

ARABIC = re.compile(r"[\u0600-\u06ff]")


def _pdf_text(report, language, **kwargs) -> str:
    rendered, _fallbacks = services.report_render(report=report, language=language, **kwargs)
    reader = PdfReader(io.BytesIO(rendered.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def full_report():
    event = EventFactory(title="Sahel webinar", region="Sahel and Sahara")
    session = SessionFactory(event=event, title="Legal obstacles panel")
    report = ReportFactory(
        event=event,
        title_en="Summary report",
        title_fr="Rapport de synthèse",
        title_ar="تقرير موجز",
        region_countries=["NE", "ML", "TD", "SN"],
    )
    SessionSummaryFactory(
        report=report,
        session=session,
        key_points_en="Plans ignore migration",
        key_points_fr="Les plans ignorent la migration",
        key_points_ar="الخطط تتجاهل الهجرة",
    )
    FindingFactory(
        report=report,
        challenge_type="legal",
        session=session,
        text_en="Laws exclude migrants from services",
        text_fr="Les lois excluent les migrants des services",
        text_ar="القوانين تستبعد المهاجرين من الخدمات",
    )
    RecommendationFactory(
        report=report,
        addressee="auc",
        stage="evaluation",
        level="continental",
        sdg_target="10.7",
        gcm_objective=23,
        text_en="Create a continental observatory",
        text_fr="Créer un observatoire continental",
        text_ar="إنشاء مرصد قاري",
    )
    people = [
        ("NE", "female", "fr", True, True),
        ("NE", "male", "fr", True, False),
        ("ML", "female", "ar", False, True),
        ("EG", "undisclosed", "en", True, True),
    ]
    for country, sex, language, attended, consent in people:
        RegistrationFactory(
            event=event,
            country=country,
            sex=sex,
            language=language,
            attended=attended,
            consent_listing=consent,
            last_name=f"Listed{country}{sex}" if consent else f"Hidden{country}{sex}",
        )
    RegistrationFactory(event=event, status=Registration.Status.WAITLISTED, last_name="Waiting")
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED, last_name="Gone")
    return report


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "Summary report",
                "Plans ignore migration",
                "Laws exclude migrants from services",
                "Create a continental observatory",
            ],
        ),
        (
            "fr",
            [
                "Rapport de synthèse",
                "Les plans ignorent la migration",
                "Les lois excluent les migrants des services",
                "Créer un observatoire continental",
            ],
        ),
    ],
)
def test_report_pdf_contains_findings_recommendations_and_statistics(
    full_report, language, expected
):
    text = _squash(_pdf_text(full_report, language, allow_fallback=False))
    for phrase in expected:
        assert phrase in text
    # Registered excludes cancelled; approved 4; attended 3; 2 countries (NE, ML) of 4 in region.
    with translation.override(language):
        figures = [
            f"{gettext('Registered')} 5",
            f"{gettext('Approved')} 4",
            f"{gettext('Attended')} 3",
            f"{gettext('Countries represented')} 3",
            gettext("%(present)s of %(total)s") % {"present": 2, "total": 4},
            gettext("SDG target %(target)s") % {"target": "10.7"},
            gettext("GCM objective %(objective)s") % {"objective": 23},
        ]
    for figure in figures:
        assert figure in text


def test_report_arabic_pdf_contains_arabic_and_is_right_to_left(full_report):
    rendered, _fallbacks = services.report_render(
        report=full_report, language="ar", allow_fallback=False
    )
    reader = PdfReader(io.BytesIO(rendered.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(ARABIC.findall(text)) >= 40
    assert reader.trailer["/Root"]["/Lang"] == "ar"
    assert reader.metadata.title == "تقرير موجز"
    # Arabic shaping needs an Arabic font embedded in the file.
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"].get("/Font", {}).values()
    }
    assert any(name.endswith("+Noto-Naskh-Arabic") for name in fonts)


def test_report_annex_lists_only_consenting_participants(full_report):
    text = _pdf_text(full_report, "en", allow_fallback=False)
    listed = sorted(set(re.findall(r"(Listed\w+)", text)))
    assert listed == ["ListedEGundisclosed", "ListedMLfemale", "ListedNEfemale"]
    assert "Hidden" not in text
    assert "Waiting" not in text


def test_report_statistics_breakdowns_count_approved_participants(full_report):
    from reports.selectors import report_statistics

    stats = report_statistics(event=full_report.event, region_countries=["NE", "ML", "TD", "SN"])
    assert (stats.registered, stats.approved, stats.attended, stats.consenting) == (5, 4, 3, 3)
    assert stats.by_sex == [("Female", 2), ("Male", 1), ("Prefer not to say", 1)]
    assert stats.by_language == [("English", 1), ("Français", 2), ("العربيّة", 1)]
    assert [(code, n) for code, _name, n in stats.by_country] == [("NE", 2), ("EG", 1), ("ML", 1)]
    assert (stats.region_countries_present, stats.region_countries_total) == (2, 4)


def test_report_missing_translations_lists_each_text(full_report):
    from reports.selectors import report_missing_translations

    assert report_missing_translations(report=full_report, language="fr") == []
    FindingFactory(report=full_report, text_en="Only in English", text_fr="", text_ar="")
    full_report.conclusions_fr = "Conclusions seulement en français"
    full_report.save()
    assert report_missing_translations(report=full_report, language="ar") == [
        "Report: conclusions (ar)",
        "Finding F2: text (ar)",
    ]
    assert report_missing_translations(report=full_report, language="en") == [
        "Report: conclusions (en)"
    ]


def test_report_hostile_text_everywhere_fetches_and_embeds_nothing(request_counter, tmp_path):
    port, hits = request_counter
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    hostile = (
        f'<img src=file://{secret}> <link rel=attachment href="file://{secret}"> '
        f"<style>@import url(http://127.0.0.1:{port}/import.css);</style> "
        f'<img src="http://127.0.0.1:{port}/img.png"> </style></title>"; }} '
    )
    event = EventFactory(title=("Hostile " + hostile)[:300], description=hostile)
    session = SessionFactory(event=event, title=hostile[:300])
    report = ReportFactory(event=event, title_en=hostile[:300], executive_summary_en=hostile)
    FindingFactory(report=report, session=session, text_en=hostile)
    RecommendationFactory(report=report, text_en=hostile)
    SessionSummaryFactory(report=report, session=session, key_points_en=hostile)
    RegistrationFactory(
        event=event, first_name=hostile[:150], organization=hostile[:200], consent_listing=True
    )
    rendered, _fallbacks = services.report_render(report=report, language="en")
    assert hits == []
    assert b"TOP-SECRET-CONTENT" not in rendered.content
    reader = PdfReader(io.BytesIO(rendered.content))
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    text = _squash("\n".join(page.extract_text() for page in reader.pages))
    # The markup is printed as text, proof that it was escaped rather than interpreted.
    assert "<link rel=attachment href=" in text
    assert "@import url(http://127.0.0.1" in text


def test_css_string_filter_keeps_user_text_inside_the_string():
    from reports.templatetags.report_tags import css_string

    assert css_string('a"; } </style>') == '"a\\22 \\3b  \\7d  \\3c \\2f style\\3e "'


def test_typography_filter_adds_french_no_break_spaces():
    from reports.templatetags.report_tags import typography

    assert typography("Objectifs : agir ! « Oui »", "fr") == (
        "Objectifs\u202f: agir\u202f! «\u202fOui\u202f»"
    )
    assert typography("Goals : act !", "en") == "Goals : act !"


def test_report_long_unbroken_word_wraps_inside_the_page(tmp_path):
    """A 200,000-letter word is printed whole, on lines within the page's width."""
    import subprocess

    word = "W" * 200_000
    report = ReportFactory(executive_summary_en=f"Before {word} after", title_en="L" * 300)
    rendered, _fallbacks = services.report_render(report=report, language="en")
    path = tmp_path / "long.pdf"
    path.write_bytes(rendered.content)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert text.replace("Webinar", "").count("W") == 200_000
    assert text.count("L") >= 300
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    right_edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)]
    page_width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    assert len(right_edges) > 2000
    # A4 is 595 points wide with 20 mm (57 points) margins: nothing goes past the right one.
    assert page_width == pytest.approx(595.3, abs=0.5)
    assert max(right_edges) <= page_width - 56


@pytest.mark.parametrize("wide", ["W", "\u0645", "\U0001f30d"])
def test_annex_names_without_spaces_stay_inside_the_page(tmp_path, wide):
    """The annex looks for no break inside a word: none of its words is too wide for a line.

    The widest Latin letter, an Arabic one and an emoji, just below and far above the length
    at which ``breakable`` cuts a word.
    """
    import subprocess

    report = ReportFactory()
    for n, length in enumerate((59, 400)):
        RegistrationFactory(
            event=report.event,
            first_name=wide * min(length, 150),
            last_name=f"Person{n}",
            organization=wide * min(length, 200),
            consent_listing=True,
        )
    rendered, _fallbacks = services.report_render(report=report, language="en")
    path = tmp_path / "annex.pdf"
    path.write_bytes(rendered.content)
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    page_width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    words = re.findall(r'xMin="([\d.]+)"[^>]*xMax="([\d.]+)"[^>]*>([^<]*)<', boxes)
    wide_words = [(float(x0), float(x1)) for x0, x1, word in words if wide * 20 in word]
    assert len(wide_words) >= 4
    # A4 is 595 points wide with 20 mm (57 points) margins: nothing goes past the right one.
    assert max(x1 for _x0, x1 in wide_words) <= page_width - 56


def test_report_country_chart_title_counts_the_bars_it_draws():
    codes = ["NE", "ML", "TD", "BF", "MR", "SN", "NG", "SD", "EG", "LY", "DZ", "MA", "CH", "GM"]
    codes += ["CM", "ER"]
    report = ReportFactory()
    for n, code in enumerate(codes):
        for _copy in range(20 - n):
            RegistrationFactory(event=report.event, country=code)
    text = _squash(_pdf_text(report, "en"))
    # 16 countries: the chart draws 15 and says so; the table below lists all 16, Eritrea last.
    assert "The 15 countries with most participants Niger 20 (" in text
    assert "Cameroon 6 (" in text
    assert "Eritrea 5 (" not in text
    assert "Participants by country Country Participants Niger 20" in text
    assert text.index("Eritrea 5") > text.index("Participants by country")
