from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from registration.forms import StripBidiControlsMixin
from webinar.languages import autonym_choices


class NomineeForm(StripBidiControlsMixin, forms.Form):
    """The person a focal point nominates; the nominee completes the rest themselves."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        error_messages={"invalid": _("Enter a valid email address, such as name@example.org.")},
    )
    position = forms.CharField(
        label=_("Position"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    organization = forms.CharField(
        label=_("Institution"),
        max_length=200,
        required=False,
        help_text=_("The ministry or institution they work for."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    language = forms.ChoiceField(label=_("Preferred language"), choices=autonym_choices())

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}
