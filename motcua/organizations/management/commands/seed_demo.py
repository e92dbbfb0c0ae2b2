"""`motcua seed_demo`: the demo agencies, officers and catalog; safe to run again."""

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.common.errors import DomainError
from motcua.organizations.demo import DEMO_CATALOG, SeedResult, demo_organizations_seed


class Command(BaseCommand):
    help = _(
        "Tạo dữ liệu mẫu: tỉnh Tuyên Quang, huyện Hàm Yên, các xã, cán bộ mẫu và danh mục thủ tục "
        "mẫu. Chạy lại nhiều lần không tạo trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-catalog",
            action="store_true",
            help=_("Không nạp danh mục thủ tục mẫu."),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Cho phép chạy khi DJANGO_DEBUG=false (tài khoản mẫu có mật khẩu công khai)."),
        )

    def handle(self, *args, skip_catalog: bool, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "Dữ liệu mẫu có mật khẩu công khai nên không chạy khi DJANGO_DEBUG=false. "
                    "Dùng --force nếu đây đúng là máy trình diễn."
                ),
                returncode=2,
            )
        try:
            result = demo_organizations_seed()
        except DomainError as error:
            raise CommandError(str(error.message), returncode=2) from error
        self.stdout.write(
            _("Cơ quan mới: %(agencies)d; quầy mới: %(counters)d; cán bộ mới: %(officers)d.")
            % {
                "agencies": result.agencies_created,
                "counters": result.counters_created,
                "officers": result.officers_created,
            }
        )
        if not skip_catalog:
            self._load_catalog()
        self._print_logins(result)

    def _load_catalog(self) -> None:
        if "import_catalog" not in get_commands():
            self.stdout.write(
                _("Chưa có lệnh import_catalog (ứng dụng danh mục thủ tục): bỏ qua danh mục mẫu.")
            )
            return
        if not DEMO_CATALOG.exists():
            self.stdout.write(
                _("Không thấy tệp danh mục mẫu %(path)s: bỏ qua danh mục mẫu.")
                % {"path": DEMO_CATALOG}
            )
            return
        call_command("import_catalog", str(DEMO_CATALOG), stdout=self.stdout, stderr=self.stderr)

    def _print_logins(self, result: SeedResult) -> None:
        headers = [_("Tên đăng nhập"), _("Mật khẩu"), _("Vai trò"), _("Cơ quan")]
        rows = [
            [
                login.username,
                f"{login.password}{' *' if login.password_changed else ''}",
                login.role_label,
                f"{login.agency.name} ({login.agency.code})",
            ]
            for login in result.logins
        ]
        widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]

        def line(cells):
            return " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        self.stdout.write("")
        self.stdout.write(_("Tài khoản trình diễn:"))
        self.stdout.write(line(headers))
        self.stdout.write("-+-".join("-" * w for w in widths))
        for row in rows:
            self.stdout.write(line(row))
        if any(login.password_changed for login in result.logins):
            self.stdout.write(
                _("* Tài khoản đã có từ trước với mật khẩu khác: mật khẩu được giữ nguyên.")
            )
        self.stdout.write(_("Trang quản trị: /admin/ (đăng nhập bằng tài khoản admin)."))
