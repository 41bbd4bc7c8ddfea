from django.contrib import admin

from registration.models import Registration


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "first_name",
        "last_name",
        "event",
        "country",
        "category",
        "status",
        "created_at",
    ]
    list_filter = ["event", "status", "category", "language"]
    search_fields = ["email", "first_name", "last_name", "organization"]
    list_select_related = ["event"]
    readonly_fields = ["created_at", "updated_at", "confirmation_sent_at"]
    date_hierarchy = "created_at"
