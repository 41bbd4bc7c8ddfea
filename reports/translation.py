"""The report's texts are written in each language of the site (one column per language)."""

from modeltranslation.translator import TranslationOptions, register

from reports.models import Finding, Recommendation, Report, SessionSummary


@register(Report)
class ReportTranslationOptions(TranslationOptions):
    fields = (
        "title",
        "short_title",
        "executive_summary",
        "background",
        "objectives",
        "conclusions",
        "next_steps",
    )


@register(SessionSummary)
class SessionSummaryTranslationOptions(TranslationOptions):
    fields = ("key_points",)


@register(Finding)
class FindingTranslationOptions(TranslationOptions):
    fields = ("text",)


@register(Recommendation)
class RecommendationTranslationOptions(TranslationOptions):
    fields = ("text",)
