"""Which language a translated text is shown in, for readers whose language is missing."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def reading_order() -> list[str]:
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    return [
        current,
        *(lang for lang in settings.MODELTRANSLATION_FALLBACK_LANGUAGES if lang != current),
    ]


def shown_language(obj, field: str) -> str | None:
    """The language whose text a reader gets for ``obj.<field>``, or None if there is none."""
    for lang in reading_order():
        if getattr(obj, f"{field}_{lang}", None):
            return lang
    return None


def missing_languages(obj, fields: tuple[str, ...]) -> list[str]:
    """Languages in which at least one of ``fields`` is filled elsewhere but empty here."""
    languages = [code for code, _name in settings.LANGUAGES]
    written = [f for f in fields if any(getattr(obj, f"{f}_{lang}", None) for lang in languages)]
    return [
        lang for lang in languages if any(not getattr(obj, f"{f}_{lang}", None) for f in written)
    ]


class MissingTranslationsMixin:
    """Admin list column naming the languages in which some written text is still missing."""

    translated_fields: tuple[str, ...] = ()

    @admin.display(description=_("missing translations"))
    def missing_translations(self, obj) -> str:
        return ", ".join(missing_languages(obj, self.translated_fields)) or "—"
