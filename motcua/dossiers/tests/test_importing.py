import datetime
import json
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from motcua.catalog.models import Field, Procedure, ProcedureLevel
from motcua.catalog.services import field_create, procedure_create
from motcua.common.errors import InvalidInput
from motcua.dossiers.importing import IMPORT_ROOT_CODE, dossiers_import
from motcua.dossiers.models import Dossier, DossierEvent, FormSet, RuleVersion
from motcua.dossiers.statuses import Action, DossierStatus
from motcua.organizations.models import Agency
from motcua.organizations.services import agency_create

pytestmark = pytest.mark.django_db

OFFICE = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = datetime.UTC

RETURNED = {
    "code": "000.00.06.H56-170306-0001",
    "agency_code": "000.00.06.H56",
    "agency_name": "UBND huyện Hàm Yên",
    "procedure_code": "1.001193",
    "procedure_name": "Đăng ký khai sinh",
    "field_name": "Hộ tịch",
    "channel": "direct",
    "received_at": "2017-03-06T08:30:00+07:00",
    "due_at": "2017-03-08T08:30:00+07:00",
    "finished_at": "2017-03-07T15:00:00+07:00",
    "returned_at": "2017-03-08T09:00:00+07:00",
    "status": 10,
    "applicant": {
        "name": "Nguyễn Thị Lan",
        "id_number": "008190001234",
        "phone": "0912000111",
        "address": "Thôn 3, xã Yên Phú",
    },
}
OPEN = {
    "code": "H56.22.10-250812-0042",
    "agency_code": "H56.22.10",
    "agency_name": "UBND xã Thái Sơn (cũ)",
    "procedure_code": "2.000889",
    "procedure_name": "Cấp giấy phép xây dựng nhà ở riêng lẻ",
    "field_name": "Xây dựng",
    "channel": "online",
    "received_at": "2025-08-12T01:15:00Z",
    "due_at": "2025-08-26T16:00:00+07:00",
    "finished_at": None,
    "returned_at": None,
    "status": 4,
}
SUBMITTED = {
    "code": "000.00.06.H56-240101-0003",
    "agency_code": "000.00.06.H56",
    "agency_name": "Tên khác trong hệ thống cũ",
    "procedure_code": "1.001193",
    "procedure_name": "Đăng ký khai sinh",
    "field_name": "HO TICH",
    "channel": "postal",
    "received_at": "2024-12-31T16:45:00+07:00",
    "due_at": None,
    "status": "1",
}


@pytest.fixture(autouse=True)
def _vietnamese():
    # Messages are asserted in the source language, whatever an earlier test activated.
    with translation.override("vi"):
        yield


def jsonl(*records, blank_lines: bool = False) -> list[str]:
    lines = [json.dumps(record, ensure_ascii=False) + "\n" for record in records]
    return [*lines, "\n"] if blank_lines else lines


@pytest.fixture
def catalog():
    for code, effective_from, forms in [
        ("nd61-2018", datetime.date(2018, 6, 21), FormSet.TT01_2018),
        ("nd118-2025", datetime.date(2025, 7, 1), FormSet.TT03_2025),
    ]:
        RuleVersion.objects.get_or_create(
            code=code, defaults={"name": code, "effective_from": effective_from, "forms": forms}
        )
    district = agency_create(code="000.00.06.H56", name="UBND huyện Hàm Yên", kind="district")
    field = field_create(code="HT", name="Hộ tịch", order=1)
    procedure = procedure_create(
        code="1.001193", name="Thủ tục đăng ký khai sinh", field=field, level="commune"
    )
    return {"district": district, "field": field, "procedure": procedure}


def snapshot() -> dict:
    return {
        "dossiers": Dossier.objects.count(),
        "events": DossierEvent.objects.count(),
        "agencies": Agency.objects.count(),
        "fields": Field.objects.count(),
        "procedures": Procedure.objects.count(),
    }


