"""`motcua due_date --start 2026-02-13T16:30 --amount 3 --unit days [--agency CODE]`

Prints only the due time, ISO 8601 with its offset (2026-02-25T17:00:00+07:00). A bad argument
prints one line in Vietnamese on stderr and exits with status 2 (the contract in DESIGN.md).
"""

import sys
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError, handle_default_options
from django.db import connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.organizations.models import Agency
from motcua.workdays.engine import MAX_YEAR, MIN_YEAR, OFFICE_TZ, UNITS, due_at_after
from motcua.workdays.selectors import calendar_for_agency

BAD_ARGUMENT = 2


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_ARGUMENT)


class Command(BaseCommand):
    help = gettext_lazy(
        "Tính hạn giải quyết: thời điểm tiếp nhận cộng thời hạn (ngày hoặc giờ làm việc) theo "
        "lịch làm việc toàn quốc hoặc của một cơ quan."
    )
    requires_system_checks = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = str(self.help)  # argparse formats only real strings

        def error(message):
            raise _bad(
                _("Tham số không hợp lệ: %(message)s. Xem hướng dẫn: motcua due_date --help")
                % {"message": message}
            )

        parser.error = error
        return parser

    def add_arguments(self, parser):
        parser.add_argument(
            "--start",
            help=_(
                "Thời điểm tiếp nhận, ISO 8601, ví dụ 2026-02-13T16:30 (giờ Việt Nam nếu không "
                "ghi múi giờ) hoặc 2026-02-13T09:30:00+00:00."
            ),
        )
        parser.add_argument(
            "--amount", help=_("Thời hạn: số không âm, ví dụ 3 hoặc 0.5 (0 ngày = trong ngày).")
        )
        parser.add_argument(
            "--unit", default="days", help=_("days (ngày làm việc, mặc định) hoặc hours (giờ).")
        )
        parser.add_argument(
            "--agency",
            help=_("Mã cơ quan; bỏ trống: lịch và giờ làm việc mặc định toàn quốc."),
        )

    def run_from_argv(self, argv):
        # Django prints "CommandError: …" after parsing; the contract is one plain line, and a
        # parse error must exit with 2 like any other bad argument.
        self._called_from_command_line = True
        options = None
        try:
            parser = self.create_parser(argv[0], argv[1])
            options = parser.parse_args(argv[2:])
            cmd_options = vars(options)
            args = cmd_options.pop("args", ())
            handle_default_options(options)
            self.execute(*args, **cmd_options)
        except CommandError as exc:
            if options is not None and options.traceback:
                raise
            self.stderr.write(str(exc))
            sys.exit(exc.returncode)
        finally:
            connections.close_all()

    def handle(self, *args, **options):
        start = self._start(options["start"])
        amount = self._amount(options["amount"])
        unit = (options["unit"] or "").strip().lower()
        if unit not in UNITS:
            raise _bad(
                _(
                    "Đơn vị không hợp lệ: «%(unit)s». Dùng days (ngày làm việc) hoặc hours "
                    "(giờ làm việc)."
                )
                % {"unit": options["unit"]}
            )
        agency = None
        if options["agency"] is not None:
            code = options["agency"].strip()
            agency = Agency.objects.filter(code=code).first()
            if agency is None:
                raise _bad(_("Không tìm thấy cơ quan có mã «%(code)s».") % {"code": code})
        calendar = calendar_for_agency(agency)
        try:
            due = due_at_after(start, amount, unit, calendar)
        except (ValueError, OverflowError):
            raise _bad(
                _("Hạn giải quyết vượt ra ngoài các năm %(first)d–%(last)d mà lịch hỗ trợ.")
                % {"first": MIN_YEAR, "last": MAX_YEAR}
            ) from None
        self.stdout.write(due.isoformat())

    @staticmethod
    def _start(value: str | None) -> datetime:
        if value is None or not value.strip():
            raise _bad(_("Thiếu thời điểm tiếp nhận: --start, ví dụ --start 2026-02-13T16:30."))
        try:
            start = datetime.fromisoformat(value.strip())
        except ValueError:
            raise _bad(
                _(
                    "Thời điểm tiếp nhận không hợp lệ: «%(value)s». Dùng dạng ISO 8601, ví dụ "
                    "2026-02-13T16:30 hoặc 2026-02-13T16:30+07:00."
                )
                % {"value": value}
            ) from None
        if start.tzinfo is None:
            start = start.replace(tzinfo=OFFICE_TZ)
        if not MIN_YEAR <= start.astimezone(OFFICE_TZ).year <= MAX_YEAR:
            raise _bad(
                _("Thời điểm tiếp nhận phải trong các năm %(first)d–%(last)d.")
                % {"first": MIN_YEAR, "last": MAX_YEAR}
            )
        return start

    @staticmethod
    def _amount(value: str | None) -> Decimal:
        if value is None or not value.strip():
            raise _bad(_("Thiếu thời hạn: --amount, ví dụ --amount 3."))
        try:
            amount = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            raise _bad(
                _("Thời hạn không hợp lệ: «%(value)s». Nhập một số không âm, ví dụ 3 hoặc 0.5.")
                % {"value": value}
            )
        if amount < 0:
            raise _bad(_("Thời hạn không được âm: «%(value)s».") % {"value": value})
        return amount
