"""/bao-cao/: statistics for leaders and reporting officers. Each part keeps its own URL module."""

from motcua.reports import urls_dashboard, urls_timeliness

app_name = "reports"

urlpatterns = [*urls_timeliness.urlpatterns, *urls_dashboard.urlpatterns]