def test_a_good_file_creates_dossiers_agencies_fields_and_procedures(catalog):
    result = dossiers_import(lines=jsonl(RETURNED, OPEN, SUBMITTED, blank_lines=True))

    assert (result.lines, result.created, result.updated, result.unchanged) == (3, 3, 0, 0)
    assert (result.agencies_created, result.fields_created, result.procedures_created) == (1, 1, 1)

    returned = Dossier.objects.get(code=RETURNED["code"])
    assert returned.procedure == catalog["procedure"]
    assert returned.procedure_name == "Đăng ký khai sinh"
    assert returned.receiving_agency == returned.competent_agency == catalog["district"]
    assert (returned.channel, returned.status, returned.is_imported) == (
        "direct",
        DossierStatus.RETURNED,
        True,
    )
    assert returned.rule_version.code == "nd61-2018"  # older than every version: the earliest
    assert returned.received_at == datetime.datetime(2017, 3, 6, 1, 30, tzinfo=UTC)
    assert (
        returned.due_at
        == returned.original_due_at
        == datetime.datetime(2017, 3, 8, 1, 30, tzinfo=UTC)
    )
    assert returned.finished_at == datetime.datetime(2017, 3, 7, 8, 0, tzinfo=UTC)
    assert returned.returned_at == datetime.datetime(2017, 3, 8, 2, 0, tzinfo=UTC)
    assert (
        returned.applicant_name,
        returned.applicant_id_number,
        returned.applicant_phone,
        returned.applicant_address,
    ) == ("Nguyễn Thị Lan", "008190001234", "0912000111", "Thôn 3, xã Yên Phú")

    open_dossier = Dossier.objects.get(code=OPEN["code"])
    assert open_dossier.status == DossierStatus.PROCESSING
    assert open_dossier.rule_version.code == "nd118-2025"
    assert open_dossier.received_at == datetime.datetime(2025, 8, 12, 1, 15, tzinfo=UTC)
    assert open_dossier.finished_at is None
    assert open_dossier.applicant_name == ""
    agency = open_dossier.receiving_agency
    root = Agency.objects.get(code=IMPORT_ROOT_CODE)
    assert (agency.code, agency.name, agency.is_imported) == (
        "H56.22.10",
        "UBND xã Thái Sơn (cũ)",
        True,
    )
    assert (agency.parent, agency.path) == (root, f"/{root.pk}/{agency.pk}/")
    assert (root.name, root.is_imported, root.parent) == ("Cơ quan nhập từ hệ thống cũ", True, None)
    procedure = open_dossier.procedure
    assert (procedure.code, procedure.name, procedure.agency) == (
        "2.000889",
        "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        None,
    )
    assert (procedure.is_imported, procedure.is_published) == (True, False)
    assert procedure.level == ProcedureLevel.DISTRICT
    assert procedure.name_key == "cap giai phep xai dung nha o rieng le"
    assert (procedure.field.name, procedure.field.code[:4]) == ("Xây dựng", "IMP-")

    submitted = Dossier.objects.get(code=SUBMITTED["code"])
    assert submitted.status == DossierStatus.SUBMITTED
    assert submitted.submitted_at == datetime.datetime(2024, 12, 31, 9, 45, tzinfo=UTC)
    assert (submitted.received_at, submitted.due_at) == (None, None)
    assert submitted.procedure == catalog["procedure"]  # "HO TICH" is the known field's name
    assert submitted.receiving_agency.name == "UBND huyện Hàm Yên"  # an existing agency is kept

    events = list(
        DossierEvent.objects.order_by("dossier__code").values_list(
            "dossier__code", "action", "from_status", "to_status", "agency__code", "actor"
        )
    )
    assert events == [
        (RETURNED["code"], Action.IMPORT, "", "returned", "000.00.06.H56", None),
        (SUBMITTED["code"], Action.IMPORT, "", "submitted", "000.00.06.H56", None),
        (OPEN["code"], Action.IMPORT, "", "processing", "H56.22.10", None),
    ]


def test_rule_version_is_the_one_in_force_on_the_office_date_of_receipt(catalog):
    # 17:00 UTC on 30/6 is already midnight of 1/7 at the office, when Decree 118 took effect.
    before = {**OPEN, "code": "A-1", "received_at": "2025-06-30T23:30:00+07:00"}
    on_the_day = {**OPEN, "code": "A-2", "received_at": "2025-06-30T17:00:00Z"}

    dossiers_import(lines=jsonl(before, on_the_day))

    versions = dict(Dossier.objects.values_list("code", "rule_version__code"))
    assert versions == {"A-1": "nd61-2018", "A-2": "nd118-2025"}


