"""Teams per series: which series' work a member of staff sees and changes.

An organiser or rapporteur belongs to the team of each series they work on
(``Series.team``); in the admin, the desk, the exports and the report pages they see that
series' events, registrations, agenda and reports and nothing of the others. Staff with the
``webinar.view_all_series`` permission (superusers have every permission) see every series.

Rows reach their series through their foreign keys (a registration through its event, a mail
through its registration...); :func:`series_path` finds that path from the model's fields, so
the core needs to import none of the apps.
"""

from __future__ import annotations

from functools import cache
from typing import TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet

from webinar.models import Series

ALL_SERIES_PERMISSION = "webinar.view_all_series"

M = TypeVar("M", bound=models.Model)

# Foreign keys followed, in this order, from a model towards its series.
_PATH_FIELDS = ("series", "event", "registration", "report", "session")


def user_sees_every_series(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(ALL_SERIES_PERMISSION))


@cache
def series_path(model: type[models.Model]) -> str | None:
    """The lookup from ``model`` to its Series ("" for Series itself), None if it has none."""
    if model is Series:
        return ""
    for name in _PATH_FIELDS:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not (field.many_to_one or field.one_to_one) or not field.concrete:
            continue
        inner = series_path(field.related_model)
        if inner is not None:
            return f"{name}__{inner}" if inner else name
    return None


def series_of_user(*, user) -> QuerySet[Series]:
    """The series whose work ``user`` may see."""
    if user_sees_every_series(user):
        return Series.objects.all()
    if not user.is_authenticated:
        return Series.objects.none()
    return Series.objects.filter(team=user)


def scope_to_user(queryset: QuerySet[M], *, user) -> QuerySet[M]:
    """``queryset`` narrowed to the rows of the series ``user`` works on.

    A model without a path to a series (people, organisations) is not narrowed.
    """
    path = series_path(queryset.model)
    if path is None or user_sees_every_series(user):
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    # A subquery, not a join: annotations (counts) on the queryset stay exact.
    team_series = Series.objects.filter(team=user).values("pk")
    return queryset.filter(**{f"{path}__in" if path else "pk__in": team_series})
