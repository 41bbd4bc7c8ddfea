"""The widgets of the participants' forms, rendered in Python.

Django renders each widget through its templates (``django/forms/widgets/*.html``, an include
for the attributes, one more per option): on the registration form that was most of the page's
time. These functions write the same markup as those templates, with every value escaped by
``format_html``; any other template goes to Django's renderer as before.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html, format_html_join


def _attrs(attrs: Mapping[str, object]) -> str:
    """Like ``attrs.html``: ``name="value"``, a bare name for True, nothing for False."""
    return "".join(
        f" {format_html('{}', name)}" if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: Mapping) -> str:
    value = widget["value"]
    value_attr = "" if value is None else format_html(' value="{}"', value)
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        value_attr,
        _safe(_attrs(widget["attrs"])),
    )


def _input_option(widget: Mapping) -> str | None:
    if widget.get("wrap_label"):
        return None  # the labelled variant stays with Django's template
    return _input(widget)


def _option(widget: Mapping) -> str:
    return format_html(
        '<option value="{}"{}>{}</option>',
        widget["value"],
        _safe(_attrs(widget["attrs"])),
        widget["label"],
    )


def _select(widget: Mapping) -> str:
    parts = []
    for group_name, group_choices, _index in widget["optgroups"]:
        options = format_html_join("", "\n  {}", ((_safe(_option(o)),) for o in group_choices))
        if group_name:
            parts.append(
                format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, options)
            )
        else:
            parts.append(options)
    return format_html(
        '<select name="{}"{}>{}\n</select>',
        widget["name"],
        _safe(_attrs(widget["attrs"])),
        _safe("".join(parts)),
    )


def _textarea(widget: Mapping) -> str:
    return format_html(
        '<textarea name="{}"{}>\n{}</textarea>',
        widget["name"],
        _safe(_attrs(widget["attrs"])),
        widget["value"] or "",
    )


def _safe(html: str):
    from django.utils.safestring import mark_safe

    return mark_safe(html)  # noqa: S308 - built by format_html above, values escaped


_WIDGETS = "django/forms/widgets/"
FAST_TEMPLATES = {
    **{
        f"{_WIDGETS}{name}.html": _input
        for name in ("input", "text", "email", "tel", "number", "url", "password", "checkbox")
    },
    f"{_WIDGETS}radio_option.html": _input_option,
    f"{_WIDGETS}checkbox_option.html": _input_option,
    f"{_WIDGETS}select.html": _select,
    f"{_WIDGETS}select_option.html": _option,
    f"{_WIDGETS}textarea.html": _textarea,
}


class FastWidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        fast = FAST_TEMPLATES.get(template_name)
        if fast is not None and "widget" in context:
            html = fast(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)


# One instance, so that its template engine (and the templates it falls back to) is built once.
FAST_WIDGET_RENDERER = FastWidgetRenderer()
