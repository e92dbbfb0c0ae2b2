"""Payment pages: the "Lệ phí" blocks, the desk's forms, the citizen's online payment through the
fake gateway's page and the callback, receipts as PDF."""

import re
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from motcua.dossiers.models import DossierEvent
from motcua.dossiers.tests.factories import HKD, build_office, demo_procedure, receive, submit
from motcua.organizations.models import Role
from motcua.payments.models import Payment
from motcua.payments.services import payment_record_at_counter
from motcua.portal.tests.citizen_helpers import as_user, make_citizen


@pytest.fixture
def office(db):
    return build_office()


@pytest.fixture
def hkd(db):
    return demo_procedure(HKD)


@pytest.fixture
def dossier(office, hkd):
    return receive(office, hkd)


@pytest.fixture
def citizen(db):
    return make_citizen()


@pytest.fixture
def online(office, hkd, citizen):
    return submit(office, hkd, citizen=citizen)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def hidden_forms(html: str) -> list[dict]:
    """The fake gateway's forms, as the fields each posts."""
    forms = re.findall(r'<form[^>]*action="/thanh-toan/ket-qua/"[^>]*>(.*?)</form>', html, re.S)
    return [dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form)) for form in forms]


# -- the desk ------------------------------------------------------------------------------------


def test_the_dossier_page_shows_the_fee_and_the_counter_form(office, dossier):
    response = as_user(office.reception).get(reverse("dossiers:detail", args=[dossier.code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-payment-status="unpaid"' in html
    assert "Lệ phí đăng ký hộ kinh doanh: 100.000\u00a0đ" in html
    assert reverse("payments:record_at_counter", args=[dossier.code]) in html
    # A specialist sees the block, without the form to take money.
    html = as_user(office.specialist).get(reverse("dossiers:detail", args=[dossier.code]))
    assert reverse("payments:record_at_counter", args=[dossier.code]) not in html.content.decode()


def test_counter_payment_from_the_page_then_the_receipt_pdf(office, dossier):
    client = as_user(office.reception)
    response = client.post(
        reverse("payments:record_at_counter", args=[dossier.code]),
        {"amount": "100000", "method": "cash", "reference": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers:detail", args=[dossier.code]) + "#le-phi"
    payment = Payment.objects.get(dossier=dossier)
    assert (payment.status, payment.receipt_number) == ("paid", "BL-2026-000001")
    html = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert 'data-payment-status="paid"' in html
    assert "Đã thu phí, biên lai số BL-2026-000001." in html
    assert "<strong>Nộp phí, lệ phí</strong>" in html  # on the dossier's timeline

    pdf = client.get(reverse("payments:receipt", args=[payment.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text
    assert "Số biên lai: BL-2026-000001" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "Người nộp: Nguyễn Văn An" in text
    assert "Số tiền: 100.000 đ" in text
    assert "Hình thức thanh toán: Tiền mặt" in text
    assert "Nguyễn Thị Lan" in text  # who took the money


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (lambda o: o.specialist, 403),
        (lambda o: o.other[Role.RECEPTION], 404),
    ],
)
def test_counter_payment_denied_changes_nothing(office, dossier, who, status):
    response = as_user(who(office)).post(
        reverse("payments:record_at_counter", args=[dossier.code]),
        {"amount": "100000", "method": "cash"},
    )
    assert response.status_code == status
    assert Payment.objects.count() == 0
    assert not DossierEvent.objects.filter(action="payment").exists()


def test_bad_amount_answers_400_in_vietnamese(office, dossier):
    response = as_user(office.reception).post(
        reverse("payments:record_at_counter", args=[dossier.code]),
        {"amount": "abc", "method": "cash"},
    )
    assert response.status_code == 400
    assert "Số tiền phải là số nguyên đồng" in response.content.decode()
    assert Payment.objects.count() == 0


def test_refund_from_the_page(office, dossier):
    payment = payment_record_at_counter(
        actor=office.reception, dossier=dossier, amount=100_000, method="cash"
    )
    url = reverse("payments:refund", args=[payment.pk])
    denied = as_user(office.specialist).post(url, {"reason": "Thu nhầm"})
    assert denied.status_code == 403
    assert as_user(office.other[Role.LEADER]).post(url, {"reason": "x"}).status_code == 404
    payment.refresh_from_db()
    assert payment.status == "paid"
    response = as_user(office.leader).post(url, {"reason": "Thu nhầm"})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert (payment.status, payment.refund_reason) == ("refunded", "Thu nhầm")
    page = as_user(office.leader).get(reverse("dossiers:detail", args=[dossier.code]))
    assert "<strong>Hoàn trả phí, lệ phí</strong>" in page.content.decode()
    pdf = as_user(office.reception).get(reverse("payments:receipt", args=[payment.pk]))
    assert "Đã hoàn trả: Thu nhầm" in pdf_text(pdf.content)


def test_receipts_are_only_for_those_who_see_the_dossier(office, dossier, citizen):
    payment = payment_record_at_counter(
        actor=office.reception, dossier=dossier, amount=100_000, method="cash"
    )
    assert (
        as_user(office.other[Role.RECEPTION])
        .get(reverse("payments:receipt", args=[payment.pk]))
        .status_code
        == 404
    )
    # Received at the desk: no citizen account owns it.
    assert (
        as_user(citizen).get(reverse("payments:citizen_receipt", args=[payment.pk])).status_code
        == 404
    )


# -- the citizen ---------------------------------------------------------------------------------


def test_online_payment_journey(office, online, citizen):
    client = as_user(citizen)
    page = client.get(reverse("portal:my_dossier", args=[online.code])).content.decode()
    assert 'data-payment-status="unpaid"' in page
    assert "Thanh toán trực tuyến 100.000\u00a0đ" in page

    start = client.post(reverse("payments:citizen_pay", args=[online.code]))
    payment = Payment.objects.get(dossier=online)
    assert start.status_code == 302
    # Pending: no receipt yet.
    assert client.get(reverse("payments:citizen_receipt", args=[payment.pk])).status_code == 404
    assert start["Location"] == reverse("payments:fake_gateway", args=[payment.pk])

    gateway_page = client.get(start["Location"])
    html = gateway_page.content.decode()
    assert gateway_page.status_code == 200
    assert "100.000\u00a0đ" in html
    assert "Thanh toán thành công" in html
    assert "Thất bại" in html
    success, failure = hidden_forms(html)
    assert (success["status"], failure["status"]) == ("success", "failed")

    # The callback comes from the gateway: no session, no CSRF token.
    back = Client(enforce_csrf_checks=True).post(reverse("payments:callback"), success)
    assert back.status_code == 302
    assert back["Location"] == reverse("portal:my_dossier", args=[online.code])
    payment.refresh_from_db()
    assert (payment.status, payment.receipt_number) == ("paid", "BL-2026-000001")

    page = client.get(back["Location"]).content.decode()
    assert 'data-payment-status="paid"' in page
    assert "Biên lai BL-2026-000001" in page
    receipt = client.get(reverse("payments:citizen_receipt", args=[payment.pk]))
    assert "Hình thức thanh toán: Thanh toán trực tuyến (mã giao dịch FAKE-" in pdf_text(
        receipt.content
    )
    # Paid: the gateway's page for that payment is gone, a repeat of the callback changes nothing.
    assert client.get(start["Location"]).status_code == 404
    assert Client().post(reverse("payments:callback"), success).status_code == 302
    assert DossierEvent.objects.filter(dossier=online, action="payment").count() == 1


def test_a_forged_callback_answers_400_and_changes_nothing(office, online, citizen):
    client = as_user(citizen)
    client.post(reverse("payments:citizen_pay", args=[online.code]))
    payment = Payment.objects.get(dossier=online)
    success, _failure = hidden_forms(
        client.get(reverse("payments:fake_gateway", args=[payment.pk])).content.decode()
    )
    forged = {**success, "signature": "f" * 64}
    response = Client().post(reverse("payments:callback"), forged)
    assert response.status_code == 400
    assert "Chữ ký của kết quả thanh toán không hợp lệ." in response.content.decode()
    payment.refresh_from_db()
    assert (payment.status, payment.receipt_number) == ("pending", "")


def test_the_failed_button_fails_the_payment(office, online, citizen):
    client = as_user(citizen)
    client.post(reverse("payments:citizen_pay", args=[online.code]))
    payment = Payment.objects.get(dossier=online)
    _success, failure = hidden_forms(
        client.get(reverse("payments:fake_gateway", args=[payment.pk])).content.decode()
    )
    assert Client().post(reverse("payments:callback"), failure).status_code == 302
    payment.refresh_from_db()
    assert payment.status == "failed"


def test_another_citizen_gets_404_everywhere(office, online, citizen):
    as_user(citizen).post(reverse("payments:citizen_pay", args=[online.code]))
    payment = Payment.objects.get(dossier=online)
    stranger = as_user(make_citizen("binh@example.vn"))
    assert stranger.post(reverse("payments:citizen_pay", args=[online.code])).status_code == 404
    assert stranger.get(reverse("payments:fake_gateway", args=[payment.pk])).status_code == 404
    assert Payment.objects.count() == 1


def test_the_fake_page_is_off_with_another_gateway(office, online, citizen, settings):
    client = as_user(citizen)
    client.post(reverse("payments:citizen_pay", args=[online.code]))
    payment = Payment.objects.get(dossier=online)
    settings.MOTCUA_PAYMENT_GATEWAY = "motcua.payments.gateways.Gateway"
    assert client.get(reverse("payments:fake_gateway", args=[payment.pk])).status_code == 404


def test_callback_only_by_post(db):
    assert Client().get(reverse("payments:callback")).status_code == 405


def test_the_admin_lists_payments_read_only(office, dossier):
    payment_record_at_counter(
        actor=office.reception, dossier=dossier, amount=100_000, method="cash"
    )
    admin_user = office.officers[Role.SYSTEM_ADMIN]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save(update_fields=["is_staff", "is_superuser"])
    admin = as_user(admin_user)
    listing = admin.get(reverse("admin:payments_payment_changelist"))
    assert listing.status_code == 200
    assert "BL-2026-000001" in listing.content.decode()
    assert admin.get(reverse("admin:payments_payment_add")).status_code == 403
