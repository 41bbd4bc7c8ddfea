"""Reads for the report: its content in one language and the participation statistics."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.db.models.functions import Lower, Trim
from django_countries import countries

from registration.models import Category, Registration, Sex
from registration.selectors import attended_condition
from reports.models import (
    Addressee,
    ChallengeType,
    Finding,
    Level,
    Recommendation,
    Report,
    ReportBuild,
    SessionSummary,
    Stage,
)
from sessions.models import Session, SessionRole
from sessions.selectors import event_published_sessions
from webinar.content_i18n import (
    missing_fields,
    model_translated_fields,
    text_in,
    text_with_fallback,
)
from webinar.languages import LANGUAGE_CODES, language_autonym
from webinar.locale import collation_key
from webinar.models import Event


def _verbose_name(model: type[Model] | Model, name: str) -> str:
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def _text_label(obj: Model, name: str, language: str) -> str:
    return f"{_verbose_name(obj, name)} ({language})"


def report_missing_translations(*, report: Report, language: str) -> list[str]:
    """Human-readable names of the texts that exist in some language but not in ``language``.

    Three queries whatever the size of the report (the report, findings, recommendations and
    summaries are read with their texts only).
    """
    missing: list[str] = []

    def check(obj: Model, label: str) -> None:
        for name in missing_fields(obj, model_translated_fields(obj), language):
            missing.append(f"{label}: {_text_label(obj, name, language)}")

    def title(model: type[Model]) -> str:
        return str(model._meta.verbose_name).capitalize()

    check(report, title(Report))
    for summary in report.session_summaries.select_related("session"):
        check(summary, f"{title(SessionSummary)} “{summary.session}”")
    # Named by their identifiers in the report (F1…, R1…, in the order they are printed).
    findings = _in_print_order(
        list(report.findings.all()), lambda f: f.challenge_type, ChallengeType.values
    )
    for number, finding in enumerate(findings, start=1):
        check(finding, f"{title(Finding)} F{number}")
    recommendations = _in_print_order(
        list(report.recommendations.all()), lambda r: r.addressee, Addressee.values
    )
    for number, recommendation in enumerate(recommendations, start=1):
        check(recommendation, f"{title(Recommendation)} R{number}")
    return missing


@dataclass
class Text:
    """A text in the build's language, or in another one (then shown marked as such)."""

    value: str
    language: str
    fallback: bool

    @property
    def language_name(self) -> str:
        return language_autonym(self.language)

    def lines(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.value.splitlines() if line.strip()]

    def __bool__(self) -> bool:
        return bool(self.value)


@dataclass
class Localiser:
    language: str
    allow_fallback: bool
    fallbacks: list[str] = field(default_factory=list)

    def __call__(self, obj: Model, name: str, label: str = "") -> Text:
        if not self.allow_fallback:
            return Text(text_in(obj, name, self.language), self.language, False)
        value, used = text_with_fallback(obj, name, self.language)
        if used is None or used == self.language:
            return Text(value, self.language, False)
        self.fallbacks.append(label or name)
        return Text(value, used, True)


@dataclass
class Numbered:
    """A finding or recommendation as the report prints it: its number and its text."""

    item: Finding | Recommendation
    number: int
    localised: Text
    prefix: str = ""

    @property
    def identifier(self) -> str:
        """F1, R3...: how the whole report cites it."""
        return f"{self.prefix}{self.number}"

    def __getattr__(self, name: str) -> Any:
        # The template reads the row's own fields (session, stage, ...) through this wrapper.
        if name == "item":  # not set yet (copying, unpickling)
            raise AttributeError(name)
        return getattr(self.item, name)


def report_sessions(*, event: Event) -> list[Session]:
    """The published sessions, each with its rapporteurs' roles (``rapporteur_roles``)."""
    rapporteurs = Prefetch(
        "roles",
        queryset=SessionRole.objects.filter(role=SessionRole.Role.RAPPORTEUR).select_related(
            "person"
        ),
        to_attr="rapporteur_roles",
    )
    return list(event_published_sessions(event=event).prefetch_related(rapporteurs))


def _group(
    items: Iterable[Any], key: Callable[[Any], str], order: list[str]
) -> list[tuple[str, list]]:
    groups: dict[str, list] = {value: [] for value in order}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return [(value, members) for value, members in groups.items() if members]


def _in_print_order(items: list, key: Callable[[Any], str], order: list[str]) -> list:
    return [item for _value, members in _group(items, key, order) for item in members]


