"""Filters for the report template: CSS-safe strings and language-aware typography."""

from __future__ import annotations

import re

from django import template
from django.utils.safestring import SafeString

register = template.Library()

NARROW_NBSP = "\u202f"


@register.filter
def wrap(value) -> str:
    """Plain text (names, titles) with break points in long unbroken strings."""
    return breakable(str(value))


@register.filter
def css_string(value) -> SafeString:
    """A quoted CSS string that cannot end the string, the rule or the <style> element.

    Everything but letters, digits and spaces is written as a CSS hexadecimal escape, so user
    text (the report title in the running header) stays text.
    """
    out = []
    for char in str(value):
        if char.isalnum() or char == " ":
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return SafeString('"' + "".join(out) + '"')


_FR_BEFORE = re.compile(r"[ \u00a0]+([;:!?»])")
_FR_AFTER = re.compile(r"«[ \u00a0]+")


ZERO_WIDTH_SPACE = "\u200b"
# A run of this many characters without a space gets a break opportunity after each chunk.
_LONG_RUN = re.compile(r"\S{60,}")
_CHUNK = re.compile(r"(\S{30})(?=\S)")


def breakable(text: str) -> str:
    """Long unbroken strings (a pasted link, 200,000 letters) get invisible break points.

    CSS ``overflow-wrap`` breaks them too, but WeasyPrint's search for a break inside one huge
    word grows with the square of its length (a 20,000-letter word took 15 s); zero-width
    spaces give the line breaker ordinary opportunities and the text extracts unchanged.
    """
    if len(text) < 60:
        return text
    return _LONG_RUN.sub(lambda match: _CHUNK.sub("\\1" + ZERO_WIDTH_SPACE, match.group()), text)


@register.filter
def typography(value, language: str = "en") -> str:
    """French spacing: a narrow no-break space before ; : ! ? » and after «; long strings wrap.

    Applied to plain text before autoescaping (the result is still escaped by the template).
    """
    text = breakable(str(value))
    if language == "fr":
        text = _FR_BEFORE.sub(NARROW_NBSP + r"\1", text)
        text = _FR_AFTER.sub("«" + NARROW_NBSP, text)
    return text
