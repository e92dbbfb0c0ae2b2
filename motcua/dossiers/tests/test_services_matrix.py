"""The guard of every service: each role × each action × own or other agency, and each action
from each status. A denied action changes nothing and writes no event; an allowed one writes
exactly one event."""

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction

from motcua.common.errors import DomainError, Forbidden, NotFound
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import (
    dossier_apologize,
    dossier_approve,
    dossier_assign,
    dossier_forward,
    dossier_partner_result,
    dossier_pause_payment,
    dossier_receive,
    dossier_refuse,
    dossier_refuse_intake,
    dossier_request_supplement,
    dossier_resume_payment,
    dossier_return_result,
    dossier_send_back,
    dossier_send_partner,
    dossier_stop,
    dossier_supplement_received,
    dossier_withdraw,
)
from motcua.dossiers.statuses import ACTIONS, Action, DossierStatus
from motcua.dossiers.tests.factories import (
    BIRTH_LIEN_THONG,
    HKD,
    build_office,
    demo_procedure,
    local,
    make_officer,
    receive,
    submit,
)
from motcua.organizations.models import Role
from motcua.organizations.services import membership_grant

MONDAY = local(2026, 3, 2, 8, 0)
NOW = local(2026, 3, 3, 10, 0)  # Tuesday: every appointment (Thursday) is two days away

R, S, H, L = Role.RECEPTION, Role.SPECIALIST, Role.DEPARTMENT_HEAD, Role.LEADER
A, P, Y = Role.AGENCY_ADMIN, Role.REPORTER, Role.SYSTEM_ADMIN
OK, NO, NF = "ok", "forbidden", "not_found"


def at(when, service, **kwargs):
    with time_machine.travel(when, tick=False):
        return service(**kwargs)


@pytest.fixture
def office(db):
    return build_office()


@pytest.fixture
def scene(office):
    """One dossier in each place an action starts from (all at xã Hàm Yên)."""
    hkd = demo_procedure(HKD)

    def processing(minute):
        dossier = receive(office, hkd, at=MONDAY + timedelta(minutes=minute))
        at(MONDAY + timedelta(hours=1), dossier_forward, actor=office.reception, dossier=dossier)
        return dossier

    def forward(dossier, actor, hours):
        at(MONDAY + timedelta(hours=hours), dossier_forward, actor=actor, dossier=dossier)
        return dossier

    scene = {
        "submitted": submit(office, hkd, at=MONDAY - timedelta(hours=12)),
        "processing": processing(1),
        "review": forward(processing(2), office.specialist, 2),
        "signing": forward(forward(processing(3), office.specialist, 2), office.head, 3),
        "supplement": processing(4),
        "payment": processing(5),
        "ready": forward(forward(processing(6), office.specialist, 2), office.head, 3),
        "partner": receive(office, demo_procedure(BIRTH_LIEN_THONG), at=MONDAY),
    }
    at(
        MONDAY + timedelta(hours=2),
        dossier_request_supplement,
        actor=office.specialist,
        dossier=scene["supplement"],
        items=["Giấy tờ còn thiếu"],
        reason="Thiếu",
    )
    at(
        MONDAY + timedelta(hours=2),
        dossier_pause_payment,
        actor=office.specialist,
        dossier=scene["payment"],
        reason="Chờ nộp thuế",
    )
    at(MONDAY + timedelta(hours=4), dossier_approve, actor=office.leader, dossier=scene["ready"])
    justice = make_officer("tuphap", office.commune, Role.SPECIALIST)
    birth = scene["partner"]
    forward(birth, office.reception, 1)
    forward(birth, justice, 2)
    forward(birth, office.leader, 3)
    assert {name: d.status for name, d in scene.items()} == {
        "submitted": "submitted",
        "processing": "processing",
        "review": "processing",
        "signing": "awaiting_signature",
        "supplement": "supplement_requested",
        "payment": "awaiting_payment",
        "ready": "result_ready",
        "partner": "awaiting_partner",
    }
    return scene


def _calls(office):
    """action → (the scene's dossier it starts from, the call)."""
    reason = {"reason": "Lý do ghi rõ"}
    return {
        Action.RECEIVE: (
            "submitted",
            lambda actor, d: dossier_receive(
                actor=actor,
                receiving_agency=d.receiving_agency,
                procedure=d.procedure,
                channel="online",
                applicant={},
                documents=[],
                dossier=d,
            ),
        ),
        Action.REFUSE_INTAKE: (
            "submitted",
            lambda actor, d: dossier_refuse_intake(actor=actor, dossier=d, **reason),
        ),
        Action.REQUEST_SUPPLEMENT: (
            "processing",
            lambda actor, d: dossier_request_supplement(
                actor=actor, dossier=d, items=["Tờ khai"], **reason
            ),
        ),
        Action.SUPPLEMENT: (
            "supplement",
            lambda actor, d: dossier_supplement_received(actor=actor, dossier=d),
        ),
        Action.ASSIGN: (
            "processing",
            lambda actor, d: dossier_assign(actor=actor, dossier=d, assignee=office.specialist),
        ),
        Action.FORWARD: ("processing", lambda actor, d: dossier_forward(actor=actor, dossier=d)),
        Action.SEND_BACK: (
            "review",
            lambda actor, d: dossier_send_back(
                actor=actor, dossier=d, to_step=d.steps.get(order=2), **reason
            ),
        ),
        Action.PAUSE_PAYMENT: (
            "processing",
            lambda actor, d: dossier_pause_payment(actor=actor, dossier=d, **reason),
        ),
        Action.RESUME_PAYMENT: (
            "payment",
            lambda actor, d: dossier_resume_payment(actor=actor, dossier=d),
        ),
        Action.SEND_PARTNER: (
            "processing",
            lambda actor, d: dossier_send_partner(
                actor=actor, dossier=d, partner_agency=office.police, note="Xác minh an ninh"
            ),
        ),
        Action.PARTNER_RESULT: (
            "partner",
            lambda actor, d: dossier_partner_result(actor=actor, dossier=d),
        ),
        Action.APPROVE: ("signing", lambda actor, d: dossier_approve(actor=actor, dossier=d)),
        Action.REFUSE: (
            "review",
            lambda actor, d: dossier_refuse(actor=actor, dossier=d, **reason),
        ),
        Action.APOLOGIZE: (
            "processing",
            lambda actor, d: dossier_apologize(
                actor=actor, dossier=d, new_due_at=local(2026, 3, 10, 17, 0), **reason
            ),
        ),
        Action.WITHDRAW: (
            "processing",
            lambda actor, d: dossier_withdraw(actor=actor, dossier=d, **reason),
        ),
        Action.STOP: (
            "processing",
            lambda actor, d: dossier_stop(actor=actor, dossier=d, **reason),
        ),
        Action.RETURN_RESULT: (
            "ready",
            lambda actor, d: dossier_return_result(
                actor=actor, dossier=d, returned_to="Nguyễn Văn An", method="at_desk"
            ),
        ),
    }


def _state(pk):
    dossier = Dossier.objects.get(pk=pk)
    return (
        dossier.status,
        dossier.due_at,
        dossier.extended_at,
        dossier.finished_at,
        dossier.outcome,
        list(dossier.steps.order_by("order").values_list("status", "assignee", "due_at")),
        list(dossier.pauses.values_list("kind", "ended_at")),
        dossier.supplement_requests.count(),
        dossier.documents.count(),
    )


def _try(call, actor, pk):
    """Run the call in a savepoint rolled back afterwards: (outcome, state changed, new events)."""
    with transaction.atomic():
        before = _state(pk)
        events = Dossier.objects.get(pk=pk).events.count()
        try:
            call(actor, Dossier.objects.get(pk=pk))
            outcome = OK
        except NotFound:
            outcome = NF
        except Forbidden:
            outcome = NO
        except DomainError as error:
            outcome = error.code
        changed = _state(pk) != before
        written = Dossier.objects.get(pk=pk).events.count() - events
        transaction.set_rollback(True)
    return outcome, changed, written


