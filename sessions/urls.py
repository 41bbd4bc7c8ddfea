from django.urls import path

from sessions import views

app_name = "agenda"

urlpatterns = [
    path("events/<slug:slug>/agenda.ics", views.agenda_ics, name="agenda_ics"),
    path("events/<slug:slug>/agenda.json", views.agenda_json, name="agenda_json"),
    path("events/<slug:slug>/speakers/", views.speakers, name="speakers"),
    path("events/<slug:slug>/sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("events/<slug:slug>/sessions/<int:pk>.ics", views.session_ics, name="session_ics"),
    path("agenda/schema/v1.json", views.agenda_schema, name="agenda_schema"),
]
