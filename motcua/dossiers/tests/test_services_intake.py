"""Intake: codes, the appointment, the route, the rule version; refusals leave nothing behind."""

from datetime import date, time
from decimal import Decimal

import pytest
import time_machine

from motcua.catalog.models import UnitKind
from motcua.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from motcua.dossiers.models import (
    DailySequence,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStep,
    RuleVersion,
    StepStatus,
    SupplementMode,
)
from motcua.dossiers.services import dossier_code_next, dossier_receive, dossier_submit
from motcua.dossiers.statuses import Action, DossierStatus
from motcua.dossiers.tests.factories import (
    APPLICANT,
    BIRTH_LIEN_THONG,
    DOCUMENTS,
    HKD,
    LAND_TRANSFER,
    SIMPLE_WORKFLOW,
    TEMPORARY_RESIDENCE,
    build_office,
    demo_procedure,
    local,
    make_procedure,
    receive,
    submit,
)
from motcua.organizations.models import Role, User


@pytest.fixture
def office(db):
    return build_office()


@pytest.fixture
def hkd(db):
    return demo_procedure(HKD)


def _steps(dossier):
    return list(dossier.steps.select_related("agency").order_by("order"))


# -- the rule versions (data migration) -----------------------------------------------------------


@pytest.mark.django_db
def test_rule_versions_are_migrated_with_their_policy_defaults():
    rows = {
        rule.code: (
            rule.name,
            rule.effective_from,
            rule.cutoff,
            rule.supplement_mode,
            rule.forms,
            rule.online_intake_hours,
            rule.supplement_timeout_days,
        )
        for rule in RuleVersion.objects.all()
    }
    assert rows == {
        "nd61-2018": (
            "Nghị định 61/2018/NĐ-CP",
            date(2018, 6, 21),
            None,
            SupplementMode.PAUSE,
            "tt01_2018",
            8,
            15,
        ),
        "nd118-2025": (
            "Nghị định 118/2025/NĐ-CP",
            date(2025, 7, 1),
            time(15, 0),
            SupplementMode.RESTART,
            "tt03_2025",
            8,
            15,
        ),
    }


# -- receipt and due times ----------------------------------------------------------------------


def test_household_business_received_friday_after_cutoff_before_tet_2026(office, hkd):
    # Given Friday 13/2/2026 16:00, after the 15:00 cut-off, the last working day before Tết
    # (14/2–22/2 off), when a complete dossier for a 3-working-day procedure is received
    dossier = receive(office, hkd, at=local(2026, 2, 13, 16, 0))

    # Then the clock starts Monday 23/2 at opening and the appointment is Wednesday 25/2 17:00
    assert dossier.code == "000.01.51.H62-260213-0001"
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.received_at == local(2026, 2, 13, 16, 0)
    assert dossier.clock_started_at == local(2026, 2, 23, 7, 30)
    assert dossier.due_at == local(2026, 2, 25, 17, 0)
    assert dossier.original_due_at == local(2026, 2, 25, 17, 0)
    assert (dossier.processing_amount, dossier.processing_unit) == (Decimal("3.00"), "days")
    assert dossier.rule_version.code == "nd118-2025"
    assert dossier.procedure_name == "Đăng ký thành lập hộ kinh doanh"
    assert dossier.competent_agency == office.commune
    # And the route follows the template, each step due after its share, the desk's step active
    assert [
        (s.order, s.agency, s.role, s.status, s.due_at, s.is_partner) for s in _steps(dossier)
    ] == [
        (1, office.desk, Role.RECEPTION, StepStatus.ACTIVE, local(2026, 2, 23, 11, 15), False),
        (2, office.economy, Role.SPECIALIST, StepStatus.PENDING, local(2026, 2, 24, 17, 0), False),
        (3, office.economy, Role.DEPARTMENT_HEAD, "pending", local(2026, 2, 25, 11, 15), False),
        # "Trưởng Phòng Kinh tế" signs: the economy department, with the leader's role
        (4, office.economy, Role.LEADER, StepStatus.PENDING, local(2026, 2, 25, 15, 7, 30), False),
        (5, office.desk, Role.RECEPTION, StepStatus.PENDING, local(2026, 2, 25, 17, 0), False),
    ]
    first = _steps(dossier)[0]
    assert first.started_at == local(2026, 2, 13, 16, 0)
    # And one event says who received it, when, and the appointment
    event = DossierEvent.objects.get(dossier=dossier)
    assert (event.action, event.from_status, event.to_status) == ("receive", "", "received")
    assert (event.actor, event.actor_name, event.agency, event.to_step) == (
        office.reception,
        "Nguyễn Thị Lan",
        office.desk,
        first,
    )
    assert event.at == local(2026, 2, 13, 16, 0)
    assert event.data == {
        "due_at": "2026-02-25T17:00:00+07:00",
        "clock_started_at": "2026-02-23T07:30:00+07:00",
    }
    # And the applicant and documents are stored as given
    assert (dossier.applicant_name, dossier.applicant_id_number, dossier.applicant_birth_date) == (
        "Nguyễn Văn An",
        "008090001234",
        date(1990, 5, 17),
    )
    assert list(
        DossierDocument.objects.filter(dossier=dossier).values_list(
            "order", "name", "originals", "copies"
        )
    ) == [(0, DOCUMENTS[0]["name"], 1, 0), (1, DOCUMENTS[1]["name"], 0, 1)]


