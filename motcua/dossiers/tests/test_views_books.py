"""The tracking book page (sổ theo dõi hồ sơ): the rows on the page, the PDF and Excel downloads,
who may open which desk's book, and bad input answered 4xx with a Vietnamese message."""

from datetime import datetime
from io import BytesIO

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.dossiers.forms.book import FIRST_ROW
from motcua.dossiers.tests.factories import (
    APPLICANT,
    HKD,
    build_office,
    demo_procedure,
    local,
    make_officer,
    receive,
)
from motcua.organizations.models import Role
from motcua.organizations.services import membership_grant

pytestmark = pytest.mark.django_db

URL = "/can-bo/so-theo-doi/"
MONDAY_MORNING = local(2026, 3, 2, 8, 0)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def office():
    return build_office()


@pytest.fixture
def hkd():
    return demo_procedure(HKD)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def march(office, hkd, clock):
    """Two dossiers at the desk of xã Hàm Yên in March (and one in February, one at Minh Xuân)."""
    february = receive(office, hkd, at=local(2026, 2, 27, 9, 0))
    first = receive(office, hkd, at=local(2026, 3, 2, 7, 45))
    second = receive(
        office,
        hkd,
        applicant={**APPLICANT, "name": "Lê Thị Cúc", "phone": "0911222333"},
    )
    elsewhere = receive(office, hkd, actor=office.other[Role.RECEPTION], desk=office.other_desk)
    return {"february": february, "first": first, "second": second, "elsewhere": elsewhere}


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def codes(response) -> list[str]:
    return [dossier.code for dossier in response.context["page"].object_list]


def test_the_desk_sees_this_months_book_by_default(office, march):
    response = as_user(office.reception).get(URL)

    assert response.status_code == 200
    assert codes(response) == [march["first"].code, march["second"].code]
    page = text(response)
    assert (
        "Trung tâm phục vụ hành chính công xã Hàm Yên — từ ngày 01/03/2026 đến ngày 02/03/2026"
        in page
    )
    assert 'value="01/03/2026"' in page
    assert 'value="02/03/2026"' in page
    assert "Lê Thị Cúc" in page
    assert "Thôn Tân Yên, xã Hàm Yên, tỉnh Tuyên Quang – 0912345678" in page
    assert "Tổng số: 2 hồ sơ." in page
    assert f'href="{reverse("dossiers:detail", args=[march["first"].code])}"' in page


def test_the_period_is_read_day_first_and_includes_both_days(office, march):
    response = as_user(office.reception).get(
        URL, {"desk": office.desk.code, "date_from": "27/02/2026", "date_to": "01/03/2026"}
    )

    assert response.status_code == 200
    assert codes(response) == [march["february"].code]


def test_the_navigation_links_to_the_book(office):
    response = as_user(office.reception).get(reverse("dossiers:home"))

    assert f'href="{URL}"' in text(response)
    assert reverse("dossiers:tracking_book") == URL


def test_the_excel_download_holds_the_rows(office, march):
    response = as_user(office.reception).get(
        URL,
        {
            "desk": office.desk.code,
            "date_from": "01/03/2026",
            "date_to": "02/03/2026",
            "format": "xlsx",
        },
    )

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        'attachment; filename="so-theo-doi-000.01.51.H62-20260301-20260302.xlsx"'
    )
    sheet = load_workbook(BytesIO(response.content)).active
    first = [cell.value for cell in sheet[FIRST_ROW]]
    assert first[:6] == [
        1,
        march["first"].code,
        "Đăng ký thành lập hộ kinh doanh",
        "Nguyễn Văn An",
        "Thôn Tân Yên, xã Hàm Yên, tỉnh Tuyên Quang – 0912345678",
        "UBND xã Hàm Yên",
    ]
    assert first[6] == datetime(2026, 3, 2, 7, 45)  # noqa: DTZ001 — Excel cells have no zone
    assert sheet.cell(FIRST_ROW + 1, 4).value == "Lê Thị Cúc"
    assert sheet.cell(FIRST_ROW + 2, 2).value is None


def test_the_pdf_download_holds_the_rows(office, march):
    response = as_user(office.reception).get(
        URL,
        {
            "desk": office.desk.code,
            "date_from": "01/03/2026",
            "date_to": "02/03/2026",
            "format": "pdf",
        },
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="so-theo-doi-000.01.51.H62-20260301-20260302.pdf"'
    )
    pdf_text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert march["first"].code in pdf_text
    assert "Lê Thị Cúc" in pdf_text
    assert march["february"].code not in pdf_text
    assert march["elsewhere"].code not in pdf_text


