"""Supplements (restart vs pause), intake refusals, financial obligations, the apology,
withdrawal and stopping."""

from datetime import timedelta

import pytest
import time_machine

from motcua.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from motcua.dossiers.models import (
    Dossier,
    DossierEvent,
    DossierPause,
    Outcome,
    StepStatus,
    SupplementRequest,
)
from motcua.dossiers.services import (
    dossier_apologize,
    dossier_approve,
    dossier_forward,
    dossier_intake_incomplete,
    dossier_intake_refuse,
    dossier_pause_payment,
    dossier_refuse_intake,
    dossier_request_supplement,
    dossier_resume_payment,
    dossier_stop,
    dossier_supplement_received,
    dossier_withdraw,
    dossiers_close_unanswered_supplements,
)
from motcua.dossiers.statuses import Action, DossierStatus
from motcua.dossiers.tests.factories import (
    APPLICANT,
    DOCUMENTS,
    HKD,
    build_office,
    demo_procedure,
    local,
    receive,
    submit,
)
from motcua.organizations.models import User

ITEMS = ["Bản sao hợp đồng thuê địa điểm kinh doanh", "Văn bản ủy quyền có công chứng"]


@pytest.fixture
def office(db):
    return build_office()


@pytest.fixture
def hkd(db):
    return demo_procedure(HKD)


def at(when, service, **kwargs):
    with time_machine.travel(when, tick=False):
        return service(**kwargs)


def steps_of(dossier):
    return list(dossier.steps.order_by("order"))


def snapshot(dossier):
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.due_at,
        dossier.extended_at,
        dossier.finished_at,
        dossier.supplement_count,
        [(s.status, s.due_at) for s in steps_of(dossier)],
        dossier.events.count(),
        dossier.pauses.count(),
        dossier.supplement_requests.count(),
    )


def at_department(office, hkd, received):
    """Received at `received`, handed to Phòng Kinh tế an hour later."""
    dossier = receive(office, hkd, at=received)
    at(received + timedelta(hours=1), dossier_forward, actor=office.reception, dossier=dossier)
    return dossier


# -- supplements ---------------------------------------------------------------------------------


def test_supplement_under_decree_118_restarts_the_clock(office, hkd):
    # Given a dossier at the department, received Monday 2/3/2026 08:00 (due Thursday 08:00)
    dossier = at_department(office, hkd, local(2026, 3, 2, 8, 0))

    # When the specialist asks for two documents on Tuesday 10:00
    at(
        local(2026, 3, 3, 10, 0),
        dossier_request_supplement,
        actor=office.specialist,
        dossier=dossier,
        items=ITEMS,
        reason="Thiếu giấy tờ về địa điểm kinh doanh",
    )

    # Then form 02 lists both, with 15 working days to answer
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert dossier.supplement_count == 1
    request = SupplementRequest.objects.get(dossier=dossier)
    assert (request.items, request.requested_by, request.deadline_at) == (
        ITEMS,
        office.specialist,
        local(2026, 3, 24, 10, 0),
    )
    event = dossier.events.get(action=Action.REQUEST_SUPPLEMENT)
    assert (event.from_status, event.public_note, event.data["items"]) == (
        DossierStatus.PROCESSING,
        "Thiếu giấy tờ về địa điểm kinh doanh",
        ITEMS,
    )

    # When the applicant brings them Thursday 14:00
    at(
        local(2026, 3, 5, 14, 0),
        dossier_supplement_received,
        actor=office.reception,
        dossier=dossier,
        documents=[{"name": ITEMS[0], "originals": 0, "copies": 1}],
    )

    # Then the full 3 days count again from Thursday 14:00, and the dossier is where it was
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING
    assert dossier.clock_started_at == local(2026, 3, 5, 14, 0)
    assert dossier.due_at == local(2026, 3, 10, 14, 0)
    assert dossier.original_due_at == local(2026, 3, 10, 14, 0)
    assert dossier.received_at == local(2026, 3, 2, 8, 0)
    study = steps_of(dossier)[1]
    assert (study.status, study.due_at) == (StepStatus.ACTIVE, local(2026, 3, 9, 8, 15))
    request.refresh_from_db()
    assert request.answered_at == local(2026, 3, 5, 14, 0)
    assert list(dossier.pauses.values_list("kind", "started_at", "ended_at")) == [
        ("supplement", local(2026, 3, 3, 10, 0), local(2026, 3, 5, 14, 0))
    ]
    assert dossier.documents.count() == 3
    event = dossier.events.get(action=Action.SUPPLEMENT)
    assert event.data == {
        "documents": [ITEMS[0]],
        "mode": "restart",
        "previous_due_at": "2026-03-05T08:00:00+07:00",
        "due_at": "2026-03-10T14:00:00+07:00",
    }