def test_received_before_cutoff_counts_from_the_receipt(office, hkd):
    dossier = receive(office, hkd, at=local(2026, 2, 13, 14, 0))

    assert dossier.clock_started_at == local(2026, 2, 13, 14, 0)
    assert dossier.due_at == local(2026, 2, 25, 14, 0)


def test_procedure_cutoff_overrides_the_rule_version(office):
    # Given a procedure whose own cut-off is 16:30
    procedure = demo_procedure(HKD, cutoff="16:30")

    dossier = receive(office, procedure, at=local(2026, 2, 13, 16, 0))

    assert dossier.clock_started_at == local(2026, 2, 13, 16, 0)
    assert dossier.due_at == local(2026, 2, 25, 16, 0)


@pytest.mark.parametrize(
    ("received", "rule"),
    [
        (local(2025, 6, 30, 9, 0), "nd61-2018"),
        (local(2025, 7, 1, 9, 0), "nd118-2025"),
    ],
)
def test_dossier_keeps_the_rule_version_in_force_when_received(office, hkd, received, rule):
    dossier = receive(office, hkd, at=received)

    assert dossier.rule_version.code == rule


def test_decree_61_has_no_own_cutoff_the_office_hours_decide(office, hkd):
    # Given the 2018 rules (no cut-off of their own): the office day's 15:00 cut-off applies
    dossier = receive(office, hkd, at=local(2025, 6, 27, 15, 30))  # a Friday

    assert dossier.rule_version.code == "nd61-2018"
    assert dossier.clock_started_at == local(2025, 6, 30, 7, 30)
    assert dossier.due_at == local(2025, 7, 2, 17, 0)


def test_same_day_procedure_is_due_at_closing(office):
    procedure = make_procedure(amount="0", workflow=SIMPLE_WORKFLOW)

    dossier = receive(office, procedure, at=local(2026, 3, 2, 9, 0))

    assert dossier.due_at == local(2026, 3, 2, 17, 0)


def test_hours_procedure_counts_office_hours(office):
    procedure = make_procedure(amount="4", unit="hours", workflow=SIMPLE_WORKFLOW)

    dossier = receive(office, procedure, at=local(2026, 3, 2, 10, 0))  # Monday

    assert dossier.due_at == local(2026, 3, 2, 16, 0)


# -- the route ------------------------------------------------------------------------------------


def test_birth_lien_thong_route_police_and_social_insurance_in_parallel(office):
    procedure = demo_procedure(BIRTH_LIEN_THONG)

    # Received Monday 2/3/2026 07:30
    dossier = receive(office, procedure, at=local(2026, 3, 2, 7, 30))

    assert dossier.due_at == local(2026, 3, 4, 17, 0)
    assert [
        (s.agency, s.role, s.is_partner, s.parallel_group, s.due_at) for s in _steps(dossier)
    ] == [
        (office.desk, Role.RECEPTION, False, None, local(2026, 3, 2, 9, 22, 30)),
        (office.commune, Role.SPECIALIST, False, None, local(2026, 3, 2, 15, 7, 30)),
        (office.commune, Role.LEADER, False, None, local(2026, 3, 2, 17, 0)),
        (office.police, Role.SPECIALIST, True, 1, local(2026, 3, 4, 17, 0)),
        (office.insurance, Role.SPECIALIST, True, 1, local(2026, 3, 4, 17, 0)),
        (office.desk, Role.RECEPTION, False, None, local(2026, 3, 4, 17, 0)),
    ]


