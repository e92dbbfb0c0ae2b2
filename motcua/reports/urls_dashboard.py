"""URL patterns of this part of the reports (included by motcua/reports/urls.py)."""

from django.urls import path

from motcua.reports import views_dashboard

urlpatterns: list = [
    path("", views_dashboard.dashboard_view, name="dashboard"),
    path("qua-han/", views_dashboard.overdue_view, name="overdue"),
    path("tiep-nhan/", views_dashboard.received_view, name="received"),
    path("chi-so/", views_dashboard.quality_view, name="quality"),
    path("chi-so/danh-sach/", views_dashboard.quality_list_view, name="quality_list"),
]