def test_supplement_after_cutoff_restarts_the_next_working_day(office, hkd):
    dossier = at_department(office, hkd, local(2026, 3, 2, 8, 0))
    at(
        local(2026, 3, 3, 10, 0),
        dossier_request_supplement,
        actor=office.specialist,
        dossier=dossier,
        items=ITEMS,
        reason="Thiếu giấy tờ",
    )

    at(
        local(2026, 3, 6, 16, 0),
        dossier_supplement_received,
        actor=office.reception,
        dossier=dossier,
    )

    assert dossier.clock_started_at == local(2026, 3, 9, 7, 30)
    assert dossier.due_at == local(2026, 3, 11, 17, 0)


def test_supplement_under_decree_61_pauses_the_clock(office, hkd):
    # Given a dossier received Monday 2/6/2025 under Decree 61/2018 (due Thursday 5/6 08:00)
    dossier = at_department(office, hkd, local(2025, 6, 2, 8, 0))
    assert dossier.rule_version.code == "nd61-2018"
    at(
        local(2025, 6, 3, 10, 0),
        dossier_request_supplement,
        actor=office.specialist,
        dossier=dossier,
        items=ITEMS,
        reason="Thiếu giấy tờ",
    )

    # When the documents arrive two working days later
    at(
        local(2025, 6, 5, 10, 0),
        dossier_supplement_received,
        actor=office.reception,
        dossier=dossier,
    )

    # Then the appointment moves by the two working days waited; the clock's start stays
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING
    assert dossier.clock_started_at == local(2025, 6, 2, 8, 0)
    assert dossier.due_at == local(2025, 6, 9, 8, 0)
    assert dossier.original_due_at == local(2025, 6, 5, 8, 0)
    assert dossier.events.get(action=Action.SUPPLEMENT).data["mode"] == "pause"


def test_intake_incomplete_then_complete(office, hkd):
    # Given an incomplete dossier at the desk Monday 2/3/2026 08:00
    with time_machine.travel(local(2026, 3, 2, 8, 0), tick=False):
        dossier = dossier_intake_incomplete(
            actor=office.reception,
            receiving_agency=office.desk,
            procedure=hkd,
            channel="direct",
            applicant=APPLICANT,
            documents=DOCUMENTS[:1],
            items=ITEMS,
            reason="Thiếu giấy tờ",
        )

    # Then it has a code and a form 02, but no clock and no route yet
    assert dossier.code == "000.01.51.H62-260302-0001"
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert (dossier.received_at, dossier.due_at, dossier.supplement_count) == (None, None, 1)
    assert not dossier.steps.exists()
    assert not dossier.pauses.exists()
    assert list(dossier.events.values_list("action", "from_status", "to_status")) == [
        ("request_supplement", "", "supplement_requested")
    ]

    # When the applicant completes it Wednesday 09:00
    at(
        local(2026, 3, 4, 9, 0),
        dossier_supplement_received,
        actor=office.reception,
        dossier=dossier,
        documents=DOCUMENTS[1:],
    )

    # Then it is received then, with its appointment and route
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.received_at == local(2026, 3, 4, 9, 0)
    assert dossier.due_at == local(2026, 3, 9, 9, 0)
    assert [s.status for s in steps_of(dossier)] == ["active"] + ["pending"] * 4
    assert dossier.documents.count() == 2


