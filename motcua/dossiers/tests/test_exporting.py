"""Dossier export for BI tools: `motcua export_dossiers` and the /du-lieu/ho-so.csv|.jsonl
downloads — whole local days, the agency's subtree, no personal data, streamed."""

import csv
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from motcua.dossiers.exporting import COLUMNS, dossier_export_rows, export_request_parse
from motcua.dossiers.services import dossier_withdraw
from motcua.dossiers.tests.factories import (
    APPLICANT,
    HKD,
    build_office,
    demo_procedure,
    local,
    receive,
)
from motcua.organizations.models import Role

pytestmark = pytest.mark.django_db
PERSONAL = [APPLICANT[key] for key in ("name", "id_number", "address", "phone", "email")]


@pytest.fixture(autouse=True)
def _no_login_throttling_records(settings):
    # force_login() signs in through a bare HttpRequest without REMOTE_ADDR; django-axes then
    # records the address "unknown", which PostgreSQL's inet column refuses. Throttling is
    # tested in motcua/common/tests/test_security_login.py, not here.
    settings.AXES_ENABLED = False


@pytest.fixture
def office(db):
    return build_office()


@pytest.fixture
def dossiers(office, settings):
    """Received around the period 2–3 March 2026 (local days): two just outside it, three
    inside at xã Hàm Yên, one inside at phường Minh Xuân."""
    settings.MOTCUA_NATIONAL_ENDPOINT = ""
    procedure = demo_procedure(HKD)
    made = {
        "before": receive(office, procedure, at=local(2026, 3, 1, 23, 59)),
        "first": receive(office, procedure, at=local(2026, 3, 2, 0, 5)),  # 1 March in UTC
        "postal": receive(office, procedure, at=local(2026, 3, 2, 9, 0), channel="postal"),
        "last": receive(office, procedure, at=local(2026, 3, 3, 23, 55)),
        "after": receive(office, procedure, at=local(2026, 3, 4, 0, 0)),
        "other": receive(
            office,
            procedure,
            at=local(2026, 3, 2, 10, 0),
            actor=office.other[Role.RECEPTION],
            desk=office.other_desk,
        ),
    }
    with time_machine.travel(local(2026, 3, 3, 14, 0), tick=False):
        dossier_withdraw(actor=office.reception, dossier=made["postal"], reason="Xin rút")
    return made


def export(tmp_path, agency, *extra):
    path = tmp_path / "ho-so.csv"
    call_command(
        "export_dossiers",
        "--agency",
        agency.code,
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-03",
        "--output",
        str(path),
        *extra,
    )
    return path


def test_the_csv_opens_in_the_csv_module_with_one_row_per_dossier(
    office, dossiers, tmp_path, capsys
):
    path = export(tmp_path, office.commune)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the file as UTF-8
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        rows = list(reader)
    assert reader.fieldnames == COLUMNS
    assert [row["code"] for row in rows] == [
        dossiers["first"].code,
        dossiers["postal"].code,
        dossiers["last"].code,
    ]
    assert capsys.readouterr().out == f"Đã xuất 3 hồ sơ ra {path}.\n"
    first, postal, last = rows
    assert first == {
        "code": dossiers["first"].code,
        "procedure_code": HKD,
        "procedure_name": dossiers["first"].procedure_name,
        "field_code": dossiers["first"].procedure.field.code,
        "field_name": dossiers["first"].procedure.field.name,
        "receiving_agency_code": "000.01.51.H62",
        "competent_agency_code": dossiers["first"].competent_agency.code,
        "channel": "direct",
        "status": "received",
        "national_status": "2",
        "received_at": "2026-03-02T00:05:00+07:00",
        "due_at": dossiers["first"].due_at.astimezone(local(2026, 1, 1).tzinfo).isoformat(),
        "finished_at": "",
        "returned_at": "",
        "timeliness": "",
        "supplement_count": "0",
        "is_imported": "0",
        "is_digitized": "0",
    }
    assert first["field_name"]
    assert "Đăng ký" in first["procedure_name"]
    assert (postal["channel"], postal["status"], postal["national_status"]) == (
        "postal",
        "withdrawn",
        "7",
    )
    assert (postal["finished_at"], postal["timeliness"]) == ("2026-03-03T14:00:00+07:00", "on_time")
    assert last["received_at"] == "2026-03-03T23:55:00+07:00"
    text = raw.decode("utf-8-sig")
    for value in PERSONAL:
        assert value not in text


