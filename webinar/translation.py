"""Which texts of the core models are written in each interface language."""

from modeltranslation.translator import TranslationOptions, register

from webinar.models import Event, Series


@register(Series)
class SeriesTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(Event)
class EventTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "description", "objectives", "region")
