"""A change to the working calendar recomputes the open dossiers' due times, with an event."""

import uuid
from datetime import date, time

import pytest
import time_machine
from django.db.models import F

from motcua.dossiers.models import DossierEvent
from motcua.dossiers.services import (
    dossier_apologize,
    dossier_forward,
    dossier_withdraw,
    dossiers_recompute_due,
)
from motcua.dossiers.statuses import Action
from motcua.dossiers.tests.factories import HKD, build_office, demo_procedure, local, receive
from motcua.organizations.models import Role
from motcua.workdays.models import CalendarEntry, CalendarRevision
from motcua.workdays.services import (
    calendar_entry_create,
    calendar_entry_delete,
    office_hours_set,
)


@pytest.fixture
def office(db):
    return build_office()


@pytest.fixture
def hkd(db):
    return demo_procedure(HKD)


def at(when, service, **kwargs):
    with time_machine.travel(when, tick=False):
        return service(**kwargs)


def recomputed(dossier):
    return list(
        DossierEvent.objects.filter(dossier=dossier, action=Action.RECOMPUTE_DUE).values_list(
            "note", "data"
        )
    )


def test_a_day_off_decided_later_moves_open_dossiers(office, hkd):
    # Given a dossier received Monday 2/3/2026 08:00, due Thursday 08:00, at the department
    dossier = receive(office, hkd, at=local(2026, 3, 2, 8, 0))
    at(local(2026, 3, 2, 9, 0), dossier_forward, actor=office.reception, dossier=dossier)
    # and dossiers the change cannot move: due before the new day off, already finished
    earlier = receive(office, hkd, at=local(2026, 2, 24, 8, 0))  # due Friday 27/2 08:00
    finished = receive(office, hkd, at=local(2026, 3, 2, 8, 30))
    at(
        local(2026, 3, 2, 9, 0),
        dossier_withdraw,
        actor=office.reception,
        dossier=finished,
        reason="Rút",
    )

    # When Wednesday 4/3 is declared a day off nationwide (on Tuesday)
    with time_machine.travel(local(2026, 3, 3, 9, 0), tick=False):
        calendar_entry_create(date=date(2026, 3, 4), kind="day_off", name="Nghỉ đột xuất")

    # Then the appointment moves one working day, and an event says why
    dossier.refresh_from_db()
    assert dossier.due_at == local(2026, 3, 6, 8, 0)
    assert dossier.original_due_at == local(2026, 3, 5, 8, 0)
    assert recomputed(dossier) == [
        (
            "Lịch làm việc thay đổi (ngày 04/03/2026): hạn trả kết quả đổi từ 08:00 05/03/2026 "
            "sang 08:00 06/03/2026.",
            {
                "previous_due_at": "2026-03-05T08:00:00+07:00",
                "due_at": "2026-03-06T08:00:00+07:00",
                "dates": ["2026-03-04"],
            },
        )
    ]
    event = DossierEvent.objects.get(dossier=dossier, action=Action.RECOMPUTE_DUE)
    assert (event.at, event.actor, event.actor_name, event.from_status, event.to_status) == (
        local(2026, 3, 3, 9, 0),
        None,
        "Hệ thống",
        "processing",
        "processing",
    )
    # And the running step's own due time moves too (Tuesday 14:45 is before the day off: no)
    assert dossier.steps.get(order=2).due_at == local(2026, 3, 3, 14, 45)
    for untouched in (earlier, finished):
        untouched.refresh_from_db()
        assert recomputed(untouched) == []
    assert earlier.due_at == local(2026, 2, 27, 8, 0)

    # When the decision is withdrawn, the appointment comes back
    with time_machine.travel(local(2026, 3, 3, 10, 0), tick=False):
        calendar_entry_delete(entry=CalendarEntry.objects.get(name="Nghỉ đột xuất"), actor=None)
    dossier.refresh_from_db()
    assert dossier.due_at == local(2026, 3, 5, 8, 0)
    assert len(recomputed(dossier)) == 2


