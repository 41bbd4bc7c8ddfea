from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from registration.importers import MAX_UPLOAD_BYTES
from registration.models import Question, Registration, Sex
from webinar.models import Event
from webinar.text import strip_bidi_controls

QUESTION_PREFIX = "q_"

# The mixins below are for forms; type checkers see them as forms.
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


@functools.cache
def country_codes() -> frozenset[str]:
    return frozenset(code for code, _name in countries)


BLANK_LABELS = {
    "honorific": _("(none)"),
    "country": _("Choose your country"),
    "category": _("Choose a category"),
    "interpretation_language": _("No interpretation needed"),
}


def _relabelled(choices, label) -> list:
    return [("", label), *[c for c in choices if c[0] != ""]]


def label_blank_choices(form: forms.BaseForm) -> None:
    """Say what an empty choice means instead of Django's dashes."""
    for name, label in BLANK_LABELS.items():
        if name in form.fields:
            field = cast(forms.ChoiceField, form.fields[name])
            # A callable keeps the choices lazy: the country list is only sorted to render.
            field.choices = functools.partial(_relabelled, field.choices, label)


def fast_country_validation(field: forms.Field) -> None:
    """Check a country code against a set: the stock check walks ~250 translated choices."""
    # On this one field instance only (the class's check stays for every other choice field).
    cast(forms.ChoiceField, field).valid_value = (  # type: ignore[method-assign]
        lambda value: str(value) in country_codes()
    )


HONEYPOT = "website"

DETAIL_WIDGETS = {
    "email": forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
    "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
    "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    "organization": forms.TextInput(attrs={"autocomplete": "organization"}),
    "position": forms.TextInput(attrs={"autocomplete": "organization-title"}),
    "accessibility_needs": forms.Textarea(attrs={"rows": 3}),
    "sex": forms.RadioSelect,
}


def question_field(question: Question) -> forms.Field:
    common: dict[str, Any] = {
        "label": question.label,
        "help_text": question.help_text,
        "required": question.required,
    }
    choices = [(choice, choice) for choice in question.choice_list()]
    kind = Question.Kind
    if question.kind == kind.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, **common)
    if question.kind == kind.CHOICE:
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if question.kind == kind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if question.kind == kind.YES_NO:
        return forms.TypedChoiceField(
            choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect, **common
        )
    return forms.CharField(max_length=300, **common)


class QuestionsMixin(_FormBase):
    """Adds an event's own questions as fields named q_<id>."""

    questions: list[Question]

    def add_questions(
        self, questions: list[Question], answers: dict[int, str] | None = None
    ) -> None:
        self.questions = questions
        for question in questions:
            field = question_field(question)
            name = f"{QUESTION_PREFIX}{question.pk}"
            self.fields[name] = field
            if answers and question.pk in answers:
                value = answers[question.pk]
                self.initial[name] = (
                    value.splitlines() if question.kind == Question.Kind.MULTIPLE else value
                )

    def question_fields(self):
        return [self[f"{QUESTION_PREFIX}{q.pk}"] for q in self.questions]

    def cleaned_answers(self) -> dict[Question, str | list[str]]:
        return {q: self.cleaned_data.get(f"{QUESTION_PREFIX}{q.pk}") or "" for q in self.questions}


# What a participant tells about themselves, on the form and on their self-service page.
DETAIL_FIELDS = [
    "honorific", "first_name", "last_name", "phone", "sex", "country", "organization",
    "category", "position", "language", "interpretation_language", "accessibility_needs",
    "consent_listing",
]  # fmt: skip


