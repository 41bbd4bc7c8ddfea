from django import forms
from django.utils.translation import gettext_lazy as _

from registration.models import Registration


class RegistrationForm(forms.ModelForm):
    class Meta:
        model = Registration
        fields = [
            "first_name",
            "last_name",
            "email",
            "country",
            "organization",
            "category",
            "language",
        ]
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "organization": forms.TextInput(attrs={"autocomplete": "organization"}),
        }
        error_messages = {
            "email": {"invalid": _("Enter a valid email address, such as name@example.org.")},
        }

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()
