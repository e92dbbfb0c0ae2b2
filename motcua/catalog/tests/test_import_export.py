import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest

from motcua.catalog import exchange
from motcua.catalog.models import (
    Fee,
    Field,
    Procedure,
    ProcessingTime,
    RequiredDocument,
    WorkflowStep,
)
from motcua.catalog.selectors import catalog_export, procedure_search
from motcua.catalog.services import catalog_import, procedure_update
from motcua.catalog.tests.factories import BIRTH_RECORD, MARRIAGE_RECORD, catalog_document
from motcua.common.errors import InvalidInput
from motcua.organizations.models import AgencyKind
from motcua.organizations.services import agency_create

DEMO_CATALOG = Path(__file__).resolve().parents[1] / "data" / "demo_catalog.json"


def text_of(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


def row_counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Field, Procedure, ProcessingTime, RequiredDocument, Fee, WorkflowStep)
    }


def procedure_line(text: str, index: int) -> int:
    """1-based line of the index-th procedure in text written by text_of (indent 2)."""
    lines = text.splitlines()
    start = lines.index('  "procedures": [')
    openings = [n for n, line in enumerate(lines) if n > start and line == "    {"]
    return openings[index] + 1


def import_errors(document_or_text) -> list[str]:
    data = document_or_text if isinstance(document_or_text, str) else text_of(document_or_text)
    with pytest.raises(InvalidInput) as caught:
        catalog_import(data=data)
    assert caught.value.code == "catalog_invalid"
    return caught.value.details["errors"]


@pytest.mark.django_db
def test_import_creates_fields_procedures_and_children():
    result = catalog_import(data=text_of(catalog_document()))

    assert (result.fields_created, result.procedures_created) == (1, 2)
    birth = Procedure.objects.get(code="1.001193")
    assert birth.field.name == "Hộ tịch"
    assert (birth.accepts_direct, birth.accepts_online, birth.accepts_postal) == (True, True, True)
    assert birth.is_imported is True
    assert birth.is_published is True
    assert birth.legal_basis == "Luật Hộ tịch số 60/2014/QH13\nNghị định 123/2015/NĐ-CP"
    assert list(birth.processing_times.values_list("channel", "amount", "unit")) == [
        ("direct", Decimal("0"), "days"),
        ("online", Decimal("0"), "days"),
    ]
    assert list(birth.documents.values_list("order", "name", "originals", "copies")) == [
        (0, "Tờ khai đăng ký khai sinh", 1, 0),
        (1, "Giấy chứng sinh", 1, 0),
    ]
    assert list(birth.workflow_steps.values_list("name", "role", "amount")) == [
        ("Tiếp nhận hồ sơ", "reception", Decimal("0.25")),
        ("Xử lý, trình ký", "specialist", Decimal("0.75")),
    ]
    marriage = Procedure.objects.get(code="1.000894")
    assert marriage.cutoff.isoformat() == "16:30:00"
    # The document names are searchable right after the import.
    assert [p.code for p in procedure_search(query="giay chung sinh")] == ["1.001193"]


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing():
    text = text_of(catalog_document())
    catalog_import(data=text)
    ids = sorted(RequiredDocument.objects.values_list("id", flat=True))
    stamps = dict(Procedure.objects.values_list("code", "updated_at"))

    result = catalog_import(data=text)

    assert (result.procedures_created, result.procedures_updated) == (0, 0)
    assert result.procedures_unchanged == 2
    assert sorted(RequiredDocument.objects.values_list("id", flat=True)) == ids
    assert dict(Procedure.objects.values_list("code", "updated_at")) == stamps