class StripBidiControlsMixin(_FormBase):
    """Drops direction overrides from every text a participant types (see webinar.text),
    before validation, so that "required" and length limits apply to what is kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            return
        data: Any = self.data
        if hasattr(data, "getlist"):
            data = data.copy()
            for key in data:
                data.setlist(key, [_strip(value) for value in data.getlist(key)])
        else:
            data = {key: _strip(value) for key, value in data.items()}
        self.data = data


def _strip(value):
    if isinstance(value, str):
        return strip_bidi_controls(value)
    if isinstance(value, list):
        return [_strip(item) for item in value]
    return value


class RegistrationForm(StripBidiControlsMixin, QuestionsMixin, forms.ModelForm):
    consent_processing = forms.BooleanField(
        label=_(
            "I agree to the processing of my personal data as described in the privacy notice."
        ),
        required=True,
        error_messages={
            "required": _("Registration needs your consent to the processing of your data.")
        },
    )
    # Hidden from people by the stylesheet; bots fill every field they see.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Registration
        fields = [*DETAIL_FIELDS[:3], "email", *DETAIL_FIELDS[3:]]  # email after the names
        widgets = DETAIL_WIDGETS
        error_messages = {
            "email": {"invalid": _("Enter a valid email address, such as name@example.org.")},
        }

    def __init__(self, *args, questions: Sequence[Question] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accessibility_needs"].validators.append(MaxLengthValidator(1000))
        fast_country_validation(self.fields["country"])
        label_blank_choices(self)
        cast(forms.ChoiceField, self.fields["sex"]).choices = Sex.choices  # no empty radio
        self.add_questions(list(questions))
        # The honeypot and consent go last, after the event's questions.
        for name in ("consent_processing", HONEYPOT):
            self.fields[name] = self.fields.pop(name)

    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT))

    def service_kwargs(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["consent_processing"] = self.cleaned_data["consent_processing"]
        data["answers"] = self.cleaned_answers()
        return data


class DetailsForm(StripBidiControlsMixin, QuestionsMixin, forms.ModelForm):
    """What a participant may correct from their self-service page."""

    class Meta:
        model = Registration
        # The address is the registration's identity: changing it means registering anew.
        fields = DETAIL_FIELDS
        widgets = DETAIL_WIDGETS

    def __init__(self, *args, questions: Sequence[Question] = (), answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accessibility_needs"].validators.append(MaxLengthValidator(1000))
        fast_country_validation(self.fields["country"])
        label_blank_choices(self)
        cast(forms.ChoiceField, self.fields["sex"]).choices = Sex.choices
        self.add_questions(list(questions), answers)
        if not self.instance.consent_processing:
            # A delegation's nominee was registered by their focal point: they give their
            # own consent when they complete their details.
            self.fields["consent_processing"] = copy.deepcopy(
                RegistrationForm.base_fields["consent_processing"]
            )

    def service_kwargs(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["answers"] = self.cleaned_answers()
        if "consent_processing" in self.fields:
            data["consent_processing"] = self.cleaned_data["consent_processing"]
        return data


class CustomMessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
        help_text=_(
            "Placeholders: {first_name}, {last_name}, {full_name}, {event}, {start}, {status}, "
            "{link} (the participant's personal page). A link to the personal page is added "
            "at the end."
        ),
    )


class AttendanceUploadForm(forms.Form):
    event: forms.ModelChoiceField[Event] = forms.ModelChoiceField(
        label=_("Event"), queryset=Event.objects.none()
    )
    file = forms.FileField(
        label=_("Attendance report"),
        help_text=_(
            "Zoom webinar attendee report or meeting participants (CSV), Microsoft Teams "
            "attendance report (CSV or XLSX, in any language) or Teams' older attendance list. "
            "At most 5 MB. A second report for the same event adds to the first."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["event"]).queryset = Event.objects.order_by(
            "-starts_at"
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(size)s MB); the limit is 5 MB.")
                % {"size": round(upload.size / 1_000_000, 1)}
            )
        return upload


class AttendanceClearForm(forms.Form):
    """A fresh start: forget every attendance import of an event."""

    event: forms.ModelChoiceField[Event] = forms.ModelChoiceField(
        label=_("Event"), queryset=Event.objects.none()
    )
    confirm = forms.BooleanField(
        label=_("Yes, forget every attendance import of this event and mark everyone absent"),
        required=True,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "clear")
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["event"]).queryset = Event.objects.order_by(
            "-starts_at"
        )
