"""Worklists, the detail page and the timeline: exact contents, fixed query counts."""

import pytest
import time_machine

from motcua.common.errors import InvalidInput, NotFound
from motcua.dossiers.selectors import (
    WORKLISTS,
    dossier_detail,
    dossier_timeline,
    worklist,
    worklist_counts,
)
from motcua.dossiers.services import (
    dossier_approve,
    dossier_assign,
    dossier_forward,
)
from motcua.dossiers.tests.factories import (
    HKD,
    build_office,
    demo_procedure,
    local,
    receive,
    submit,
)
from motcua.organizations.access import AgencyScope
from motcua.organizations.models import Role
from motcua.workdays.selectors import calendar_for_agency

NOW = local(2026, 3, 4, 10, 0)  # Wednesday


def at(when, service, **kwargs):
    with time_machine.travel(when, tick=False):
        return service(**kwargs)


@pytest.fixture
def office(db):
    return build_office()


@pytest.fixture
def board(office):
    """Dossiers in every place of the route, seen on Wednesday 4/3/2026 10:00."""
    hkd = demo_procedure(HKD)

    def to_department(dossier, when):
        at(when, dossier_forward, actor=office.reception, dossier=dossier)

    at_desk = receive(office, hkd, at=local(2026, 3, 3, 8, 0))  # due Friday 08:00
    studying = receive(office, hkd, at=local(2026, 3, 2, 8, 0))  # due Thursday 08:00
    to_department(studying, local(2026, 3, 2, 9, 0))
    at(
        local(2026, 3, 2, 9, 30),
        dossier_assign,
        actor=office.head,
        dossier=studying,
        assignee=office.specialist,
    )
    signing = receive(office, hkd, at=local(2026, 3, 2, 9, 0))  # due Thursday 09:00
    to_department(signing, local(2026, 3, 2, 9, 10))
    at(local(2026, 3, 3, 9, 0), dossier_forward, actor=office.specialist, dossier=signing)
    at(local(2026, 3, 3, 10, 0), dossier_forward, actor=office.head, dossier=signing)
    ready = receive(office, hkd, at=local(2026, 3, 2, 9, 30))
    to_department(ready, local(2026, 3, 2, 9, 40))
    at(local(2026, 3, 2, 10, 0), dossier_forward, actor=office.specialist, dossier=ready)
    at(local(2026, 3, 2, 11, 0), dossier_forward, actor=office.head, dossier=ready)
    at(local(2026, 3, 2, 14, 0), dossier_approve, actor=office.leader, dossier=ready)
    late = receive(office, hkd, at=local(2026, 2, 25, 8, 0))  # due Monday 2/3 08:00
    online = submit(office, hkd, at=local(2026, 3, 3, 21, 0))
    elsewhere = receive(
        office,
        hkd,
        at=local(2026, 3, 2, 8, 0),
        actor=office.other[Role.RECEPTION],
        desk=office.other_desk,
    )
    at(
        local(2026, 3, 2, 9, 0),
        dossier_forward,
        actor=office.other[Role.RECEPTION],
        dossier=elsewhere,
    )
    return {
        "at_desk": at_desk,
        "studying": studying,
        "signing": signing,
        "ready": ready,
        "late": late,
        "online": online,
        "elsewhere": elsewhere,
    }


def _user(office, name):
    if name.startswith("other_"):
        return office.other[name.removeprefix("other_")]
    return office.officers[name]


EXPECTED = [
    (Role.SPECIALIST, "assigned", ["studying"]),
    (Role.SPECIALIST, "department", ["studying", "signing"]),  # Trưởng Phòng Kinh tế signs
    (Role.SPECIALIST, "to_sign", []),
    (Role.DEPARTMENT_HEAD, "assigned", []),
    (Role.DEPARTMENT_HEAD, "department", ["studying", "signing"]),
    (Role.LEADER, "to_sign", ["signing"]),
    (Role.LEADER, "department", ["studying", "signing"]),  # not the desk's steps
    (Role.LEADER, "due_soon", ["studying", "signing"]),  # due Thursday 08:00 and 09:00
    (Role.LEADER, "overdue", ["late"]),
    (Role.RECEPTION, "intake", ["online"]),
    (Role.RECEPTION, "to_return", ["ready"]),
    (Role.RECEPTION, "at_desk", ["late", "at_desk"]),  # received, not yet handed on
    (Role.SPECIALIST, "at_desk", []),
    (Role.RECEPTION, "department", []),
    (Role.RECEPTION, "overdue", ["late"]),
    (Role.REPORTER, "overdue", ["late"]),
    (Role.SYSTEM_ADMIN, "due_soon", ["studying", "elsewhere", "signing"]),
    ("other_specialist", "department", ["elsewhere"]),
    ("other_reception", "intake", []),
    ("other_reception", "at_desk", []),  # theirs was forwarded
    ("other_leader", "overdue", []),
]


@pytest.mark.parametrize(("who", "kind", "names"), EXPECTED)
def test_worklists(office, board, who, kind, names):
    with time_machine.travel(NOW, tick=False):
        codes = [d.code for d in worklist(user=_user(office, who), kind=kind)]

    assert codes == [board[name].code for name in names]


