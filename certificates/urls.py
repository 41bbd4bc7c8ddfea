from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("certificates/<str:number>/", views.verify, name="verify"),
    path("certificates/batches/<int:pk>/", views.batch_status, name="batch_status"),
    path(
        "certificates/events/<slug:slug>/certificates.zip",
        views.event_zip,
        name="event_zip",
    ),
    path(
        "registrations/<str:token>/certificates/<str:number>.pdf",
        views.personal_download,
        name="personal_download",
    ),
]