@pytest.mark.django_db
def test_reimport_updates_by_code_and_replaces_children_without_duplicates():
    catalog_import(data=text_of(catalog_document()))
    changed = copy.deepcopy(BIRTH_RECORD)
    changed["name"] = "Đăng ký khai sinh"
    changed["documents"] = changed["documents"][:1]
    changed["processing_times"] = [
        {"channel": "online", "amount": "0.5", "unit": "days", "note": ""}
    ]

    result = catalog_import(data=text_of(catalog_document(changed, MARRIAGE_RECORD)))

    assert (result.procedures_updated, result.procedures_unchanged) == (1, 1)
    birth = Procedure.objects.get(code="1.001193")
    assert birth.name == "Đăng ký khai sinh"
    assert birth.name_key == "dang ki khai sinh"
    assert list(birth.documents.values_list("name", flat=True)) == ["Tờ khai đăng ký khai sinh"]
    assert list(birth.processing_times.values_list("channel", "amount")) == [
        ("online", Decimal("0.50"))
    ]
    assert row_counts() == {
        "Field": 1,
        "Procedure": 2,
        "ProcessingTime": 2,
        "RequiredDocument": 2,
        "Fee": 1,
        "WorkflowStep": 4,
    }


@pytest.mark.django_db
def test_reimport_keeps_an_unpublished_procedure_unpublished_unless_the_file_says():
    catalog_import(data=text_of(catalog_document()))
    procedure_update(procedure=Procedure.objects.get(code="1.001193"), is_published=False)

    catalog_import(data=text_of(catalog_document()))
    assert Procedure.objects.get(code="1.001193").is_published is False

    record = {**BIRTH_RECORD, "is_published": True}
    catalog_import(data=text_of(catalog_document(record)))
    assert Procedure.objects.get(code="1.001193").is_published is True


@pytest.mark.django_db
def test_agency_procedures_are_matched_on_code_and_agency():
    agency_create(code="000.00.00.H62", name="UBND tỉnh Tuyên Quang", kind=AgencyKind.PROVINCE)
    own = {**BIRTH_RECORD, "agency_code": "000.00.00.H62", "name": "Khai sinh (tỉnh)"}

    catalog_import(data=text_of(catalog_document(BIRTH_RECORD, own)))
    catalog_import(data=text_of(catalog_document(BIRTH_RECORD, own)))

    assert sorted(
        Procedure.objects.filter(code="1.001193").values_list("agency__code", "name"),
        key=str,
    ) == [("000.00.00.H62", "Khai sinh (tỉnh)"), (None, "Thủ tục đăng ký khai sinh")]


@pytest.mark.django_db
def test_fields_are_updated_by_code():
    catalog_import(data=text_of(catalog_document()))

    result = catalog_import(
        data=text_of(catalog_document(fields=[{"code": "HT", "name": "Hộ tịch (sửa)", "order": 7}]))
    )

    assert (result.fields_created, result.fields_updated) == (0, 1)
    assert list(Field.objects.values_list("code", "name", "order")) == [("HT", "Hộ tịch (sửa)", 7)]
    assert "ho tich sua" in Procedure.objects.get(code="1.001193").search_key


@pytest.mark.django_db
def test_a_procedure_may_use_a_field_that_already_exists():
    catalog_import(data=text_of(catalog_document()))

    result = catalog_import(data=text_of(catalog_document(MARRIAGE_RECORD, fields=[])))

    assert result.procedures_unchanged == 1


@pytest.mark.django_db
def test_dry_run_validates_and_counts_but_writes_nothing():
    result = catalog_import(data=text_of(catalog_document()), dry_run=True)

    assert (result.dry_run, result.fields_created, result.procedures_created) == (True, 1, 2)
    assert set(row_counts().values()) == {0}


@pytest.mark.django_db
def test_one_bad_record_rolls_back_the_whole_file():
    catalog_import(data=text_of(catalog_document()))
    before = row_counts()
    good = {**BIRTH_RECORD, "code": "1.000001", "name": "Mới"}
    bad = {**MARRIAGE_RECORD, "level": "national"}

    import_errors(catalog_document(good, bad))

    assert row_counts() == before
    assert not Procedure.objects.filter(code="1.000001").exists()