def test_land_transfer_tax_step_does_not_count_toward_the_plan(office):
    procedure = demo_procedure(LAND_TRANSFER)

    dossier = receive(office, procedure, at=local(2026, 3, 2, 7, 30))

    steps = _steps(dossier)
    assert [(s.agency, s.is_partner, s.counts_toward_deadline) for s in steps] == [
        (office.desk, False, True),
        (office.commune, False, True),  # no land registry branch in this tree
        (office.tax, True, False),
        (office.commune, False, True),
        (office.desk, False, True),
    ]
    # 0.5 + 4.5 days: the land registry's second step follows straight on, 3 days more
    assert steps[1].due_at == local(2026, 3, 6, 17, 0)
    assert steps[2].due_at == local(2026, 3, 13, 17, 0)  # informational: 5 days, not counted
    assert steps[3].due_at == local(2026, 3, 11, 17, 0)
    assert dossier.due_at == local(2026, 3, 11, 17, 0)


def test_police_procedure_the_police_is_the_handler_not_a_partner(office):
    procedure = demo_procedure(TEMPORARY_RESIDENCE)

    dossier = receive(office, procedure, at=local(2026, 3, 2, 7, 30))

    assert [(s.agency, s.role, s.is_partner) for s in _steps(dossier)] == [
        (office.desk, Role.RECEPTION, False),
        (office.police, Role.SPECIALIST, False),
        (office.police, Role.DEPARTMENT_HEAD, False),
        (office.police, Role.LEADER, False),
        (office.desk, Role.RECEPTION, False),
    ]


def test_unknown_department_falls_back_to_the_competent_agency(office):
    procedure = make_procedure(
        workflow=[
            {"name": "Tiếp nhận", "unit_kind": UnitKind.SERVICE_CENTER, "role": "reception"},
            {
                "name": "Xử lý",
                "unit_kind": UnitKind.DEPARTMENT,
                "unit_name": "Phòng Tài chính",
                "role": "specialist",
                "amount": "3",
            },
        ]
    )

    dossier = receive(office, procedure, at=local(2026, 3, 2, 7, 30))

    assert [s.agency for s in _steps(dossier)] == [office.desk, office.commune]


def test_procedure_without_template_gets_the_default_route(office):
    procedure = make_procedure(amount="2")

    dossier = receive(office, procedure, at=local(2026, 3, 2, 7, 30))

    assert [(s.name, s.agency, s.role, s.amount) for s in _steps(dossier)] == [
        ("Tiếp nhận hồ sơ", office.desk, Role.RECEPTION, Decimal("0.00")),
        ("Xử lý hồ sơ", office.commune, Role.SPECIALIST, Decimal("2.00")),
        ("Ký duyệt kết quả", office.commune, Role.LEADER, Decimal("0.00")),
        ("Trả kết quả", office.desk, Role.RECEPTION, Decimal("0.00")),
    ]
    assert dossier.due_at == local(2026, 3, 3, 17, 0)


def test_explicit_competent_agency_province_centre_routes_to_a_commune(office, hkd):
    # A provincial centre receives regardless of boundary and routes to the competent commune.
    office.province.refresh_from_db()
    dossier = receive(office, hkd, at=local(2026, 3, 2, 8, 0), competent_agency=office.commune)

    assert dossier.competent_agency == office.commune
    assert _steps(dossier)[1].agency == office.economy


# -- codes ----------------------------------------------------------------------------------------