def test_the_page_links_both_downloads_for_the_period_shown(office, march):
    response = as_user(office.reception).get(
        URL, {"desk": office.desk.code, "date_from": "01/03/2026", "date_to": "02/03/2026"}
    )

    query = "desk=000.01.51.H62&amp;date_from=01%2F03%2F2026&amp;date_to=02%2F03%2F2026"
    assert f'href="?{query}&amp;format=pdf"' in text(response)
    assert f'href="?{query}&amp;format=xlsx"' in text(response)


def test_the_leader_reads_the_book_of_the_whole_commune(office, march):
    response = as_user(office.leader).get(URL, {"desk": office.commune.code})

    assert response.status_code == 200
    assert codes(response) == [march["first"].code, march["second"].code]
    choices = [code for code, _name in response.context["form"].fields["desk"].widget.choices]
    assert choices == [office.desk.code, office.commune.code]


def test_a_long_book_is_paginated(office, march, monkeypatch):
    monkeypatch.setattr("motcua.dossiers.views.books.PAGE_SIZE", 1)
    client = as_user(office.reception)

    second_page = client.get(URL, {"page": "2"})

    assert codes(second_page) == [march["second"].code]
    page = text(second_page)
    assert '<td class="num" data-label="STT">2</td>' in page
    assert "Trang 2/2" in page
    assert "page=1" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"date_from": "02/03/2026", "date_to": "01/03/2026"},
            "Ngày bắt đầu (02/03/2026) sau ngày kết thúc (01/03/2026).",
        ),
        (
            {"date_from": "01/01/2025", "date_to": "02/03/2026"},
            "Sổ theo dõi hồ sơ chỉ in tối đa 366 ngày một lần.",
        ),
        (
            {"date_from": "31/02/2026"},
            "Từ ngày: Ngày cần ghi theo dạng ngày/tháng/năm, ví dụ 01/03/2026.",
        ),
        (
            {"date_to": "2026/03/02"},
            "Đến ngày: Ngày cần ghi theo dạng ngày/tháng/năm, ví dụ 01/03/2026.",
        ),
        ({"format": "docx"}, "Chỉ tải sổ theo dõi dạng PDF hoặc Excel (xlsx)."),
    ],
)
@pytest.mark.parametrize("download", ["", "pdf", "xlsx"])
def test_a_bad_request_is_a_400_with_the_message(office, march, params, message, download):
    query = {"format": download, **params} if download else params

    response = as_user(office.reception).get(URL, query)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in text(response)


def test_a_desk_out_of_reach_is_a_404_like_an_unknown_one(office, march):
    client = as_user(office.reception)

    other = client.get(URL, {"desk": office.other_desk.code, "format": "xlsx"})
    unknown = client.get(URL, {"desk": "999.99.99.H99"})

    assert other.status_code == unknown.status_code == 404
    assert "Không tìm thấy bộ phận tiếp nhận có mã «000.01.52.H62»." in text(other)
    assert "Không tìm thấy bộ phận tiếp nhận có mã «999.99.99.H99»." in text(unknown)
    assert march["elsewhere"].code not in text(other)


def test_a_visible_agency_without_a_book_role_is_a_403(office, march):
    # Reception at Minh Xuân, specialist at xã Hàm Yên: Hàm Yên's desk is visible, not its book.
    officer = make_officer("hai.noi", office.other_desk, Role.RECEPTION)
    membership_grant(user=officer, agency=office.commune, role=Role.SPECIALIST)

    response = as_user(officer).get(URL, {"desk": office.desk.code, "format": "pdf"})

    assert response.status_code == 403
    assert (
        "Bạn không có vai trò tiếp nhận, lãnh đạo hoặc báo cáo thống kê tại "
        "«Trung tâm phục vụ hành chính công xã Hàm Yên»." in text(response)
    )


def test_an_officer_without_a_book_role_is_told_so(office):
    response = as_user(office.specialist).get(URL)

    assert response.status_code == 403
    assert "không có vai trò tiếp nhận, lãnh đạo hoặc báo cáo thống kê" in text(response)


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL, {"format": "xlsx"})

    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=/can-bo/so-theo-doi/")


def test_the_page_costs_the_same_queries_for_few_or_many_rows(
    office, hkd, clock, django_assert_num_queries
):
    client = as_user(office.reception)
    receive(office, hkd)
    # session, user, officer check; roles held; desks below them; access to the desk; book role
    # on it; the rows
    with django_assert_num_queries(9):  # + the personal-data access rows (one INSERT)
        one = client.get(URL)
    for _ in range(4):
        receive(office, hkd)
    with django_assert_num_queries(9):  # + the personal-data access rows (one INSERT)
        five = client.get(URL)

    assert len(codes(one)) == 1
    assert len(codes(five)) == 5
