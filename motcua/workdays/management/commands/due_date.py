"""`motcua due_date --start 2026-02-13T16:30 --amount 3 --unit days [--agency CODE]`

Prints only the due time, ISO 8601 with its offset (2026-02-25T17:00:00+07:00). A bad argument
prints one line in Vietnamese on stderr and exits with status 2 (the contract in DESIGN.md).
"""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.common.commands import PlainErrorCommand, bad_argument
from motcua.organizations.models import Agency
from motcua.workdays.engine import MAX_YEAR, MIN_YEAR, OFFICE_TZ, UNITS, due_at_after
from motcua.workdays.selectors import calendar_for_agency

_bad = bad_argument


class Command(PlainErrorCommand):
    help = gettext_lazy(
        "Tính hạn giải quyết: thời điểm tiếp nhận cộng thời hạn (ngày hoặc giờ làm việc) theo "
        "lịch làm việc toàn quốc hoặc của một cơ quan."
    )
    requires_system_checks = []

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
