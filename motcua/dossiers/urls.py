from django.urls import path, re_path

from motcua.dossiers.views import books, dossier, intake, worklists

app_name = "dossiers"

urlpatterns = [
    path("", worklists.home, name="home"),
    path("tiep-nhan/", intake.intake, name="intake"),
    path("so-theo-doi/", books.tracking_book, name="tracking_book"),
    path("ho-so/<str:code>/", dossier.detail, name="detail"),
    path("ho-so/<str:code>/thao-tac/<slug:action>/", dossier.action, name="action"),
    path("ho-so/<str:code>/tep/", dossier.attach, name="attach"),
    path("ho-so/<str:code>/tep/<int:file_id>/", dossier.file_download, name="file"),
    re_path(
        r"^ho-so/(?P<code>[^/]+)/mau/(?P<form>[0-9]{2})\.pdf$", dossier.form_pdf, name="form_pdf"
    ),
]
