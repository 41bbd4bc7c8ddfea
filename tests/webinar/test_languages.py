"""One list of languages (settings.LANGUAGES) and one rule for translated texts."""

import pytest
from django.utils import translation

from registration.models import Registration
from reports.models import ReportBuild
from tests.factories import FindingFactory, ReportFactory
from webinar.content_i18n import (
    missing_fields,
    missing_languages,
    model_translated_fields,
    reading_order,
    text_with_fallback,
)
from webinar.languages import LANGUAGE_CODES, autonym_choices, language_autonym, language_name


def test_language_codes_are_those_of_the_settings(settings):
    assert LANGUAGE_CODES == tuple(code for code, _name in settings.LANGUAGES) == ("en", "fr", "ar")


def test_language_names_come_from_django():
    assert autonym_choices() == [("en", "English"), ("fr", "Français"), ("ar", "العربيّة")]
    assert language_autonym("pt") == "Português"
    assert language_autonym("xx") == "xx"
    with translation.override("fr"):
        assert [language_name(code) for code in ("en", "ar", "es")] == [
            "Anglais",
            "Arabe",
            "Espagnol",
        ]


def test_models_choose_among_the_settings_languages():
    for field in (
        Registration._meta.get_field("language"),
        Registration._meta.get_field("interpretation_language"),
        ReportBuild._meta.get_field("language"),
    ):
        assert [code for code, _label in field.choices] == list(LANGUAGE_CODES)


def test_reading_order_starts_with_the_asked_language():
    assert reading_order("ar") == ["ar", "en", "fr"]
    with translation.override("fr"):
        assert reading_order() == ["fr", "en", "ar"]


@pytest.mark.django_db
def test_report_texts_follow_the_shared_rule():
    report = ReportFactory(title_en="Report", title_fr="  ", title_ar="تقرير", conclusions_en="")
    finding = FindingFactory(report=report, text_en="", text_fr="Constat", text_ar="")
    assert model_translated_fields(report) == (
        "title",
        "short_title",
        "executive_summary",
        "background",
        "objectives",
        "conclusions",
        "next_steps",
    )
    # Blanks are not a text; nothing written anywhere is not missing.
    assert missing_fields(report, ("title", "conclusions"), "fr") == ["title"]
    assert missing_languages(finding, ("text",)) == ["en", "ar"]
    assert text_with_fallback(report, "title", "fr") == ("Report", "en")
    assert text_with_fallback(finding, "text", "ar") == ("Constat", "fr")
    assert text_with_fallback(report, "conclusions", "en") == ("", None)
