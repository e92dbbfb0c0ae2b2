"""URL patterns of this part of the reports (included by motcua/reports/urls.py)."""

urlpatterns: list = []
