"""The organisers' admin site: named after the project (``SITE_NAME``), opening on the events
of the series the user works on, each with a link to its desk."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy


def site_name() -> str:
    """The name in the admin's header and title bar: the setting, else a translated default."""
    return settings.SITE_NAME or gettext("Policy webinars: organisers' desk")


class WebinarAdminSite(admin.AdminSite):
    site_header = lazy(site_name, str)()
    site_title = lazy(site_name, str)()
    index_title = gettext_lazy("Your events")
    index_template = "admin/webinar_index.html"
    # The models are listed on the index; a second list beside every page would leave a
    # 1366 px screen too narrow for the registration list's columns.
    enable_nav_sidebar = False

    def index(self, request, extra_context=None):
        from webinar.models import Event
        from webinar.teams import scope_to_user

        events = []
        if request.user.has_perm("webinar.view_event"):
            events = list(
                scope_to_user(Event.objects.all(), user=request.user)
                .select_related("series")
                .order_by("-starts_at")[:30]
            )
        now = timezone.now()
        context = {
            "desk_events": [e for e in events if e.ends_at >= now][::-1],
            "desk_past_events": [e for e in events if e.ends_at < now],
            "can_open_desk": request.user.has_perm("registration.view_registration"),
            **(extra_context or {}),
        }
        return super().index(request, extra_context=context)


class WebinarAdminConfig(AdminConfig):
    default_site = "webinar.admin_site.WebinarAdminSite"


__all__ = ["WebinarAdminConfig", "WebinarAdminSite", "site_name"]
