from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from reports import services
from reports.models import ReportBuild


@admin.register(ReportBuild)
class ReportBuildAdmin(admin.ModelAdmin):
    list_display = ["pk", "event", "language", "status", "progress", "pages", "size", "created_at"]
    list_filter = ["status", "language", "event"]
    list_select_related = ["event"]
    readonly_fields = [
        "status",
        "progress",
        "error",
        "attempts",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
        "file",
        "size",
        "pages",
        "sha256",
    ]
    fields = ["event", "language", *readonly_fields]
    actions = ["rebuild"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # A new build goes through the service so that it is queued after commit.
        built = services.report_build_request(
            event=obj.event, language=obj.language, requested_by=request.user
        )
        obj.pk = built.pk

    @admin.action(description=_("Build again (same event and language)"), permissions=["add"])
    def rebuild(self, request, queryset):
        for build in queryset.select_related("event"):
            services.report_build_request(
                event=build.event, language=build.language, requested_by=request.user
            )
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)d build queued.", "%(count)d builds queued.", count)
            % {"count": count},
            messages.SUCCESS,
        )