@pytest.mark.django_db
def test_errors_name_the_record_the_path_and_the_line_where_the_procedure_starts():
    first = {**BIRTH_RECORD, "code": "1.000001"}
    second = copy.deepcopy(BIRTH_RECORD)
    second["processing_times"][1]["unit"] = "weeks"
    second["documents"][0]["copies"] = -1
    text = text_of(catalog_document(first, second))
    line = procedure_line(text, 1)
    assert text.splitlines()[line] == '      "code": "1.001193",'

    assert import_errors(text) == [
        f"Dòng {line}: procedures[1] (code 1.001193).processing_times[1].unit: "
        'giá trị "weeks" không hợp lệ; chọn một trong: days, hours.',
        f"Dòng {line}: procedures[1] (code 1.001193).documents[0].copies: phải từ 0 đến 32767.",
    ]


@pytest.mark.django_db
def test_line_numbers_follow_the_raw_text_whatever_its_layout():
    compact = json.dumps(catalog_document(), ensure_ascii=False)
    procedures = json.dumps(
        [BIRTH_RECORD, {**MARRIAGE_RECORD, "level": "x"}], ensure_ascii=False
    ).replace('}, {"code": "1.000894"', '},\n\n\n{"code": "1.000894"')
    text = compact[: compact.index('"procedures": ')] + '"procedures":\n' + procedures + "}"

    assert import_errors(text) == [
        'Dòng 5: procedures[1] (code 1.000894).level: giá trị "x" không hợp lệ; '
        "chọn một trong: province, district, commune."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            {"code": ""},
            "procedures[0].code: không được để trống.",
        ),
        (
            {"name": None},
            "procedures[0] (code 1.001193).name: phải là một chuỗi ký tự.",
        ),
        (
            {"field": "ZZ"},
            "procedures[0] (code 1.001193).field: "
            "không có lĩnh vực mã ZZ (trong tệp hoặc trong hệ thống).",
        ),
        (
            {"agency_code": "000.99.99.H99"},
            "procedures[0] (code 1.001193).agency_code: không có cơ quan mã 000.99.99.H99.",
        ),
        (
            {"methods": []},
            "procedures[0] (code 1.001193).methods: "
            "phải là danh sách không rỗng các cách thức nộp: direct, online, postal.",
        ),
        (
            {"methods": ["direct", "direct"]},
            "procedures[0] (code 1.001193).methods[1]: bị lặp lại.",
        ),
        (
            {"online_level": "level4"},
            'procedures[0] (code 1.001193).online_level: giá trị "level4" không hợp lệ; '
            "chọn một trong: full, partial, none.",
        ),
        (
            {"is_lien_thong": "yes"},
            "procedures[0] (code 1.001193).is_lien_thong: phải là true hoặc false.",
        ),
        (
            {"cutoff": "3pm"},
            'procedures[0] (code 1.001193).cutoff: phải là null hoặc giờ dạng HH:MM, ví dụ "15:00".',
        ),
        (
            {"legal_basis": "Luật Hộ tịch"},
            "procedures[0] (code 1.001193).legal_basis: phải là một danh sách […].",
        ),
        (
            {"legal_basis": ["Luật A", "  "]},
            "procedures[0] (code 1.001193).legal_basis[1]: "
            "mỗi văn bản phải là một chuỗi ký tự không rỗng, trên một dòng.",
        ),
        (
            {"processing_times": [{"channel": "direct", "amount": "-1"}]},
            "procedures[0] (code 1.001193).processing_times[0].amount: phải là một số không âm, "
            'nhỏ hơn 10000, tối đa hai chữ số thập phân (ví dụ "0.5"); nhận được "-1".',
        ),
        (
            {"processing_times": [{"channel": "direct", "amount": 0.125}]},
            "procedures[0] (code 1.001193).processing_times[0].amount: phải là một số không âm, "
            'nhỏ hơn 10000, tối đa hai chữ số thập phân (ví dụ "0.5"); nhận được 0.125.',
        ),
        (
            {
                "processing_times": [
                    {"channel": "direct", "amount": "1"},
                    {"channel": "direct", "amount": "2"},
                ]
            },
            "procedures[0] (code 1.001193).processing_times[1].channel: "
            "kênh direct đã có ở processing_times[0].",
        ),
        (
            {"processing_times": [{"amount": "1"}]},
            "procedures[0] (code 1.001193).processing_times[0].channel: thiếu trường bắt buộc.",
        ),
        (
            {"fees": [{"name": "Lệ phí", "amount": 2000.5}]},
            "procedures[0] (code 1.001193).fees[0].amount: phải là một số nguyên.",
        ),
        (
            {"documents": ["Tờ khai"]},
            "procedures[0] (code 1.001193).documents[0]: phải là một đối tượng JSON {…}.",
        ),
        (
            {"workflow": [{"name": "Xử lý", "unit_kind": "department", "role": "boss"}]},
            'procedures[0] (code 1.001193).workflow[0].role: giá trị "boss" không hợp lệ; '
            "chọn một trong: reception, specialist, department_head, leader, agency_admin, "
            "system_admin, reporter.",
        ),
        (
            {"processing_time": []},
            "procedures[0] (code 1.001193).processing_time: "
            "trường không được hỗ trợ (có thể gõ sai tên?).",
        ),
    ],
)
def test_bad_values_give_precise_messages(change, error):
    record = {**copy.deepcopy(BIRTH_RECORD), **change}

    errors = import_errors(catalog_document(record))

    assert errors == [f"Dòng 11: {error}"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("document", "errors"),
    [
        ([], ['tệp: phải là một đối tượng JSON {"format": "motcua-catalog/1", …}.']),
        (
            {"format": "motcua-catalog/2", "procedures": []},
            ['format: phải là "motcua-catalog/1".'],
        ),
        (
            {"format": "motcua-catalog/1", "fields": {}, "extra": 1},
            [
                "extra: trường không được hỗ trợ (có thể gõ sai tên?).",
                "fields: phải là một danh sách […].",
            ],
        ),
        (
            {
                "format": "motcua-catalog/1",
                "fields": [{"code": "HT", "name": "Hộ tịch"}, {"code": "HT", "name": "Khác"}],
            },
            ["fields[1].code: mã HT trùng với fields[0]."],
        ),
    ],
)
def test_bad_document_shapes(document, errors):
    assert import_errors(json.dumps(document)) == errors


