"""The event desk: one page per event where an organiser runs it (seats, approvals, sign-ups,
who is coming, mails, and after the event the attendance and the report).

Reads go through ``registration.selectors.event_desk`` (a fixed number of aggregate queries);
approvals through ``registration.services.registrations_apply``, the same rule as the bulk
actions, so capacity, the waiting list and the mails apply. Plain POST forms: no script.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from delegations import selectors as delegation_selectors
from registration import selectors as registration_selectors
from registration import services as registration_services
from registration.admin import log_status_change
from registration.messages import status_change_message
from registration.models import Registration
from reports import selectors as report_selectors
from webinar import locale
from webinar.charts import bar_chart

# The desk's one-click buttons, labelled in the admin log as the registration list's actions.
DESK_ACTIONS = {
    "approve": gettext_lazy("Approve"),
    "waitlist": gettext_lazy("Move to the waiting list"),
    "reject": gettext_lazy("Reject"),
}
TOP_COUNTRIES = 15


def _charts(desk, language: str) -> list:
    countries = desk.by_country[:TOP_COUNTRIES]
    others = sum(n for _label, n in desk.by_country[TOP_COUNTRIES:])
    if others:
        countries = [*countries, (_("Other countries"), others)]
    return [
        bar_chart(title=_("By category"), rows=desk.by_category),
        bar_chart(title=_("By country"), rows=countries),
        bar_chart(title=_("By sex"), rows=desk.by_sex),
        bar_chart(title=_("By preferred language"), rows=desk.by_language),
        bar_chart(title=_("By interpretation needed"), rows=desk.by_interpretation),
    ]


if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    _AdminBase = ModelAdmin
else:
    _AdminBase = object


class EventDeskMixin(_AdminBase):
    """For EventAdmin: ``/admin/webinar/event/<id>/desk/``."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/desk/",
                self.admin_site.admin_view(require_http_methods(["GET", "POST"])(self.desk_view)),
                name="webinar_event_desk",
            ),
            *super().get_urls(),
        ]

    def desk_view(self, request, object_id):
        event = self.get_object(request, object_id)  # another series' event: 404
        if event is None:
            raise Http404
        if not (
            self.has_view_permission(request, event)
            and request.user.has_perm("registration.view_registration")
        ):
            raise PermissionDenied
        if request.method == "POST":
            return self._desk_post(request, event)
        desk = registration_selectors.event_desk(event=event)
        language = locale.site_language(request.LANGUAGE_CODE)
        signups = bar_chart(
            title=_("Sign-ups per day"),
            rows=[
                (locale.format_date(day, language=language), n) for day, n in desk.signups_per_day
            ],
        )
        statuses = dict(Registration.Status.choices)
        now = timezone.now()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Desk: %(event)s") % {"event": event.title},
            "event": event,
            "desk": desk,
            "status_rows": [(value, statuses[value], desk.counts[value]) for value in statuses],
            "signups_chart": signups,
            "charts": _charts(desk, language),
            "is_over": event.ends_at < now,
            "report_build": report_selectors.event_latest_report_build(event=event),
            # None when the event invited no delegation: the block is then left out.
            "delegations_missing": (
                delegation_selectors.event_delegations_without_registrations(event=event)
                if event.delegations.exists()
                else None
            ),
            "can_change": request.user.has_perm("registration.change_registration"),
            "registrations_url": reverse("admin:registration_registration_changelist")
            + f"?event__id__exact={event.pk}",
            "export_url": reverse(
                "admin:registration_registration_export", args=[event.pk, "xlsx"]
            ),
            "starts_local": timezone.localtime(event.starts_at, event.tzinfo),
            "zone_name": locale.zone_name(event.time_zone, language=language, at=event.starts_at),
        }
        with timezone.override(event.tzinfo):
            response = TemplateResponse(request, "admin/webinar/event/desk.html", context)
            response.render()
        return response

    def _desk_post(self, request, event):
        if not request.user.has_perm("registration.change_registration"):
            raise PermissionDenied
        action = request.POST.get("action", "")
        desk_url = reverse("admin:webinar_event_desk", args=[event.pk])
        if action in DESK_ACTIONS:
            registration_id = request.POST.get("registration", "")
            if not registration_id.isdigit():
                return HttpResponseBadRequest(_("Which registration?"))
            registration = get_object_or_404(
                Registration.objects.filter(event=event), pk=int(registration_id)
            )
            result = registration_services.registrations_apply(
                registration_ids=[registration.pk], action=action
            )
            log_status_change(request, result=result, label=DESK_ACTIONS[action])
            level = messages.SUCCESS if result.changed else messages.WARNING
            messages.add_message(
                request, level, status_change_message(action=action, result=result)
            )
        elif action == "resend_failed":
            count = registration_services.mails_retry_failed(event=event)
            messages.success(
                request,
                ngettext("%(n)s mail queued again.", "%(n)s mails queued again.", count)
                % {"n": count},
            )
        else:
            return HttpResponseBadRequest(_("Unknown action."))
        return redirect(desk_url)
