"""Every change to the catalog, the calendar, the agency tree and officers' accounts leaves one
audit row, written in the same transaction as the change, with who, when, before and after."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from motcua.audit.context import acting_as
from motcua.audit.models import AuditEntry, PersonalDataAccess
from motcua.audit.services import personal_data_accessed
from motcua.catalog.models import Fee, ProcessingTime, RequiredDocument
from motcua.catalog.services import (
    catalog_import,
    field_create,
    field_update,
    procedure_create,
    procedure_replace_children,
    procedure_update,
)
from motcua.common.errors import Forbidden, InvalidInput
from motcua.dossiers.tests.factories import (
    HKD,
    _demo_document,
    build_office,
    demo_procedure,
    demo_record,
    local,
    make_officer,
    receive,
)
from motcua.organizations.models import AgencyKind, Role
from motcua.organizations.services import (
    agency_create,
    agency_move,
    membership_grant,
    membership_revoke,
    officer_create,
)
from motcua.workdays.services import (
    calendar_entry_create,
    calendar_entry_delete,
    calendar_entry_update,
    office_hours_delete,
    office_hours_set,
)

pytestmark = pytest.mark.django_db

NOON = local(2026, 3, 2, 12, 0)


@pytest.fixture
def office():
    return build_office()


@pytest.fixture
def admin_user(office):
    return office.officers[Role.SYSTEM_ADMIN]


def last() -> AuditEntry:
    return AuditEntry.objects.order_by("-pk").first()


# -- catalog -----------------------------------------------------------------------------------


def test_a_field_created_then_renamed_leaves_two_rows_with_before_and_after(admin_user):
    with time_machine.travel(NOON, tick=False), acting_as(user=admin_user, ip="10.1.2.3"):
        field = field_create(code="TP", name="Tư pháp", order=3)
        field_update(field=field, name="Tư pháp – Hộ tịch")

    created, renamed = AuditEntry.objects.filter(object_type="catalog.field").order_by("pk")
    assert created.action == "create"
    assert created.before is None
    assert created.after == {"code": "TP", "name": "Tư pháp", "order": 3}
    assert renamed.action == "update"
    assert renamed.before == {"name": "Tư pháp"}
    assert renamed.after == {"name": "Tư pháp – Hộ tịch"}
    assert renamed.object_id == str(field.pk)
    assert renamed.object_label == "Tư pháp – Hộ tịch"
    assert renamed.actor == admin_user
    assert renamed.actor_name == "hethong"
    assert renamed.client_ip == "10.1.2.3"
    assert renamed.at == NOON


def test_saving_a_field_unchanged_leaves_no_row():
    field = field_create(code="TP", name="Tư pháp")
    field_update(field=field, name="Tư pháp")

    assert AuditEntry.objects.filter(object_type="catalog.field").count() == 1


def test_a_refused_change_leaves_no_row():
    field = field_create(code="TP", name="Tư pháp")
    with pytest.raises(InvalidInput):
        field_update(field=field, name="")

    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["create"]


def test_a_procedure_change_records_only_the_changed_columns_and_its_agency(office):
    field = field_create(code="KT", name="Kinh tế")
    procedure = procedure_create(
        code="2.000001", name="Cấp phép", field=field, level="commune", agency=office.commune
    )

    procedure_update(procedure=procedure, name="Cấp giấy phép", accepts_online=True)

    entry = last()
    assert (entry.object_type, entry.action, entry.agency) == (
        "catalog.procedure",
        "update",
        office.commune,
    )
    assert entry.before == {"name": "Cấp phép", "accepts_online": False}
    assert entry.after == {"name": "Cấp giấy phép", "accepts_online": True}
    assert entry.actor is None  # no request: the system


def test_replacing_documents_fees_and_times_records_the_lists_before_and_after():
    procedure = demo_procedure(HKD)
    old_fees = list(procedure.fees.values_list("name", "amount"))

    procedure_replace_children(
        procedure=procedure,
        processing_times=[ProcessingTime(channel="direct", amount=Decimal("3"), unit="days")],
        documents=[RequiredDocument(name="Giấy đề nghị đăng ký hộ kinh doanh")],
        fees=[Fee(name="Lệ phí đăng ký", amount=100000)],
    )

    entry = last()
    assert entry.object_type == "catalog.procedure"
    assert [fee["name"] for fee in entry.before["fees"]] == [name for name, _ in old_fees]
    assert entry.after["fees"] == [{"name": "Lệ phí đăng ký", "amount": 100000, "note": ""}]
    assert entry.after["documents"][0]["name"] == "Giấy đề nghị đăng ký hộ kinh doanh"
    assert entry.after["processing_times"] == [
        {"channel": "direct", "amount": "3", "unit": "days", "note": ""}
    ]
    assert entry.after["workflow_steps"] == []
    assert entry.before["workflow_steps"] != []


def test_a_catalog_import_leaves_one_summary_row_with_counts():
    demo_procedure(HKD)
    AuditEntry.objects.all().delete()
    record = demo_record(HKD)
    record["name"] = record["name"] + " (sửa đổi)"
    second = {**demo_record(HKD), "code": "9.999999"}

    catalog_import(
        data={"format": "motcua-catalog/1", "fields": [], "procedures": [record, second]}
    )

    (entry,) = AuditEntry.objects.all()
    assert entry.action == "import"
    assert entry.object_type == "catalog.import"
    assert entry.after == {
        "fields_created": 0,
        "fields_updated": 0,
        "procedures_created": 1,
        "procedures_updated": 1,
        "procedures_unchanged": 0,
        "procedures": [HKD, "9.999999"],
    }


def test_a_dry_run_import_leaves_no_row():
    record = demo_record(HKD)
    fields = [f for f in _demo_document()["fields"] if f["code"] == record["field"]]
    result = catalog_import(
        data={"format": "motcua-catalog/1", "fields": fields, "procedures": [record]},
        dry_run=True,
    )

    assert result.procedures_created == 1
    assert not AuditEntry.objects.exists()


# -- calendar ----------------------------------------------------------------------------------


def test_calendar_entries_created_changed_and_deleted_by_an_agency_admin(office):
    admin = office.officers[Role.AGENCY_ADMIN]
    entry = calendar_entry_create(
        date=dt.date(2026, 9, 3),
        kind="day_off",
        name="Nghỉ bù",
        agencies=[office.commune],
        actor=admin,
    )
    calendar_entry_update(entry=entry, actor=admin, name="Nghỉ bù Quốc khánh")
    calendar_entry_delete(entry=entry, actor=admin)

    rows = list(AuditEntry.objects.filter(object_type="workdays.calendarentry").order_by("pk"))
    assert [row.action for row in rows] == ["create", "update", "delete"]
    assert all(row.actor == admin and row.agency == office.commune for row in rows)
    assert rows[0].after["date"] == "2026-09-03"
    assert rows[0].after["agencies"] == [office.commune.pk]
    assert rows[1].before == {"name": "Nghỉ bù"}
    assert rows[1].after == {"name": "Nghỉ bù Quốc khánh"}
    assert rows[2].before["name"] == "Nghỉ bù Quốc khánh"
    assert rows[2].after is None


def test_a_refused_calendar_change_leaves_no_row(office):
    with pytest.raises(Forbidden):
        calendar_entry_create(
            date=dt.date(2026, 9, 3),
            kind="day_off",
            name="Nghỉ bù",
            agencies=[office.other_commune],
            actor=office.officers[Role.AGENCY_ADMIN],
        )

    assert not AuditEntry.objects.filter(object_type="workdays.calendarentry").exists()


def test_office_hours_set_replaced_and_deleted(office):
    admin = office.officers[Role.AGENCY_ADMIN]
    row = office_hours_set(agency=office.commune, actor=admin)
    office_hours_set(agency=office.commune, afternoon_close=dt.time(17, 30), actor=admin)
    office_hours_delete(office_hours=row, actor=admin)

    rows = list(AuditEntry.objects.filter(object_type="workdays.officehours").order_by("pk"))
    assert [row.action for row in rows] == ["create", "update", "delete"]
    assert rows[1].before == {"afternoon_close": "17:00:00"}
    assert rows[1].after == {"afternoon_close": "17:30:00"}


# -- agencies, officers, roles -----------------------------------------------------------------


def test_an_agency_created_and_moved(office):
    team = agency_create(
        code="000.09.51.H62", name="Tổ công tác", kind=AgencyKind.DEPARTMENT, parent=office.commune
    )
    agency_move(agency=team, new_parent=office.other_commune)

    created, moved = AuditEntry.objects.filter(
        object_type="organizations.agency", object_id=str(team.pk)
    ).order_by("pk")
    assert created.action == "create"
    assert created.after["name"] == "Tổ công tác"
    assert created.after["parent_id"] == office.commune.pk
    assert "path" not in created.after
    assert moved.before == {"parent_id": office.commune.pk}
    assert moved.after == {"parent_id": office.other_commune.pk}


def test_an_officer_created_with_roles_never_records_the_password(office, admin_user):
    with acting_as(user=admin_user):
        user = officer_create(
            username="canbo.moi",
            full_name="Phạm Thị Mai",
            password="Mật-khẩu-rất-dài-2026",
            agency=office.desk,
            roles=[Role.RECEPTION],
        )

    account = AuditEntry.objects.get(object_type="organizations.user", object_id=str(user.pk))
    grant = AuditEntry.objects.filter(object_type="organizations.membership").latest("pk")
    assert account.after["username"] == "canbo.moi"
    assert account.after["roles"] == [Role.RECEPTION]
    assert account.agency == office.desk
    assert grant.after["role"] == Role.RECEPTION
    assert grant.actor == admin_user
    stored = str(list(AuditEntry.objects.values("before", "after")))
    assert "Mật-khẩu" not in stored
    assert user.password not in stored
    assert "password" not in account.after


def test_granting_a_held_role_again_leaves_no_row_and_revoking_leaves_one(office):
    user = office.officers[Role.REPORTER]
    before = AuditEntry.objects.count()

    membership_grant(user=user, agency=office.commune, role=Role.REPORTER)
    assert AuditEntry.objects.count() == before
    assert membership_revoke(user=user, agency=office.commune, role=Role.REPORTER)
    assert not membership_revoke(user=user, agency=office.commune, role=Role.REPORTER)

    entry = last()
    assert entry.action == "delete"
    assert entry.before == {"user_id": user.pk, "agency_id": office.commune.pk, "role": "reporter"}
    assert AuditEntry.objects.count() == before + 1


# -- personal data access ----------------------------------------------------------------------


class _Request:
    def __init__(self, user):
        self.user = user
        self.META = {"REMOTE_ADDR": "192.0.2.7"}


def test_an_access_is_one_insert_and_nothing_else(office, django_assert_num_queries):
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False):
        dossier = receive(office, demo_procedure(HKD))
    officer = make_officer("xem", office.desk, Role.RECEPTION)

    with django_assert_num_queries(1):
        personal_data_accessed(request=_Request(officer), dossier=dossier, what="page")

    row = PersonalDataAccess.objects.get()
    assert (row.officer, row.dossier, row.what, row.client_ip) == (
        officer,
        dossier,
        "page",
        "192.0.2.7",
    )


def test_a_tracking_book_export_is_one_insert_for_all_its_dossiers(
    office, django_assert_num_queries
):
    from motcua.audit.services import personal_data_book_accessed

    procedure = demo_procedure(HKD)
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False):
        dossiers = [receive(office, procedure) for _ in range(3)]

    with django_assert_num_queries(1):
        personal_data_book_accessed(request=_Request(office.reception), dossiers=dossiers)
    with django_assert_num_queries(1):
        personal_data_book_accessed(
            request=_Request(office.reception), dossiers=[dossiers[0].pk], detail="xlsx"
        )

    rows = PersonalDataAccess.objects.values_list("dossier_id", "what", "detail")
    assert sorted(rows) == sorted(
        [(dossier.pk, "book", "") for dossier in dossiers] + [(dossiers[0].pk, "book", "xlsx")]
    )