def test_without_any_rule_version_a_fallback_one_is_made(catalog):
    Dossier.objects.all().delete()
    RuleVersion.objects.all().delete()

    dossiers_import(lines=jsonl(OPEN))

    assert Dossier.objects.get().rule_version.code == "import-fallback"


def test_reimporting_the_same_file_changes_nothing(catalog):
    lines = jsonl(RETURNED, OPEN, SUBMITTED)
    dossiers_import(lines=lines)
    before = snapshot()

    result = dossiers_import(lines=lines)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert (result.agencies_created, result.fields_created, result.procedures_created) == (0, 0, 0)
    assert snapshot() == before


def test_reimport_updates_by_code_with_one_event_per_changed_dossier(catalog):
    dossiers_import(lines=jsonl(RETURNED, OPEN))
    finished = {**OPEN, "status": 9, "finished_at": "2025-08-20T10:00:00+07:00"}

    result = dossiers_import(lines=jsonl(RETURNED, finished))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    dossier = Dossier.objects.get(code=OPEN["code"])
    assert dossier.status == DossierStatus.RESULT_READY
    assert dossier.finished_at == datetime.datetime(2025, 8, 20, 3, 0, tzinfo=UTC)
    assert Dossier.objects.count() == 2
    event = dossier.events.order_by("id").last()
    assert dossier.events.count() == 2
    assert (event.action, event.from_status, event.to_status) == (
        Action.IMPORT,
        "processing",
        "result_ready",
    )
    assert event.data == {"line": 2, "changed": ["status", "finished_at"]}


def test_a_line_without_applicant_keeps_the_applicant_on_reimport(catalog):
    dossiers_import(lines=jsonl(RETURNED))
    without = {key: value for key, value in RETURNED.items() if key != "applicant"}

    result = dossiers_import(lines=jsonl(without))

    assert result.unchanged == 1
    assert Dossier.objects.get().applicant_name == "Nguyễn Thị Lan"


def line_error(text: str) -> str:
    good = json.dumps(RETURNED, ensure_ascii=False)
    with pytest.raises(InvalidInput) as caught:
        dossiers_import(lines=[good, text])
    assert caught.value.code == "import_invalid"
    return caught.value.details["errors"]


def record(**changes) -> str:
    return json.dumps({**OPEN, **changes}, ensure_ascii=False)


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ('{"code": "X-1", ', ["Dòng 2: JSON: không đọc được (lỗi ở cột 17)."]),
        ("[1, 2]", ["Dòng 2: JSON: mỗi dòng phải là một đối tượng JSON {…}."]),
        (
            json.dumps({k: v for k, v in OPEN.items() if k != "agency_code"}),
            ["Dòng 2: agency_code: thiếu trường bắt buộc."],
        ),
        (record(recieved_on="x"), ["Dòng 2: recieved_on: trường không được hỗ trợ."]),
        (
            record(received_at="12/08/2025 08:15"),
            [
                "Dòng 2: received_at: “12/08/2025 08:15” không phải thời điểm ISO 8601 hợp lệ, "
                "ví dụ 2024-03-05T08:30:00+07:00."
            ],
        ),
        (
            record(received_at="2025-08-12T08:15:00"),
            [
                "Dòng 2: received_at: “2025-08-12T08:15:00” thiếu múi giờ; ghi rõ độ lệch, "
                "ví dụ 2024-03-05T08:30:00+07:00."
            ],
        ),
        (
            record(due_at=20250826),
            [
                "Dòng 2: due_at: phải là thời điểm ISO 8601 dạng chuỗi, "
                "ví dụ 2024-03-05T08:30:00+07:00."
            ],
        ),
        (
            record(status=11),
            ["Dòng 2: status: phải là mã trạng thái quốc gia từ 1 đến 10 (nhận được 11)."],
        ),
        (
            record(status=True),
            ["Dòng 2: status: phải là mã trạng thái quốc gia từ 1 đến 10 (nhận được true)."],
        ),
        (
            record(channel="email"),
            ['Dòng 2: channel: phải là “direct”, “online” hoặc “postal” (nhận được "email").'],
        ),
        (
            record(status=9, finished_at="2025-08-11T10:00:00+07:00"),
            ["Dòng 2: finished_at: sớm hơn thời điểm tiếp nhận (received_at)."],
        ),
        (
            record(status=9),
            ["Dòng 2: finished_at: bắt buộc với hồ sơ đã kết thúc xử lý (trạng thái 9)."],
        ),
        (
            record(finished_at="2025-08-20T10:00:00+07:00"),
            ["Dòng 2: finished_at: phải là null khi hồ sơ chưa kết thúc xử lý (trạng thái 4)."],
        ),
        (
            record(status=10, finished_at="2025-08-20T10:00:00+07:00"),
            ["Dòng 2: returned_at: bắt buộc với hồ sơ đã trả kết quả (trạng thái 10)."],
        ),
        (
            record(
                status=10,
                finished_at="2025-08-20T10:00:00+07:00",
                returned_at="2025-08-20T09:00:00+07:00",
            ),
            ["Dòng 2: returned_at: sớm hơn thời điểm kết thúc xử lý (finished_at)."],
        ),
        (
            record(due_at="2025-08-11T16:00:00+07:00"),
            ["Dòng 2: due_at: sớm hơn thời điểm tiếp nhận (received_at)."],
        ),
        (record(due_at=None), ["Dòng 2: due_at: bắt buộc với hồ sơ có trạng thái 4."]),
        (
            record(code="A/1", agency_name="  "),
            [
                "Dòng 2: agency_name: phải là chuỗi ký tự không rỗng.",
                "Dòng 2: code: không được chứa dấu “/” hoặc khoảng trắng.",
            ],
        ),
        (record(procedure_code="1" * 65), ["Dòng 2: procedure_code: dài quá 64 ký tự."]),
        (
            record(applicant={"name": "A", "email": "a@b.vn", "phone": 912}),
            [
                "Dòng 2: applicant.email: trường không được hỗ trợ.",
                "Dòng 2: applicant.phone: phải là chuỗi ký tự.",
            ],
        ),
        (
            record(code=RETURNED["code"]),
            [f"Dòng 2: code: mã hồ sơ {RETURNED['code']} đã có ở dòng 1."],
        ),
    ],
)
def test_each_kind_of_bad_line_is_reported_with_its_line_number(catalog, text, errors):
    assert line_error(text) == errors


def test_errors_are_listed_up_to_fifty_then_counted(catalog):
    bad = [record(code=f"B-{n}", status=11, channel="fax") for n in range(30)]

    with pytest.raises(InvalidInput) as caught:
        dossiers_import(lines=bad)

    errors = caught.value.details["errors"]
    assert len(errors) == 51
    assert errors[:2] == [
        'Dòng 1: channel: phải là “direct”, “online” hoặc “postal” (nhận được "fax").',
        "Dòng 1: status: phải là mã trạng thái quốc gia từ 1 đến 10 (nhận được 11).",
    ]
    assert errors[-1] == "… và 10 lỗi khác."
    assert caught.value.details["error_count"] == 60
    assert str(caught.value.message).startswith("Tệp có 60 lỗi, không nhập hồ sơ nào. Dòng 1:")


def test_one_bad_line_and_nothing_is_written(catalog):
    before = snapshot()

    with pytest.raises(InvalidInput):
        dossiers_import(lines=[*jsonl(OPEN, SUBMITTED), record(code="B-1", status=0)])

    assert snapshot() == before


def test_a_dossier_received_in_motcua_is_never_overwritten_and_nothing_is_written(catalog):
    dossiers_import(lines=jsonl(RETURNED))
    Dossier.objects.filter(code=RETURNED["code"]).update(is_imported=False)
    before = snapshot()

    with pytest.raises(InvalidInput) as caught:
        dossiers_import(lines=jsonl(OPEN, {**RETURNED, "status": 9, "returned_at": None}))

    assert caught.value.details["errors"] == [
        f"Dòng 2: code: hồ sơ {RETURNED['code']} được tiếp nhận trên hệ thống này, "
        "không ghi đè bằng dữ liệu nhập."
    ]
    assert snapshot() == before


