"""Translated content (django-modeltranslation): what is written, what is missing, what is shown.

One rule for every translated model (series, events, sessions, people, questions, the report's
texts): a text counts as written when it has more than blanks; a reader whose language lacks it
gets the first language of ``reading_order`` that has it; a language is missing a text when
another language has it and this one does not (nothing written anywhere is not missing).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db.models import Model
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator

from webinar.languages import LANGUAGE_CODES


def model_translated_fields(model: type[Model] | Model) -> tuple[str, ...]:
    """The fields registered for translation on ``model``, in the model's field order
    (django-modeltranslation keeps them as a set)."""
    model_class = model if isinstance(model, type) else type(model)
    registered = set(translator.get_options_for_model(model_class).get_field_names())
    return tuple(f.name for f in model_class._meta.get_fields() if f.name in registered)


def text_in(obj: Any, field: str, language: str) -> str:
    """The text of ``field`` written in ``language``; "" when there is none."""
    return (getattr(obj, f"{field}_{language}", None) or "").strip()


def reading_order(language: str | None = None) -> list[str]:
    """``language`` (by default the active one), then the fallback languages in their order."""
    first = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    return [
        first,
        *(lang for lang in settings.MODELTRANSLATION_FALLBACK_LANGUAGES if lang != first),
    ]


def text_with_fallback(obj: Any, field: str, language: str | None = None) -> tuple[str, str | None]:
    """(text, the language it is written in) by the reading order; ("", None) when none."""
    for lang in reading_order(language):
        value = text_in(obj, field, lang)
        if value:
            return value, lang
    return "", None


def shown_language(obj: Any, field: str) -> str | None:
    """The language whose text a reader gets for ``obj.<field>``, or None if there is none."""
    return text_with_fallback(obj, field)[1]


def missing_fields(obj: Any, fields: tuple[str, ...], language: str) -> list[str]:
    """Those of ``fields`` written in some language but not in ``language``."""
    return [
        name
        for name in fields
        if not text_in(obj, name, language)
        and any(text_in(obj, name, lang) for lang in LANGUAGE_CODES)
    ]


def missing_languages(obj: Any, fields: tuple[str, ...]) -> list[str]:
    """Languages in which at least one of ``fields`` is written elsewhere but empty here."""
    return [lang for lang in LANGUAGE_CODES if missing_fields(obj, fields, lang)]


class MissingTranslationsMixin:
    """Admin list column naming the languages in which some written text is still missing
    (of the texts the model registers for translation)."""

    @admin.display(description=_("missing translations"))
    def missing_translations(self, obj: Model) -> str:
        return ", ".join(missing_languages(obj, model_translated_fields(obj))) or "—"
