from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django import forms
from django.core.validators import MaxLengthValidator
from django.forms.utils import flatatt
from django.forms.widgets import ChoiceWidget
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from registration.importers import MAX_UPLOAD_BYTES
from registration.models import Question, Registration, Sex
from registration.rendering import FAST_WIDGET_RENDERER
from webinar.locale import site_language, sorted_by_name
from webinar.models import Event
from webinar.text import BIDI_CONTROLS, strip_bidi_controls

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


FormClass = TypeVar("FormClass", bound=type[forms.BaseForm])
T = TypeVar("T")


def _shallow_copy(obj: T) -> T:
    """``copy.copy`` of an object whose state is its ``__dict__``, without the generic copy
    protocol (``__reduce_ex__``), which is most of what copying a form's fields costs."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


class FieldsCopiedCheaply(dict):
    """A form class's fields (``base_fields``), which each form copies for itself: field by
    field as Django's own ``__deepcopy__`` methods do (the field, its widget, the widget's
    attributes and choices, the error messages, the validators), each object copied by
    ``_shallow_copy``. A field or widget with a copy of its own (a choice field's choices,
    a widget of widgets) is deep-copied as Django does. Half of a sign-up form's cost to
    build was the generic copy."""

    def __deepcopy__(self, memo) -> dict[str, forms.Field]:
        return {name: _copied_field(field, memo) for name, field in self.items()}


_AS_FIELD: set[Any] = {forms.Field.__deepcopy__}
_AS_WIDGET: set[Any] = {forms.Widget.__deepcopy__}
_AS_CHOICE_WIDGET: set[Any] = {ChoiceWidget.__deepcopy__}


def _copied_field(field: forms.Field, memo) -> forms.Field:
    widget = field.widget
    copies_widget = type(widget).__deepcopy__
    if type(field).__deepcopy__ not in _AS_FIELD or not (
        copies_widget in _AS_WIDGET or copies_widget in _AS_CHOICE_WIDGET
    ):
        return copy.deepcopy(field, memo)
    new = _shallow_copy(field)
    new_widget = _shallow_copy(widget)
    new_widget.attrs = widget.attrs.copy()
    if copies_widget in _AS_CHOICE_WIDGET:
        new_widget.choices = copy.copy(widget.choices)
    new.widget = new_widget
    new.error_messages = field.error_messages.copy()
    new.validators = field.validators[:]
    return new


def participant_fields(form_class: FormClass) -> FormClass:
    """Set up, once for the class, what every copy of its fields shares: empty choices that say
    what they mean instead of Django's dashes, no empty radio for sex, the length limit of the
    accessibility needs. (Done per form, it was a tenth of the form's cost.) Each form copies
    them with ``FieldsCopiedCheaply``."""
    fields = form_class.base_fields  # type: ignore[attr-defined]
    for name, label in BLANK_LABELS.items():
        if name in fields and hasattr(fields[name], "choices"):
            field = cast(forms.ChoiceField, fields[name])
            # A callable keeps the choices lazy: translated when the form is shown or checked.
            field.choices = functools.partial(_relabelled, field.choices, label)
    cast(forms.ChoiceField, fields["sex"]).choices = Sex.choices
    fields["accessibility_needs"].validators.append(MaxLengthValidator(1000))
    form_class.base_fields = FieldsCopiedCheaply(fields)  # type: ignore[attr-defined]
    return form_class


@functools.lru_cache(maxsize=8)
def country_options(language: str) -> tuple[tuple[str, str], ...]:
    """Each country as ``(code, '<option value="NE">Niger</option>')``, named and sorted in the
    language (ICU collation: French puts "Égypte" beside "Érythrée"). Built once per language:
    rendering ~250 options through the widget templates took most of the form page's time."""
    with translation.override(language):
        names = [(code, str(name)) for code, name in countries]
    ordered = sorted_by_name(names, language=language, key=lambda item: item[1])
    return tuple(
        (code, format_html('<option value="{}">{}</option>', code, name)) for code, name in ordered
    )


class CountrySelect(forms.Select):
    """The country list, rendered from ``country_options`` with the chosen code selected.

    Same markup as Django's Select (name, id, required, aria attributes from the bound field);
    the choices come from django-countries, as the field validates them."""

    def use_required_attribute(self, initial) -> bool:
        # Django's Select looks at the first choice, which would build the whole translated
        # list; here the first option is always the empty "Choose your country".
        return not self.is_hidden

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        if isinstance(value, list | tuple):
            value = value[0] if value else ""
        chosen = str(value or "")
        language = site_language(translation.get_language())
        parts: list[str] = [
            format_html(
                '<option value=""{}>{}</option>',
                "" if chosen else mark_safe(" selected"),
                BLANK_LABELS["country"],
            )
        ]
        for code, option in country_options(language):
            parts.append(option.replace('">', '" selected>', 1) if code == chosen else option)
        # Every part comes from format_html (names and codes escaped), the attributes from flatatt.
        html = f"<select{flatatt(final_attrs)}>\n" + "\n".join(parts) + "\n</select>"
        return mark_safe(html)  # noqa: S308


class CountryCodeField(forms.CharField):
    """A country as its ISO 3166 code, checked against django-countries' codes (a set).

    Replaces the model's choice field on the participants' forms: that one copies and walks
    the ~250 translated choices on every form built and every value checked; its list is
    rendered by ``CountrySelect`` instead."""

    widget = CountrySelect
    default_error_messages = {
        "invalid_choice": forms.ChoiceField.default_error_messages["invalid_choice"],
    }

    def validate(self, value) -> None:
        super().validate(value)
        if value and value not in country_codes():
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )


