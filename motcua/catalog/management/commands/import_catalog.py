from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.catalog.management.commands import os_error_reason
from motcua.catalog.services import catalog_import
from motcua.common.errors import DomainError


class Command(BaseCommand):
    help = _("Nhập danh mục thủ tục hành chính từ tệp JSON (định dạng motcua-catalog/1).")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("Đường dẫn tệp JSON."))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Chỉ kiểm tra và báo kết quả, không ghi gì vào cơ sở dữ liệu."),
        )

    def handle(self, *args, file: str, dry_run: bool, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Không đọc được tệp %(path)s (%(reason)s).")
                % {"path": path, "reason": os_error_reason(exc)},
                returncode=2,
            ) from exc
        try:
            result = catalog_import(data=data, dry_run=dry_run)
        except DomainError as exc:
            for line in exc.details.get("errors", []):
                self.stderr.write(line)
            raise CommandError(str(exc.message), returncode=2) from exc
        summary = _(
            "Lĩnh vực: %(fields_created)s mới, %(fields_updated)s cập nhật. "
            "Thủ tục: %(created)s mới, %(updated)s cập nhật, %(unchanged)s không đổi."
        ) % {
            "fields_created": result.fields_created,
            "fields_updated": result.fields_updated,
            "created": result.procedures_created,
            "updated": result.procedures_updated,
            "unchanged": result.procedures_unchanged,
        }
        if dry_run:
            summary = _("Chạy thử, không ghi dữ liệu. %(summary)s") % {"summary": summary}
        self.stdout.write(summary)
