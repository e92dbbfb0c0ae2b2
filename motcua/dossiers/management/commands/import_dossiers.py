from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.catalog.management.commands import os_error_reason
from motcua.common.errors import DomainError
from motcua.dossiers.importing import dossiers_import


class Command(BaseCommand):
    help = _(
        "Nhập hồ sơ từ hệ thống cũ: tệp JSON Lines, mỗi dòng một hồ sơ. Cả tệp được nhập "
        "hoặc không dòng nào; nhập lại cập nhật hồ sơ theo mã, không tạo trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("Đường dẫn tệp .jsonl."))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Chỉ kiểm tra và báo kết quả, không ghi gì vào cơ sở dữ liệu."),
        )

    def handle(self, *args, file: str, dry_run: bool, **options):
        path = Path(file)
        try:
            # utf-8-sig: files saved by spreadsheet tools on Windows start with a BOM.
            with path.open(encoding="utf-8-sig", newline="") as stream:
                result = dossiers_import(lines=stream, dry_run=dry_run)
        except OSError as exc:
            raise CommandError(
                _("Không đọc được tệp %(path)s (%(reason)s).")
                % {"path": path, "reason": os_error_reason(exc)},
                returncode=2,
            ) from exc
        except UnicodeDecodeError as exc:
            raise CommandError(
                _("Tệp %(path)s không phải văn bản UTF-8.") % {"path": path}, returncode=2
            ) from exc
        except DomainError as exc:
            for line in exc.details.get("errors", []):
                self.stderr.write(line)
            raise CommandError(str(exc.message), returncode=2) from exc
        summary = _(
            "Hồ sơ: %(lines)s dòng, %(created)s mới, %(updated)s cập nhật, "
            "%(unchanged)s không đổi. Tạo mới: %(agencies)s cơ quan, %(fields)s lĩnh vực, "
            "%(procedures)s thủ tục."
        ) % {
            "lines": result.lines,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "agencies": result.agencies_created,
            "fields": result.fields_created,
            "procedures": result.procedures_created,
        }
        if dry_run:
            summary = _("Chạy thử, không ghi dữ liệu. %(summary)s") % {"summary": summary}
        self.stdout.write(summary)
