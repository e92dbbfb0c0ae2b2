"""/bao-cao/dung-han/: the report page, its downloads, the dossiers behind every number, and who
may see what (report readers only; everyone else gets the 404 an unknown page gets)."""

import re
from html import unescape
from io import BytesIO

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.dossiers.models import Dossier
from motcua.organizations.models import Role
from motcua.reports.tests.test_timeliness import AFTER, HKD_ROW, TOTAL, build_scenario

pytestmark = pytest.mark.django_db

URL = "/bao-cao/dung-han/"
MARCH = {"date_from": "01/03/2026", "date_to": "31/03/2026"}
CELL = re.compile(r'data-column="(?P<column>\w+)">(?:<a href="(?P<href>[^"]+)">)?(?P<value>\d+)')


@pytest.fixture
def clock():
    with time_machine.travel(AFTER, tick=False):
        yield


@pytest.fixture
def scenario(clock):
    return build_scenario()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_urls_are_named():
    assert reverse("reports:timeliness") == URL
    assert reverse("reports:timeliness_dossiers") == URL + "ho-so/"


def test_default_page_is_this_month_for_the_highest_agency(scenario):
    office, _rows = scenario
    response = signed_in(office.officers[Role.REPORTER]).get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="01/04/2026"' in page
    assert 'value="15/04/2026"' in page
    assert "UBND xã Hàm Yên — từ ngày 01/04/2026 đến ngày 15/04/2026" in page
    assert "Tải Excel" in page
    assert "Tải PDF" in page
    assert "<script>" not in page


def test_every_number_links_to_a_list_of_that_length(scenario):
    office, _rows = scenario
    client = signed_in(office.officers[Role.REPORTER])
    for group_by in ("field", "agency", "procedure"):
        response = client.get(URL, {**MARCH, "agency": office.commune.code, "group_by": group_by})
        assert response.status_code == 200
        page = response.content.decode()
        cells = [cell for cell in CELL.finditer(page) if cell["column"] != "on_time_rate"]
        assert len(cells) == 11 * (4 if group_by == "agency" else 3)  # the rows and the total
        for cell in cells:
            value = int(cell["value"])
            if value == 0:
                assert cell["href"] is None
                continue
            listed = client.get(unescape(cell["href"]))
            assert listed.status_code == 200
            count = re.search(r'data-count="(\d+)"', listed.content.decode())
            assert int(count[1]) == value, (group_by, cell["column"], cell["href"])
            assert listed.content.decode().count("<tr data-code=") == value


def test_the_total_row_shows_the_hand_computed_numbers(scenario):
    office, _rows = scenario
    response = signed_in(office.leader).get(URL, {**MARCH, "agency": office.commune.code})
    page = response.content.decode()
    total = page[page.index('class="total-row"') :]
    values = [int(cell["value"]) for cell in CELL.finditer(total)][:11]
    assert values == [TOTAL[c] for c in list(TOTAL)[:11]]
    assert "75,00%" in total


def test_the_list_shows_the_dossiers_with_links(scenario):
    office, rows = scenario
    response = signed_in(office.officers[Role.REPORTER]).get(
        URL + "ho-so/",
        {**MARCH, "agency": office.commune.code, "group_by": "field", "key": "HKD",
         "column": "resolved_late"},
    )  # fmt: skip
    page = response.content.decode()
    assert "Đã giải quyết, trả quá hạn" in page
    assert "Tổng số: 1 hồ sơ." in page
    assert f'href="{reverse("dossiers:detail", args=[rows["imported"].code])}"' in page
    assert page.count("<tr data-code=") == HKD_ROW["resolved_late"] == 1
    assert "Đã trả kết quả" in page  # its status


def test_the_list_is_paginated_by_100(scenario):
    office, rows = scenario
    model = rows["first_day"]
    clones = []
    for n in range(105):
        clone = Dossier.objects.get(pk=model.pk)
        clone.pk = None
        clone.code = f"{model.code}-{n:03d}"
        clones.append(clone)
    Dossier.objects.bulk_create(clones)
    client = signed_in(office.officers[Role.REPORTER])
    query = {**MARCH, "agency": office.commune.code, "column": "resolved_on_time"}

    first = client.get(URL + "ho-so/", query).content.decode()
    second = client.get(URL + "ho-so/", {**query, "page": 2}).content.decode()

    assert 'data-count="110"' in first
    assert first.count("<tr data-code=") == 100
    assert second.count("<tr data-code=") == 10
    assert "Trang 2/2" in second