@pytest.mark.django_db
def test_duplicate_procedures_in_one_file_are_rejected():
    text = text_of(catalog_document(BIRTH_RECORD, MARRIAGE_RECORD, BIRTH_RECORD))

    assert import_errors(text) == [
        f"Dòng {procedure_line(text, 2)}: procedures[2] (code 1.001193).code: "
        "trùng mã thủ tục và cơ quan với procedures[0]."
    ]


@pytest.mark.django_db
def test_error_lists_are_capped():
    records = [{**BIRTH_RECORD, "code": f"1.{n}", "level": "x"} for n in range(60)]

    errors = import_errors(catalog_document(*records))

    assert len(errors) == 51
    assert errors[-1] == "… và 10 lỗi khác."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"format": "motcua-catalog/1",\n "fields": [\n  {"code": "HT",}\n]}',
            "Tệp JSON sai cú pháp ở dòng 3, cột 17: "
            "cần tên trường đặt trong ngoặc kép (có dấu phẩy thừa?).",
        ),
        (
            '{"format": "motcua-catalog/1"\n "fields": []}',
            "Tệp JSON sai cú pháp ở dòng 2, cột 2: thiếu dấu phẩy.",
        ),
        ("", "Tệp JSON sai cú pháp ở dòng 1, cột 1: thiếu giá trị hoặc giá trị không hợp lệ."),
    ],
)
def test_json_syntax_errors_give_line_and_column(text, message):
    with pytest.raises(InvalidInput) as caught:
        catalog_import(data=text)

    assert caught.value.code == "catalog_syntax"
    assert str(caught.value.message) == message


def test_bytes_must_be_utf8():
    with pytest.raises(InvalidInput) as caught:
        catalog_import(data='{"format": "Hồ sơ"}'.encode("utf-16"))

    assert caught.value.code == "catalog_encoding"
    assert str(caught.value.message) == "Tệp không phải văn bản UTF-8 (byte lỗi ở vị trí 0)."


