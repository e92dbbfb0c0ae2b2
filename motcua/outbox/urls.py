from django.urls import path

from motcua.outbox import views

app_name = "outbox"

urlpatterns = [
    path("gui-di/", views.log, name="log"),
    path("gui-di/<int:pk>/gui-lai/", views.resend, name="resend"),
    path("ho-so.csv", views.export_csv, name="export_csv"),
    path("ho-so.jsonl", views.export_jsonl, name="export_jsonl"),
]