def test_downloads_keep_the_filters(scenario):
    office, _rows = scenario
    client = signed_in(office.officers[Role.REPORTER])
    query = {**MARCH, "agency": office.commune.code, "group_by": "procedure"}

    xlsx = client.get(URL, {**query, "format": "xlsx"})
    pdf = client.get(URL, {**query, "format": "pdf"})

    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        "bao-cao-dung-han_000.00.51.H62_2026-03-01_2026-03-31.xlsx" in xlsx["Content-Disposition"]
    )
    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert "Đăng ký thành lập hộ kinh doanh" in [cell.value for cell in sheet["B"]]
    assert pdf["Content-Type"] == "application/pdf"
    assert "Tổng cộng" in PdfReader(BytesIO(pdf.content)).pages[0].extract_text()


def test_a_reporter_of_another_commune_gets_404(scenario):
    office, _rows = scenario
    client = signed_in(office.other[Role.REPORTER])
    query = {**MARCH, "agency": office.commune.code}

    assert client.get(URL, query).status_code == 404
    assert client.get(URL, {**query, "format": "xlsx"}).status_code == 404
    assert client.get(URL + "ho-so/", {**query, "column": "received_total"}).status_code == 404
    assert client.get(URL, {**MARCH, "agency": "KHONG.CO"}).status_code == 404
    # Its own commune answers.
    assert client.get(URL, {**MARCH, "agency": office.other_commune.code}).status_code == 200


def test_officers_without_a_report_role_get_404(scenario):
    office, _rows = scenario
    for user in (office.specialist, office.reception):
        client = signed_in(user)
        assert client.get(URL).status_code == 404
        assert client.get(URL + "ho-so/", {"column": "received_total"}).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(clock):
    response = Client().get(URL)
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date_from": "31/02/2026"}, "Ngày cần ghi theo dạng ngày/tháng/năm"),
        ({"date_from": "01/04/2026"}, "Ngày bắt đầu (01/04/2026) sau ngày kết thúc (31/03/2026)."),
        ({"group_by": "officer"}, "Chọn nhóm theo lĩnh vực, cơ quan hoặc thủ tục."),
        ({"format": "csv"}, "Chỉ tải báo cáo dạng Excel (xlsx) hoặc PDF."),
    ],
)
def test_bad_filters_answer_400_with_a_vietnamese_message(scenario, changes, message):
    office, _rows = scenario
    client = signed_in(office.officers[Role.REPORTER])
    response = client.get(URL, {**MARCH, "agency": office.commune.code, **changes})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_bad_list_filters_answer_400(scenario):
    office, _rows = scenario
    client = signed_in(office.officers[Role.REPORTER])
    query = {**MARCH, "agency": office.commune.code}
    assert client.get(URL + "ho-so/", {**query, "column": "nope"}).status_code == 400
    response = client.get(URL + "ho-so/", {**query, "date_to": "x", "column": "carried_over"})
    assert response.status_code == 400
    assert "Ngày cần ghi theo dạng ngày/tháng/năm" in response.content.decode()


def test_the_page_has_no_inline_style_or_script(scenario):
    """The Content-Security-Policy allows only the app's own scripts and styles."""
    office, _rows = scenario
    page = signed_in(office.leader).get(URL, {**MARCH, "agency": office.commune.code})
    html = page.content.decode()
    assert "<script>" not in html
    assert "style=" not in html


def test_the_other_report_pages_period_parameters_work_too(scenario):
    office, _rows = scenario
    client = signed_in(office.officers[Role.REPORTER])
    query = {"agency": office.commune.code, "from": "2026-03-01", "to": "2026-03-31"}

    page = client.get(URL, query).content.decode()
    listed = client.get(URL + "ho-so/", {**query, "column": "received_total"}).content.decode()

    assert "UBND xã Hàm Yên — từ ngày 01/03/2026 đến ngày 31/03/2026" in page
    assert f'data-count="{TOTAL["received_total"]}"' in listed
