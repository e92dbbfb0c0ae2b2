"""The route: hand-overs with the step's timeliness, assignment, sending back, signature,
refusal, liên thông partners and the return of the result."""

import pytest
import time_machine

from motcua.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from motcua.dossiers.models import DossierEvent, DossierPause, Outcome, StepStatus, Timeliness
from motcua.dossiers.services import (
    dossier_approve,
    dossier_assign,
    dossier_forward,
    dossier_partner_result,
    dossier_refuse,
    dossier_return_result,
    dossier_send_back,
)
from motcua.dossiers.statuses import Action, DossierStatus
from motcua.dossiers.tests.factories import (
    BIRTH_LIEN_THONG,
    HKD,
    LAND_TRANSFER,
    build_office,
    demo_procedure,
    local,
    make_officer,
    receive,
)
from motcua.organizations.models import Role


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
    return list(dossier.steps.select_related("agency", "assignee").order_by("order"))


def snapshot(dossier):
    """Everything a denied action must leave as it was."""
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.due_at,
        dossier.finished_at,
        [(s.status, s.assignee_id, s.started_at, s.finished_at) for s in steps_of(dossier)],
        dossier.events.count(),
    )


# -- the household business, end to end ---------------------------------------------------------


def test_household_business_from_desk_to_return_with_step_timeliness(office, hkd):
    # Given a dossier received Monday 2/3/2026 08:00 (3 working days: due Thursday 08:00)
    dossier = receive(office, hkd, at=local(2026, 3, 2, 8, 0))
    assert dossier.due_at == local(2026, 3, 5, 8, 0)

    # When the desk hands it to Phòng Kinh tế at 09:00
    at(local(2026, 3, 2, 9, 0), dossier_forward, actor=office.reception, dossier=dossier)
    desk, study, _review, _sign, _give_back = steps_of(dossier)
    assert dossier.status == DossierStatus.PROCESSING
    assert (desk.status, desk.finished_at, desk.timeliness) == (
        StepStatus.DONE,
        local(2026, 3, 2, 9, 0),
        Timeliness.ON_TIME,
    )
    # the specialist's 1.5 days count from the hand-over
    assert (study.status, study.started_at, study.due_at) == (
        StepStatus.ACTIVE,
        local(2026, 3, 2, 9, 0),
        local(2026, 3, 3, 14, 45),
    )

    # And the head of department assigns it to the specialist
    at(
        local(2026, 3, 2, 9, 30),
        dossier_assign,
        actor=office.head,
        dossier=dossier,
        assignee=office.specialist,
    )
    assert steps_of(dossier)[1].assignee == office.specialist
    assert dossier.status == DossierStatus.PROCESSING

    # And the specialist hands over Wednesday, a day after the step's due date: late
    at(local(2026, 3, 4, 10, 0), dossier_forward, actor=office.specialist, dossier=dossier)
    study, review = steps_of(dossier)[1:3]
    assert (study.timeliness, review.status, review.due_at) == (
        Timeliness.LATE,
        StepStatus.ACTIVE,
        local(2026, 3, 4, 15, 45),
    )

    # And the head reviews the same day: on time; the leader's step waits for signature
    at(local(2026, 3, 4, 11, 0), dossier_forward, actor=office.head, dossier=dossier)
    assert dossier.status == DossierStatus.AWAITING_SIGNATURE

    # And the leader signs Wednesday 14:00
    at(local(2026, 3, 4, 14, 0), dossier_approve, actor=office.leader, dossier=dossier)
    assert dossier.status == DossierStatus.RESULT_READY
    assert dossier.outcome == Outcome.APPROVED
    assert dossier.finished_at == local(2026, 3, 4, 14, 0)
    assert steps_of(dossier)[4].status == StepStatus.ACTIVE

    # And the desk returns it Thursday 08:00 in person
    at(
        local(2026, 3, 5, 8, 0),
        dossier_return_result,
        actor=office.reception,
        dossier=dossier,
        returned_to="Nguyễn Văn An",
        method="at_desk",
    )

    # Then the dossier is closed and every hand-over is in the log, in order
    dossier.refresh_from_db()
    assert (dossier.status, dossier.returned_at, dossier.returned_to) == (
        DossierStatus.RETURNED,
        local(2026, 3, 5, 8, 0),
        "Nguyễn Văn An",
    )
    assert [(s.status, s.timeliness) for s in steps_of(dossier)] == [
        (StepStatus.DONE, Timeliness.ON_TIME),
        (StepStatus.DONE, Timeliness.LATE),
        (StepStatus.DONE, Timeliness.ON_TIME),
        (StepStatus.DONE, Timeliness.ON_TIME),
        # the desk's last step is due at the appointment, Thursday 08:00
        (StepStatus.DONE, Timeliness.ON_TIME),
    ]
    assert list(
        DossierEvent.objects.filter(dossier=dossier).values_list(
            "action", "from_status", "to_status", "actor__username", "timeliness"
        )
    ) == [
        ("receive", "", "received", "tiepnhan", ""),
        ("forward", "received", "processing", "tiepnhan", "on_time"),
        ("assign", "processing", "processing", "truongphong", ""),
        ("forward", "processing", "processing", "chuyenvien", "late"),
        ("forward", "processing", "awaiting_signature", "truongphong", "on_time"),
        ("approve", "awaiting_signature", "result_ready", "lanhdao", "on_time"),
        ("return_result", "result_ready", "returned", "tiepnhan", "on_time"),
    ]


