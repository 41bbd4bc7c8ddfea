from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from registration import services as registration_services
from sessions.admin import EventAgendaAdminMixin, SessionInline
from webinar.admin_access import JoinDetailsMixin, log_admin_action
from webinar.admin_options import HTTPS_URL_FIELDS
from webinar.content_i18n import MissingTranslationsMixin
from webinar.models import Event, Organisation, Series, User


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
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "website"]
    search_fields = ["name", "acronym"]
    formfield_overrides = HTTPS_URL_FIELDS


@admin.register(Series)
class SeriesAdmin(MissingTranslationsMixin, TranslationAdmin):
    list_display = ["title", "slug", "missing_translations"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["organisers", "partners"]


@admin.register(Event)
class EventAdmin(
    JoinDetailsMixin, EventAgendaAdminMixin, MissingTranslationsMixin, TranslationAdmin
):
    list_display = [
        "title",
        "series",
        "starts_at",
        "time_zone",
        "capacity",
        "is_published",
        "missing_translations",
    ]
    list_filter = ["series", "is_published", "approval_mode"]
    search_fields = ["title", "slug"]
    list_select_related = ["series"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "starts_at"
    inlines = [SessionInline]
    formfield_overrides = HTTPS_URL_FIELDS

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