def test_online_submission_incomplete_then_complete(office, hkd):
    dossier = submit(office, hkd, at=local(2026, 3, 1, 20, 0))

    at(
        local(2026, 3, 2, 8, 0),
        dossier_request_supplement,
        actor=office.reception,
        dossier=dossier,
        items=ITEMS[:1],
        reason="Thiếu giấy tờ",
    )
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert not dossier.pauses.exists()  # the clock never started

    at(
        local(2026, 3, 3, 8, 0),
        dossier_supplement_received,
        actor=office.reception,
        dossier=dossier,
    )
    assert (dossier.status, dossier.due_at) == (DossierStatus.RECEIVED, local(2026, 3, 6, 8, 0))


@pytest.mark.parametrize(("items", "reason"), [([], "Thiếu"), (["  "], "Thiếu"), (ITEMS, "")])
def test_supplement_request_needs_items_and_a_reason(office, hkd, items, reason):
    dossier = at_department(office, hkd, local(2026, 3, 2, 8, 0))
    before = snapshot(dossier)

    with pytest.raises(InvalidInput):
        dossier_request_supplement(
            actor=office.specialist, dossier=dossier, items=items, reason=reason
        )

    assert snapshot(dossier) == before


def test_unanswered_supplement_request_closes_the_dossier(office, hkd):
    dossier = at_department(office, hkd, local(2026, 3, 2, 8, 0))
    at(
        local(2026, 3, 3, 10, 0),
        dossier_request_supplement,
        actor=office.specialist,
        dossier=dossier,
        items=ITEMS,
        reason="Thiếu giấy tờ",
    )
    answered = at_department(office, hkd, local(2026, 3, 2, 9, 0))

    assert at(local(2026, 3, 24, 10, 0), dossiers_close_unanswered_supplements) == 0
    assert at(local(2026, 3, 24, 10, 1), dossiers_close_unanswered_supplements) == 1

    dossier.refresh_from_db()
    assert (dossier.status, dossier.finished_at) == (
        DossierStatus.STOPPED,
        local(2026, 3, 24, 10, 1),
    )
    event = dossier.events.get(action=Action.STOP)
    assert (event.actor, event.actor_name, event.public_note) == (
        None,
        "Hệ thống",
        "Quá hạn bổ sung hồ sơ mà công dân không bổ sung.",
    )
    answered.refresh_from_db()
    assert answered.status == DossierStatus.PROCESSING


# -- refusal at intake ----------------------------------------------------------------------------


def test_refusal_at_the_desk_gives_a_code_and_form_03(office, hkd):
    with time_machine.travel(local(2026, 3, 2, 8, 0), tick=False):
        dossier = dossier_intake_refuse(
            actor=office.reception,
            receiving_agency=office.desk,
            procedure=hkd,
            channel="direct",
            applicant=APPLICANT,
            reason="Không thuộc thẩm quyền giải quyết của xã",
        )

    assert dossier.code == "000.01.51.H62-260302-0001"
    assert (dossier.status, dossier.finished_at, dossier.status_reason) == (
        DossierStatus.NOT_ACCEPTED,
        local(2026, 3, 2, 8, 0),
        "Không thuộc thẩm quyền giải quyết của xã",
    )
    assert dossier.national_status == 3


def test_refusing_an_online_submission(office, hkd):
    dossier = submit(office, hkd, at=local(2026, 3, 1, 20, 0))

    at(
        local(2026, 3, 2, 8, 0),
        dossier_refuse_intake,
        actor=office.reception,
        dossier=dossier,
        reason="Hồ sơ nộp nhầm thủ tục",
    )

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.NOT_ACCEPTED
    event = dossier.events.get(action=Action.REFUSE_INTAKE)
    assert (event.from_status, event.public_note) == ("submitted", "Hồ sơ nộp nhầm thủ tục")


def test_refusal_at_the_desk_needs_a_reason(office, hkd):
    with pytest.raises(InvalidInput):
        dossier_intake_refuse(
            actor=office.reception,
            receiving_agency=office.desk,
            procedure=hkd,
            channel="direct",
            applicant=APPLICANT,
            reason="",
        )
    assert not Dossier.objects.exists()


# -- financial obligations -----------------------------------------------------------------------


