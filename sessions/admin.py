from django.contrib import admin

from sessions.models import Session


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["title", "kind", "starts_at", "ends_at", "order", "is_published"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "kind", "starts_at", "ends_at", "is_published"]
    list_filter = ["event", "kind", "is_published"]
    search_fields = ["title", "description"]
    list_select_related = ["event"]
