from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from reports import selectors, services
from reports.models import Finding, Recommendation, Report, ReportBuild, SessionSummary
from webinar.admin_access import ADDITION, log_admin_action
from webinar.admin_forms import AdminFormsMixin
from webinar.admin_teams import TeamScopedChoicesMixin, TeamScopedMixin
from webinar.content_i18n import model_translated_fields
from webinar.languages import LANGUAGE_CODES, autonym_choices, language_name


def _in_each_language(field: str) -> list[str]:
    return [f"{field}_{lang}" for lang in LANGUAGE_CODES]


def _language_fieldsets(fields: tuple[str, ...]) -> list:
    return [
        (language_name(lang), {"fields": [f"{field}_{lang}" for field in fields]})
        for lang in LANGUAGE_CODES
    ]


class _EventSessionsInline(TeamScopedChoicesMixin, AdminFormsMixin, admin.StackedInline):
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the sessions of this report's event.
        if db_field.name == "session" and getattr(request, "_report_event_id", None):
            kwargs["queryset"] = db_field.related_model.objects.filter(
                event_id=request._report_event_id
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SessionSummaryInline(_EventSessionsInline):
    model = SessionSummary
    fields = ["session", *_in_each_language("key_points")]


class FindingInline(_EventSessionsInline):
    model = Finding
    fields = ["challenge_type", "programme_area", "session", *_in_each_language("text")]


class RecommendationInline(AdminFormsMixin, admin.StackedInline):
    model = Recommendation
    extra = 0
    fields = [
        ("addressee", "stage", "level"),
        ("sdg_target", "gcm_objective", "priority", "order"),
        *_in_each_language("text"),
    ]


class BuildRequestForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=autonym_choices())
    allow_fallback = forms.BooleanField(
        label=_("Build anyway, showing untranslated texts in another language (marked)"),
        required=False,
    )


@admin.register(Report)
class ReportAdmin(TeamScopedMixin, AdminFormsMixin, admin.ModelAdmin):
    list_display = ["__str__", "event", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = [*_in_each_language("title"), "event__title"]
    list_select_related = ["event"]
    inlines = [SessionSummaryInline, FindingInline, RecommendationInline]
    readonly_fields = ["status", "finalised_at", "build_versions"]
    actions = ["mark_final", "mark_draft"]
    change_form_template = "admin/reports/report/change_form.html"

    def get_fieldsets(self, request, obj=None):
        return [
            (
                None,
                {
                    "fields": [
                        "event",
                        ("status", "finalised_at"),
                        "region_countries",
                        "distribution_list",
                    ]
                },
            ),
            *_language_fieldsets(model_translated_fields(Report)),
            (_("PDF versions"), {"fields": ["build_versions"]}),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        request._report_event_id = obj.event_id if obj else None
        return super().get_form(request, obj, change, **kwargs)

    @admin.display(description=_("Builds"))
    def build_versions(self, obj):
        if not obj.pk:
            return "—"
        builds = selectors.report_builds_for_report(report=obj)[:20]
        if not builds:
            return _("No PDF has been built yet.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">#{} {} — {} ({})</a>{}</li>',
                (
                    (
                        reverse("reports:build_status", kwargs={"pk": b.pk}),
                        b.pk,
                        b.get_language_display(),
                        b.get_status_display(),
                        b.created_at.strftime("%Y-%m-%d %H:%M"),
                        " · " + str(_("shared")) if b.share_token else "",
                    )
                    for b in builds
                ),
            ),
        )

    def has_finalise_permission(self, request) -> bool:
        return request.user.has_perm("reports.finalise_report")

    @admin.action(
        description=_("Mark final: the next PDFs carry no DRAFT mark"), permissions=["finalise"]
    )
    def mark_final(self, request, queryset):
        done = 0
        for report in queryset:
            if services.report_mark_final(report=report):
                self.log_change(request, report, "Marked final.")
                done += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d report marked final; build its PDFs again to drop the DRAFT mark.",
                "%(count)d reports marked final; build their PDFs again to drop the DRAFT mark.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Back to draft: the next PDFs are marked DRAFT"), permissions=["finalise"]
    )
    def mark_draft(self, request, queryset):
        done = 0
        for report in queryset:
            if services.report_mark_draft(report=report):
                self.log_change(request, report, "Back to draft.")
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d report back to draft.", "%(count)d reports back to draft.", done)
            % {"count": done},
            messages.SUCCESS,
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/build/",
                self.admin_site.admin_view(self.build_view),
                name="reports_report_build",
            ),
            *super().get_urls(),
        ]

    def build_view(self, request, pk: int):
        """The "Build PDF" button: choose a language, see what is not translated, build."""
        report: Report = get_object_or_404(
            self.get_queryset(request).select_related("event"), pk=pk
        )
        if not (
            self.has_view_permission(request, report)
            and request.user.has_perm("reports.add_reportbuild")
        ):
            raise PermissionDenied
        missing = {
            lang: selectors.report_missing_translations(report=report, language=lang)
            for lang in LANGUAGE_CODES
        }
        form = BuildRequestForm(request.POST or None)
        refused = []
        if request.method == "POST" and form.is_valid():
            try:
                build = services.report_build_request(
                    report=report,
                    language=form.cleaned_data["language"],
                    requested_by=request.user,
                    allow_fallback=form.cleaned_data["allow_fallback"],
                )
            except services.MissingTranslations as exc:
                refused = exc.missing
                form.add_error(
                    "language",
                    _(
                        "%(count)d texts are not translated into this language. Translate "
                        "them, or tick the box to build anyway."
                    )
                    % {"count": len(exc.missing)},
                )
            else:
                self.message_user(request, _("The build is queued."), messages.SUCCESS)
                return redirect("reports:build_status", pk=build.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "report": report,
            "form": form,
            "missing": [(lang, missing[lang]) for lang in LANGUAGE_CODES],
            "refused": refused,
            "title": _("Build the PDF of “%(report)s”") % {"report": report},
        }
        return render(request, "admin/reports/report/build.html", context)


