"""Filters for the report template: CSS-safe strings and language-aware typography."""

from __future__ import annotations

import re

from django import template
from django.utils.safestring import SafeString

register = template.Library()

NARROW_NBSP = "\u202f"


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


@register.filter
def typography(value, language: str = "en") -> str:
    """French spacing: a narrow no-break space before ; : ! ? » and after «.

    Applied to plain text before autoescaping (the result is still escaped by the template).
    """
    text = str(value)
    if language == "fr":
        text = _FR_BEFORE.sub(NARROW_NBSP + r"\1", text)
        text = _FR_AFTER.sub("«" + NARROW_NBSP, text)
    return text
