"""Which agenda texts are written in each interface language."""

from modeltranslation.translator import TranslationOptions, register

from sessions.models import Material, Person, Session


@register(Session)
class SessionTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(Person)
class PersonTranslationOptions(TranslationOptions):
    fields = ("position", "bio")


@register(Material)
class MaterialTranslationOptions(TranslationOptions):
    fields = ("title",)
