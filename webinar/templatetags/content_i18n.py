"""``{% translated obj "field" %}``: a content text in the reader's language, or another one
marked with its ``lang`` and a visible note when the reader's language is missing."""

from django import template
from django.template.defaultfilters import linebreaks_filter
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from webinar.content_i18n import text_with_fallback

register = template.Library()


@register.simple_tag
def translated(obj, field: str, block: bool = False):
    value, lang = text_with_fallback(obj, field)
    if lang is None:
        return ""
    body = linebreaks_filter(value, autoescape=True) if block else value
    if lang == (get_language() or "en")[:2]:
        return format_html("{}", body)
    note = _("in %(language)s") % {"language": get_language_info(lang)["name_translated"]}
    element = "div" if block else "span"
    direction = "rtl" if get_language_info(lang)["bidi"] else "ltr"
    return format_html(
        '<{el} lang="{lang}" dir="{dir}">{body}</{el}> <small class="fallback">({note})</small>',
        el=element,
        lang=lang,
        dir=direction,
        body=body,
        note=note,
    )