def test_forward_event_names_both_steps(office, hkd):
    dossier = receive(office, hkd, at=local(2026, 3, 2, 8, 0))

    at(local(2026, 3, 2, 9, 0), dossier_forward, actor=office.reception, dossier=dossier, note="Đủ")

    desk, study = steps_of(dossier)[:2]
    event = dossier.events.get(action=Action.FORWARD)
    assert (event.step, event.to_step, event.agency, event.note) == (desk, study, office.desk, "Đủ")


# -- who may act on a step -----------------------------------------------------------------------


def test_only_the_step_holder_forwards(office, hkd):
    dossier = receive(office, hkd, at=local(2026, 3, 2, 8, 0))
    before = snapshot(dossier)

    # the department cannot take the dossier from the desk
    with pytest.raises(Forbidden) as forbidden:
        dossier_forward(actor=office.specialist, dossier=dossier)
    assert forbidden.value.code == "role_not_allowed"
    # another commune's desk does not even see it
    with pytest.raises(NotFound):
        dossier_forward(actor=office.other[Role.RECEPTION], dossier=dossier)
    # the leader cannot sign before the leader's step
    with pytest.raises(Conflict) as conflict:
        dossier_approve(actor=office.leader, dossier=dossier)
    assert conflict.value.code == "transition_not_allowed"

    assert snapshot(dossier) == before


def test_a_specialist_cannot_finish_the_head_of_departments_step(office, hkd):
    dossier = receive(office, hkd, at=local(2026, 3, 2, 8, 0))
    at(local(2026, 3, 2, 9, 0), dossier_forward, actor=office.reception, dossier=dossier)
    at(local(2026, 3, 2, 10, 0), dossier_forward, actor=office.specialist, dossier=dossier)
    before = snapshot(dossier)

    with pytest.raises(Forbidden):
        dossier_forward(actor=office.specialist, dossier=dossier)

    assert snapshot(dossier) == before
    # but the head of department may finish a specialist's step (a higher rank)


def test_head_of_department_may_finish_a_specialists_step(office, hkd):
    dossier = receive(office, hkd, at=local(2026, 3, 2, 8, 0))
    at(local(2026, 3, 2, 9, 0), dossier_forward, actor=office.reception, dossier=dossier)

    at(local(2026, 3, 2, 10, 0), dossier_forward, actor=office.head, dossier=dossier)

    assert [s.status for s in steps_of(dossier)][:3] == ["done", "done", "active"]


# -- assignment ----------------------------------------------------------------------------------


def test_assign_a_coming_step_while_the_dossier_is_at_the_desk(office, hkd):
    dossier = receive(office, hkd, at=local(2026, 3, 2, 8, 0))

    at(
        local(2026, 3, 2, 8, 30),
        dossier_assign,
        actor=office.head,
        dossier=dossier,
        assignee=office.specialist,
    )

    assert dossier.status == DossierStatus.RECEIVED
    study = steps_of(dossier)[1]
    assert (study.status, study.assignee) == (StepStatus.PENDING, office.specialist)
    event = dossier.events.get(action=Action.ASSIGN)
    assert (event.step, event.data) == (
        study,
        {"assignee": office.specialist.pk, "previous_assignee": None},
    )


