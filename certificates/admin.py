from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from certificates import services
from certificates.models import Certificate, CertificateBatch, CertificateLog, CertificateSettings
from webinar.admin_access import log_admin_action
from webinar.admin_teams import TeamScopedMixin

if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin
else:
    _AdminBase = object


class EventCertificatesAdminMixin(_AdminBase):
    """The event's "Issue certificates" action: the event admin lists "issue_certificates"
    among its actions."""

    def has_issue_certificates_permission(self, request) -> bool:
        return request.user.has_perm("certificates.issue_certificate")

    @admin.action(description=_("Issue certificates"), permissions=["issue_certificates"])
    def issue_certificates(self, request, queryset):
        for event in queryset:
            result = services.certificates_issue(event=event, requested_by=request.user)
            message = ngettext(
                "%(count)d certificate issued (%(unchanged)d unchanged).",
                "%(count)d certificates issued (%(unchanged)d unchanged).",
                result.issued,
            ) % {"count": result.issued, "unchanged": result.unchanged}
            log_admin_action(
                request,
                objects=[event],
                message=gettext("Issue certificates: %(result)s") % {"result": message},
            )
            if result.batch is not None:
                url = reverse("certificates:batch_status", kwargs={"pk": result.batch.pk})
                self.message_user(
                    request,
                    format_html(
                        '{}: {} <a href="{}">{}</a>', event, message, url, _("rendering progress")
                    ),
                    messages.SUCCESS,
                )
            else:
                self.message_user(request, f"{event}: {message}", messages.SUCCESS)


@admin.register(CertificateSettings)
class CertificateSettingsAdmin(TeamScopedMixin, admin.ModelAdmin):
    list_display = ["event", "signatory_name", "signatory_title_en"]
    list_select_related = ["event"]
    search_fields = ["event__title", "signatory_name"]
    fields = [
        "event",
        "signatory_name",
        "signatory_title_en",
        "signatory_title_fr",
        "signatory_title_ar",
        "signature",
    ]


class CertificateLogInline(admin.TabularInline):
    model = CertificateLog
    extra = 0
    can_delete = False
    fields = ("at", "action", "detail", "user")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(TeamScopedMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "display_name",
        "event",
        "kind",
        "language",
        "issued_at",
        "is_valid",
        "has_pdf",
    ]
    list_filter = [
        ("event", admin.RelatedOnlyFieldListFilter),
        "kind",
        "language",
        ("revoked_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["event"]
    search_fields = ["number", "name", "institution"]
    readonly_fields = [
        "number",
        "event",
        "kind",
        "registration",
        "person",
        "honorific",
        "name",
        "institution",
        "language",
        "minutes",
        "issued_at",
        "revoked_at",
        "revoked_reason",
        "replaced_by",
        "file",
        "sha256",
        "rendered_at",
        "verification_link",
    ]
    fields = tuple(readonly_fields)
    inlines = [CertificateLogInline]
    actions = ["revoke", "reissue"]

    def has_add_permission(self, request):
        return False  # certificates are issued from the event, never typed in

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a number once issued stays verifiable: revoke it instead

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("certificates.revoke_certificate")

    @admin.display(boolean=True, description=_("valid"))
    def is_valid(self, obj):
        return obj.is_valid

    @admin.display(boolean=True, description=_("PDF"))
    def has_pdf(self, obj):
        return bool(obj.file)

    @admin.display(description=_("verification page"))
    def verification_link(self, obj):
        url = reverse("certificates:verify", kwargs={"number": obj.number})
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.action(description=_("Revoke the selected certificates"), permissions=["revoke"])
    def revoke(self, request, queryset):
        revoked = [
            c
            for c in queryset
            if services.certificate_revoke(
                certificate=c, reason=str(_("Revoked by the organisers.")), user=request.user
            )
        ]
        log_admin_action(request, objects=revoked, message=gettext("Revoked by the organisers."))
        self.message_user(
            request,
            ngettext(
                "%(count)d certificate revoked.", "%(count)d certificates revoked.", len(revoked)
            )
            % {"count": len(revoked)},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Reissue the selected certificates with a new number"),
        permissions=["revoke"],
    )
    def reissue(self, request, queryset):
        pairs = []
        for certificate in queryset:
            new = services.certificate_reissue(certificate=certificate, user=request.user)
            if new is not None:
                pairs.append((certificate, new))
        for old, new in pairs:
            log_admin_action(
                request,
                objects=[old],
                message=gettext("Reissued as %(number)s.") % {"number": new.number},
            )
        self.message_user(
            request,
            ngettext(
                "%(count)d certificate reissued.", "%(count)d certificates reissued.", len(pairs)
            )
            % {"count": len(pairs)},
            messages.SUCCESS,
        )


@admin.register(CertificateBatch)
class CertificateBatchAdmin(TeamScopedMixin, admin.ModelAdmin):
    list_display = ["pk", "event", "status", "done", "total", "created_at", "status_page"]
    list_filter = ["status", ("event", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["event"]
    readonly_fields = [
        "event",
        "status",
        "total",
        "done",
        "error",
        "attempts",
        "requested_by",
        "created_at",
        "started_at",
        "heartbeat_at",
        "finished_at",
        "status_page",
    ]
    fields = tuple(readonly_fields)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record of what was rendered, and when

    @admin.display(description=_("status page"))
    def status_page(self, obj):
        url = reverse("certificates:batch_status", kwargs={"pk": obj.pk})
        zip_url = reverse("certificates:event_zip", kwargs={"slug": obj.event.slug})
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            url,
            _("progress"),
            zip_url,
            _("all certificates (ZIP)"),
        )
