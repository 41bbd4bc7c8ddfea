"""The participant forms copy their class's fields for each form without sharing them."""

from __future__ import annotations

import copy

from django import forms

from registration.forms import DetailsForm, FieldsCopiedCheaply, RegistrationForm


def _state(field: forms.Field) -> dict:
    """What a field is, widget included, apart from which objects hold it."""
    widget = vars(field.widget).copy()
    widget["choices"] = list(widget.get("choices", ()))
    return {**vars(field), "widget": (type(field.widget), widget)}


def test_each_form_has_fields_equal_to_the_class_ones_but_its_own():
    for form_class in (RegistrationForm, DetailsForm):
        base = form_class.base_fields
        first, second = form_class(), form_class()
        for name, field in base.items():
            copied = first.fields[name]
            assert copied is not field and copied.widget is not field.widget
            assert _state(copied) == _state(copy.deepcopy(field))
        # Changing one form's fields changes neither the class's nor another form's.
        name = first.fields["last_name"]
        name.widget.attrs["data-changed"] = "1"
        name.error_messages["required"] = "changed"
        name.validators.append(lambda value: None)
        first.fields["sex"].widget.choices.append(("changed", "changed"))
        for other in (second, form_class()):
            same = other.fields["last_name"]
            assert "data-changed" not in same.widget.attrs
            assert same.error_messages["required"] != "changed"
            assert len(same.validators) == len(name.validators) - 1
            assert ("changed", "changed") not in list(other.fields["sex"].widget.choices)


def test_a_field_with_a_copy_of_its_own_is_copied_as_django_copies_it():
    choice = forms.ChoiceField(choices=[("a", "A")])  # deep-copies its choices
    both = forms.MultiValueField(fields=[forms.CharField(), forms.CharField()])
    copied = copy.deepcopy(FieldsCopiedCheaply(choice=choice, both=both))
    copied["choice"].choices.append(("b", "B"))
    assert choice.choices == [("a", "A")]
    assert copied["both"].fields[0] is not both.fields[0]
