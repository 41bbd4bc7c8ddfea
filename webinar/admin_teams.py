"""The admin side of teams per series: every list, page, action and choice narrowed to the
series the member of staff works on (see ``webinar.teams``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from webinar.teams import scope_to_user, series_path

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    _AdminBase = ModelAdmin
else:
    _AdminBase = object


class TeamScopedChoicesMixin(_AdminBase):
    """Foreign-key choices (events, series, reports, sessions) narrowed to the user's series,
    so nothing can be attached to another series' row, even by a hand-made POST."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if "queryset" not in kwargs and series_path(related) is not None:
            kwargs["queryset"] = scope_to_user(related._default_manager.all(), user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TeamScopedMixin(TeamScopedChoicesMixin):
    """For ModelAdmins and inlines of rows that belong to a series.

    The changelist, the change/delete/history pages and the actions all start from
    ``get_queryset``, so narrowing it narrows them; another series' row answers 404 (Django
    would otherwise redirect to the index with "does not exist"). Foreign-key choices (events,
    series, reports, sessions) are narrowed the same way, so nothing can be attached to another
    series' event.
    """

    def get_queryset(self, request):
        return scope_to_user(super().get_queryset(request), user=request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj
