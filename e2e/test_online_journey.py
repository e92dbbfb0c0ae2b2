"""Đăng ký kết hôn online from registration to the rating: a citizen registers with an email,
verifies it, submits the dossier with two PDFs; the desk of xã Hàm Yên asks online for one more
document, the citizen uploads it, the desk receives the dossier, the commune processes it and the
desk returns the result; the citizen follows every status in "Hồ sơ của tôi", gets the mails and
SMS of the dossier, and rates it "Hài lòng" — which the officers see on the dossier page."""

import json
import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.ratings.services import rating_link

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PASSWORD = "Hoa-sen-nở-2026"
EMAIL = "lan.tran@example.vn"
PHONE = "0912345678"
DESK = "tiepnhan.xahamyen"
MISSING = "Giấy xác nhận tình trạng hôn nhân"
REASON = "Thiếu giấy xác nhận tình trạng hôn nhân của bên nam"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MY_DOSSIER_URL = re.compile(r"/ho-so-cua-toi/([^/?]+)/$")
FORWARD_DONE = "Chuyển bước xử lý: đã thực hiện"


def pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


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
    page.goto("/can-bo/")
    page.locator(f'a[data-tab="{tab}"]').click()
    expect(page).to_have_url(re.compile(rf"\?tab={tab}$"))
    page.get_by_role("link", name=code).click()
    expect(page).to_have_url(re.compile(rf"/can-bo/ho-so/{re.escape(code)}/$"))


def take(page, action: str, expected_message: str) -> None:
    page.locator(f'button[data-action="{action}"]').click()
    expect(page.locator(".messages")).to_contain_text(expected_message)


def citizen_sees(citizen, code: str, status: str) -> None:
    """The citizen's list and the dossier's own page both say `status`."""
    citizen.goto(reverse("portal:my_dossiers"))
    expect(citizen.locator(".cz-list > li", has_text=code)).to_contain_text(status)
    citizen.goto(reverse("portal:my_dossier", args=[code]))
    expect(citizen.locator("main")).to_contain_text(status)