def test_the_province_exports_its_whole_subtree(office, dossiers, tmp_path):
    path = export(tmp_path, office.province)
    with path.open(encoding="utf-8-sig", newline="") as stream:
        codes = {row["code"] for row in csv.DictReader(stream)}
    assert codes == {dossiers[key].code for key in ("first", "postal", "last", "other")}


def test_jsonl_goes_to_standard_output_with_typed_values(office, dossiers, capsys):
    call_command(
        "export_dossiers",
        "--agency",
        office.commune.code,
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-02",
        "--format",
        "jsonl",
    )
    lines = capsys.readouterr().out.splitlines()
    rows = [json.loads(line) for line in lines]
    assert [row["code"] for row in rows] == [dossiers["first"].code, dossiers["postal"].code]
    assert list(rows[0]) == COLUMNS
    assert (rows[0]["national_status"], rows[0]["is_imported"], rows[0]["timeliness"]) == (
        2,
        False,
        None,
    )
    for value in PERSONAL:
        assert all(value not in line for line in lines)


def test_rows_stream_from_one_query(office, dossiers, django_assert_num_queries):
    request = export_request_parse(
        agency_code=office.province.code, date_from="2026-03-01", date_to="2026-03-31"
    )
    with django_assert_num_queries(1):
        rows = list(dossier_export_rows(request=request))
    assert len(rows) == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "000.99.99.H99"], "Không tìm thấy cơ quan có mã 000.99.99.H99."),
        (["--from", "2026-03-04"], "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."),
        (["--to", "03/03/2026"], "Ngày kết thúc không hợp lệ: cần dạng YYYY-MM-DD"),
        (["--format", "xml"], "Tham số không hợp lệ"),
    ],
)
def test_bad_input_is_one_vietnamese_line_and_exit_2(office, tmp_path, args, message):
    options = {"--agency": office.commune.code, "--from": "2026-03-02", "--to": "2026-03-03"}
    options.update(dict(zip(args[::2], args[1::2], strict=True)))
    argv = [item for pair in options.items() for item in pair]
    with pytest.raises(CommandError) as error:
        call_command("export_dossiers", *argv, "--output", str(tmp_path / "x.csv"))
    assert error.value.returncode == 2
    assert message in str(error.value)
    assert not (tmp_path / "x.csv").exists()


def download(client, user, name="outbox:export_csv", **params):
    client.force_login(user)
    return client.get(reverse(name), params)


def test_a_report_reader_downloads_the_csv(client, office, dossiers):
    response = download(
        client,
        office.officers[Role.REPORTER],
        agency=office.commune.code,
        **{"from": "2026-03-02", "to": "2026-03-03"},
    )
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="ho-so-000.00.51.H62-20260302-20260303.csv"'
    )
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 3
    for value in PERSONAL:
        assert value not in text


def test_the_jsonl_download(client, office, dossiers):
    response = download(
        client,
        office.officers[Role.LEADER],
        "outbox:export_jsonl",
        agency=office.commune.code,
        **{"from": "2026-03-02", "to": "2026-03-03"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 3


@pytest.mark.parametrize(
    ("who", "agency", "status"),
    [
        ("reporter", "province", 404),  # above the reader's agency
        ("other_reporter", "commune", 404),  # another commune
        ("reception", "commune", 404),  # no reporting role
        ("system_admin", "province", 200),
    ],
)
def test_who_may_download(client, office, dossiers, who, agency, status):
    users = {
        "reporter": office.officers[Role.REPORTER],
        "other_reporter": office.other[Role.REPORTER],
        "reception": office.officers[Role.RECEPTION],
        "system_admin": office.officers[Role.SYSTEM_ADMIN],
    }
    response = download(
        client,
        users[who],
        agency=getattr(office, agency).code,
        **{"from": "2026-03-02", "to": "2026-03-03"},
    )
    assert response.status_code == status


def test_bad_download_parameters_answer_400_and_anonymous_visitors_sign_in(client, office):
    reporter = office.officers[Role.REPORTER]
    response = download(client, reporter, agency=office.commune.code, **{"from": "2026-3-2"})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()
    client.logout()
    assert client.get(reverse("outbox:export_csv")).status_code == 302