def country_field() -> CountryCodeField:
    return CountryCodeField(label=capfirst(Registration._meta.get_field("country").verbose_name))


HONEYPOT = "website"


class SharedChoicesField(forms.TypedChoiceField):
    """A model field's choices, shared by the copy of the field each form makes instead of
    deep-copied: the forms here replace a field's choices, never change them in place, and
    copying the lazily translated labels was a tenth of a sign-up's CPU."""

    def __deepcopy__(self, memo):
        return forms.Field.__deepcopy__(self, memo)


_AS_FIELD.add(SharedChoicesField.__deepcopy__)


def detail_formfield(db_field, **kwargs) -> forms.Field | None:
    return db_field.formfield(choices_form_class=SharedChoicesField, **kwargs)


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
        if hasattr(data, "lists"):
            if not any(
                _has_bidi_controls(value) for _key, values in data.lists() for value in values
            ):
                return  # the usual case: nothing to drop, nothing to copy
            # A new dict rather than data.copy(), which deep-copies every value first.
            stripped: MultiValueDict[str, Any] = MultiValueDict()
            for key, values in data.lists():
                stripped.setlist(key, [_strip(value) for value in values])
            data = stripped
        else:
            data = {key: _strip(value) for key, value in data.items()}
        self.data = data


def _has_bidi_controls(value) -> bool:
    return isinstance(value, str) and BIDI_CONTROLS.search(value) is not None


def _strip(value):
    if isinstance(value, str):
        return strip_bidi_controls(value)
    if isinstance(value, list):
        return [_strip(item) for item in value]
    return value


class CountryCheckedOnceMixin:
    """The form field checks the country code against django-countries' codes; the model's
    own check of the same choices would build and sort the translated country list again on
    every sign-up, so it is left out of the model validation (nothing else is)."""

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()  # type: ignore[misc]
        if "country" in self.fields:  # type: ignore[attr-defined]
            exclude.add("country")
        return exclude


@participant_fields
class RegistrationForm(
    CountryCheckedOnceMixin, StripBidiControlsMixin, QuestionsMixin, forms.ModelForm
):
    country = country_field()
    consent_processing = forms.BooleanField(
        label=_(
            "I agree to the processing of my personal data as described in the privacy notice."
        ),
        required=True,
        error_messages={
            "required": _("Registration needs your consent to the processing of your data.")
        },
    )
    default_renderer = FAST_WIDGET_RENDERER  # same markup as Django's widget templates
    # Hidden from people by the stylesheet; bots fill every field they see.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Registration
        fields = [*DETAIL_FIELDS[:3], "email", *DETAIL_FIELDS[3:]]  # email after the names
        formfield_callback = detail_formfield
        widgets = DETAIL_WIDGETS
        error_messages = {
            "email": {"invalid": _("Enter a valid email address, such as name@example.org.")},
        }

    def __init__(self, *args, questions: Sequence[Question] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_questions(list(questions))
        # The honeypot and consent go last, after the event's questions.
        for name in ("consent_processing", HONEYPOT):
            self.fields[name] = self.fields.pop(name)

    def _post_clean(self) -> None:
        """Nothing after the fields' checks: no model instance is built and checked here.

        ``services.register`` builds the registration from ``cleaned_data``, and the model
        declares no check the form's fields do not make (lengths, choices, the address, the
        required fields; the one-address rule needs the event, which is the service's). Django
        would build an instance and check every field again: a twentieth of a sign-up's CPU."""

    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT))

    def service_kwargs(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["consent_processing"] = self.cleaned_data["consent_processing"]
        data["answers"] = self.cleaned_answers()
        return data


@participant_fields
class DetailsForm(CountryCheckedOnceMixin, StripBidiControlsMixin, QuestionsMixin, forms.ModelForm):
    """What a participant may correct from their self-service page."""

    default_renderer = FAST_WIDGET_RENDERER
    country = country_field()

    class Meta:
        model = Registration
        # The address is the registration's identity: changing it means registering anew.
        fields = DETAIL_FIELDS
        formfield_callback = detail_formfield
        widgets = DETAIL_WIDGETS

    def __init__(self, *args, questions: Sequence[Question] = (), answers=None, **kwargs):
        super().__init__(*args, **kwargs)
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

    def __init__(self, *args, events=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The events the organiser's teams work on (the admin passes them).
        events = Event.objects.all() if events is None else events
        cast(forms.ModelChoiceField, self.fields["event"]).queryset = events.order_by("-starts_at")

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

    def __init__(self, *args, events=None, **kwargs):
        kwargs.setdefault("prefix", "clear")
        super().__init__(*args, **kwargs)
        # The events the organiser's teams work on (the admin passes them).
        events = Event.objects.all() if events is None else events
        cast(forms.ModelChoiceField, self.fields["event"]).queryset = events.order_by("-starts_at")
