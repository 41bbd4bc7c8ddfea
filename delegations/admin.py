"""The organisers' side: invitations, their counts, resending, revoking, the export."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from delegations import selectors, services
from delegations.models import Delegation
from registration import exports
from webinar.admin_access import log_admin_action
from webinar.admin_teams import TeamScopedMixin
from webinar.locale import sorted_by_name
from webinar.models import Event
from webinar.teams import scope_to_user


class DelegationForm(forms.ModelForm):
    class Meta:
        model = Delegation
        fields = [
            "event",
            "country",
            "organisation",
            "focal_point_name",
            "focal_point_email",
            "focal_point_language",
            "quota",
            "nomination_deadline",
        ]

    def clean(self):
        data = super().clean() or {}
        adding = self.instance.pk is None
        if adding and bool(data.get("country")) == bool((data.get("organisation") or "").strip()):
            raise forms.ValidationError(_("Give either a country or an organisation, not both."))
        event, quota = data.get("event") or getattr(self.instance, "event", None), data.get("quota")
        if event is None or not quota:
            return data
        if adding:
            room = services.event_room_to_reserve(event=event)
            wanted = quota
        else:
            used = selectors.delegation_seats_used(delegation=self.instance)
            if quota < used:
                self.add_error(
                    "quota",
                    _("The quota cannot be lower than the %(used)s people already nominated.")
                    % {"used": used},
                )
                return data
            room = services.event_room_to_reserve(event=event, exclude=self.instance)
            wanted = quota - used
        if room is not None and wanted > room:
            self.add_error(
                "quota",
                _("The event has %(room)s seats left to reserve.") % {"room": room},
            )
        return data


@admin.register(Delegation)
class DelegationAdmin(TeamScopedMixin, admin.ModelAdmin):
    form = DelegationForm
    list_display = [
        "name",
        "event",
        "focal_point_name",
        "quota",
        "nominated",
        "confirmed",
        "attended",
        "nomination_deadline",
        "revoked_at",
    ]
    list_filter = [
        ("event", admin.RelatedOnlyFieldListFilter),
        "focal_point_language",
        ("revoked_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["organisation", "focal_point_name", "focal_point_email"]
    list_per_page = 100
    actions = ["resend_invitation", "revoke", "export_csv"]

    def get_queryset(self, request):
        return selectors.delegations_with_counts(super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["event", "country", "organisation", "revoked_at", "created_by"]
        return []

    @admin.display(description=gettext_lazy("delegation"), ordering="country")
    def name(self, obj: Delegation) -> str:
        return obj.name

    @admin.display(description=gettext_lazy("nominated"), ordering="nominated")
    def nominated(self, obj: Delegation) -> int:
        return selectors.delegation_count(obj, "nominated")

    @admin.display(description=gettext_lazy("confirmed"), ordering="confirmed")
    def confirmed(self, obj: Delegation) -> int:
        return selectors.delegation_count(obj, "confirmed")

    @admin.display(description=gettext_lazy("attended"), ordering="attended")
    def attended(self, obj: Delegation) -> int:
        return selectors.delegation_count(obj, "attended")

    def save_model(self, request, obj, form, change):
        # Through the rules (the event's lock, the seats left, the focal point's mail).
        data = form.cleaned_data
        if change:
            services.delegation_update(
                delegation=obj,
                quota=data["quota"],
                nomination_deadline=data["nomination_deadline"],
                focal_point_name=data["focal_point_name"],
                focal_point_email=data["focal_point_email"],
                focal_point_language=data["focal_point_language"],
            )
            return
        created = services.delegation_invite(
            event=data["event"],
            country=str(data.get("country") or ""),
            organisation=data.get("organisation") or "",
            focal_point_name=data["focal_point_name"],
            focal_point_email=data["focal_point_email"],
            focal_point_language=data["focal_point_language"],
            quota=data["quota"],
            nomination_deadline=data["nomination_deadline"],
            created_by=request.user,
        )
        obj.pk = created.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def changelist_view(self, request, extra_context=None):
        event_id = request.GET.get("event__id__exact", "")
        if event_id.isdigit():
            event = Event.objects.filter(pk=event_id).first()
            groups = (
                [(event, selectors.event_delegations_without_registrations(event=event))]
                if event
                else []
            )
        else:
            groups = selectors.events_delegations_without_registrations()
        language = translation.get_language() or "en"
        # Only the series this organiser works on (teams), as the list itself.
        allowed = set(
            scope_to_user(Event.objects.all(), user=request.user).values_list("pk", flat=True)
        )
        groups = [
            (event, sorted_by_name(delegations, language=language, key=lambda d: d.name))
            for event, delegations in groups
            if event.pk in allowed
        ]
        extra_context = {**(extra_context or {}), "without_registrations": groups}
        return super().changelist_view(request, extra_context=extra_context)

    @admin.action(
        description=gettext_lazy("Resend the invitation to the focal point"),
        permissions=["change"],
    )
    def resend_invitation(self, request, queryset):
        sent = []
        for delegation in queryset.filter(revoked_at=None).select_related("event"):
            services.delegation_resend(delegation=delegation)
            sent.append(delegation)
        log_admin_action(
            request, objects=sent, message=_("Invitation mailed again to the focal point.")
        )
        self.message_user(
            request,
            ngettext("%(n)s invitation queued.", "%(n)s invitations queued.", len(sent))
            % {"n": len(sent)},
        )

    @admin.action(
        description=gettext_lazy("Revoke (the link stops working, unfilled seats are released)"),
        permissions=["change"],
    )
    def revoke(self, request, queryset):
        targets = list(queryset.filter(revoked_at=None))
        count = services.delegations_revoke(delegation_ids=[d.pk for d in targets])
        log_admin_action(
            request,
            objects=targets,
            message=_("Invitation revoked: the focal point's link no longer opens the page."),
        )
        self.message_user(
            request,
            ngettext("%(n)s invitation revoked.", "%(n)s invitations revoked.", count)
            % {"n": count},
        )

    @admin.action(description=gettext_lazy("Export to CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        rows = list(queryset.order_by("event__starts_at", "event_id", "country", "organisation"))
        # Nothing changes, but the focal points' addresses left the site: each delegation's
        # history says who exported it.
        log_admin_action(request, objects=rows, message=_("Exported to CSV."))
        response = StreamingHttpResponse(
            exports.csv_chunks(_export_rows(rows)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="delegations.csv"'
        return response


def _export_rows(delegations: list[Delegation]):
    yield [
        exports.neutralise(str(header))
        for header in (
            _("Event"),
            _("Country code"),
            _("Delegation"),
            _("Focal point"),
            _("Email"),
            _("Preferred language"),
            _("Quota"),
            _("Nominated"),
            _("Confirmed"),
            _("Attended"),
            _("Nomination deadline (UTC)"),
            _("Revoked"),
        )
    ]
    for d in delegations:
        yield [
            exports.neutralise(value)
            for value in (
                d.event.slug,
                str(d.country or ""),
                d.name,
                d.focal_point_name,
                d.focal_point_email,
                d.focal_point_language,
                d.quota,
                selectors.delegation_count(d, "nominated"),
                selectors.delegation_count(d, "confirmed"),
                selectors.delegation_count(d, "attended"),
                d.nomination_deadline.strftime("%Y-%m-%d %H:%M"),
                _("yes") if d.revoked_at else _("no"),
            )
        ]
