from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from motcua.api.api import api

admin.site.site_header = _("motcua — Quản trị hệ thống một cửa")
admin.site.site_title = _("motcua")
admin.site.index_title = _("Quản trị")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("can-bo/", include("motcua.dossiers.urls")),
    path("xep-hang/", include("motcua.queueing.urls")),
    path("thanh-toan/", include("motcua.payments.urls")),
    path("danh-gia/", include("motcua.ratings.urls")),
    path("bao-cao/", include("motcua.reports.urls")),
    path("du-lieu/", include("motcua.outbox.urls")),
    path("nhat-ky/", include("motcua.audit.urls")),
    path("", include("motcua.dossiers.urls_auth")),
    path("", include("motcua.portal.urls")),
]

handler404 = "motcua.common.views.page_not_found"
handler500 = "motcua.common.views.server_error"