class ReportBuildAddForm(forms.ModelForm):
    class Meta:
        model = ReportBuild
        fields = ["report", "language", "allow_fallback"]

    def clean(self):
        data = super().clean() or {}
        report, language = data.get("report"), data.get("language")
        if report and language:
            try:
                services.report_build_check(
                    report=report,
                    language=language,
                    allow_fallback=bool(data.get("allow_fallback")),
                )
            except services.MissingTranslations as exc:
                raise forms.ValidationError(
                    [_("Not translated: %(text)s") % {"text": text} for text in exc.missing]
                ) from exc
        return data


@admin.register(ReportBuild)
class ReportBuildAdmin(TeamScopedMixin, admin.ModelAdmin):
    # Fits a 1366 px screen; progress, pages and size are on the build's page.
    list_display = ["pk", "event", "language", "status", "created_at", "is_shared"]
    list_filter = ["status", "language", ("event", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["event"]
    readonly_fields = [
        "event",
        "status",
        "progress",
        "error",
        "attempts",
        "requested_by",
        "created_at",
        "started_at",
        "heartbeat_at",
        "finished_at",
        "file",
        "size",
        "pages",
        "sha256",
        "fallback_fields",
        "links",
        "published_at",
        "published_by",
        "share_emailed_at",
    ]
    actions = ["rebuild", "publish", "publish_and_email", "revoke"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ReportBuildAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["report", "language", "allow_fallback"]
        return ["report", "language", "allow_fallback", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["report", "language", "allow_fallback", *self.readonly_fields]

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True, description=_("shared"))
    def is_shared(self, obj):
        return obj.is_shared

    @admin.display(description=_("links"))
    def links(self, obj):
        parts = [
            format_html(
                '<a href="{}">{}</a>',
                reverse("reports:build_status", kwargs={"pk": obj.pk}),
                _("status page"),
            )
        ]
        if obj.status == ReportBuild.Status.SUCCEEDED:
            parts.append(
                format_html(
                    '<a href="{}">{}</a>',
                    reverse("reports:download", kwargs={"pk": obj.pk}),
                    _("download"),
                )
            )
        if obj.share_token:
            url = services.report_share_url(build=obj)
            parts.append(format_html('{}: <a href="{}">{}</a>', _("share link"), url, url))
        return format_html_join(" · ", "{}", ((p,) for p in parts))

    def save_model(self, request, obj, form, change):
        # A new build goes through the service so that it is queued after commit.
        built = services.report_build_request(
            report=obj.report,
            language=obj.language,
            requested_by=request.user,
            allow_fallback=obj.allow_fallback,
        )
        obj.pk = built.pk
        obj.refresh_from_db()

    def has_publish_permission(self, request):
        return request.user.has_perm("reports.publish_reportbuild")

    @admin.action(description=_("Build again (same report and language)"), permissions=["add"])
    def rebuild(self, request, queryset):
        count = 0
        for build in queryset.select_related("event", "report"):
            try:
                new_build = services.report_build_request(
                    report=build.report or services.report_get_or_create(event=build.event),
                    language=build.language,
                    requested_by=request.user,
                    allow_fallback=build.allow_fallback,
                )
                count += 1
            except services.MissingTranslations as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                log_admin_action(
                    request,
                    objects=[new_build],
                    flag=ADDITION,
                    message=gettext("Queued by the admin action “%(action)s” from build %(pk)d.")
                    % {"action": getattr(self.rebuild, "short_description", ""), "pk": build.pk},
                )
        self.message_user(
            request,
            ngettext("%(count)d build queued.", "%(count)d builds queued.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def _publish(self, request, queryset, *, email: bool):
        done = 0
        for build in queryset:
            was_shared = bool(build.share_token)
            try:
                services.report_build_publish(build=build, user=request.user, email=email)
            except services.BuildNotPublishable:
                self.message_user(
                    request,
                    _("Build %(pk)d is not finished; only finished builds can be published.")
                    % {"pk": build.pk},
                    messages.WARNING,
                )
                continue
            done += 1
            if email:
                message = gettext("Published; the link is being mailed to the distribution list.")
            elif not was_shared:
                message = gettext("Published: a share link was made.")
            else:
                continue  # already shared, nothing changed
            log_admin_action(request, objects=[build], message=message)
        self.message_user(
            request,
            ngettext("%(count)d build published.", "%(count)d builds published.", done)
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Publish: make a share link"), permissions=["publish"])
    def publish(self, request, queryset):
        self._publish(request, queryset, email=False)

    @admin.action(
        description=_("Publish and email the link to the distribution list"),
        permissions=["publish"],
    )
    def publish_and_email(self, request, queryset):
        self._publish(request, queryset, email=True)

    @admin.action(description=_("Revoke the share link"), permissions=["publish"])
    def revoke(self, request, queryset):
        for build in queryset:
            if not build.share_token:
                continue  # nothing to revoke, nothing changed
            services.report_build_revoke(build=build)
            log_admin_action(
                request, objects=[build], message=gettext("The share link was revoked.")
            )
        self.message_user(request, _("Share links revoked."), messages.SUCCESS)
