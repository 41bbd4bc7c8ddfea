"""The registration desk in the admin: list, filters, bulk actions, exports, imports."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries.filters import CountryFilter
from modeltranslation.admin import TranslationAdmin

from registration import exports, importers, selectors, services
from registration.emails import fill_placeholders, placeholder_values
from registration.forms import AttendanceClearForm, AttendanceUploadForm, CustomMessageForm
from registration.messages import status_change_message
from registration.models import Answer, OutgoingMail, Question, Registration
from webinar.admin_access import log_admin_action
from webinar.admin_forms import AdminFormsMixin, short_title_column, zone_note
from webinar.admin_teams import TeamScopedMixin
from webinar.content_i18n import MissingTranslationsMixin
from webinar.languages import language_autonym
from webinar.models import Event
from webinar.teams import scope_to_user


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ["question", "value"]
    readonly_fields = ["question"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class OutgoingMailInline(admin.TabularInline):
    model = OutgoingMail
    extra = 0
    fields = ["kind", "subject", "due_at", "sent_at", "attempts", "last_error"]
    readonly_fields = ["kind", "subject", "due_at", "sent_at", "attempts", "last_error"]
    can_delete = False
    ordering = ["-created_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def log_status_change(request, *, result: services.BulkResult, label) -> None:
    """The admin log of a status change: who changed whom to what, and who got a freed seat."""
    changed = Registration.objects.filter(pk__in=result.changed_ids)
    for status, status_label in Registration.Status.choices:
        log_admin_action(
            request,
            objects=changed.filter(status=status),
            message=_("Admin action “%(action)s”: the status is now “%(status)s”.")
            % {"action": label, "status": status_label},
        )
    log_admin_action(
        request,
        objects=Registration.objects.filter(pk__in=result.promoted_ids),
        message=_("Given a seat from the waiting list, freed by the admin action “%(action)s”.")
        % {"action": label},
    )


def _bulk(action: str, label):
    def run(modeladmin, request, queryset):
        result = services.registrations_apply(
            registration_ids=list(queryset.values_list("pk", flat=True)), action=action
        )
        log_status_change(request, result=result, label=label)
        level = messages.SUCCESS if not result.skipped else messages.WARNING
        modeladmin.message_user(request, status_change_message(action=action, result=result), level)

    run.__name__ = f"bulk_{action}"
    return admin.action(description=label, permissions=["change"])(run)


STATUS_ACTIONS = [
    ("", gettext_lazy("Keep the status")),
    ("approve", gettext_lazy("Approve")),
    ("waitlist", gettext_lazy("Move to the waiting list")),
    ("promote", gettext_lazy("Promote from the waiting list")),
    ("reject", gettext_lazy("Reject")),
    ("cancel", gettext_lazy("Cancel")),
]


class RegistrationAdminForm(forms.ModelForm):
    change_status = forms.ChoiceField(
        label=gettext_lazy("Change the status"),
        choices=STATUS_ACTIONS,
        required=False,
        help_text=gettext_lazy(
            "As the actions of the list do: seats, the waiting list and the mail to the "
            "participant follow."
        ),
    )

    class Meta:
        model = Registration
        fields = ()  # the admin gives the fields of its fieldsets


@admin.register(Registration)
class RegistrationAdmin(TeamScopedMixin, AdminFormsMixin, admin.ModelAdmin):
    form = RegistrationAdminForm
    # What fits a 1366 px screen beside the filters; the rest is on the registration's page.
    list_display = ["email", "name", "event_title", "country", "status", "created_at"]
    list_filter = [
        ("event", admin.RelatedOnlyFieldListFilter),
        "status",
        "category",
        ("country", CountryFilter),
        "sex",
        "language",
        "interpretation_language",
        "attended",
    ]
    search_fields = ["email", "first_name", "last_name", "organization", "position"]
    list_select_related = ["event"]
    list_per_page = 100
    readonly_fields = [
        "event",
        "email",
        "status",
        "delegation",
        "created_at",
        "updated_at",
        "anonymised_at",
    ]
    date_hierarchy = "created_at"
    inlines = [AnswerInline, OutgoingMailInline]
    actions = [
        _bulk("approve", gettext_lazy("Approve")),
        _bulk("reject", gettext_lazy("Reject")),
        _bulk("waitlist", gettext_lazy("Move to the waiting list")),
        _bulk("promote", gettext_lazy("Promote from the waiting list")),
        _bulk("cancel", gettext_lazy("Cancel")),
        "resend_confirmation",
        "revoke_links",
        "send_message",
        "export_csv",
        "export_xlsx",
        "anonymise",
    ]
    fieldsets = [
        (None, {"fields": ["event", "status", "change_status", "email", "user", "delegation"]}),
        (
            gettext_lazy("Participant"),
            {
                "fields": [
                    "honorific",
                    "first_name",
                    "last_name",
                    "phone",
                    "sex",
                    "country",
                    "organization",
                    "category",
                    "position",
                ]
            },
        ),
        (
            gettext_lazy("Language and needs"),
            {"fields": ["language", "interpretation_language", "accessibility_needs"]},
        ),
        (gettext_lazy("Consent"), {"fields": ["consent_processing", "consent_listing"]}),
        (gettext_lazy("Attendance"), {"fields": ["attended", "minutes_attended"]}),
        (None, {"fields": ["created_at", "updated_at", "anonymised_at"]}),
    ]
    raw_id_fields = ["user"]

    def has_add_permission(self, request):
        # Registrations come through the form and its rules (capacity, duplicates, mails).
        return False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The registration's times (registered at, mails) in its event's zone, said once.
        event = (
            Event.objects.filter(registrations__pk=object_id).only("time_zone").first()
            if object_id and str(object_id).isdigit()
            else None
        )
        if event is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        extra_context = {**(extra_context or {}), "zone_note": zone_note(event.time_zone)}
        with timezone.override(event.tzinfo):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if isinstance(response, TemplateResponse) and not response.is_rendered:
                response.render()
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        action = form.cleaned_data.get("change_status")
        if change and action:
            # The same rule as the bulk actions: capacity, the waiting list and the mails.
            result = services.registrations_apply(registration_ids=[obj.pk], action=action)
            obj.refresh_from_db(fields=["status", "updated_at"])
            self.message_user(
                request,
                status_change_message(action=action, result=result),
                messages.SUCCESS if result.changed else messages.WARNING,
            )

    def get_list_display(self, request):
        if request.GET.get("event__id__exact"):
            # One event chosen: its name on every row would only push columns off the screen.
            return [name for name in self.list_display if name != "event_title"]
        return self.list_display

    @admin.display(description=gettext_lazy("event"), ordering="event__starts_at")
    def event_title(self, obj) -> str:
        # Long titles shortened: the whole title is on the registration's page.
        return Truncator(obj.event.title).chars(40)

    @admin.display(description=gettext_lazy("name"), ordering="last_name")
    def name(self, obj) -> str:
        return f"{obj.first_name} {obj.last_name}"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "import-attendance/",
                wrap(self.import_attendance_view),
                name="registration_registration_import",
            ),
            path(
                "interpretation/",
                wrap(self.interpretation_view),
                name="registration_registration_interpretation",
            ),
            path(
                "export/<int:event_id>/<str:fmt>/",
                wrap(self.export_event_view),
                name="registration_registration_export",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        event_id = request.GET.get("event__id__exact", "")
        events = self._events(request)
        event = events.filter(pk=event_id).first() if event_id.isdigit() else None
        # One event: its times in its own zone, said once above the list.
        zone = event.tzinfo if event is not None else None
        with timezone.override(zone):
            response = super().changelist_view(request, extra_context=extra_context)
            context = getattr(response, "context_data", None)
            if context and "cl" in context:
                # The event's counts (or all the user's events'), whatever the other filters:
                # a status filter must not turn "Approved: 17" into "Approved: 0".
                counted = self.get_queryset(request)
                if event is not None:
                    counted = counted.filter(event=event)
                counts = selectors.registration_status_counts(registrations=counted)
                context["status_counts"] = [
                    (label, counts[value]) for value, label in Registration.Status.choices
                ]
                context["counts_event"] = event
                context["export_event"] = event
                context["zone_note"] = (
                    zone_note(event.time_zone)
                    if event is not None
                    else _("Times in this list are in UTC; choose an event to see its own.")
                )
            if isinstance(response, TemplateResponse) and not response.is_rendered:
                response.render()
        return response

    def _events(self, request):
        """The events of the series the user works on."""
        return scope_to_user(Event.objects.all(), user=request.user)

    # --- actions ---

    def _log(self, request, registration_ids, message: str) -> int:
        return log_admin_action(
            request, objects=Registration.objects.filter(pk__in=registration_ids), message=message
        )

    def _log_export(self, request, queryset, fmt: str) -> None:
        """An export changes nothing, but personal data left the site: the history of each
        event exported says who took how many rows, and when."""
        counts = dict(
            queryset.order_by()
            .values_list("event_id")
            .annotate(n=Count("pk"))
            .values_list("event_id", "n")
        )
        for event in Event.objects.filter(pk__in=counts):
            log_admin_action(
                request,
                objects=[event],
                message=ngettext(
                    "%(n)d registration exported to %(format)s.",
                    "%(n)d registrations exported to %(format)s.",
                    counts[event.pk],
                )
                % {"n": counts[event.pk], "format": fmt.upper()},
            )

    @admin.action(
        description=gettext_lazy("Resend the mail for their status"), permissions=["change"]
    )
    def resend_confirmation(self, request, queryset):
        queued = services.registrations_resend(
            registration_ids=list(queryset.values_list("pk", flat=True))
        )
        count = self._log(request, queued, _("The mail for their status was queued again."))
        self.message_user(
            request,
            ngettext("%(n)s mail queued.", "%(n)s mails queued.", count) % {"n": count},
        )

    @admin.action(
        description=gettext_lazy("Revoke their personal links (the next mail brings a new one)"),
        permissions=["change"],
    )
    def revoke_links(self, request, queryset):
        revoked = services.registrations_revoke_links(
            registration_ids=list(queryset.values_list("pk", flat=True))
        )
        count = self._log(request, revoked, _("Their personal links were revoked."))
        self.message_user(
            request,
            ngettext("%(n)s link revoked.", "%(n)s links revoked.", count) % {"n": count},
        )

    @admin.action(description=gettext_lazy("Send a custom message"), permissions=["change"])
    def send_message(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        form = CustomMessageForm(request.POST if "subject" in request.POST else None)
        preview = None
        if form.is_bound and form.is_valid():
            if "send" in request.POST:
                queued = services.registrations_message(
                    registration_ids=ids,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
                count = self._log(
                    request,
                    queued,
                    _("A custom message was queued: “%(subject)s”.")
                    % {"subject": form.cleaned_data["subject"]},
                )
                self.message_user(
                    request,
                    ngettext("%(n)s message queued.", "%(n)s messages queued.", count)
                    % {"n": count},
                )
                return None
            first = queryset.select_related("event").order_by("created_at", "pk").first()
            values = placeholder_values(registration=first)
            preview = {
                "registration": first,
                "subject": fill_placeholders(form.cleaned_data["subject"], values),
                "body": fill_placeholders(form.cleaned_data["body"], values),
            }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Send a custom message"),
            "form": form,
            "preview": preview,
            "ids": ids,
            "count": len(ids),
            "action": "send_message",
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/registration/custom_message.html", context)

    def _export(self, queryset, fmt: str, filename: str):
        event_ids = set(queryset.order_by().values_list("event_id", flat=True).distinct())
        questions = Question.objects.filter(event_id__in=event_ids).order_by(
            "event_id", "order", "pk"
        )
        rows = exports.export_rows(registrations=queryset, questions=questions, typed=fmt == "xlsx")
        if fmt == "xlsx":
            response: HttpResponse | StreamingHttpResponse = HttpResponse(
                exports.xlsx_bytes(rows),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            response = StreamingHttpResponse(
                exports.csv_chunks(rows), content_type="text/csv; charset=utf-8"
            )
        response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
        return response

    @admin.action(description=gettext_lazy("Export to CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        self._log_export(request, queryset, "csv")
        return self._export(queryset, "csv", "registrations")

    @admin.action(description=gettext_lazy("Export to Excel (XLSX)"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        self._log_export(request, queryset, "xlsx")
        return self._export(queryset, "xlsx", "registrations")

    @admin.action(
        description=gettext_lazy("Anonymise (keep only what the statistics need)"),
        permissions=["delete"],
    )
    def anonymise(self, request, queryset):
        if "confirm" not in request.POST:
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Anonymise registrations"),
                "ids": list(queryset.values_list("pk", flat=True)),
                "count": queryset.count(),
                "action": "anonymise",
                "select_across": request.POST.get("select_across", "0"),
            }
            return TemplateResponse(request, "admin/registration/anonymise.html", context)
        # Logged after the wipe: the log names the anonymised row, not the person.
        done = services.registrations_anonymise(queryset=queryset)
        count = self._log(
            request,
            done,
            _("Anonymised by an admin action (only what the statistics need is kept)."),
        )
        self.message_user(
            request,
            ngettext("%(n)s registration anonymised.", "%(n)s registrations anonymised.", count)
            % {"n": count},
        )
        return None

    # --- extra pages ---

    def export_event_view(self, request, event_id: int, fmt: str):
        if not self.has_view_permission(request) or fmt not in ("csv", "xlsx"):
            raise PermissionDenied
        event = get_object_or_404(self._events(request), pk=event_id)
        self._log_export(request, event.registrations.all(), fmt)
        return self._export(event.registrations.all(), fmt, f"registrations-{event.slug}")

    def interpretation_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        plans = selectors.interpretation_plans(events=self._events(request))
        for plan in plans:
            plan["rows"] = [
                (language_autonym(code), approved, waiting)
                for code, (approved, waiting) in plan["languages"].items()
            ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Interpretation planning"),
            "plans": plans,
        }
        return TemplateResponse(request, "admin/registration/interpretation.html", context)

    def import_attendance_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import attendance"),
        }
        here = reverse("admin:registration_registration_import")
        if request.method == "POST" and "plan" in request.POST:
            try:
                signed = services.attendance_plan_read(token=request.POST["plan"])
            except services.AttendancePlanExpired as exc:
                messages.error(request, str(exc))
                return redirect(here)
            event = get_object_or_404(self._events(request), pk=signed["event"])
            confirmed = {int(i) for i in request.POST.getlist("confirm") if i.isdigit()}
            try:
                applied = services.event_apply_attendance(
                    event=event,
                    people=importers.payload_people(signed, confirmed=confirmed),
                    file_name=signed["file"],
                    file_sha256=signed["sha256"],
                    layout=signed["layout"],
                    imported_by=request.user,
                )
            except services.AttendanceApplyError as exc:
                messages.error(request, str(exc))
                return redirect(here)
            messages.success(
                request,
                _("Attendance recorded for %(n)s participants of %(event)s.")
                % {"n": applied.people, "event": event},
            )
            return redirect(
                reverse("admin:registration_registration_changelist")
                + f"?event__id__exact={event.pk}"
            )
        clear_form = AttendanceClearForm(
            request.POST if "clear" in request.POST else None, events=self._events(request)
        )
        if clear_form.is_bound and clear_form.is_valid():
            event = clear_form.cleaned_data["event"]
            count = services.event_clear_attendance(event=event)
            messages.success(
                request,
                ngettext(
                    "Attendance of %(event)s cleared (%(n)s import forgotten).",
                    "Attendance of %(event)s cleared (%(n)s imports forgotten).",
                    count,
                )
                % {"n": count, "event": event},
            )
            return redirect(here)
        uploading = request.method == "POST" and not clear_form.is_bound
        form = AttendanceUploadForm(
            request.POST if uploading else None,
            request.FILES if uploading else None,
            events=self._events(request),
        )
        if form.is_bound and form.is_valid():
            event = form.cleaned_data["event"]
            upload_file = form.cleaned_data["file"]
            try:
                plan = importers.attendance_plan(
                    event=event,
                    data=importers.read_upload(upload_file),
                    file_name=upload_file.name or "",
                )
            except importers.ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                context.update(
                    {
                        "event": event,
                        "plan": plan,
                        "signed_plan": services.attendance_plan_sign(
                            payload=plan.payload(event=event)
                        ),
                    }
                )
        context["form"] = form
        context["clear_form"] = clear_form
        return TemplateResponse(request, "admin/registration/import_attendance.html", context)


@admin.register(Question)
class QuestionAdmin(TeamScopedMixin, AdminFormsMixin, MissingTranslationsMixin, TranslationAdmin):
    list_display = [
        "label",
        short_title_column("event", gettext_lazy("event"), ordering="event__starts_at"),
        "kind",
        "required",
        "order",
        "missing_translations",
    ]
    list_filter = [("event", admin.RelatedOnlyFieldListFilter), "kind"]
    list_select_related = ["event"]
    list_editable = ["order"]
    search_fields = ["label"]


@admin.register(OutgoingMail)
class OutgoingMailAdmin(TeamScopedMixin, admin.ModelAdmin):
    list_display = [
        "registration",
        "delegation",
        "kind",
        "due_at",
        "sent_at",
        "attempts",
        "last_error",
    ]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["registration", "delegation"]
    search_fields = ["registration__email", "delegation__focal_point_email"]
    readonly_fields = [f.name for f in OutgoingMail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