def test_an_imported_dossier_handled_further_here_is_not_overwritten(catalog):
    dossiers_import(lines=jsonl(OPEN))
    dossier = Dossier.objects.get()
    DossierEvent.objects.create(
        dossier=dossier, action=Action.FORWARD, to_status="processing", at=dossier.received_at
    )

    with pytest.raises(InvalidInput) as caught:
        dossiers_import(lines=jsonl({**OPEN, "status": 5}))

    assert caught.value.details["errors"] == [
        f"Dòng 1: code: hồ sơ {OPEN['code']} đã được xử lý tiếp trên hệ thống này, "
        "không ghi đè bằng dữ liệu nhập."
    ]
    assert Dossier.objects.get().status == DossierStatus.PROCESSING


def test_an_empty_file_is_an_error(catalog):
    with pytest.raises(InvalidInput) as caught:
        dossiers_import(lines=["\n", "  \n"])

    assert caught.value.as_dict() == {
        "code": "import_empty",
        "message": "Tệp không có dòng dữ liệu nào.",
    }


def test_dry_run_reports_and_writes_nothing(catalog):
    before = snapshot()

    result = dossiers_import(lines=jsonl(RETURNED, OPEN), dry_run=True)

    assert (result.created, result.agencies_created, result.procedures_created) == (2, 1, 1)
    assert result.dry_run is True
    assert snapshot() == before


def test_many_lines_without_a_query_per_line(catalog, django_assert_max_num_queries):
    lines = jsonl(
        *(
            {**OPEN, "code": f"H56.22.10-250812-{n:04d}", "agency_code": f"H56.22.{n % 3}"}
            for n in range(1200)
        )
    )

    # Inserts go in batches (SQLite takes about 25 dossiers per statement, PostgreSQL 500).
    with django_assert_max_num_queries(120):
        result = dossiers_import(lines=lines)

    assert (result.created, result.agencies_created) == (1200, 3)
    assert DossierEvent.objects.filter(action=Action.IMPORT).count() == 1200
    assert Agency.objects.get(code="H56.22.2").received_dossiers.count() == 400


def write(tmp_path, lines: list[str], name="dossiers.jsonl") -> str:
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    return str(path)


def test_command_imports_and_exits_zero(catalog, tmp_path):
    path = write(tmp_path, jsonl(RETURNED, OPEN))
    out = StringIO()

    call_command("import_dossiers", path, stdout=out, stderr=StringIO())

    assert out.getvalue() == (
        "Hồ sơ: 2 dòng, 2 mới, 0 cập nhật, 0 không đổi. "
        "Tạo mới: 1 cơ quan, 1 lĩnh vực, 1 thủ tục.\n"
    )
    assert Dossier.objects.count() == 2


def test_command_dry_run(catalog, tmp_path):
    path = write(tmp_path, jsonl(RETURNED))
    out = StringIO()

    call_command("import_dossiers", path, "--dry-run", stdout=out)

    assert out.getvalue().startswith("Chạy thử, không ghi dữ liệu. Hồ sơ: 1 dòng, 1 mới")
    assert not Dossier.objects.exists()


def test_command_lists_errors_and_exits_with_status_2(catalog, tmp_path):
    path = write(tmp_path, [*jsonl(RETURNED), record(status=11) + "\n", "oops\n"])
    err = StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("import_dossiers", path, stdout=StringIO(), stderr=err)

    assert caught.value.returncode == 2
    assert err.getvalue().splitlines() == [
        "Dòng 2: status: phải là mã trạng thái quốc gia từ 1 đến 10 (nhận được 11).",
        "Dòng 3: JSON: không đọc được (lỗi ở cột 1).",
    ]
    assert str(caught.value).startswith("Tệp có 2 lỗi, không nhập hồ sơ nào.")
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "không có tệp hoặc thư mục này"),
        (b"\xff\xfe{}", "không phải văn bản UTF-8"),
    ],
)
def test_command_unreadable_file_exits_with_status_2(db, tmp_path, content, message):
    path = tmp_path / "dossiers.jsonl"
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(CommandError) as caught:
        call_command("import_dossiers", str(path), stdout=StringIO(), stderr=StringIO())

    assert caught.value.returncode == 2
    assert message in str(caught.value)


def test_command_reads_a_file_with_a_byte_order_mark(catalog, tmp_path):
    path = tmp_path / "dossiers.jsonl"
    path.write_bytes("\ufeff".encode() + "".join(jsonl(OPEN)).encode())

    call_command("import_dossiers", str(path), stdout=StringIO())

    assert Dossier.objects.get().code == OPEN["code"]
