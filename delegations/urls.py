from django.urls import path

from delegations import views

app_name = "delegations"

urlpatterns = [
    path("delegations/<str:token>/", views.focal_point, name="focal_point"),
    path(
        "delegations/<str:token>/replace/<int:registration_id>/",
        views.replace,
        name="replace",
    ),
]
