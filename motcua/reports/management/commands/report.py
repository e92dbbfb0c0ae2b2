"""`motcua report timeliness --agency CODE --from 2026-01-01 --to 2026-03-31
--format json|xlsx|pdf [--group-by field|agency|procedure] [--output FILE]`

The official reports on the command line, one sub-command per report (only `timeliness` so
far). JSON goes to stdout unless --output is given; Excel and PDF are files, so they need
--output (binary bytes on a terminal help nobody). A bad argument — unknown agency, a date that
is not YYYY-MM-DD, from after to, an unknown grouping or format — prints one Vietnamese line on
stderr and exits with status 2.
"""

import datetime as dt
import json
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.management.commands import os_error_reason
from motcua.common.commands import PlainErrorCommand, bad_argument
from motcua.common.db import report_db_alias
from motcua.common.errors import DomainError
from motcua.organizations.models import Agency
from motcua.reports.timeliness import GROUP_BY, timeliness_report

FORMATS = ("json", "xlsx", "pdf")


def _day(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise bad_argument(
            _("Ngày %(option)s không hợp lệ: «%(value)s». Dùng dạng 2026-03-31.")
            % {"option": option, "value": value[:40]}
        ) from None


class Command(PlainErrorCommand):
    help = gettext_lazy(
        "Báo cáo thống kê chính thức. timeliness: tình hình, kết quả giải quyết thủ tục hành "
        "chính (Biểu II.06a) của một cơ quan và các đơn vị trực thuộc, xuất JSON, Excel hoặc PDF."
    )

    def add_arguments(self, parser):
        reports = parser.add_subparsers(dest="report", required=True, metavar="timeliness")
        timeliness = reports.add_parser(
            "timeliness",
            help=str(_("Tình hình, kết quả giải quyết TTHC (Biểu II.06a).")),
        )
        timeliness.add_argument("--agency", required=True, help=str(_("Mã cơ quan.")))
        timeliness.add_argument(
            "--from", dest="date_from", required=True, help=str(_("Từ ngày, YYYY-MM-DD."))
        )
        timeliness.add_argument(
            "--to", dest="date_to", required=True, help=str(_("Đến ngày, YYYY-MM-DD."))
        )
        timeliness.add_argument("--format", default="json", help="json|xlsx|pdf")
        timeliness.add_argument(
            "--group-by", default="field", help="field|agency|procedure (mặc định: field)"
        )
        timeliness.add_argument("--output", help=str(_("Tệp kết quả; bắt buộc với xlsx và pdf.")))
        timeliness.error = self.parser_error

    def handle(self, *args, report: str, **options):
        self._timeliness(**options)

    def _timeliness(self, *, agency, date_from, date_to, format, group_by, output, **options):
        code = agency.strip()
        found = Agency.objects.using(report_db_alias()).filter(code=code).first()
        if found is None:
            raise bad_argument(_("Không tìm thấy cơ quan có mã «%(code)s».") % {"code": code[:64]})
        date_from, date_to = _day(date_from, "--from"), _day(date_to, "--to")
        if format not in FORMATS:
            raise bad_argument(
                _("Định dạng «%(value)s» không hợp lệ (chọn: json, xlsx, pdf).")
                % {"value": format[:20]}
            )
        if group_by not in GROUP_BY:
            raise bad_argument(
                _("Cách nhóm «%(value)s» không hợp lệ (chọn: field, agency, procedure).")
                % {"value": group_by[:20]}
            )
        if format != "json" and not output:
            raise bad_argument(
                _("Định dạng %(format)s cần tệp kết quả: thêm --output TÊN_TỆP.")
                % {"format": format}
            )
        try:
            report = timeliness_report(
                agency=found, date_from=date_from, date_to=date_to, group_by=group_by
            )
        except DomainError as error:
            raise bad_argument(str(error.message)) from error
        if format == "json":
            text = json.dumps(report.as_json(), ensure_ascii=False, indent=2)
            if not output:
                self.stdout.write(text)
                return
            content = (text + "\n").encode()
        else:
            from motcua.reports.exports import timeliness_pdf, timeliness_xlsx

            content = (timeliness_xlsx if format == "xlsx" else timeliness_pdf)(report)
        path = Path(output)
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise bad_argument(
                _("Không ghi được tệp %(path)s (%(reason)s).")
                % {"path": path, "reason": os_error_reason(exc)}
            ) from exc
        self.stderr.write(_("Đã ghi báo cáo vào %(path)s.") % {"path": path})