def test_a_day_off_of_another_province_changes_nothing(office, hkd):
    dossier = receive(office, hkd, at=local(2026, 3, 2, 8, 0))

    with time_machine.travel(local(2026, 3, 3, 9, 0), tick=False):
        calendar_entry_create(
            date=date(2026, 3, 4),
            kind="day_off",
            name="Nghỉ của phường Minh Xuân",
            agencies=[office.other_commune],
        )

    dossier.refresh_from_db()
    assert dossier.due_at == local(2026, 3, 5, 8, 0)
    assert recomputed(dossier) == []


def test_a_commune_day_off_moves_the_communes_dossiers(office, hkd):
    dossier = receive(office, hkd, at=local(2026, 3, 2, 8, 0))
    elsewhere = receive(
        office,
        hkd,
        at=local(2026, 3, 2, 8, 0),
        actor=office.other[Role.RECEPTION],
        desk=office.other_desk,
    )

    with time_machine.travel(local(2026, 3, 3, 9, 0), tick=False):
        calendar_entry_create(
            date=date(2026, 3, 4), kind="day_off", name="Nghỉ", agencies=[office.commune]
        )

    dossier.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (dossier.due_at, elsewhere.due_at) == (
        local(2026, 3, 6, 8, 0),
        local(2026, 3, 5, 8, 0),
    )


def test_an_apologized_dossier_keeps_the_date_promised_in_writing(office, hkd):
    dossier = receive(office, hkd, at=local(2026, 3, 2, 8, 0))
    at(
        local(2026, 3, 2, 9, 0),
        dossier_apologize,
        actor=office.reception,
        dossier=dossier,
        reason="Chậm",
        new_due_at=local(2026, 3, 10, 17, 0),
    )

    with time_machine.travel(local(2026, 3, 3, 9, 0), tick=False):
        calendar_entry_create(date=date(2026, 3, 4), kind="day_off", name="Nghỉ")

    dossier.refresh_from_db()
    assert dossier.due_at == local(2026, 3, 10, 17, 0)
    assert recomputed(dossier) == []


def test_shorter_office_hours_move_the_due_time(office, hkd):
    dossier = receive(office, hkd, at=local(2026, 3, 2, 14, 0))  # due Thursday 14:00

    with time_machine.travel(local(2026, 3, 2, 15, 0), tick=False):
        office_hours_set(agency=office.commune, afternoon_close=time(16, 30))

    dossier.refresh_from_db()
    # 3 days of 7 office hours from Monday 14:00: Thursday 14:00 still (same position in the day)
    assert dossier.due_at == local(2026, 3, 5, 14, 0)
    assert recomputed(dossier) == []

    with time_machine.travel(local(2026, 3, 2, 15, 30), tick=False):
        office_hours_set(
            agency=office.commune, afternoon_close=time(16, 30), afternoon_open=time(14, 0)
        )
    dossier.refresh_from_db()
    # Monday 14:00 is now the afternoon's opening: the same position as the morning's close
    assert dossier.due_at == local(2026, 3, 5, 11, 30)
    ((note, _data),) = recomputed(dossier)
    assert note == (
        "Giờ làm việc thay đổi: hạn trả kết quả đổi từ 14:00 05/03/2026 sang 11:30 05/03/2026."
    )


def test_recompute_without_changes_writes_nothing(office, hkd):
    dossier = receive(office, hkd, at=local(2026, 3, 2, 8, 0))

    assert dossiers_recompute_due() == 0
    assert dossiers_recompute_due(agency_paths=()) == 0
    assert recomputed(dossier) == []


def test_recompute_counts_the_dossiers_it_moved(office, hkd):
    for minute in range(3):
        receive(office, hkd, at=local(2026, 3, 2, 8, minute))
    # The row alone, without the calendar service (which would recompute at once)
    CalendarEntry.objects.create(date=date(2026, 3, 4), kind="day_off", name="Nghỉ")
    CalendarRevision.objects.filter(pk=1).update(value=F("value") + 1, token=uuid.uuid4())

    with time_machine.travel(local(2026, 3, 3, 9, 0), tick=False):
        assert dossiers_recompute_due(entry_dates=[date(2026, 3, 4)]) == 3
        assert dossiers_recompute_due(entry_dates=[date(2026, 3, 4)]) == 0
