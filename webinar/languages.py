"""The languages of the site, from ``settings.LANGUAGES``: their codes and their names.

Names come from Django's language table: a language's own name (its autonym, as a participant
looks for it in a list) or its name in the reader's language (in labels of the interface).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language_info

# The interface and content languages, in the order of settings.LANGUAGES.
LANGUAGE_CODES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)


def language_autonym(code: str) -> str:
    """The language's own name, capitalised as a list entry ("Français", "العربيّة")."""
    try:
        name = get_language_info(code)["name_local"]
    except KeyError:
        return code
    return name[:1].upper() + name[1:]


def language_name(code: str) -> str:
    """The language's name in the active language ("French", or "français" in French)."""
    names = dict(settings.LANGUAGES)
    if code in names:
        return str(names[code])
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def autonym_choices(codes: tuple[str, ...] = LANGUAGE_CODES) -> list[tuple[str, str]]:
    return [(code, language_autonym(code)) for code in codes]