@dataclass(frozen=True)
class IndexEntry:
    """One line of the index by addressee: the identifier and what to look for."""

    identifier: str
    stage: str
    level: str
    text: str


def report_content(*, report: Report, language: str, allow_fallback: bool) -> dict:
    """Everything the template shows, in ``language``; a fixed number of queries.

    Findings and recommendations get identifiers (F1…, R1…) in the order they are printed
    (grouped by challenge type and by addressee), and every cross-reference of the report (the
    stage-by-level matrix, the index by addressee) cites those identifiers.
    """
    localise = Localiser(language=language, allow_fallback=allow_fallback)
    texts = {
        name: localise(report, name, _verbose_name(Report, name))
        for name in model_translated_fields(Report)
    }
    sessions = report_sessions(event=report.event)
    summaries = {s.session_id: s for s in report.session_summaries.all()}
    session_rows = []
    for session in sessions:
        summary = summaries.get(session.pk)
        session_rows.append(
            {
                "session": session,
                "rapporteurs": [r.person for r in getattr(session, "rapporteur_roles", [])],
                "key_points": localise(summary, "key_points", str(session)) if summary else None,
            }
        )
    challenge_labels = dict(ChallengeType.choices)
    addressee_labels = dict(Addressee.choices)
    stage_labels = dict(Stage.choices)
    level_labels = dict(Level.choices)
    findings_by_type = _group(
        list(report.findings.select_related("session")),
        lambda f: f.challenge_type,
        ChallengeType.values,
    )
    findings: list[Numbered] = []
    numbered_findings_by_type: list[tuple[str, list[Numbered]]] = []
    for value, members in findings_by_type:
        group = []
        for finding in members:
            number = len(findings) + 1
            text = localise(finding, "text", f"finding F{number}")
            group.append(Numbered(finding, number, text, prefix="F"))
            findings.append(group[-1])
        numbered_findings_by_type.append((value, group))
    recommendations_by_addressee = _group(
        list(report.recommendations.all()), lambda r: r.addressee, Addressee.values
    )
    recommendations: list[Numbered] = []
    numbered_recommendations_by_addressee: list[tuple[str, list[Numbered]]] = []
    for value, members in recommendations_by_addressee:
        group = []
        for rec in members:
            number = len(recommendations) + 1
            text = localise(rec, "text", f"recommendation R{number}")
            group.append(Numbered(rec, number, text, prefix="R"))
            recommendations.append(group[-1])
        numbered_recommendations_by_addressee.append((value, group))
    matrix = []
    for stage, stage_label in Stage.choices:
        cells = []
        for level, _label in Level.choices:
            cells.append(
                [r.identifier for r in recommendations if r.stage == stage and r.level == level]
            )
        if any(cells):
            matrix.append({"stage": stage_label, "cells": cells})
    index = [
        (
            addressee_labels[value],
            [
                IndexEntry(
                    identifier=rec.identifier,
                    stage=str(stage_labels[rec.stage]),
                    level=str(level_labels[rec.level]),
                    text=first_sentence(rec.localised.value),
                )
                for rec in members
            ],
        )
        for value, members in numbered_recommendations_by_addressee
    ]
    return {
        "texts": texts,
        "sessions": session_rows,
        "findings": findings,
        "findings_by_type": [(challenge_labels[k], v) for k, v in numbered_findings_by_type],
        "recommendations": recommendations,
        "recommendations_by_addressee": [
            (addressee_labels[k], v) for k, v in numbered_recommendations_by_addressee
        ],
        "recommendations_index": index,
        "matrix": matrix,
        "levels": [label for _value, label in Level.choices],
        "fallbacks": localise.fallbacks,
    }


_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s")
INDEX_TEXT_WORDS = 16


def first_sentence(text: str) -> str:
    """The first sentence of a recommendation, at most INDEX_TEXT_WORDS words, for the index."""
    sentence = _SENTENCE_END.split(text.strip(), maxsplit=1)[0]
    words = sentence.split()
    if len(words) <= INDEX_TEXT_WORDS:
        return sentence
    return " ".join(words[:INDEX_TEXT_WORDS]) + " …"


@dataclass
class Statistics:
    registered: int
    approved: int
    attended: int
    by_category: list[tuple[str, int]]
    by_country: list[tuple[str, str, int]]
    by_sex: list[tuple[str, int]]
    by_language: list[tuple[str, int]]
    countries_total: int
    region_countries_total: int
    region_countries_present: int
    consenting: int
    women: int = 0
    # Distinct institutions (organisations, case ignored) per category, in the category order.
    institutions_by_category: list[tuple[str, int]] = field(default_factory=list)
    institutions_total: int = 0

    @property
    def women_share(self) -> float:
        """Women among the approved participants, in percent (0 when there is none)."""
        return round(100 * self.women / self.approved, 1) if self.approved else 0.0

    delegations_represented: int = 0
    delegations_invited: int = 0


