"""A household business registration from the desk to the citizen's hands: the desk receives it
and prints the receipt, Phòng Kinh tế checks it, the leader signs, the desk returns the result,
and the public lookup says so."""

import re
from io import BytesIO

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.e2e

PROCEDURE = "Đăng ký thành lập hộ kinh doanh"
APPLICANT = "Trần Thị Bình"
DOSSIER_URL = re.compile(r"/can-bo/ho-so/([^/]+)/$")


def sign_in(page, username: str, password: str) -> None:
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/can-bo/$"))
    expect(page.locator("h1")).to_have_text("Công việc của tôi")


def sign_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/$"))


def open_from_tab(page, tab: str, code: str) -> None:
    """Open the dossier from one of the worklist tabs (loaded with htmx)."""
    page.locator(f'a[data-tab="{tab}"]').click()
    expect(page).to_have_url(re.compile(rf"\?tab={tab}$"))
    page.get_by_role("link", name=code).click()
    expect(page).to_have_url(re.compile(rf"/can-bo/ho-so/{re.escape(code)}/$"))


def take(page, action: str, expected_message: str) -> None:
    page.locator(f'button[data-action="{action}"]').click()
    expect(page.locator(".messages")).to_contain_text(expected_message)


def test_household_business_from_intake_to_result(page, seeded_demo):
    # The desk of xã Hàm Yên receives the dossier.
    sign_in(page, "tiepnhan.xahamyen", seeded_demo["tiepnhan.xahamyen"])
    page.get_by_role("link", name="Tiếp nhận hồ sơ", exact=True).click()
    page.get_by_label("Bước 1: chọn thủ tục").fill("dang ky thanh lap ho kinh doanh")
    page.get_by_role("link", name=re.compile(rf"^{PROCEDURE}\b")).first.click()
    expect(page.locator("h1")).to_have_text(PROCEDURE)

    page.get_by_label("Họ và tên người nộp").fill(APPLICANT)
    page.get_by_label("Số định danh cá nhân / CCCD").fill("008190004321")
    page.get_by_label("Ngày sinh").fill("12/08/1988")
    page.get_by_label("Số điện thoại").fill("0987 654 321")
    page.get_by_label("Địa chỉ").fill("Thôn Tân Yên, xã Hàm Yên, tỉnh Tuyên Quang")
    page.get_by_role("checkbox", name="Giấy đề nghị đăng ký hộ kinh doanh").check()
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()

    expect(page).to_have_url(DOSSIER_URL)
    code = DOSSIER_URL.search(page.url).group(1)
    assert re.fullmatch(r"000\.01\.51\.H62-\d{6}-\d{4}", code)
    expect(page.locator(".messages")).to_contain_text(f"Đã tiếp nhận hồ sơ {code}.")
    expect(page.locator("[data-status]")).to_have_text("Đã tiếp nhận")

    # The receipt (form 01) carries the code and the applicant.
    receipt = page.get_by_role("link", name="In giấy tiếp nhận")
    response = page.request.get(receipt.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf_text = " ".join(p.extract_text() for p in PdfReader(BytesIO(response.body())).pages)
    assert code in pdf_text
    assert APPLICANT in pdf_text

    take(page, "forward", "Chuyển bước xử lý: đã thực hiện")
    sign_out(page)

    # Phòng Kinh tế: the specialist checks, the head reviews.
    for username in ("chuyenvien.kinhte", "truongphong.kinhte"):
        sign_in(page, username, seeded_demo[username])
        open_from_tab(page, "department", code)
        take(page, "forward", "Chuyển bước xử lý: đã thực hiện")
        sign_out(page)

    # The leader signs.
    sign_in(page, "lanhdao.xahamyen", seeded_demo["lanhdao.xahamyen"])
    open_from_tab(page, "to_sign", code)
    expect(page.locator("[data-status]")).to_have_text("Chờ ký duyệt")
    take(page, "approve", "Ký duyệt: đã thực hiện")
    expect(page.locator("[data-status]")).to_have_text("Đã xử lý xong")
    sign_out(page)

    # The desk hands the result over.
    sign_in(page, "tiepnhan.xahamyen", seeded_demo["tiepnhan.xahamyen"])
    open_from_tab(page, "to_return", code)
    expect(page.get_by_label("Người nhận kết quả")).to_have_value(APPLICANT)
    take(page, "return_result", "Trả kết quả: đã thực hiện")
    expect(page.locator("[data-status]")).to_have_text("Đã trả kết quả")
    expect(page.locator(".actions")).to_have_count(0)

    # Anyone can look the dossier up.
    sign_out(page)
    page.goto(f"/tra-cuu/{code}/")
    expect(page.locator("main")).to_contain_text("Đã trả kết quả")
    expect(page.locator("main")).not_to_contain_text(APPLICANT)