@pytest.mark.django_db
def test_utf8_bytes_with_a_byte_order_mark_are_accepted():
    data = "\ufeff".encode() + text_of(catalog_document()).encode()

    assert catalog_import(data=data).procedures_created == 2


@pytest.mark.django_db
def test_legacy_online_levels_and_loose_amounts_are_normalised():
    record = {
        **copy.deepcopy(BIRTH_RECORD),
        "online_level": 3,
        "methods": ["postal", "direct"],
        "processing_times": [
            {"channel": "postal", "amount": 2.5},
            {"channel": "direct", "amount": 3, "unit": "hours"},
        ],
    }
    catalog_import(data=catalog_document(record))

    exported = catalog_export()["procedures"][0]
    assert exported["online_level"] == "partial"
    assert exported["methods"] == ["direct", "postal"]
    assert exported["processing_times"] == [
        {"channel": "direct", "amount": "3", "unit": "hours", "note": ""},
        {"channel": "postal", "amount": "2.5", "unit": "days", "note": ""},
    ]


@pytest.mark.django_db
def test_export_writes_the_import_format_sorted():
    province = agency_create(code="000.00.00.H62", name="Tỉnh", kind=AgencyKind.PROVINCE)
    assert province.code == "000.00.00.H62"
    fields = [
        {"code": "VH", "name": "Văn hóa", "order": 2},
        {"code": "HT", "name": "Hộ tịch", "order": 1},
    ]
    own = {**BIRTH_RECORD, "agency_code": "000.00.00.H62", "code": "0.1"}
    catalog_import(data=catalog_document(own, BIRTH_RECORD, MARRIAGE_RECORD, fields=fields))

    exported = catalog_export()

    assert exported["format"] == "motcua-catalog/1"
    assert exported["fields"] == [fields[1], fields[0]]
    assert [(p["agency_code"], p["code"]) for p in exported["procedures"]] == [
        (None, "1.000894"),
        (None, "1.001193"),
        ("000.00.00.H62", "0.1"),
    ]
    assert exported["procedures"][1] == BIRTH_RECORD
    assert list(exported["procedures"][1]) == list(BIRTH_RECORD)


@pytest.mark.django_db
def test_round_trip_import_export_import_changes_nothing():
    catalog_import(data=text_of(catalog_document()))
    first = exchange.dumps(catalog_export())
    counts = row_counts()

    result = catalog_import(data=first)

    assert result.procedures_unchanged == 2
    assert (result.procedures_created, result.procedures_updated, result.fields_updated) == (
        0,
        0,
        0,
    )
    assert exchange.dumps(catalog_export()) == first
    assert row_counts() == counts


@pytest.mark.django_db
def test_the_demo_catalog_imports_and_round_trips():
    if not DEMO_CATALOG.exists():
        pytest.skip("motcua/catalog/data/demo_catalog.json is not written yet")

    result = catalog_import(data=DEMO_CATALOG.read_bytes())

    assert result.procedures_created >= 40
    assert Field.objects.filter(procedures__isnull=False).distinct().count() >= 8
    assert Procedure.objects.filter(workflow_steps__isnull=True).count() == 0
    exported = exchange.dumps(catalog_export())
    again = catalog_import(data=exported)
    assert again.procedures_unchanged == result.procedures_created
    assert exchange.dumps(catalog_export()) == exported
    assert procedure_search(query="dang ky khai sinh")[0].name == "Thủ tục đăng ký khai sinh"


@pytest.mark.django_db
def test_a_concurrent_write_of_the_same_codes_is_a_conflict_and_rolls_back(monkeypatch):
    from django.db import IntegrityError

    from motcua.catalog import services
    from motcua.common.errors import Conflict

    def collide(records, result):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(services, "_import_procedures", collide)

    with pytest.raises(Conflict) as caught:
        catalog_import(data=text_of(catalog_document()))

    assert (caught.value.code, caught.value.status) == ("catalog_conflict", 409)
    assert set(row_counts().values()) == {0}