def test_assignee_must_hold_the_steps_role_on_its_agency(office, hkd):
    dossier = receive(office, hkd, at=local(2026, 3, 2, 8, 0))
    before = snapshot(dossier)

    for stranger in (office.reception, office.other[Role.SPECIALIST]):
        with pytest.raises(InvalidInput) as error:
            dossier_assign(actor=office.head, dossier=dossier, assignee=stranger)
        assert error.value.code == "assignee_not_eligible"

    assert snapshot(dossier) == before


def test_only_heads_and_leaders_assign(office, hkd):
    dossier = receive(office, hkd, at=local(2026, 3, 2, 8, 0))
    before = snapshot(dossier)

    with pytest.raises(Forbidden):
        dossier_assign(actor=office.specialist, dossier=dossier, assignee=office.specialist)
    with pytest.raises(NotFound):
        dossier_assign(
            actor=office.other[Role.DEPARTMENT_HEAD], dossier=dossier, assignee=office.specialist
        )

    assert snapshot(dossier) == before


def test_assigning_a_step_of_another_dossier(office, hkd):
    dossier = receive(office, hkd, at=local(2026, 3, 2, 8, 0))
    other = receive(office, hkd, at=local(2026, 3, 2, 8, 1))

    with pytest.raises(InvalidInput) as error:
        dossier_assign(
            actor=office.head,
            dossier=dossier,
            assignee=office.specialist,
            step=steps_of(other)[1],
        )
    assert error.value.code == "step_not_in_dossier"


# -- sending back --------------------------------------------------------------------------------


def _at_review(office, hkd):
    dossier = receive(office, hkd, at=local(2026, 3, 2, 8, 0))
    at(local(2026, 3, 2, 9, 0), dossier_forward, actor=office.reception, dossier=dossier)
    at(local(2026, 3, 2, 10, 0), dossier_forward, actor=office.specialist, dossier=dossier)
    return dossier


def test_send_back_to_the_specialist_and_forward_again(office, hkd):
    dossier = _at_review(office, hkd)
    study = steps_of(dossier)[1]

    at(
        local(2026, 3, 2, 14, 0),
        dossier_send_back,
        actor=office.head,
        dossier=dossier,
        to_step=study,
        reason="Thiếu xác minh địa điểm kinh doanh",
    )

    _desk, study, review = steps_of(dossier)[:3]
    assert dossier.status == DossierStatus.PROCESSING
    assert (review.status, review.finished_at) == (StepStatus.RETURNED, local(2026, 3, 2, 14, 0))
    assert (study.status, study.started_at, study.finished_at, study.due_at) == (
        StepStatus.ACTIVE,
        local(2026, 3, 2, 14, 0),
        None,
        local(2026, 3, 4, 8, 15),
    )
    event = dossier.events.get(action=Action.SEND_BACK)
    assert (event.step, event.to_step, event.note) == (
        review,
        study,
        "Thiếu xác minh địa điểm kinh doanh",
    )

    # And the specialist's next hand-over brings it to the head again
    at(local(2026, 3, 3, 9, 0), dossier_forward, actor=office.specialist, dossier=dossier)
    assert [s.status for s in steps_of(dossier)] == [
        "done",
        "done",
        "active",
        "pending",
        "pending",
    ]


def test_send_back_to_the_desk_returns_to_received(office, hkd):
    dossier = _at_review(office, hkd)

    at(
        local(2026, 3, 2, 14, 0),
        dossier_send_back,
        actor=office.head,
        dossier=dossier,
        to_step=steps_of(dossier)[0],
        reason="Hồ sơ nhận sai thủ tục",
    )

    assert dossier.status == DossierStatus.RECEIVED
    assert [s.status for s in steps_of(dossier)] == [
        "active",
        "pending",
        "returned",
        "pending",
        "pending",
    ]


@pytest.mark.parametrize("target", [2, 3, 4])  # itself, later steps
def test_send_back_only_to_an_earlier_done_step(office, hkd, target):
    dossier = _at_review(office, hkd)
    before = snapshot(dossier)

    with pytest.raises(InvalidInput) as error:
        dossier_send_back(
            actor=office.head, dossier=dossier, to_step=steps_of(dossier)[target], reason="Lý do"
        )

    assert error.value.code == "send_back_target_invalid"
    assert snapshot(dossier) == before


def test_send_back_needs_a_reason(office, hkd):
    dossier = _at_review(office, hkd)

    with pytest.raises(InvalidInput) as error:
        dossier_send_back(
            actor=office.head, dossier=dossier, to_step=steps_of(dossier)[1], reason="   "
        )
    assert error.value.code == "required"