@pytest.mark.parametrize(
    "who", [Role.SPECIALIST, Role.LEADER, Role.RECEPTION, Role.SYSTEM_ADMIN, "other_reception"]
)
def test_worklist_counts_are_the_lengths_of_the_lists(
    office, board, who, django_assert_num_queries
):
    user = _user(office, who)
    calendar_for_agency(None)  # built once per process, then cached
    with time_machine.travel(NOW, tick=False):
        lengths = {kind: len(worklist(user=user, kind=kind)) for kind in WORKLISTS}
        # The eight counts in one statement, after the reader's scope (their memberships, then
        # the agencies under them: none to read for a system admin) and the calendar revision.
        with django_assert_num_queries(3 if who == Role.SYSTEM_ADMIN else 4):
            counts = worklist_counts(user=user)

    assert counts == lengths
    assert any(counts.values())


@pytest.mark.parametrize("who", [Role.SPECIALIST, Role.LEADER, Role.RECEPTION, Role.SYSTEM_ADMIN])
def test_a_list_read_with_the_scope_of_ids_is_the_list_read_with_subqueries(office, board, who):
    user = _user(office, who)
    scope = AgencyScope.of(user)

    with time_machine.travel(NOW, tick=False):
        for kind in WORKLISTS:
            with_ids = [d.code for d in worklist(user=user, kind=kind, scope=scope)]
            assert with_ids == [d.code for d in worklist(user=user, kind=kind)], kind


def test_worklist_counts_of_an_anonymous_user_are_zero(office, board):
    from django.contrib.auth.models import AnonymousUser

    assert worklist_counts(user=AnonymousUser()) == dict.fromkeys(WORKLISTS, 0)


def test_worklist_rows_carry_their_active_steps(office, board):
    with time_machine.travel(NOW, tick=False):
        (row,) = worklist(user=office.specialist, kind="assigned")

    assert [(s.name, s.agency.name, s.assignee) for s in row.active_steps] == [
        ("Thẩm định, xử lý hồ sơ", "Phòng Kinh tế xã Hàm Yên", office.specialist)
    ]


QUERIES = {
    "assigned": 2,
    "department": 2,
    "to_sign": 2,
    "intake": 2,
    "to_return": 2,
    "at_desk": 2,
    "overdue": 3,  # + is the reader a system admin
    "due_soon": 4,  # + the calendar revision
}


@pytest.mark.parametrize("kind", sorted(QUERIES))
def test_worklist_query_counts_do_not_grow_with_rows(
    office, board, kind, django_assert_num_queries
):
    user = office.leader if kind not in ("intake", "to_return", "at_desk") else office.reception
    if kind == "assigned":
        user = office.specialist
    calendar_for_agency(None)  # built once per process, then cached
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(QUERIES[kind]):
        rows = [
            (
                row.procedure.name,
                row.receiving_agency.name,
                row.competent_agency.name,
                [(s.agency.name, s.assignee) for s in row.active_steps],
            )
            for row in worklist(user=user, kind=kind)
        ]
    assert rows


def test_every_worklist_is_named(office):
    assert set(WORKLISTS) == set(QUERIES)


def test_unknown_worklist(office):
    with pytest.raises(InvalidInput) as error:
        worklist(user=office.leader, kind="everything")
    assert error.value.code == "invalid_worklist"


def test_anonymous_worklist_is_empty(office, board):
    from django.contrib.auth.models import AnonymousUser

    assert list(worklist(user=AnonymousUser(), kind="overdue")) == []


def test_dossier_detail_prefetches_the_page(office, board, django_assert_num_queries):
    code = board["signing"].code
    with django_assert_num_queries(9):  # the reader's scope (2), dossier, 6 prefetches
        dossier = dossier_detail(user=office.leader, code=code)
        [(s.name, s.agency.name, s.assignee) for s in dossier.steps.all()]
        [(e.action, e.actor, e.agency, e.step, e.to_step) for e in dossier.events.all()]
        list(dossier.documents.all())
        list(dossier.files.all())
        list(dossier.supplement_requests.all())
        list(dossier.pauses.all())
        assert (dossier.procedure.field.code, dossier.rule_version.code) == ("HKD", "nd118-2025")

    assert [s.status for s in dossier.steps.all()] == [
        "done",
        "done",
        "done",
        "active",
        "pending",
    ]
    assert [e.action for e in dossier.events.all()] == [
        "receive",
        "forward",
        "forward",
        "forward",
    ]


def test_dossier_detail_not_found_for_others(office, board):
    with pytest.raises(NotFound):
        dossier_detail(user=office.other[Role.LEADER], code=board["signing"].code)


def test_timeline_in_order_in_one_query(office, board, django_assert_num_queries):
    with django_assert_num_queries(1):
        events = [
            (e.action, e.actor_name, e.at, e.to_step.name if e.to_step else None)
            for e in dossier_timeline(board["studying"])
        ]

    assert events == [
        ("receive", "Nguyễn Thị Lan", local(2026, 3, 2, 8, 0), "Tiếp nhận hồ sơ"),
        ("forward", "Nguyễn Thị Lan", local(2026, 3, 2, 9, 0), "Thẩm định, xử lý hồ sơ"),
        ("assign", "Hoàng Thị Thu", local(2026, 3, 2, 9, 30), None),
    ]
