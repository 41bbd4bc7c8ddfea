"""Form helpers for the registration templates."""

from __future__ import annotations

from django import template

register = template.Library()

# A label that is a sentence ("I agree to ... the privacy notice.") loses its final stop before
# the error summary adds ": message"; a question keeps its question mark.
_FINAL_STOPS = ".:;。·"


@register.filter
def summary_label(label) -> str:
    return str(label).strip().rstrip(_FINAL_STOPS).rstrip()
