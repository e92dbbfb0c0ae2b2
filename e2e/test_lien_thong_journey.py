"""Birth registration with permanent residence and a health-insurance card for a child under six
(liên thông, DOMAIN §7): the desk of xã Hàm Yên receives it, the commune's justice officer
registers the birth, the leader signs and sends it on, Công an xã and Bảo hiểm xã hội cơ sở
record their results in parallel, the desk returns everything, and the public lookup shows the
partners in the history without any personal data."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PROCEDURE = (
    "Liên thông các thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo "
    "hiểm y tế cho trẻ em dưới 6 tuổi"
)
APPLICANT = "Phạm Thị Hoa"
ID_NUMBER = "008195006789"
PHONE = "0978123456"
POLICE = "Công an xã Hàm Yên"
INSURANCE = "Bảo hiểm xã hội cơ sở Hàm Yên"
DOSSIER_URL = re.compile(r"/can-bo/ho-so/([^/]+)/$")


def sign_in(page, username: str, password: str) -> None:
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/can-bo/$"))


def sign_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/$"))


def open_from_tab(page, tab: str, code: str) -> None:
    page.locator(f'a[data-tab="{tab}"]').click()
    expect(page).to_have_url(re.compile(rf"\?tab={tab}$"))
    page.get_by_role("link", name=code).click()
    expect(page).to_have_url(re.compile(rf"/can-bo/ho-so/{re.escape(code)}/$"))


def take(page, action: str, expected_message: str) -> None:
    page.locator(f'button[data-action="{action}"]').click()
    expect(page.locator(".messages")).to_contain_text(expected_message)


def step_row(page, name: str):
    return page.locator(".steps-table tbody tr").filter(
        has=page.get_by_role("rowheader", name=name)
    )


def test_birth_registration_goes_to_the_police_and_social_insurance_and_back(page, seeded_demo):
    # The desk receives the dossier with every required document.
    sign_in(page, "tiepnhan.xahamyen", seeded_demo["tiepnhan.xahamyen"])
    page.get_by_role("link", name="Tiếp nhận hồ sơ", exact=True).click()
    page.get_by_label("Bước 1: chọn thủ tục").fill("lien thong khai sinh thuong tru")
    page.get_by_role(
        "link", name=re.compile(r"^Liên thông các thủ tục hành chính về đăng ký khai sinh")
    ).first.click()
    expect(page.locator("h1")).to_have_text(PROCEDURE)
    page.get_by_label("Họ và tên người nộp").fill(APPLICANT)
    page.get_by_label("Số định danh cá nhân / CCCD").fill(ID_NUMBER)
    page.get_by_label("Số điện thoại").fill(PHONE)
    page.get_by_label("Địa chỉ").fill("Thôn Bắc Mục, xã Hàm Yên, tỉnh Tuyên Quang")
    required = page.locator("input[type=checkbox][data-required]")
    expect(required).to_have_count(5)
    for index in range(5):
        required.nth(index).check()
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()

    expect(page).to_have_url(DOSSIER_URL)
    code = DOSSIER_URL.search(page.url).group(1)
    assert re.fullmatch(r"000\.01\.51\.H62-\d{6}-0001", code)
    expect(page.locator("[data-status]")).to_have_text("Đã tiếp nhận")
    # The route of the template: police and social insurance share one parallel group.
    expect(step_row(page, re.compile("Đăng ký thường trú"))).to_contain_text(POLICE)
    expect(step_row(page, re.compile("Cấp thẻ bảo hiểm y tế"))).to_contain_text(INSURANCE)
    take(page, "forward", "Chuyển bước xử lý: đã thực hiện")
    sign_out(page)

    # The commune's civil servant for justice and civil status registers the birth.
    sign_in(page, "tuphap.xahamyen", seeded_demo["tuphap.xahamyen"])
    open_from_tab(page, "department", code)
    expect(page.locator("[data-status]")).to_have_text("Đang xử lý")
    take(page, "forward", "Chuyển bước xử lý: đã thực hiện")
    sign_out(page)

    # The leader signs the birth certificate and sends the dossier to both partners.
    sign_in(page, "lanhdao.xahamyen", seeded_demo["lanhdao.xahamyen"])
    open_from_tab(page, "to_sign", code)
    expect(page.locator("[data-status]")).to_have_text("Chờ ký duyệt")
    take(page, "forward", "Chuyển bước xử lý: đã thực hiện")
    expect(page.locator("[data-status]")).to_have_text("Chờ liên thông")
    expect(step_row(page, re.compile("Đăng ký thường trú"))).to_contain_text("Đang xử lý")
    expect(step_row(page, re.compile("Cấp thẻ bảo hiểm y tế"))).to_contain_text("Đang xử lý")
    sign_out(page)

    # While with the partners, the public page names both and nobody's personal data.
    page.goto(f"/tra-cuu/{code}/")
    where = page.locator(".lookup-where")
    expect(where).to_contain_text(POLICE)
    expect(where).to_contain_text(INSURANCE)
    expect(page.locator("main")).to_contain_text("Đang xử lý tại cơ quan phối hợp")

    # The commune police records the permanent residence; the insurance card is still pending.
    sign_in(page, "congan.xahamyen", seeded_demo["congan.xahamyen"])
    open_from_tab(page, "department", code)
    expect(page.locator("[data-status]")).to_have_text("Chờ liên thông")
    take(page, "partner_result", "Nhận kết quả liên thông: đã thực hiện")
    expect(page.locator("[data-status]")).to_have_text("Chờ liên thông")
    expect(step_row(page, re.compile("Đăng ký thường trú"))).to_contain_text("Đã xong")
    expect(step_row(page, re.compile("Cấp thẻ bảo hiểm y tế"))).to_contain_text("Đang xử lý")
    sign_out(page)

    # Social insurance issues the card: the group is done and the result goes to the desk.
    sign_in(page, "bhxh.hamyen", seeded_demo["bhxh.hamyen"])
    open_from_tab(page, "department", code)
    take(page, "partner_result", "Nhận kết quả liên thông: đã thực hiện")
    expect(page.locator("[data-status]")).to_have_text("Đã xử lý xong")
    sign_out(page)

    # The desk hands over the birth certificate, the residence notice and the card.
    sign_in(page, "tiepnhan.xahamyen", seeded_demo["tiepnhan.xahamyen"])
    open_from_tab(page, "to_return", code)
    for name, agency in (("Đăng ký thường trú", POLICE), ("Cấp thẻ bảo hiểm y tế", INSURANCE)):
        row = step_row(page, re.compile(name))
        expect(row).to_contain_text(agency)
        expect(row).to_contain_text("Đã xong")
        expect(row.locator(".badge--lien-thong")).to_have_text("liên thông")
    take(page, "return_result", "Trả kết quả: đã thực hiện")
    expect(page.locator("[data-status]")).to_have_text("Đã trả kết quả")
    sign_out(page)

    page.goto(f"/tra-cuu/{code}/")
    main = page.locator("main")
    expect(page.locator(".lookup-status")).to_have_text("Đã trả kết quả")
    history = page.locator(".lookup-history")
    expect(history.locator("li").filter(has_text=POLICE)).to_contain_text("Nhận kết quả liên thông")
    expect(history.locator("li").filter(has_text=INSURANCE)).to_contain_text(
        "Nhận kết quả liên thông"
    )
    for personal in (APPLICANT, ID_NUMBER, PHONE, "Bắc Mục", "Lý Thị Phương", "Hà Văn Sơn"):
        expect(main).not_to_contain_text(personal)
