"""Agenda helpers for templates."""

from __future__ import annotations

from django import template

from webinar.content_i18n import shown_language

register = template.Library()


@register.filter
def kind_label(session) -> str:
    """The session's kind, or nothing when the title already says it: a session titled
    "Break" of kind break reads "Break", not "Break Break"."""
    label = str(session.get_kind_display())
    lang = shown_language(session, "title")
    title = getattr(session, f"title_{lang}", "") if lang else ""
    return "" if title.strip().casefold() == label.casefold() else label
