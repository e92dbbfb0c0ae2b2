"""The review pages: /nhat-ky/ (changes) and /nhat-ky/truy-cap/ (personal-data accesses), who may
read which rows, the filters, the field-by-field diff; and the officers' pages that write an
access row (the dossier page, a file, a printed form) while a citizen's own pages write none."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.audit.context import acting_as
from motcua.audit.models import AuditEntry, PersonalDataAccess
from motcua.catalog.services import field_create, field_update, procedure_create
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_attach_file
from motcua.dossiers.tests.factories import HKD, build_office, demo_procedure, local, receive
from motcua.organizations.models import Role, User
from motcua.portal.tests.citizen_helpers import MARRIAGE, make_citizen, submission_post
from motcua.workdays.services import calendar_entry_create

pytestmark = pytest.mark.django_db

MONDAY_MORNING = local(2026, 3, 2, 8, 0)
MIDDLEWARE = "motcua.audit.context.AuditContextMiddleware"
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def audit_middleware(settings):
    if MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def office():
    return build_office()


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def dossier(office, clock):
    return receive(office, demo_procedure(HKD))


def as_user(user, ip: str = "203.0.113.5") -> Client:
    client = Client(REMOTE_ADDR=ip)
    client.force_login(user)
    return client


# -- personal-data access log -----------------------------------------------------------------


def test_opening_the_dossier_page_writes_one_row(office, dossier):
    response = as_user(office.specialist).get(reverse("dossiers:detail", args=[dossier.code]))

    assert response.status_code == 200
    row = PersonalDataAccess.objects.get()
    assert (row.officer, row.dossier, row.what, row.client_ip) == (
        office.specialist,
        dossier,
        "page",
        "203.0.113.5",
    )
    assert row.at == MONDAY_MORNING


def test_a_file_download_and_a_printed_form_write_one_row_each(office, dossier):
    stored = dossier_attach_file(
        actor=office.reception,
        dossier=dossier,
        upload=SimpleUploadedFile("giay-to.pdf", PDF, "application/pdf"),
    )
    client = as_user(office.reception)

    download = client.get(reverse("dossiers:file", args=[dossier.code, stored.pk]))
    slip = client.get(reverse("dossiers:form_pdf", args=[dossier.code, "01"]))

    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert slip.status_code == 200
    rows = list(PersonalDataAccess.objects.order_by("pk").values_list("what", "detail"))
    assert rows == [("file", str(stored.pk)), ("form", "01")]


def test_an_officer_without_access_writes_no_row(office, dossier):
    response = as_user(office.other[Role.RECEPTION]).get(
        reverse("dossiers:detail", args=[dossier.code])
    )

    assert response.status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_a_citizen_viewing_their_own_dossier_writes_no_row(office, clock):
    citizen = make_citizen()
    marriage = demo_procedure(MARRIAGE)
    client = as_user(citizen)
    client.post(
        reverse("portal:citizen_submit", args=[marriage.pk]),
        submission_post(marriage, office.desk),
    )
    dossier = Dossier.objects.get()

    page = client.get(reverse("portal:my_dossier", args=[dossier.code]))

    assert page.status_code == 200
    assert dossier.code in page.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_the_agency_admin_reads_the_accesses_of_their_dossiers_only(office, dossier):
    as_user(office.specialist).get(reverse("dossiers:detail", args=[dossier.code]))
    url = reverse("audit:access_log")

    own = as_user(office.officers[Role.AGENCY_ADMIN]).get(url)
    other = as_user(office.other[Role.AGENCY_ADMIN]).get(url)
    system = as_user(office.officers[Role.SYSTEM_ADMIN]).get(url)

    assert [row.dossier.code for row in own.context["page"]] == [dossier.code]
    assert dossier.code in own.content.decode()
    assert "Trần Văn Nam" in own.content.decode()
    assert other.status_code == 200
    assert list(other.context["page"]) == []
    assert dossier.code not in other.content.decode()
    assert [row.dossier.code for row in system.context["page"]] == [dossier.code]


def test_the_access_log_filters_by_dossier_officer_and_period(office, clock):
    procedure = demo_procedure(HKD)
    first, second = receive(office, procedure), receive(office, procedure)
    as_user(office.specialist).get(reverse("dossiers:detail", args=[first.code]))
    as_user(office.reception).get(reverse("dossiers:detail", args=[second.code]))
    clock.move_to(local(2026, 3, 4, 9, 0))
    as_user(office.reception).get(reverse("dossiers:detail", args=[first.code]))
    admin = as_user(office.officers[Role.AGENCY_ADMIN])
    url = reverse("audit:access_log")

    def seen(**query):
        response = admin.get(url, query)
        assert response.status_code == 200
        return [(row.dossier.code, row.officer.username) for row in response.context["page"]]

    assert seen(dossier=first.code) == [(first.code, "tiepnhan"), (first.code, "chuyenvien")]
    assert seen(officer="tiepnhan") == [(first.code, "tiepnhan"), (second.code, "tiepnhan")]
    assert seen(officer="Trần Văn") == [(first.code, "chuyenvien")]
    assert seen(date_from="02/03/2026", date_to="02/03/2026") == [
        (second.code, "tiepnhan"),
        (first.code, "chuyenvien"),
    ]


def test_an_officer_who_is_not_an_admin_gets_403_on_both_logs(office):
    for url in (reverse("audit:access_log"), reverse("audit:log")):
        response = as_user(office.reception).get(url)
        assert response.status_code == 403
        assert "quản trị" in response.content.decode()


def test_a_citizen_or_anonymous_visitor_never_reads_the_logs():
    citizen = make_citizen()
    for url in (reverse("audit:access_log"), reverse("audit:log")):
        assert as_user(citizen).get(url).status_code == 403
        assert Client().get(url).status_code == 302  # to the sign-in page


def test_a_bad_date_is_a_400_with_a_vietnamese_message(office):
    response = as_user(office.officers[Role.AGENCY_ADMIN]).get(
        reverse("audit:access_log"), {"date_from": "31/02/2026"}
    )

    assert response.status_code == 400
    assert "ngày/tháng/năm" in response.content.decode()


# -- audit log page ----------------------------------------------------------------------------


def test_the_agency_admin_sees_their_subtree_and_the_system_admin_everything(office):
    own_admin = office.officers[Role.AGENCY_ADMIN]
    other_admin = office.other[Role.AGENCY_ADMIN]
    calendar_entry_create(
        date=dt.date(2026, 9, 3),
        kind="day_off",
        name="Nghỉ bù xã Hàm Yên",
        agencies=[office.commune],
        actor=own_admin,
    )
    calendar_entry_create(
        date=dt.date(2026, 9, 4),
        kind="day_off",
        name="Nghỉ bù phường Minh Xuân",
        agencies=[office.other_commune],
        actor=other_admin,
    )
    field_create(code="TP", name="Tư pháp")  # nationwide: system admins only
    query = {"object_type": "workdays.calendarentry"}

    own = as_user(own_admin).get(reverse("audit:log"), query)
    everything = as_user(office.officers[Role.SYSTEM_ADMIN]).get(reverse("audit:log"))

    assert [entry.object_label[-18:] for entry in own.context["page"]] == ["Nghỉ bù xã Hàm Yên"]
    assert "Nghỉ bù phường Minh Xuân" not in own.content.decode()
    labels = " | ".join(entry.object_label for entry in everything.context["page"])
    for label in ("Nghỉ bù xã Hàm Yên", "Nghỉ bù phường Minh Xuân", "Tư pháp"):
        assert label in labels
    assert not any(
        entry.object_type == "catalog.field"
        for entry in as_user(own_admin).get(reverse("audit:log")).context["page"]
    )


def test_the_diff_is_shown_field_by_field_with_the_actor(office):
    field = field_create(code="TP", name="Tư pháp")
    with (
        time_machine.travel(local(2026, 3, 5, 10, 15), tick=False),
        acting_as(user=office.officers[Role.SYSTEM_ADMIN], ip="10.0.0.8"),
    ):
        field_update(field=field, name="Tư pháp – Hộ tịch", order=4)

    response = as_user(office.officers[Role.SYSTEM_ADMIN]).get(
        reverse("audit:log"), {"object_type": "catalog.field", "actor": "hethong"}
    )

    (entry,) = response.context["page"]
    changes = {(c.label, c.before_text, c.after_text) for c in entry.changes}
    assert changes == {("tên lĩnh vực", "Tư pháp", "Tư pháp – Hộ tịch"), ("thứ tự", "0", "4")}
    page = response.content.decode()
    assert 'data-field="name"' in page
    assert "Tư pháp – Hộ tịch" in page
    assert "10:15:00 05/03/2026" in page
    assert "10.0.0.8" in page


def test_the_log_filters_by_period_in_office_days(office):
    with time_machine.travel(local(2026, 3, 5, 23, 30), tick=False):
        field_create(code="TP", name="Tư pháp")
    with time_machine.travel(local(2026, 3, 6, 0, 30), tick=False):
        field_create(code="XD", name="Xây dựng")
    admin = as_user(office.officers[Role.SYSTEM_ADMIN])

    response = admin.get(
        reverse("audit:log"),
        {"object_type": "catalog.field", "date_from": "05/03/2026", "date_to": "05/03/2026"},
    )

    assert [entry.object_label for entry in response.context["page"]] == ["Tư pháp"]


def test_an_admin_edit_through_the_django_admin_is_recorded_with_its_user_and_address(office):
    superuser = make_superuser()
    target = office.officers[Role.REPORTER]
    User.objects.filter(pk=target.pk).update(date_joined=local(2026, 3, 2, 8, 0))
    joined = timezone.localtime(local(2026, 3, 2, 8, 0))
    client = as_user(superuser, ip="198.51.100.4")

    page = client.get(reverse("admin:organizations_user_change", args=[target.pk]))
    form = page.context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if key not in ("password", "groups", "user_permissions", "last_login", "date_joined")
        and value is not None
    }
    data.update(
        {
            "date_joined_0": f"{joined:%Y-%m-%d}",
            "date_joined_1": f"{joined:%H:%M:%S}",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        }
    )
    data.pop("is_active")  # the box unticked
    response = client.post(reverse("admin:organizations_user_change", args=[target.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    target.refresh_from_db()
    assert target.is_active is False
    entry = AuditEntry.objects.filter(object_type="organizations.user").latest("pk")
    assert (entry.action, entry.actor, entry.client_ip) == ("update", superuser, "198.51.100.4")
    assert entry.before == {"is_active": True}
    assert entry.after == {"is_active": False}


def test_a_password_set_by_an_admin_is_recorded_without_the_password(office):
    superuser = make_superuser()
    target = office.officers[Role.REPORTER]
    client = as_user(superuser)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"password1": "Một-mật-khẩu-mới-2026", "password2": "Một-mật-khẩu-mới-2026"},
    )

    assert response.status_code == 302
    entry = AuditEntry.objects.filter(object_type="organizations.user").latest("pk")
    assert entry.before == {"password_changed": False}
    assert entry.after == {"password_changed": True}
    assert entry.actor == superuser
    target.refresh_from_db()
    stored = str(list(AuditEntry.objects.values("before", "after")))
    assert target.password not in stored
    assert "Một-mật-khẩu-mới" not in stored


def make_superuser():
    return User.objects.create_superuser(username="root", password="x", email="root@example.vn")


def test_an_agency_edited_in_the_admin_names_the_admin_even_without_the_middleware(
    office, settings
):
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != MIDDLEWARE]
    superuser = make_superuser()
    agency = office.culture
    url = reverse("admin:organizations_agency_change", args=[agency.pk])

    response = as_user(superuser, ip="198.51.100.9").post(
        url,
        {
            "code": agency.code,
            "name": "Phòng Văn hóa, Khoa học và Thông tin xã Hàm Yên",
            "kind": agency.kind,
            "parent": agency.parent_id,
            "is_active": "on",
            "address": "",
            "phone": "0207 3822 111",
            "email": "",
        },
    )

    assert response.status_code == 302
    entry = AuditEntry.objects.filter(object_type="organizations.agency").latest("pk")
    assert (entry.action, entry.actor, entry.client_ip, entry.agency) == (
        "update",
        superuser,
        "198.51.100.9",
        agency,
    )
    assert entry.before == {"name": "Phòng Văn hóa – Xã hội xã Hàm Yên", "phone": ""}
    assert entry.after == {
        "name": "Phòng Văn hóa, Khoa học và Thông tin xã Hàm Yên",
        "phone": "0207 3822 111",
    }


def test_a_procedure_deleted_in_the_admin_keeps_its_content_in_the_log(office):
    field = field_create(code="TP", name="Tư pháp")
    procedure = procedure_create(code="2.000009", name="Thủ tục cũ", field=field, level="commune")
    client = as_user(make_superuser())

    response = client.post(
        reverse("admin:catalog_procedure_delete", args=[procedure.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    entry = AuditEntry.objects.latest("pk")
    assert (entry.action, entry.object_type, entry.object_id) == (
        "delete",
        "catalog.procedure",
        str(procedure.pk),
    )
    assert entry.before["name"] == "Thủ tục cũ"
    assert entry.after is None
    assert entry.actor.username == "root"
