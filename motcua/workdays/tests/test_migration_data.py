"""The official 2025 and 2026 schedules that `migrate` installs, and DOMAIN.md §3's examples on
the national calendar built from them."""

from datetime import date, datetime, timedelta

import pytest

from motcua.workdays.engine import OFFICE_TZ, due_at_after
from motcua.workdays.models import CalendarEntry, CalendarEntryKind, CalendarRevision
from motcua.workdays.selectors import calendar_for_agency

pytestmark = pytest.mark.django_db


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(n) for n in range((last - first).days + 1)]


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=OFFICE_TZ)


# DOMAIN.md §3: the periods off, each wholly off, with working days on both sides.
PERIODS_OFF = [
    (date(2025, 1, 1), date(2025, 1, 1)),
    (date(2025, 1, 25), date(2025, 2, 2)),
    (date(2025, 4, 7), date(2025, 4, 7)),
    (date(2025, 4, 30), date(2025, 5, 4)),
    (date(2025, 8, 30), date(2025, 9, 2)),
    (date(2026, 1, 1), date(2026, 1, 4)),
    (date(2026, 2, 14), date(2026, 2, 22)),
    (date(2026, 4, 25), date(2026, 4, 27)),
    (date(2026, 4, 30), date(2026, 5, 3)),
    (date(2026, 8, 29), date(2026, 9, 2)),
]
MAKE_UP_SATURDAYS = [date(2025, 4, 26), date(2026, 1, 10), date(2026, 8, 22)]


def test_every_weekday_off_and_every_make_up_saturday_has_a_row_with_its_document():
    entries = list(CalendarEntry.objects.all())
    assert len(entries) == 28
    assert all(entry.legal_reference and not entry.agencies.exists() for entry in entries)
    worked = sorted(e.date for e in entries if e.kind == CalendarEntryKind.MAKEUP_WORKDAY)
    assert worked == MAKE_UP_SATURDAYS
    off = {e.date for e in entries if e.kind != CalendarEntryKind.MAKEUP_WORKDAY}
    weekdays_off = {d for first, last in PERIODS_OFF for d in days(first, last) if d.weekday() < 5}
    assert off == weekdays_off
    swapped = sorted(e.date for e in entries if e.kind == CalendarEntryKind.DAY_OFF)
    assert swapped == [date(2025, 5, 2), date(2026, 1, 2), date(2026, 4, 27), date(2026, 8, 31)]


def test_the_documents_are_cited_as_announced():
    by_date = {entry.date: entry for entry in CalendarEntry.objects.all()}
    assert by_date[date(2025, 1, 27)].legal_reference == "Văn bản số 8726/VPCP-KGVX ngày 26/11/2024"
    for day in (date(2026, 1, 2), date(2026, 1, 10)):
        assert by_date[day].legal_reference == "Văn bản số 12729/VPCP-KGVX ngày 25/12/2025"
    for day in (date(2026, 2, 16), date(2026, 8, 22), date(2026, 9, 1)):
        assert by_date[day].legal_reference == (
            "Thông báo của Bộ Nội vụ về lịch nghỉ Tết Âm lịch và Quốc khánh năm 2026"
        )


def test_the_national_calendar_follows_the_schedules():
    calendar = calendar_for_agency()
    assert not calendar.is_working_day(date(2026, 1, 2))
    assert calendar.is_working_day(date(2026, 1, 10))
    for first, last in PERIODS_OFF:
        assert not any(calendar.is_working_day(d) for d in days(first, last)), (first, last)
        # The weekdays just outside each period are worked.
        before, after = first - timedelta(1), last + timedelta(1)
        while before.weekday() > 4:
            before -= timedelta(1)
        while after.weekday() > 4:
            after += timedelta(1)
        assert calendar.is_working_day(before), before
        assert calendar.is_working_day(after), after
    for saturday in MAKE_UP_SATURDAYS:
        assert calendar.is_working_day(saturday)


def test_the_revision_row_exists():
    assert CalendarRevision.objects.filter(pk=1).exists()


@pytest.mark.parametrize(
    ("start", "amount", "due"),
    [
        # Tết Ất Tỵ 25/1–2/2/2025: Friday after the cut-off starts Monday 3/2.
        (vn(2025, 1, 24, 16, 0), 1, vn(2025, 2, 3, 17, 0)),
        (vn(2025, 1, 24, 9, 0), 1, vn(2025, 2, 3, 9, 0)),
        # Tết Bính Ngọ 14–22/2/2026 (the contract example).
        (vn(2026, 2, 13, 16, 30), 3, vn(2026, 2, 25, 17, 0)),
        (vn(2026, 2, 12, 10, 0), 2, vn(2026, 2, 23, 10, 0)),
        # Giỗ Tổ 7/4/2025 (Monday).
        (vn(2025, 4, 4, 10, 0), 1, vn(2025, 4, 8, 10, 0)),
        # 26/4/2025 worked, 30/4–4/5 off with Friday 2/5 swapped.
        (vn(2025, 4, 25, 9, 0), 1, vn(2025, 4, 26, 9, 0)),
        (vn(2025, 4, 29, 9, 0), 1, vn(2025, 5, 5, 9, 0)),
        # 30/8–2/9/2025.
        (vn(2025, 8, 29, 9, 0), 1, vn(2025, 9, 3, 9, 0)),
        # 1/1–4/1/2026 with Friday 2/1 swapped for Saturday 10/1.
        (vn(2025, 12, 31, 9, 0), 1, vn(2026, 1, 5, 9, 0)),
        (vn(2026, 1, 9, 9, 0), 1, vn(2026, 1, 10, 9, 0)),
        (vn(2026, 1, 9, 9, 0), 2, vn(2026, 1, 12, 9, 0)),
        # Giỗ Tổ on Sunday 26/4/2026: Monday 27/4 off in compensation.
        (vn(2026, 4, 24, 9, 0), 1, vn(2026, 4, 28, 9, 0)),
        # 30/4–3/5/2026.
        (vn(2026, 4, 29, 9, 0), 1, vn(2026, 5, 4, 9, 0)),
        # Saturday 22/8/2026 worked for Monday 31/8; 29/8–2/9 off.
        (vn(2026, 8, 21, 9, 0), 1, vn(2026, 8, 22, 9, 0)),
        (vn(2026, 8, 28, 9, 0), 1, vn(2026, 9, 3, 9, 0)),
    ],
)
def test_due_times_around_each_decided_day(start, amount, due):
    assert due_at_after(start, amount, "days", calendar_for_agency()) == due
