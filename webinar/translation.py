"""Which texts of the core models are written in each interface language."""

from modeltranslation.translator import TranslationOptions, register

from webinar.models import Event, Organisation, Series


@register(Series)
class SeriesTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(Event)
class EventTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "description", "objectives", "region")


@register(Organisation)
class OrganisationTranslationOptions(TranslationOptions):
    # Names are printed on the report cover in the report's language.
    fields = ("name", "acronym")
    # Names are unique: an untranslated name is NULL (several may be), not "" (only one may be).
    empty_values = {"name": None}
