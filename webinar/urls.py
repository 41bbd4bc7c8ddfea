from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from webinar import views

# The admin has no login form of its own: it sends visitors to allauth's login, so that one
# set of rate limits (failed attempts per address and per client) covers every way in.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", views.home, name="home"),
    path("events/<slug:slug>/", views.event_detail, name="event_detail"),
    path("", include("registration.urls")),
    path("", include("sessions.urls")),
    path("", include("delegations.urls")),
    path("health/", views.health_view, name="health"),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", views.public_media, name="public_media"),
    path("reports/", include("reports.urls")),
    path("", include("certificates.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