def test_marriage_online_from_registration_to_rating(
    page, browser, live_server, seeded_demo, settings, tmp_path
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = IMMEDIATE
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.sms.FileBackend"
    settings.MOTCUA_SMS_FILE = str(tmp_path / "sms.log")
    settings.MOTCUA_PUBLIC_BASE_URL = live_server.url
    settings.MEDIA_ROOT = str(tmp_path / "media")
    mail.outbox = []
    marriage = Procedure.objects.get(code="1.000894", agency=None)

    # The citizen has a browser of their own; `page` is the officers' one.
    citizen_context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    citizen_context.set_default_timeout(15_000)
    citizen = citizen_context.new_page()
    try:
        # -- registration and verification ----------------------------------------------------
        citizen.goto(reverse("portal:home"))
        citizen.get_by_role("link", name="Đăng nhập / Hồ sơ của tôi").click()
        citizen.get_by_role("link", name="Đăng ký").click()
        citizen.get_by_label("Thư điện tử hoặc số điện thoại").fill(EMAIL)
        citizen.get_by_label("Họ và tên").fill("Trần Thị Lan")
        citizen.locator("#id_password1").fill(PASSWORD)
        citizen.locator("#id_password2").fill(PASSWORD)
        citizen.get_by_role("button", name="Đăng ký").click()
        expect(citizen.locator("h1")).to_have_text("Đã tạo tài khoản")
        [verification] = mail.outbox
        link = re.search(r"https?://\S+/xac-minh-email/\S+/", verification.body).group(0)
        citizen.goto(link)
        expect(citizen.locator("main")).to_contain_text(f"Đã xác minh địa chỉ {EMAIL}")
        mail.outbox = []

        # -- online submission at the xã Hàm Yên desk -----------------------------------------
        citizen.goto(reverse("portal:citizen_submit", args=[marriage.pk]))
        expect(citizen.locator("h1")).to_have_text("Nộp hồ sơ trực tuyến")
        citizen.get_by_label("Số định danh/CCCD").fill("008090001234")
        citizen.get_by_label("Địa chỉ").fill("Thôn Tân Yên, xã Hàm Yên")
        citizen.get_by_label("Số điện thoại").fill(PHONE)
        expect(citizen.locator("#id_email")).to_have_value(EMAIL)
        desk = citizen.get_by_label("Nơi tiếp nhận hồ sơ")
        desk.select_option(
            desk.locator("option", has_text="xã Hàm Yên").first.get_attribute("value")
        )
        citizen.get_by_label("Tờ khai đăng ký kết hôn").set_input_files(files=[pdf("to-khai.pdf")])
        citizen.get_by_label(re.compile(r"^Giấy tờ tùy thân")).set_input_files(
            files=[pdf("can-cuoc.pdf")]
        )
        citizen.get_by_role("button", name="Nộp hồ sơ").click()
        expect(citizen).to_have_url(MY_DOSSIER_URL)
        code = MY_DOSSIER_URL.search(citizen.url).group(1)
        dossier = Dossier.objects.get(code=code)
        assert dossier.applicant_user.username == EMAIL
        assert dossier.receiving_agency.name == "Trung tâm phục vụ hành chính công xã Hàm Yên"
        citizen_sees(citizen, code, "Mới đăng ký")

        # -- the desk asks for one more document -----------------------------------------------
        sign_in(page, DESK, seeded_demo[DESK])
        open_from_tab(page, "intake", code)
        expect(page.locator("[data-status]")).to_have_text("Mới đăng ký")
        supplement = page.locator('details[data-action="request_supplement"]')
        supplement.locator("summary").click()
        supplement.get_by_label("Giấy tờ, nội dung cần bổ sung").fill(MISSING)
        supplement.get_by_label("Lý do").fill(REASON)
        take(page, "request_supplement", "Yêu cầu bổ sung hồ sơ: đã thực hiện")
        expect(page.locator("[data-status]")).to_have_text("Yêu cầu bổ sung giấy tờ")

        # -- the citizen uploads it online -------------------------------------------------------
        citizen_sees(citizen, code, "Cần bổ sung")
        expect(citizen.locator("main")).to_contain_text(MISSING)
        citizen.locator('input[type="file"][name="item_0"]').set_input_files(
            files=[pdf("xac-nhan-hon-nhan.pdf")]
        )
        citizen.get_by_role("button", name="Gửi giấy tờ bổ sung").click()
        expect(citizen.locator("main")).to_contain_text("Đã gửi giấy tờ bổ sung.")
        expect(citizen.locator("main")).to_contain_text("xac-nhan-hon-nhan.pdf")
        # The answered dossier goes back to the desk's online intake list as "Mới đăng ký" with
        # a fresh 8-working-hour window; the desk checks the new document and accepts it.
        citizen_sees(citizen, code, "Mới đăng ký")
        open_from_tab(page, "intake", code)
        expect(page.locator("[data-status]")).to_have_text("Mới đăng ký")
        expect(page.locator("main")).to_contain_text("xac-nhan-hon-nhan.pdf")
        take(page, "receive", "Tiếp nhận hồ sơ: đã thực hiện")
        expect(page.locator("[data-status]")).to_have_text("Đã tiếp nhận")
        citizen_sees(citizen, code, "Đã tiếp nhận")
        take(page, "forward", FORWARD_DONE)
        sign_out(page)
        citizen_sees(citizen, code, "Đang xử lý")

        # -- the commune processes it: the justice officer, the review step, the leader's signature
        sign_in(page, "tuphap.xahamyen", seeded_demo["tuphap.xahamyen"])
        open_from_tab(page, "department", code)
        take(page, "forward", FORWARD_DONE)
        sign_out(page)
        sign_in(page, "lanhdao.xahamyen", seeded_demo["lanhdao.xahamyen"])
        open_from_tab(page, "department", code)
        take(page, "forward", FORWARD_DONE)
        expect(page.locator("[data-status]")).to_have_text("Chờ ký duyệt")
        citizen_sees(citizen, code, "Đang xử lý, chờ lãnh đạo ký duyệt")
        open_from_tab(page, "to_sign", code)
        take(page, "approve", "Ký duyệt: đã thực hiện")
        expect(page.locator("[data-status]")).to_have_text("Đã xử lý xong")
        sign_out(page)
        citizen_sees(citizen, code, "Đã có kết quả, chờ trả")

        # -- the desk returns the result ---------------------------------------------------------
        sign_in(page, DESK, seeded_demo[DESK])
        open_from_tab(page, "to_return", code)
        take(page, "return_result", "Trả kết quả: đã thực hiện")
        expect(page.locator("[data-status]")).to_have_text("Đã trả kết quả")
        citizen_sees(citizen, code, "Đã trả kết quả")

        # -- the notifications of the dossier: mail and SMS ---------------------------------------
        assert [(m.to, m.subject) for m in mail.outbox] == [
            ([EMAIL], f"Hồ sơ {code} cần bổ sung trước khi tiếp nhận"),
            ([EMAIL], f"Hồ sơ {code} đã được tiếp nhận"),
            ([EMAIL], f"Hồ sơ {code} đã có kết quả"),
            ([EMAIL], f"Hồ sơ {code} đã trả kết quả"),
        ]
        supplement_mail, received_mail, _ready_mail, returned_mail = mail.outbox
        assert REASON in supplement_mail.body
        # The online applicant has no paper slip: the receipt (form 01) comes with the mail.
        assert [a[2] for a in received_mail.attachments] == ["application/pdf"]
        link = rating_link(Dossier.objects.get(pk=dossier.pk))
        assert link in returned_mail.body
        sms = [json.loads(line) for line in (tmp_path / "sms.log").read_text("utf-8").splitlines()]
        assert [line["to"] for line in sms] == [PHONE] * 4
        lookup = f"Tra cuu: {live_server.url}/tra-cuu/{code}/"
        assert [line["text"].startswith(f"Ho so {code} ") for line in sms] == [True] * 4
        assert [line["text"].endswith(lookup) for line in sms] == [True] * 4
        assert "can bo sung giay to truoc khi tiep nhan" in sms[0]["text"]
        assert "da duoc tiep nhan" in sms[1]["text"]
        assert "da co ket qua" in sms[2]["text"]
        assert "da tra ket qua" in sms[3]["text"]

        # -- the rating --------------------------------------------------------------------------
        citizen.goto(link)
        expect(citizen.locator("h1")).to_have_text("Đánh giá mức độ hài lòng")
        expect(citizen.locator("main")).to_contain_text(code)
        citizen.get_by_label("Hài lòng", exact=True).check()
        citizen.get_by_role("button", name="Gửi đánh giá").click()
        expect(citizen.locator("h1")).to_have_text("Cảm ơn ông/bà đã đánh giá")
        expect(citizen.locator("main")).to_contain_text(f"Hồ sơ {code} đã được đánh giá: Hài lòng.")

        page.reload()
        rating = page.locator('section[aria-labelledby="rating-title"]')
        expect(rating.locator("strong")).to_have_text("Hài lòng")
        expect(rating).not_to_contain_text("Chưa đánh giá")
    finally:
        citizen_context.close()
