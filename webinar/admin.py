from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from registration import services as registration_services
from sessions.admin import EventAgendaAdminMixin, SessionInline
from webinar.admin_access import JoinDetailsMixin, log_admin_action
from webinar.admin_desk import EventDeskMixin
from webinar.admin_forms import AdminFormsMixin, short_title_column
from webinar.admin_options import HTTPS_URL_FIELDS
from webinar.admin_teams import TeamScopedMixin
from webinar.content_i18n import MissingTranslationsMixin
from webinar.logos import logo_normalised
from webinar.models import Event, Organisation, Series, User
from webinar.templatetags.desk import event_local_start


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Organisation)
class OrganisationAdmin(AdminFormsMixin, TranslationAdmin):
    list_display = ["name", "acronym", "website"]
    search_fields = ["name", "acronym"]
    formfield_overrides = HTTPS_URL_FIELDS

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("logo")
        if upload and "logo" in form.changed_data:
            # Stored re-encoded (PNG, bounded size, no metadata), never as uploaded.
            obj.logo = logo_normalised(upload, name=upload.name)
        super().save_model(request, obj, form, change)


@admin.register(Series)
class SeriesAdmin(TeamScopedMixin, AdminFormsMixin, MissingTranslationsMixin, TranslationAdmin):
    list_display = ["title", "slug", "missing_translations"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["organisers", "partners", "team"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "team":
            # Staff only: participants' accounts have nothing to do in a team.
            kwargs["queryset"] = User.objects.filter(is_staff=True).order_by("email")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            # Whoever creates a series works on it (else it would vanish from their admin).
            form.instance.team.add(request.user)


@admin.register(Event)
class EventAdmin(
    EventDeskMixin,
    TeamScopedMixin,
    JoinDetailsMixin,
    EventAgendaAdminMixin,
    AdminFormsMixin,
    MissingTranslationsMixin,
    TranslationAdmin,
):
    # Fits a 1366 px screen; the rest is on the event's page and its desk.
    list_display = [
        "title",
        short_title_column("series", _("series"), ordering="series__title"),
        "local_start",
        "is_published",
        "missing_translations",
        "desk_link",
    ]
    list_filter = [("series", admin.RelatedOnlyFieldListFilter), "is_published", "approval_mode"]
    search_fields = ["title", "slug"]
    list_select_related = ["series"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "starts_at"
    inlines = [SessionInline]
    formfield_overrides = HTTPS_URL_FIELDS

    @admin.display(description=_("starts (event time)"), ordering="starts_at")
    def local_start(self, obj) -> str:
        return event_local_start(obj)

    @admin.display(description=_("desk"))
    def desk_link(self, obj) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:webinar_event_desk", args=[obj.pk]), _("Desk")
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            # A raised capacity gives its seats to the waiting list now, not at the next
            # cancellation (same transaction: the mails go once the change is committed).
            registration_services.event_fill_free_seats(event_id=obj.pk)


# allauth's own admin for addresses: its one action declared no permission and left no trace.
admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(AllauthEmailAddressAdmin):
    actions = ["make_verified"]

    @admin.action(
        description=_("Mark selected email addresses as verified"), permissions=["change"]
    )
    def make_verified(self, request, queryset):
        unverified = list(queryset.filter(verified=False))
        super().make_verified(request, queryset)
        verified = EmailAddress.objects.filter(
            pk__in=[address.pk for address in unverified], verified=True
        )
        log_admin_action(
            request, objects=verified, message=gettext("Marked as verified by an admin action.")
        )
