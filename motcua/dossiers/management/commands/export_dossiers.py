import os
from pathlib import Path

from django.utils.translation import gettext as _

from motcua.catalog.management.commands import os_error_reason
from motcua.common.commands import PlainErrorCommand, bad_argument
from motcua.common.errors import DomainError
from motcua.dossiers.exporting import (
    FORMATS,
    dossier_export_rows,
    export_chunks,
    export_request_parse,
)


class Command(PlainErrorCommand):
    help = _(
        "Xuất danh sách hồ sơ tiếp nhận trong kỳ của một cơ quan và các đơn vị trực thuộc, "
        "mỗi hồ sơ một dòng, cho công cụ phân tích (CSV UTF-8 hoặc JSON Lines), không kèm "
        "thông tin cá nhân."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help=_("Mã định danh của cơ quan."))
        parser.add_argument(
            "--from", dest="date_from", required=True, help=_("Từ ngày (YYYY-MM-DD).")
        )
        parser.add_argument("--to", dest="date_to", required=True, help=_("Đến ngày (YYYY-MM-DD)."))
        parser.add_argument("--format", choices=FORMATS, default="csv", help=_("csv hoặc jsonl."))
        parser.add_argument("--output", help=_("Ghi ra tệp này (mặc định: đầu ra chuẩn)."))

    def handle(self, *args, **options):
        try:
            request = export_request_parse(
                agency_code=options["agency"],
                date_from=options["date_from"],
                date_to=options["date_to"],
                format=options["format"],
            )
        except DomainError as error:
            raise bad_argument(str(error.message)) from error
        counter = _Counter(dossier_export_rows(request=request))
        chunks = export_chunks(request, counter)
        if not options["output"]:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            return
        path = Path(options["output"])
        # Written beside the target and renamed at the end: a failed export leaves no half file.
        partial = path.with_name(f".{path.name}.part")
        try:
            with partial.open("w", encoding="utf-8", newline="") as stream:
                for chunk in chunks:
                    stream.write(chunk)
            os.replace(partial, path)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise bad_argument(
                _("Không ghi được tệp %(path)s (%(reason)s).")
                % {"path": path, "reason": os_error_reason(error)}
            ) from error
        self.stdout.write(
            _("Đã xuất %(count)d hồ sơ ra %(path)s.") % {"count": counter.count, "path": path}
        )


class _Counter:
    def __init__(self, rows):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row
