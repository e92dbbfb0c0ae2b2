from django.urls import path

from motcua.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.log, name="log"),
    path("truy-cap/", views.access_log, name="access_log"),
]
