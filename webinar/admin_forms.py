"""Form fields of the admin as organisers writing in three languages need them.

- ``dir="rtl"`` on the Arabic column of every translated text (``*_ar``) and ``dir="auto"`` on
  other free text, so Arabic is typed and read right to left wherever it is written;
- language codes (a session's languages, its interpretation) chosen from the site's languages
  (``settings.LANGUAGES``) as checkboxes, not typed as "fr,ar";
- a searchable two-pane picker for long lists of countries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.contrib.admin import widgets
from django.db import models

# Text that is not prose: codes, addresses, links.
_NOT_PROSE = (models.EmailField, models.URLField, models.SlugField, models.FilePathField)

# {field name: label of the searchable picker}: multiple-choice country fields.
COUNTRY_PICKERS = ("region_countries",)
# Fields holding language codes separated by commas.
LANGUAGE_CODE_FIELDS = ("languages", "interpretation")


class LanguageCodesField(forms.MultipleChoiceField):
    """Several of the site's languages, stored as comma-separated codes ("en,fr")."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, required: bool = False, **kwargs):
        kwargs.pop("max_length", None)
        kwargs.pop("empty_value", None)
        super().__init__(choices=settings.LANGUAGES, required=required, **kwargs)

    def prepare_value(self, value):
        # "en,fr" as stored, or a list of ticked codes (a client may send "en,fr" as one).
        parts = [value] if isinstance(value, str) else list(value or [])
        return [code.strip() for part in parts for code in str(part).split(",") if code.strip()]

    def to_python(self, value):
        return super().to_python(self.prepare_value(value))

    def clean(self, value):
        codes = super().clean(value)
        order = [code for code, _name in settings.LANGUAGES]
        return ",".join(sorted(codes, key=order.index))

    def has_changed(self, initial, data):
        return self.prepare_value(initial or "") != self.prepare_value(data or [])


if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    _AdminBase = ModelAdmin
else:
    _AdminBase = object


class AdminFormsMixin(_AdminBase):
    """For ModelAdmins and inlines: text direction, language checkboxes, country picker."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in LANGUAGE_CODE_FIELDS and isinstance(db_field, models.CharField):
            return LanguageCodesField(
                label=db_field.verbose_name.capitalize(),
                required=not db_field.blank,
            )
        if db_field.name in COUNTRY_PICKERS:
            kwargs["widget"] = widgets.FilteredSelectMultiple(db_field.verbose_name, False)
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        is_text = isinstance(db_field, (models.CharField, models.TextField))
        if (
            formfield is not None
            and is_text
            and not db_field.choices
            and not isinstance(db_field, _NOT_PROSE)
        ):
            # A translated column's widget is a copy of its source field's: set, not default.
            widget = getattr(formfield.widget, "widget", None) or formfield.widget
            widget.attrs["dir"] = "rtl" if db_field.name.endswith("_ar") else "auto"
        return formfield


def zone_note(zone: str) -> str:
    """Said once at the top of a form whose times are in an event's zone."""
    from django.utils import translation
    from django.utils.translation import gettext

    from webinar import locale

    name = locale.zone_name(zone, language=translation.get_language())
    return gettext("Times on this page are in the event's time zone: %(name)s (%(zone)s).") % {
        "name": name,
        "zone": zone,
    }


def short_title_column(path: str, description, *, ordering: str, length: int = 40):
    """A list column with the title of a related row (``"event"``, ``"series"``), shortened.

    Django never wraps a foreign-key column (it marks it ``nowrap``), so one long event title
    pushed the columns after it off a 1366 px screen; the whole title is on the row's page.
    """
    from django.contrib import admin
    from django.utils.text import Truncator

    @admin.display(description=description, ordering=ordering)
    def column(obj) -> str:
        value = obj
        for part in path.split("__"):
            value = getattr(value, part)
        return Truncator(str(value)).chars(length)

    return column
