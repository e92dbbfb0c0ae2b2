"""A citizen registers with an email, opens the verification link from the mail, submits Đăng ký
kết hôn online with two PDF uploads, and finds it in "Hồ sơ của tôi" as Mới đăng ký."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PASSWORD = "Hoa-sen-nở-2026"


def test_register_verify_submit_marriage_and_see_it_in_my_dossiers(page, seeded_demo, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    marriage = Procedure.objects.get(code="1.000894", agency=None)

    page.goto(reverse("portal:home"))
    page.get_by_role("link", name="Đăng nhập / Hồ sơ của tôi").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap-cong-dan/"))
    page.get_by_role("link", name="Đăng ký").click()

    page.get_by_label("Thư điện tử hoặc số điện thoại").fill("lan.tran@example.vn")
    page.get_by_label("Họ và tên").fill("Trần Thị Lan")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.locator("h1")).to_have_text("Đã tạo tài khoản")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/xac-minh-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    expect(page.locator("main")).to_contain_text("Đã xác minh địa chỉ lan.tran@example.vn")

    page.goto(reverse("portal:citizen_submit", args=[marriage.pk]))
    expect(page.locator("h1")).to_have_text("Nộp hồ sơ trực tuyến")
    expect(page.get_by_label("Họ và tên người nộp")).to_have_value("Trần Thị Lan")
    page.get_by_label("Số định danh/CCCD").fill("008090001234")
    page.get_by_label("Địa chỉ").fill("Thôn Tân Yên, xã Hàm Yên")
    desk = page.get_by_label("Nơi tiếp nhận hồ sơ")
    if desk.count():
        desk.select_option(label=desk.locator("option").first.inner_text())
    page.get_by_label("Tờ khai đăng ký kết hôn").set_input_files(
        files=[{"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label(re.compile(r"^Giấy tờ tùy thân")).set_input_files(
        files=[{"name": "can-cuoc.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Nộp hồ sơ").click()

    dossier = Dossier.objects.get(applicant_user__username="lan.tran@example.vn")
    expect(page).to_have_url(re.compile(re.escape(f"/ho-so-cua-toi/{dossier.code}/") + "$"))
    expect(page.locator("main")).to_contain_text("Mới đăng ký")
    expect(page.locator("main")).to_contain_text("to-khai.pdf")
    expect(page.locator("main")).to_contain_text("can-cuoc.pdf")

    page.get_by_role("link", name="Hồ sơ của tôi").first.click()
    item = page.locator(".cz-list > li", has_text=dossier.code)
    expect(item).to_contain_text("Mới đăng ký")
    expect(item).to_contain_text("Thủ tục đăng ký kết hôn")
    assert dossier.status == "submitted"
    assert dossier.files.count() == 2