# -- refusal -------------------------------------------------------------------------------------


def test_refusal_skips_the_rest_and_the_letter_goes_to_the_desk(office, hkd):
    dossier = _at_review(office, hkd)

    at(
        local(2026, 3, 2, 15, 0),
        dossier_refuse,
        actor=office.head,
        dossier=dossier,
        reason="Ngành nghề kinh doanh bị cấm",
    )

    assert (dossier.status, dossier.outcome, dossier.finished_at, dossier.status_reason) == (
        DossierStatus.RESULT_READY,
        Outcome.REFUSED,
        local(2026, 3, 2, 15, 0),
        "Ngành nghề kinh doanh bị cấm",
    )
    assert [s.status for s in steps_of(dossier)] == [
        "done",
        "done",
        "done",
        "skipped",
        "active",
    ]
    event = dossier.events.get(action=Action.REFUSE)
    assert (event.public_note, event.to_status) == ("Ngành nghề kinh doanh bị cấm", "result_ready")


def test_a_specialist_cannot_refuse(office, hkd):
    dossier = receive(office, hkd, at=local(2026, 3, 2, 8, 0))
    at(local(2026, 3, 2, 9, 0), dossier_forward, actor=office.reception, dossier=dossier)
    before = snapshot(dossier)

    with pytest.raises(Forbidden):
        dossier_refuse(actor=office.specialist, dossier=dossier, reason="Không đủ điều kiện")

    assert snapshot(dossier) == before


# -- return of the result ------------------------------------------------------------------------


def _ready(office, hkd):
    dossier = _at_review(office, hkd)
    at(local(2026, 3, 2, 11, 0), dossier_forward, actor=office.head, dossier=dossier)
    at(local(2026, 3, 2, 14, 0), dossier_approve, actor=office.leader, dossier=dossier)
    return dossier


@pytest.mark.parametrize(
    ("returned_to", "method", "code"),
    [("", "at_desk", "required"), ("Nguyễn Văn An", "drone", "invalid_return_method")],
)
def test_return_result_input_is_checked(office, hkd, returned_to, method, code):
    dossier = _ready(office, hkd)
    before = snapshot(dossier)

    with pytest.raises(InvalidInput) as error:
        dossier_return_result(
            actor=office.reception, dossier=dossier, returned_to=returned_to, method=method
        )

    assert error.value.code == code
    assert snapshot(dossier) == before


def test_return_by_post_records_the_method(office, hkd):
    dossier = _ready(office, hkd)

    at(
        local(2026, 3, 3, 8, 0),
        dossier_return_result,
        actor=office.reception,
        dossier=dossier,
        returned_to="Bưu điện xã Hàm Yên",
        method="post",
        note="Mã bưu gửi EL123456789VN",
    )

    dossier.refresh_from_db()
    assert (dossier.status, dossier.return_method) == (DossierStatus.RETURNED, "post")
    event = dossier.events.get(action=Action.RETURN_RESULT)
    assert event.data == {"method": "post", "returned_to": "Bưu điện xã Hàm Yên"}


def test_only_the_receiving_desk_returns_the_result(office, hkd):
    dossier = _ready(office, hkd)
    before = snapshot(dossier)

    with pytest.raises(Forbidden):
        dossier_return_result(
            actor=office.leader, dossier=dossier, returned_to="An", method="at_desk"
        )
    with pytest.raises(NotFound):
        dossier_return_result(
            actor=office.other[Role.RECEPTION], dossier=dossier, returned_to="An", method="at_desk"
        )

    assert snapshot(dossier) == before


# -- liên thông (DOMAIN §7) -----------------------------------------------------------------------