def test_waiting_for_the_tax_moves_the_appointment(office, hkd):
    dossier = at_department(office, hkd, local(2026, 3, 2, 8, 0))

    at(
        local(2026, 3, 3, 10, 0),
        dossier_pause_payment,
        actor=office.specialist,
        dossier=dossier,
        reason="Chờ nộp lệ phí môn bài",
    )
    assert (dossier.status, dossier.national_status) == (DossierStatus.AWAITING_PAYMENT, 6)

    at(local(2026, 3, 5, 10, 0), dossier_resume_payment, actor=office.reception, dossier=dossier)

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING
    assert dossier.due_at == local(2026, 3, 9, 8, 0)  # Thursday 08:00 + two working days
    study = steps_of(dossier)[1]
    assert study.due_at == local(2026, 3, 5, 14, 45)  # Tuesday 14:45 + two working days
    pause = DossierPause.objects.get(dossier=dossier)
    assert (pause.kind, pause.started_at, pause.ended_at) == (
        "payment",
        local(2026, 3, 3, 10, 0),
        local(2026, 3, 5, 10, 0),
    )
    event = dossier.events.get(action=Action.RESUME_PAYMENT)
    assert event.data == {
        "paused_minutes": 900.0,
        "previous_due_at": "2026-03-05T08:00:00+07:00",
        "due_at": "2026-03-09T08:00:00+07:00",
    }


# -- the apology ---------------------------------------------------------------------------------


def test_apology_once_with_a_new_appointment(office, hkd):
    dossier = at_department(office, hkd, local(2026, 3, 2, 8, 0))  # due Thursday 5/3 08:00

    at(
        local(2026, 3, 3, 10, 0),
        dossier_apologize,
        actor=office.head,
        dossier=dossier,
        reason="Cần xác minh thực tế địa điểm kinh doanh",
        new_due_at=local(2026, 3, 9, 17, 0),
    )

    dossier.refresh_from_db()
    assert (dossier.due_at, dossier.original_due_at, dossier.extended_at) == (
        local(2026, 3, 9, 17, 0),
        local(2026, 3, 5, 8, 0),
        local(2026, 3, 3, 10, 0),
    )
    assert dossier.extension_reason == "Cần xác minh thực tế địa điểm kinh doanh"
    event = dossier.events.get(action=Action.APOLOGIZE)
    assert (event.from_status, event.to_status, event.data) == (
        "processing",
        "processing",
        {"previous_due_at": "2026-03-05T08:00:00+07:00", "due_at": "2026-03-09T17:00:00+07:00"},
    )

    # And a second apology is refused, whatever the date
    before = snapshot(dossier)
    with pytest.raises(Conflict) as error:
        at(
            local(2026, 3, 4, 8, 0),
            dossier_apologize,
            actor=office.head,
            dossier=dossier,
            reason="Lần hai",
            new_due_at=local(2026, 3, 12, 17, 0),
        )
    assert error.value.code == "apology_already_issued"
    assert snapshot(dossier) == before


@pytest.mark.parametrize(
    ("when", "allowed"),
    [
        (local(2026, 3, 4, 8, 0), True),  # exactly one working day (7.5 office hours) before
        (local(2026, 3, 4, 8, 1), False),
        (local(2026, 3, 5, 7, 0), False),  # the due date itself
    ],
)
def test_apology_at_least_one_working_day_before_the_due_time(office, hkd, when, allowed):
    dossier = at_department(office, hkd, local(2026, 3, 2, 8, 0))  # due Thursday 5/3 08:00
    before = snapshot(dossier)

    def apologize():
        at(
            when,
            dossier_apologize,
            actor=office.reception,
            dossier=dossier,
            reason="Chậm do xác minh",
            new_due_at=local(2026, 3, 9, 17, 0),
        )

    if allowed:
        apologize()
        assert dossier.extended_at == when
    else:
        with pytest.raises(Conflict) as error:
            apologize()
        assert error.value.code == "apology_too_late"
        assert snapshot(dossier) == before


@pytest.mark.parametrize(
    "new_due", [local(2026, 3, 5, 8, 0), "2026-03-09", None, local(9999, 3, 9, 17, 0)]
)
def test_apology_new_appointment_must_be_a_later_time(office, hkd, new_due):
    dossier = at_department(office, hkd, local(2026, 3, 2, 8, 0))

    with pytest.raises(InvalidInput) as error:
        at(
            local(2026, 3, 3, 8, 0),
            dossier_apologize,
            actor=office.reception,
            dossier=dossier,
            reason="Chậm",
            new_due_at=new_due,
        )
    assert error.value.code == "invalid_new_due_at"


