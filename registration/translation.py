"""Event questions are asked in each interface language.

Choices stay one list for all languages: answers are stored as the choice text, and one text
per choice keeps exports comparable across participants whatever language they used.
"""

from modeltranslation.translator import TranslationOptions, register

from registration.models import Question


@register(Question)
class QuestionTranslationOptions(TranslationOptions):
    fields = ("label", "help_text")
