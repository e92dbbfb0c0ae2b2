import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.catalog import exchange
from motcua.catalog.management.commands import os_error_reason
from motcua.catalog.selectors import catalog_export


class Command(BaseCommand):
    help = _("Xuất toàn bộ danh mục thủ tục hành chính ra JSON (định dạng motcua-catalog/1).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help=_("Ghi vào tệp này thay vì in ra màn hình."),
        )

    def handle(self, *args, output: str | None, **options):
        text = exchange.dumps(catalog_export())
        if not output:
            self.stdout.write(text, ending="")
            return
        path = Path(output)
        # Write beside the target and rename, so a failed export never leaves half a file.
        temporary = None
        try:
            descriptor, temporary = tempfile.mkstemp(
                dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
            )
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except OSError as exc:
            if temporary:
                Path(temporary).unlink(missing_ok=True)
            raise CommandError(
                _("Không ghi được tệp %(path)s (%(reason)s).")
                % {"path": path, "reason": os_error_reason(exc)},
                returncode=2,
            ) from exc
        self.stderr.write(_("Đã ghi %(path)s.") % {"path": path})