def test_a_reason_with_a_nul_character_is_refused(office, hkd):
    dossier = at_department(office, hkd, local(2026, 3, 2, 8, 0))
    before = snapshot(dossier)

    with pytest.raises(InvalidInput) as error:
        at(
            local(2026, 3, 3, 8, 0),
            dossier_apologize,
            actor=office.reception,
            dossier=dossier,
            reason="Chậm\x00",
            new_due_at=local(2026, 3, 9, 17, 0),
        )
    assert error.value.code == "invalid_characters"
    assert snapshot(dossier) == before


# -- withdrawal and stopping ---------------------------------------------------------------------


def test_withdrawal_at_the_applicants_request_ends_processing(office, hkd):
    dossier = at_department(office, hkd, local(2026, 3, 2, 8, 0))
    at(
        local(2026, 3, 3, 10, 0),
        dossier_pause_payment,
        actor=office.specialist,
        dossier=dossier,
        reason="Chờ nộp thuế",
    )

    at(
        local(2026, 3, 3, 11, 0),
        dossier_withdraw,
        actor=office.reception,
        dossier=dossier,
        reason="Công dân có đơn xin rút hồ sơ",
    )

    dossier.refresh_from_db()
    assert (dossier.status, dossier.finished_at, dossier.national_status) == (
        DossierStatus.WITHDRAWN,
        local(2026, 3, 3, 11, 0),
        7,
    )
    assert [s.status for s in steps_of(dossier)] == ["done"] + ["skipped"] * 4
    assert dossier.pauses.get().ended_at == local(2026, 3, 3, 11, 0)


def test_no_withdrawal_once_a_result_exists(office, hkd):
    dossier = at_department(office, hkd, local(2026, 3, 2, 8, 0))
    at(local(2026, 3, 2, 10, 0), dossier_forward, actor=office.specialist, dossier=dossier)
    at(local(2026, 3, 2, 11, 0), dossier_forward, actor=office.head, dossier=dossier)
    at(local(2026, 3, 2, 14, 0), dossier_approve, actor=office.leader, dossier=dossier)
    assert dossier.outcome == Outcome.APPROVED
    before = snapshot(dossier)

    with pytest.raises(Conflict) as error:
        dossier_withdraw(actor=office.reception, dossier=dossier, reason="Xin rút")

    assert error.value.code == "transition_not_allowed"
    assert snapshot(dossier) == before


def test_the_applicant_withdraws_their_own_online_submission(office, hkd):
    citizen = User.objects.create_user(username="congdan")
    stranger = User.objects.create_user(username="nguoila")
    dossier = submit(office, hkd, at=local(2026, 3, 1, 20, 0), citizen=citizen)

    with pytest.raises(NotFound) as error:
        dossier_withdraw(actor=stranger, dossier=dossier, reason="Rút")
    assert error.value.code == "dossier_not_found"

    at(
        local(2026, 3, 1, 21, 0),
        dossier_withdraw,
        actor=citizen,
        dossier=dossier,
        reason="Nộp nhầm",
    )
    assert dossier.status == DossierStatus.WITHDRAWN
    event = DossierEvent.objects.get(dossier=dossier, action=Action.WITHDRAW)
    assert (event.actor, event.public_note) == (citizen, "Nộp nhầm")


def test_stop_processing_form_05(office, hkd):
    dossier = at_department(office, hkd, local(2026, 3, 2, 8, 0))
    before = snapshot(dossier)

    with pytest.raises(Forbidden):
        dossier_stop(actor=office.specialist, dossier=dossier, reason="Hồ sơ giả mạo")
    assert snapshot(dossier) == before

    at(
        local(2026, 3, 3, 9, 0),
        dossier_stop,
        actor=office.head,
        dossier=dossier,
        reason="Phát hiện giấy tờ giả mạo",
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.status_reason, dossier.national_status) == (
        DossierStatus.STOPPED,
        "Phát hiện giấy tờ giả mạo",
        8,
    )
