from django.urls import path

from registration import views

app_name = "registration"

urlpatterns = [
    path("events/<slug:slug>/register/", views.register, name="register"),
    path("events/<slug:slug>/register/done/", views.done, name="done"),
    path("registrations/", views.mine, name="mine"),
    path("registrations/<str:token>/", views.manage, name="manage"),
    path("registrations/<str:token>/edit/", views.edit, name="edit"),
    path("registrations/<str:token>/cancel/", views.cancel, name="cancel"),
    path("registrations/<str:token>/register-again/", views.reactivate, name="reactivate"),
    path("registrations/<str:token>/erase/", views.erase, name="erase"),
    path("registrations/<str:token>/calendar.ics", views.calendar, name="calendar"),
]