def test_birth_registration_lien_thong_police_and_social_insurance_both_must_finish(office):
    procedure = demo_procedure(BIRTH_LIEN_THONG)
    police = make_officer("congan", office.police, Role.SPECIALIST)
    # Given a birth registration received Monday 2/3/2026 08:00 (≤ 3 working days)
    dossier = receive(office, procedure, at=local(2026, 3, 2, 8, 0))
    assert dossier.due_at == local(2026, 3, 5, 8, 0)
    # the justice officer and the leader are the commune's (no department for them)
    justice = make_officer("tuphap", office.commune, Role.SPECIALIST)
    at(local(2026, 3, 2, 8, 30), dossier_forward, actor=office.reception, dossier=dossier)
    at(local(2026, 3, 2, 10, 0), dossier_forward, actor=justice, dossier=dossier)
    assert dossier.status == DossierStatus.AWAITING_SIGNATURE

    # When the leader signs the birth certificate: approving is refused (liên thông remains)
    with pytest.raises(Conflict) as error:
        at(local(2026, 3, 2, 11, 0), dossier_approve, actor=office.leader, dossier=dossier)
    assert error.value.code == "steps_remaining"
    # and forwarding sends it to the police and social insurance at once
    at(local(2026, 3, 2, 11, 0), dossier_forward, actor=office.leader, dossier=dossier)
    steps = steps_of(dossier)
    assert dossier.status == DossierStatus.AWAITING_PARTNER
    assert [(s.agency, s.status, s.due_at) for s in steps[3:5]] == [
        (office.police, StepStatus.ACTIVE, local(2026, 3, 4, 11, 0)),
        (office.insurance, StepStatus.ACTIVE, local(2026, 3, 4, 11, 0)),
    ]
    forward = dossier.events.filter(action=Action.FORWARD).last()
    assert forward.data == {"to_steps": [steps[3].pk, steps[4].pk]}

    # And the police registers permanent residence Tuesday: the dossier still waits for BHXH
    at(
        local(2026, 3, 3, 9, 0),
        dossier_partner_result,
        actor=police,
        dossier=dossier,
        note="Đã đăng ký thường trú",
    )
    assert dossier.status == DossierStatus.AWAITING_PARTNER
    assert [s.status for s in steps_of(dossier)] == [
        "done",
        "done",
        "done",
        "done",
        "active",
        "pending",
    ]
    # the police cannot record the social insurance's part
    with pytest.raises(Forbidden):
        dossier_partner_result(actor=police, dossier=dossier, step=steps[4])

    # And the desk records the health-insurance card Wednesday: the result is ready
    at(
        local(2026, 3, 4, 9, 0),
        dossier_partner_result,
        actor=office.reception,
        dossier=dossier,
        step=steps[4],
    )

    assert (dossier.status, dossier.outcome, dossier.finished_at) == (
        DossierStatus.RESULT_READY,
        Outcome.APPROVED,
        local(2026, 3, 4, 9, 0),
    )
    assert [(s.status, s.timeliness) for s in steps_of(dossier)] == [
        ("done", "on_time"),
        ("done", "on_time"),
        ("done", "on_time"),
        ("done", "early"),
        ("done", "on_time"),
        ("active", ""),
    ]


def test_land_transfer_tax_authority_time_is_not_counted(office):
    procedure = demo_procedure(LAND_TRANSFER)
    tax = make_officer("thue", office.tax, Role.SPECIALIST)
    # Given a transfer received Monday 2/3/2026 07:30: 8 working days, due Wednesday 11/3 17:00
    dossier = receive(office, procedure, at=local(2026, 3, 2, 7, 30))
    assert dossier.due_at == local(2026, 3, 11, 17, 0)
    at(local(2026, 3, 2, 8, 0), dossier_forward, actor=office.reception, dossier=dossier)

    # When the land registry sends it to the tax authority Tuesday 10:00
    at(local(2026, 3, 3, 10, 0), dossier_forward, actor=office.leader, dossier=dossier)
    assert dossier.status == DossierStatus.AWAITING_PARTNER
    assert list(DossierPause.objects.filter(dossier=dossier).values_list("kind", "ended_at")) == [
        ("payment", None)
    ]

    # And the tax notice comes back Thursday 10:00, two working days later
    at(local(2026, 3, 5, 10, 0), dossier_partner_result, actor=tax, dossier=dossier)

    # Then the clock stood still meanwhile: the appointment moves two working days
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING
    assert dossier.due_at == local(2026, 3, 13, 17, 0)
    assert dossier.original_due_at == local(2026, 3, 11, 17, 0)
    pause = DossierPause.objects.get(dossier=dossier)
    assert (pause.started_at, pause.ended_at) == (
        local(2026, 3, 3, 10, 0),
        local(2026, 3, 5, 10, 0),
    )

    # And the registry's last step leads straight to the result (no signing step)
    at(local(2026, 3, 6, 10, 0), dossier_forward, actor=office.leader, dossier=dossier)
    assert (dossier.status, dossier.outcome) == (DossierStatus.RESULT_READY, Outcome.APPROVED)