def test_codes_count_per_day_and_per_desk(office, hkd):
    first = receive(office, hkd, at=local(2026, 3, 2, 8, 0))
    second = receive(office, hkd, at=local(2026, 3, 2, 23, 59))
    elsewhere = receive(
        office,
        hkd,
        at=local(2026, 3, 2, 9, 0),
        actor=office.other["reception"],
        desk=office.other_desk,
    )
    next_day = receive(office, hkd, at=local(2026, 3, 3, 0, 1))

    assert [first.code, second.code, elsewhere.code, next_day.code] == [
        "000.01.51.H62-260302-0001",
        "000.01.51.H62-260302-0002",
        "000.01.52.H62-260302-0001",
        "000.01.51.H62-260303-0001",
    ]


def test_the_code_date_is_the_office_date_not_utc(office, hkd):
    # 00:30 in Hà Nội is still the previous day in UTC.
    dossier = receive(office, hkd, at=local(2026, 3, 3, 0, 30))

    assert dossier.code == "000.01.51.H62-260303-0001"


def test_a_failed_intake_gives_its_number_back(office, hkd):
    broken = make_procedure(workflow=SIMPLE_WORKFLOW)
    broken.processing_times.all().delete()

    with (
        time_machine.travel(local(2026, 3, 2, 8, 0), tick=False),
        pytest.raises(InvalidInput) as error,
    ):
        dossier_receive(
            actor=office.reception,
            receiving_agency=office.desk,
            procedure=broken,
            channel="direct",
            applicant=APPLICANT,
            documents=DOCUMENTS,
        )
    assert error.value.code == "processing_time_missing"
    assert not Dossier.objects.exists()

    dossier = receive(office, hkd, at=local(2026, 3, 2, 8, 5))
    assert dossier.code.endswith("-0001")


def test_a_code_taken_by_an_imported_dossier_is_skipped(office, hkd):
    imported = receive(office, hkd, at=local(2026, 3, 2, 8, 0))
    Dossier.objects.filter(pk=imported.pk).update(code="000.01.51.H62-260303-0001")

    with time_machine.travel(local(2026, 3, 3, 8, 0), tick=False):
        assert dossier_code_next(agency=office.desk, at=local(2026, 3, 3, 8, 0)).endswith("-0002")


def test_numbers_beyond_9999_keep_counting(office, hkd):
    DailySequence.objects.create(agency=office.desk, day=date(2026, 3, 2), last_value=9999)

    dossier = receive(office, hkd, at=local(2026, 3, 2, 8, 0))

    assert dossier.code == "000.01.51.H62-260302-10000"


# -- online ---------------------------------------------------------------------------------------


def test_online_submission_then_acceptance_at_the_desk(office, hkd):
    citizen = User.objects.create_user(username="congdan")

    submitted = submit(office, hkd, at=local(2026, 3, 2, 20, 0), citizen=citizen)

    assert submitted.status == DossierStatus.SUBMITTED
    assert submitted.code == "000.01.51.H62-260302-0001"
    assert submitted.submitted_at == local(2026, 3, 2, 20, 0)
    assert submitted.received_at is None
    assert submitted.due_at is None
    assert submitted.applicant_user == citizen
    assert not submitted.steps.exists()

    with time_machine.travel(local(2026, 3, 3, 8, 0), tick=False):
        accepted = dossier_receive(
            actor=office.reception,
            receiving_agency=office.desk,
            procedure=hkd,
            channel="online",
            applicant={},
            documents=[],
            dossier=submitted,
        )

    assert accepted.pk == submitted.pk
    assert accepted.code == "000.01.51.H62-260302-0001"
    assert accepted.status == DossierStatus.RECEIVED
    assert accepted.received_at == local(2026, 3, 3, 8, 0)
    assert accepted.due_at == local(2026, 3, 6, 8, 0)
    assert accepted.is_digitized is True
    assert list(accepted.events.values_list("action", "from_status", "to_status")) == [
        (Action.SUBMIT, "", DossierStatus.SUBMITTED),
        (Action.RECEIVE, DossierStatus.SUBMITTED, DossierStatus.RECEIVED),
    ]
    assert accepted.documents.count() == 2


def test_online_dossier_cannot_be_received_twice(office, hkd):
    submitted = submit(office, hkd, at=local(2026, 3, 2, 20, 0))
    kwargs = {
        "actor": office.reception,
        "receiving_agency": office.desk,
        "procedure": hkd,
        "channel": "online",
        "applicant": {},
        "documents": [],
        "dossier": submitted,
    }
    dossier_receive(**kwargs)

    with pytest.raises(Conflict) as error:
        dossier_receive(**kwargs)

    assert error.value.code == "transition_not_allowed"
    assert submitted.events.count() == 2


