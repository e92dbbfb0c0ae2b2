"""URL patterns of this part of the reports (included by motcua/reports/urls.py)."""

from django.urls import path

from motcua.reports import views_timeliness

urlpatterns: list = [
    path("dung-han/", views_timeliness.timeliness, name="timeliness"),
    path(
        "dung-han/ho-so/",
        views_timeliness.timeliness_dossiers_list,
        name="timeliness_dossiers",
    ),
]