def report_statistics(
    *, event: Event, region_countries: list[str], language: str = "en"
) -> Statistics:
    """Participation figures from the registrations: a handful of aggregate queries.

    Cancelled and rejected registrations are not counted as registered; the breakdowns are of
    approved participants (who were let in), which is what organisers report on. Country names
    are those of the active language, ties sorted by ``language``'s collation.
    """
    base = Registration.objects.filter(event=event).exclude(
        status__in=[Registration.Status.CANCELLED, Registration.Status.REJECTED]
    )
    totals = base.aggregate(
        registered=Count("pk"),
        approved=Count("pk", filter=Q(status=Registration.Status.APPROVED)),
        # Attended by the event's rule (minutes or share of its length), as the desk counts it.
        attended=Count("pk", filter=attended_condition(event=event)),
        consenting=Count("pk", filter=Q(status=Registration.Status.APPROVED, consent_listing=True)),
        women=Count("pk", filter=Q(status=Registration.Status.APPROVED, sex=Sex.FEMALE)),
    )
    approved = base.filter(status=Registration.Status.APPROVED)

    def breakdown(column: str) -> Counter:
        rows = approved.values(column).annotate(n=Count("pk")).order_by()
        return Counter({row[column]: row["n"] for row in rows})

    category_labels = dict(Category.choices)
    by_category = breakdown("category")
    by_sex = breakdown("sex")
    by_language = breakdown("language")
    by_country = breakdown("country")
    sort_key = collation_key(language)
    country_rows = sorted(
        ((code, str(countries.name(code)) or code, n) for code, n in by_country.items() if code),
        key=lambda row: (-row[2], sort_key(row[1])),
    )
    institutions = Counter(
        {
            row["category"]: row["n"]
            for row in approved.exclude(organization="")
            .values("category")
            .annotate(n=Count(Lower(Trim("organization")), distinct=True))
            .order_by()
        }
    )
    institutions_total = approved.exclude(organization="").aggregate(
        n=Count(Lower(Trim("organization")), distinct=True)
    )["n"]
    region = {code.upper() for code in region_countries}
    return Statistics(
        registered=totals["registered"],
        approved=totals["approved"],
        attended=totals["attended"],
        by_category=[
            (str(category_labels[value]), by_category[value])
            for value in Category.values
            if by_category[value]
        ],
        by_country=country_rows,
        by_sex=[(str(label), by_sex[value]) for value, label in Sex.choices],
        by_language=[(language_autonym(code), by_language[code]) for code in LANGUAGE_CODES],
        countries_total=len(country_rows),
        region_countries_total=len(region),
        region_countries_present=len(region & {row[0] for row in country_rows}),
        consenting=totals["consenting"],
        women=totals["women"],
        institutions_by_category=[
            (str(category_labels[value]), institutions[value])
            for value in Category.values
            if institutions[value]
        ],
        institutions_total=institutions_total,
        **report_delegations(event=event),
    )


def report_delegations(*, event: Event) -> dict[str, int]:
    """Delegations invited (not revoked) and those represented by at least one approved
    nominee: countries and institutions represented by their nominated officials. One query."""
    from delegations.models import Delegation

    return Delegation.objects.filter(event=event, revoked_at=None).aggregate(
        delegations_invited=Count("pk", distinct=True),
        delegations_represented=Count(
            "pk", distinct=True, filter=Q(nominees__status=Registration.Status.APPROVED)
        ),
    )


def report_annex_participants(*, event: Event) -> QuerySet:
    """Only approved participants who consented to be listed; only the columns printed."""
    return (
        Registration.objects.filter(
            event=event, status=Registration.Status.APPROVED, consent_listing=True
        )
        .order_by("country", "last_name", "first_name", "pk")
        .values_list("first_name", "last_name", "organization", "country")
    )


def report_builds_for_report(*, report: Report) -> QuerySet[ReportBuild]:
    return ReportBuild.objects.filter(report=report).select_related("requested_by")


def event_latest_report_build(*, event: Event) -> ReportBuild | None:
    """The event's most recent PDF build (any language), for the organisers' desk."""
    return ReportBuild.objects.filter(event=event).order_by("-created_at", "-pk").first()