def test_online_dossier_of_another_desk_is_not_found(office, hkd):
    submitted = submit(office, hkd, at=local(2026, 3, 2, 20, 0))

    with pytest.raises(NotFound):
        dossier_receive(
            actor=office.other["reception"],
            receiving_agency=office.other_desk,
            procedure=hkd,
            channel="online",
            applicant={},
            documents=[],
            dossier=submitted,
        )
    submitted.refresh_from_db()
    assert submitted.status == DossierStatus.SUBMITTED


def test_online_channel_needs_a_submission(office, hkd):
    with pytest.raises(InvalidInput) as error:
        receive(office, hkd, channel="online", at=local(2026, 3, 2, 8, 0))
    assert error.value.code == "online_needs_submission"


def test_submission_to_a_procedure_without_online_service(office):
    procedure = make_procedure(channels=("direct",), workflow=SIMPLE_WORKFLOW)

    with pytest.raises(InvalidInput) as error:
        dossier_submit(
            actor=None,
            receiving_agency=office.desk,
            procedure=procedure,
            applicant=APPLICANT,
            documents=DOCUMENTS,
        )
    assert error.value.code == "channel_not_accepted"


# -- refusals: nothing written ---------------------------------------------------------------------


def _nothing_written():
    assert not Dossier.objects.exists()
    assert not DossierEvent.objects.exists()
    assert not DossierStep.objects.exists()
    assert not DossierDocument.objects.exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"applicant": {**APPLICANT, "name": "  "}}, "required"),
        ({"applicant": {**APPLICANT, "email": "không-phải-email"}}, "invalid_email"),
        ({"applicant": {**APPLICANT, "id_number": "08A"}}, "invalid_id_number"),
        ({"applicant": {**APPLICANT, "birth_date": "17/05/1990"}}, "invalid_birth_date"),
        ({"applicant": {**APPLICANT, "nickname": "An"}}, "invalid_applicant"),
        ({"applicant": "Nguyễn Văn An"}, "invalid_applicant"),
        ({"documents": [{"name": ""}]}, "required"),
        ({"documents": [{"name": "Tờ khai", "copies": -1}]}, "invalid_document"),
        ({"documents": "Tờ khai"}, "invalid_document"),
        ({"channel": "fax"}, "invalid_channel"),
        ({"set_count": 0}, "invalid_set_count"),
        ({"return_method": "pigeon"}, "invalid_return_method"),
    ],
)
def test_bad_input_is_refused_with_a_code_and_nothing_is_written(office, hkd, change, code):
    kwargs = {
        "actor": office.reception,
        "receiving_agency": office.desk,
        "procedure": hkd,
        "channel": "direct",
        "applicant": APPLICANT,
        "documents": DOCUMENTS,
        **change,
    }
    with pytest.raises(InvalidInput) as error:
        dossier_receive(**kwargs)

    assert error.value.code == code
    assert str(error.value.message)
    _nothing_written()


def test_receiving_agency_must_be_a_desk(office, hkd):
    with pytest.raises(InvalidInput) as error:
        receive(office, hkd, desk=office.economy)
    assert error.value.code == "not_a_desk"
    _nothing_written()


@pytest.mark.parametrize("who", ["specialist", "leader", "other_reception", "system_admin"])
def test_only_the_desk_officers_receive(office, hkd, who):
    actor = {
        "specialist": office.specialist,
        "leader": office.leader,
        "other_reception": office.other["reception"],
        "system_admin": office.officers[Role.SYSTEM_ADMIN],
    }[who]

    with pytest.raises(Forbidden) as error:
        receive(office, hkd, actor=actor)

    assert error.value.code == "role_not_allowed"
    _nothing_written()


def test_receipt_before_any_rule_version(office, hkd):
    with pytest.raises(Conflict) as error:
        receive(office, hkd, at=local(2018, 1, 2, 8, 0))
    assert error.value.code == "rule_version_missing"
    _nothing_written()
