from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoadgenConfig(AppConfig):
    name = "motcua.loadgen"
    label = "loadgen"
    verbose_name = _("Dữ liệu mô phỏng tải")
