"""What every admin page shares about access: the log of admin actions, and private fields
that only some roles may see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.db.models import Model
from django.http import HttpRequest

from webinar import roles

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    _AdminBase = ModelAdmin
else:
    _AdminBase = object

__all__ = ["ADDITION", "CHANGE", "JoinDetailsMixin", "log_admin_action"]


def log_admin_action(
    request: HttpRequest, *, objects: Iterable[Model], message: str, flag: int = CHANGE
) -> int:
    """One admin-log entry per object the action changed (or added), saying what it did; shown
    in each object's history. Returns the number of entries written."""
    rows = list(objects)
    user_id = request.user.pk
    if user_id is None:  # the admin lets nobody anonymous run an action
        raise PermissionError("an admin action without a user")
    if rows:
        LogEntry.objects.log_actions(
            user_id=user_id, queryset=rows, action_flag=flag, change_message=message
        )
    return len(rows)


class JoinDetailsMixin(_AdminBase):
    """For a ModelAdmin with join details: whoever may not see them gets a page without them
    (not even read-only), and a form that cannot change them."""

    join_fields: tuple[str, ...] = ("join_url", "join_passcode")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if roles.user_may_see_join_details(user=request.user):
            return fieldsets
        kept = []
        for name, options in fieldsets:
            fields = []
            for field in options.get("fields", ()):
                kept_field: str | tuple[str, ...] | None = None
                if isinstance(field, list | tuple):  # several fields on one line
                    kept_field = tuple(f for f in field if f not in self.join_fields) or None
                elif field not in self.join_fields:
                    kept_field = field
                if kept_field:
                    fields.append(kept_field)
            if fields:
                kept.append((name, {**options, "fields": fields}))
        return kept