# Own agency (xã Hàm Yên): the desk (R), Phòng Kinh tế (S, H), the commune (L, A, P), and the
# province's system admin (Y). The economy department does not see an online submission (no step
# yet, the commune is the competent agency) nor the birth registration (not on its route).
OWN = {
    Action.RECEIVE: {R: OK, S: NF, H: NF, L: NO, A: NO, P: NO, Y: NO},
    Action.REFUSE_INTAKE: {R: OK, S: NF, H: NF, L: NO, A: NO, P: NO, Y: NO},
    Action.REQUEST_SUPPLEMENT: {R: OK, S: OK, H: OK, L: OK, A: NO, P: NO, Y: NO},
    Action.SUPPLEMENT: {R: OK, S: OK, H: OK, L: OK, A: NO, P: NO, Y: NO},
    Action.ASSIGN: {R: NO, S: NO, H: OK, L: OK, A: NO, P: NO, Y: NO},
    Action.FORWARD: {R: NO, S: OK, H: OK, L: OK, A: NO, P: NO, Y: NO},
    Action.SEND_BACK: {R: NO, S: NO, H: OK, L: OK, A: NO, P: NO, Y: NO},
    Action.PAUSE_PAYMENT: {R: OK, S: OK, H: OK, L: OK, A: NO, P: NO, Y: NO},
    Action.RESUME_PAYMENT: {R: OK, S: OK, H: OK, L: OK, A: NO, P: NO, Y: NO},
    Action.SEND_PARTNER: {R: NO, S: OK, H: OK, L: OK, A: NO, P: NO, Y: NO},
    Action.PARTNER_RESULT: {R: OK, S: NF, H: NF, L: NO, A: NO, P: NO, Y: NO},
    Action.APPROVE: {R: NO, S: NO, H: NO, L: OK, A: NO, P: NO, Y: NO},
    Action.REFUSE: {R: NO, S: NO, H: OK, L: OK, A: NO, P: NO, Y: NO},
    Action.APOLOGIZE: {R: OK, S: OK, H: OK, L: OK, A: NO, P: NO, Y: NO},
    Action.WITHDRAW: {R: OK, S: OK, H: OK, L: OK, A: NO, P: NO, Y: NO},
    Action.STOP: {R: NO, S: NO, H: OK, L: OK, A: NO, P: NO, Y: NO},
    Action.RETURN_RESULT: {R: OK, S: NO, H: NO, L: NO, A: NO, P: NO, Y: NO},
}


def test_the_matrix_covers_every_officer_action():
    assert set(OWN) == set(ACTIONS) - {Action.SUBMIT}


@pytest.mark.parametrize("action", sorted(OWN))
def test_role_by_action_own_and_other_agency(office, scene, action):
    start, call = _calls(office)[action]
    pk = scene[start].pk
    actors = {(role, "own"): user for role, user in office.officers.items()}
    actors |= {(role, "other"): user for role, user in office.other.items()}
    expected = {(role, "own"): outcome for role, outcome in OWN[action].items()}
    expected |= {(role, "other"): NF for role in office.other}  # phường Minh Xuân sees nothing

    results = {}
    with time_machine.travel(NOW, tick=False):
        for key, actor in actors.items():
            outcome, changed, written = _try(call, actor, pk)
            results[key] = outcome
            if outcome == OK:
                assert (changed or action == Action.ASSIGN, written) == (True, 1), key
            else:
                assert (changed, written) == (False, 0), key

    assert results == expected


def test_each_action_from_each_status_follows_the_table(office, scene):
    # An officer holding every role where it matters: no role can be the reason for a refusal.
    everything = make_officer("tatca", office.commune, S, H, L)
    membership_grant(user=everything, agency=office.desk, role=R)
    membership_grant(user=everything, agency=office.police, role=S)
    calls = _calls(office)

    allowed = {}
    with time_machine.travel(NOW, tick=False):
        for action, (start, call) in calls.items():
            pk = scene[start].pk
            for status in DossierStatus.values:
                with transaction.atomic():
                    Dossier.objects.filter(pk=pk).update(status=status)
                    outcome, changed, written = _try(call, everything, pk)
                    transaction.set_rollback(True)
                allowed[(action, status)] = outcome != "transition_not_allowed"
                if outcome == "transition_not_allowed":
                    assert (changed, written) == (False, 0), (action, status)

    assert allowed == {
        (action, status): status in ACTIONS[action].sources
        for action in calls
        for status in DossierStatus.values
    }
