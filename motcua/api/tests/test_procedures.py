import copy

import pytest

from motcua.catalog.services import catalog_import
from motcua.catalog.tests.factories import BIRTH_RECORD, MARRIAGE_RECORD, catalog_document
from motcua.organizations.models import AgencyKind
from motcua.organizations.services import agency_create

LIST = "/api/v1/procedures"

LAND_RECORD = {
    **copy.deepcopy(MARRIAGE_RECORD),
    "code": "1.003003",
    "name": "Đăng ký đất đai lần đầu",
    "field": "DD",
    "level": "province",
    "processing_times": [{"channel": "direct", "amount": "20", "unit": "days", "note": ""}],
    "documents": [],
    "result": "",
    "applicants": "",
}


@pytest.fixture
def catalog(db):
    agency_create(code="000.00.00.H62", name="UBND tỉnh Tuyên Quang", kind=AgencyKind.PROVINCE)
    own = {**BIRTH_RECORD, "agency_code": "000.00.00.H62", "name": "Khai sinh (bản của tỉnh)"}
    catalog_import(
        data=catalog_document(
            BIRTH_RECORD,
            MARRIAGE_RECORD,
            LAND_RECORD,
            own,
            fields=[
                {"code": "HT", "name": "Hộ tịch", "order": 1},
                {"code": "DD", "name": "Đất đai", "order": 2},
            ],
        )
    )


def test_search_returns_best_match_first_with_the_documented_shape(client, catalog):
    response = client.get(LIST, {"q": "dang ky khai sinh"})

    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "items": [
            {
                "code": "1.001193",
                "name": "Thủ tục đăng ký khai sinh",
                "field": {"code": "HT", "name": "Hộ tịch"},
                "level": "commune",
                "online_level": "full",
                "agency_code": None,
                "processing_times": [
                    {"channel": "direct", "amount": "0", "unit": "days", "note": "Trong ngày"},
                    {"channel": "online", "amount": "0", "unit": "days", "note": ""},
                ],
                "url": "http://testserver/api/v1/procedures/1.001193",
            },
            {
                "code": "1.001193",
                "name": "Khai sinh (bản của tỉnh)",
                "field": {"code": "HT", "name": "Hộ tịch"},
                "level": "commune",
                "online_level": "full",
                "agency_code": "000.00.00.H62",
                "processing_times": [
                    {"channel": "direct", "amount": "0", "unit": "days", "note": "Trong ngày"},
                    {"channel": "online", "amount": "0", "unit": "days", "note": ""},
                ],
                "url": "http://testserver/api/v1/procedures/1.001193?agency=000.00.00.H62",
            },
        ],
    }


def test_search_folds_diacritics_d_and_case(client, catalog):
    for query in ("ĐẤT ĐAI", "dat dai", "đất"):
        body = client.get(LIST, {"q": query}).json()
        assert [item["code"] for item in body["items"]] == ["1.003003"], query


def test_list_without_query_pages_through_the_catalog(client, catalog):
    first = client.get(LIST, {"limit": 2}).json()
    rest = client.get(LIST, {"limit": 2, "offset": 2}).json()

    assert first["count"] == rest["count"] == 4
    assert [item["name"] for item in first["items"] + rest["items"]] == [
        "Khai sinh (bản của tỉnh)",
        "Thủ tục đăng ký kết hôn",
        "Thủ tục đăng ký khai sinh",
        "Đăng ký đất đai lần đầu",
    ]


def test_list_filters_by_field_level_and_agency(client, catalog):
    def codes(**params):
        return [(i["code"], i["agency_code"]) for i in client.get(LIST, params).json()["items"]]

    assert codes(field="DD") == [("1.003003", None)]
    assert codes(level="province") == [("1.003003", None)]
    assert codes(q="ket hon", level="commune") == [("1.000894", None)]
    assert codes(field="", level="") == codes()
    assert codes(field="XX") == []


