"""The supervisor's figures: a day's waiting and service times per service area and counter,
no-shows and the longest wait; the history of the last days; the same as an Excel workbook.

Waiting time is from issue to the first call; service time from the start of service to the end
(both in whole minutes on the pages). Tickets still in line count as waiting until now when the
day is today, and as not served on a past day.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from io import BytesIO
from statistics import fmean

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from motcua.organizations.models import Agency, Counter
from motcua.queueing.models import ServiceArea, Ticket
from motcua.queueing.statuses import IN_LINE, TicketPriority, TicketStatus
from motcua.workdays.engine import OFFICE_TZ


@dataclass
class Row:
    name: str
    issued: int = 0
    called: int = 0
    done: int = 0
    no_show: int = 0
    in_line: int = 0
    priority: int = 0
    waits: list[float] = field(default_factory=list, repr=False)  # minutes
    services: list[float] = field(default_factory=list, repr=False)  # minutes

    @property
    def average_wait(self) -> float | None:
        return round(fmean(self.waits), 1) if self.waits else None

    @property
    def longest_wait(self) -> float | None:
        return round(max(self.waits), 1) if self.waits else None

    @property
    def average_service(self) -> float | None:
        return round(fmean(self.services), 1) if self.services else None


@dataclass
class LongestWait:
    label: str
    service: str
    minutes: float
    still_waiting: bool


@dataclass
class DayStats:
    desk: Agency
    day: date
    total: Row
    areas: list[Row]
    counters: list[Row]
    longest: LongestWait | None
    tickets: list[Ticket]


def _minutes(delta: timedelta) -> float:
    return max(delta.total_seconds(), 0) / 60


def queue_day_stats(*, desk: Agency, day: date) -> DayStats:
    """One day at one desk, in three queries."""
    now = timezone.now()
    is_today = day == now.astimezone(OFFICE_TZ).date()
    tickets = list(
        Ticket.objects.filter(desk=desk, day=day)
        .select_related("service_area", "counter")
        .order_by("number")
    )
    areas = {
        area.pk: Row(f"{area.code} — {area.name}")
        for area in ServiceArea.objects.filter(desk=desk).order_by("order", "code")
    }
    counters = {
        counter.pk: Row(_("Quầy %(number)d") % {"number": counter.number}
                        + (f" — {counter.name}" if counter.name else ""))
        for counter in Counter.objects.filter(desk=desk).order_by("number")
    }  # fmt: skip
    total = Row(_("Cả bộ phận"))
    longest: LongestWait | None = None
    for ticket in tickets:
        rows = [total, areas[ticket.service_area_id]]
        wait = None
        if ticket.first_called_at is not None:
            wait = _minutes(ticket.first_called_at - ticket.issued_at)
        elif is_today and ticket.status in IN_LINE:
            wait = _minutes(now - ticket.issued_at)
        if wait is not None and (longest is None or wait > longest.minutes):
            longest = LongestWait(
                ticket.label,
                ticket.service_area.name,
                round(wait, 1),
                ticket.first_called_at is None,
            )
        for row in rows:
            row.issued += 1
            row.priority += ticket.priority != TicketPriority.NONE
            row.in_line += ticket.status in IN_LINE
        # A counter's figures are those of the tickets it called last (a transfer moves them).
        if ticket.counter_id in counters:
            rows.append(counters[ticket.counter_id])
        for row in rows:
            if wait is not None:
                row.waits.append(wait)
            row.called += ticket.first_called_at is not None
            if ticket.status == TicketStatus.DONE:
                row.done += 1
                if ticket.served_at and ticket.finished_at:
                    row.services.append(_minutes(ticket.finished_at - ticket.served_at))
            elif ticket.status == TicketStatus.NO_SHOW:
                row.no_show += 1
    return DayStats(
        desk=desk,
        day=day,
        total=total,
        areas=list(areas.values()),
        counters=list(counters.values()),
        longest=longest,
        tickets=tickets,
    )


@dataclass
class HistoryDay:
    day: date
    issued: int
    done: int
    no_show: int
    average_wait: float | None


def queue_history(*, desk: Agency, until: date, days: int = 30) -> list[HistoryDay]:
    """The desk's days with tickets among the `days` days up to `until`, newest first (one
    query)."""
    wait = ExpressionWrapper(F("first_called_at") - F("issued_at"), output_field=DurationField())
    rows = (
        Ticket.objects.filter(desk=desk, day__gt=until - timedelta(days=days), day__lte=until)
        .values("day")
        .annotate(
            issued=Count("id"),
            done=Count("id", filter=Q(status=TicketStatus.DONE)),
            no_show=Count("id", filter=Q(status=TicketStatus.NO_SHOW)),
            average_wait=Avg(wait, filter=Q(first_called_at__isnull=False)),
        )
        .order_by("-day")
    )
    return [
        HistoryDay(
            day=row["day"],
            issued=row["issued"],
            done=row["done"],
            no_show=row["no_show"],
            average_wait=(
                round(_minutes(row["average_wait"]), 1) if row["average_wait"] is not None else None
            ),
        )
        for row in rows
    ]


# -- Excel ---------------------------------------------------------------------------------------


def _local(instant: datetime | None) -> str:
    return f"{instant.astimezone(OFFICE_TZ):%H:%M:%S}" if instant is not None else ""


def queue_day_workbook(stats: DayStats) -> bytes:
    """The day's figures as an .xlsx: per service area, per counter, and every ticket."""
    book = Workbook()
    bold = Font(bold=True)
    headers = [
        _("Tên"),
        _("Số vé"),
        _("Ưu tiên"),
        _("Đã gọi"),
        _("Đã phục vụ xong"),
        _("Vắng mặt"),
        _("Còn chờ"),
        _("Chờ trung bình (phút)"),
        _("Chờ lâu nhất (phút)"),
        _("Phục vụ trung bình (phút)"),
    ]

    def sheet_of_rows(sheet, title: str, rows: list[Row]) -> None:
        sheet.title = title[:31]
        sheet.append([f"{stats.desk.name} — {stats.day:%d/%m/%Y}"])
        sheet["A1"].font = bold
        sheet.append(headers)
        for cell in sheet[2]:
            cell.font = bold
        for row in rows:
            sheet.append(
                [
                    row.name,
                    row.issued,
                    row.priority,
                    row.called,
                    row.done,
                    row.no_show,
                    row.in_line,
                    row.average_wait,
                    row.longest_wait,
                    row.average_service,
                ]
            )
        sheet.column_dimensions["A"].width = 48
        for column in "BCDEFGHIJ":
            sheet.column_dimensions[column].width = 16

    sheet_of_rows(book.active, _("Theo khu vực dịch vụ"), [*stats.areas, stats.total])
    sheet_of_rows(book.create_sheet(), _("Theo quầy"), stats.counters)
    sheet = book.create_sheet(_("Danh sách vé")[:31])
    sheet.append(
        [
            _("Số"),
            _("Khu vực dịch vụ"),
            _("Ưu tiên"),
            _("Trạng thái"),
            _("Quầy"),
            _("Lấy số"),
            _("Gọi lần đầu"),
            _("Bắt đầu phục vụ"),
            _("Kết thúc"),
            _("Số lần gọi"),
        ]
    )
    for cell in sheet[1]:
        cell.font = bold
    for ticket in stats.tickets:
        sheet.append(
            [
                ticket.label,
                ticket.service_area.name,
                str(TicketPriority(ticket.priority).label),
                str(TicketStatus(ticket.status).label),
                ticket.counter.number if ticket.counter else None,
                _local(ticket.issued_at),
                _local(ticket.first_called_at),
                _local(ticket.served_at),
                _local(ticket.finished_at),
                ticket.call_count,
            ]
        )
    sheet.column_dimensions["B"].width = 40
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
