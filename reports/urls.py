from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("builds/<int:pk>/", views.build_status, name="build_status"),
    path("builds/<int:pk>/download/", views.build_download, name="download"),
    path("builds/<int:pk>/first-page.png", views.build_first_page, name="first_page"),
    path("shared/<str:token>/", views.shared_download, name="shared"),
]