def test_list_costs_a_fixed_number_of_queries(client, catalog, django_assert_num_queries):
    with django_assert_num_queries(3):  # the page, its processing times, the count
        response = client.get(LIST, {"q": "dang ky"})

    assert response.json()["count"] == 4


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        ({"q": "x" * 10_000}, "query_too_long", "Từ khóa tìm kiếm dài quá 200 ký tự."),
        (
            {"q": "!!!"},
            "query_empty",
            "Từ khóa tìm kiếm cần có ít nhất một chữ cái hoặc chữ số.",
        ),
        (
            {"q": "   "},
            "query_empty",
            "Từ khóa tìm kiếm cần có ít nhất một chữ cái hoặc chữ số.",
        ),
        (
            {"level": "national"},
            "invalid_level",
            "Cấp thực hiện national không hợp lệ; chọn một trong: province, district, commune.",
        ),
        ({"limit": 0}, "invalid_limit", "Tham số limit phải từ 1 đến 100."),
        ({"limit": 1000}, "invalid_limit", "Tham số limit phải từ 1 đến 100."),
        ({"limit": "abc"}, "invalid_input", "Dữ liệu gửi lên không hợp lệ."),
        ({"offset": -1}, "invalid_offset", "Tham số offset phải từ 0 đến 1000000000."),
        ({"offset": 10**12}, "invalid_offset", "Tham số offset phải từ 0 đến 1000000000."),
    ],
)
def test_bad_list_input_is_a_400_with_a_stable_code(client, catalog, params, code, message):
    response = client.get(LIST, params)

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["message"] == message


def test_limit_bounds_are_inclusive(client, catalog):
    assert len(client.get(LIST, {"limit": 1}).json()["items"]) == 1
    assert len(client.get(LIST, {"limit": 100}).json()["items"]) == 4


def test_detail_returns_everything(client, catalog):
    response = client.get(f"{LIST}/1.001193")

    assert response.status_code == 200
    body = response.json()
    updated_at = body.pop("updated_at")
    assert updated_at.endswith("Z") or "+" in updated_at
    assert body == {
        **BIRTH_RECORD,
        "field": {"code": "HT", "name": "Hộ tịch"},
        "url": "http://testserver/api/v1/procedures/1.001193",
    }


def test_detail_for_an_agency_gives_its_own_version(client, catalog):
    body = client.get(f"{LIST}/1.001193", {"agency": "000.00.00.H62"}).json()
    common = client.get(f"{LIST}/1.000894", {"agency": "000.00.00.H62"}).json()

    assert (body["name"], body["agency_code"]) == ("Khai sinh (bản của tỉnh)", "000.00.00.H62")
    assert (common["name"], common["agency_code"]) == ("Thủ tục đăng ký kết hôn", None)


@pytest.mark.parametrize(
    ("url", "params", "message"),
    [
        (f"{LIST}/9.999999", {}, "Không tìm thấy thủ tục có mã 9.999999."),
        (
            f"{LIST}/1.001193",
            {"agency": "000.99.99.H99"},
            "Không tìm thấy cơ quan có mã 000.99.99.H99.",
        ),
    ],
)
def test_unknown_procedure_or_agency_is_a_404(client, catalog, url, params, message):
    response = client.get(url, params)

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": message}


def test_nul_characters_in_filters_do_not_break_the_database(client, catalog):
    for params in ({"field": "HT\x00"}, {"agency": "\x00"}, {"q": "khai\x00sinh"}):
        response = client.get(LIST, params)

        assert response.status_code == 400
        assert response.json()["code"] == "invalid_characters"


def test_openapi_lists_both_operations_with_their_parameters(client, db):
    document = client.get("/api/v1/openapi.json").json()

    listing = document["paths"]["/api/v1/procedures"]["get"]
    detail = document["paths"]["/api/v1/procedures/{code}"]["get"]
    assert listing["operationId"] == "procedure_list"
    assert [p["name"] for p in listing["parameters"]] == [
        "q",
        "field",
        "level",
        "agency",
        "limit",
        "offset",
    ]
    assert detail["operationId"] == "procedure_detail"
    assert [(p["in"], p["name"]) for p in detail["parameters"]] == [
        ("path", "code"),
        ("query", "agency"),
    ]
    assert set(listing["responses"]) == {"200", "400", "404"}
    assert set(detail["responses"]) == {"200", "400", "404"}
