"""Payment pages: the desk records a payment or a refund, the citizen pays online, the fake
gateway's page and the gateway's callback, receipts. Each view parses input, calls one service
or selector and renders; domain errors answer with their status and Vietnamese message."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from motcua.common.errors import DomainError, NotFound
from motcua.dossiers.access import access_dossier
from motcua.dossiers.views._common import officer_view
from motcua.payments import services
from motcua.payments.gateways import FakeGateway, gateway, sign
from motcua.payments.models import Payment, PaymentMethod, PaymentStatus
from motcua.payments.receipts import receipt_pdf
from motcua.portal.citizen_selectors import citizen_dossier_get
from motcua.portal.views_account import citizen_required

CALLBACK_FIELDS = ("payment_id", "amount", "status", "transaction_id")


def _detail(code: str):
    return redirect(reverse("dossiers:detail", args=[code]) + "#le-phi")


@officer_view
@require_POST
def record_at_counter(request: HttpRequest, code: str) -> HttpResponse:
    dossier = access_dossier(user=request.user, code=code)
    payment = services.payment_record_at_counter(
        actor=request.user,
        dossier=dossier,
        amount=request.POST.get("amount", ""),
        method=request.POST.get("method", ""),
        reference=request.POST.get("reference", ""),
    )
    messages.success(
        request, _("Đã thu phí, biên lai số %(number)s.") % {"number": payment.receipt_number}
    )
    return _detail(dossier.code)


def _officer_payment(request: HttpRequest, payment_id: int) -> Payment:
    payment = Payment.objects.select_related("dossier").filter(pk=payment_id).first()
    if payment is None:
        raise NotFound(_("Không tìm thấy khoản thanh toán."), code="payment_not_found")
    access_dossier(user=request.user, code=payment.dossier.code)
    return payment


@officer_view
@require_POST
def refund(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = _officer_payment(request, payment_id)
    services.payment_refund(
        actor=request.user, payment=payment, reason=request.POST.get("reason", "")
    )
    messages.success(request, _("Đã ghi nhận hoàn trả phí."))
    return _detail(payment.dossier.code)


def _pdf(payment: Payment) -> HttpResponse:
    response = HttpResponse(receipt_pdf(payment=payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{payment.receipt_number}.pdf"'
    return response


@officer_view
@require_GET
def receipt(request: HttpRequest, payment_id: int) -> HttpResponse:
    return _pdf(_officer_payment(request, payment_id))


def _citizen_payment(request: HttpRequest, payment_id: int) -> Payment:
    payment = (
        Payment.objects.select_related("dossier")
        .filter(pk=payment_id, dossier__applicant_user=request.user)
        .first()
    )
    if payment is None:
        raise Http404(_("Không tìm thấy khoản thanh toán."))
    return payment


@citizen_required
@require_GET
def citizen_receipt(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = _citizen_payment(request, payment_id)
    if not payment.receipt_number:
        raise Http404(_("Khoản thanh toán này chưa có biên lai."))
    return _pdf(payment)


@citizen_required
@require_POST
def citizen_pay(request: HttpRequest, code: str) -> HttpResponse:
    try:
        dossier = citizen_dossier_get(user=request.user, code=code)
    except NotFound:
        raise Http404(_("Không tìm thấy hồ sơ.")) from None
    try:
        url = services.payment_start_online(
            user=request.user,
            dossier=dossier,
            return_url=reverse("portal:my_dossier", args=[dossier.code]),
        )
    except NotFound:
        raise Http404(_("Không tìm thấy hồ sơ.")) from None
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("portal:my_dossier", dossier.code)
    return redirect(url)


@citizen_required
@require_GET
def fake_gateway(request: HttpRequest, payment_id: int) -> HttpResponse:
    """The fake bank: only when it is the configured gateway, only to the payment's applicant."""
    if not isinstance(gateway(), FakeGateway):
        raise Http404
    payment = _citizen_payment(request, payment_id)
    if payment.method != PaymentMethod.ONLINE or payment.status != PaymentStatus.PENDING:
        raise Http404(_("Khoản thanh toán không còn chờ thanh toán."))
    choices = []
    for success in (True, False):
        payload = FakeGateway.callback_payload(payment, success=success)
        choices.append({"success": success, "payload": payload, "signature": sign(payload)})
    return render(request, "payments/fake_gateway.html", {"payment": payment, "choices": choices})


@csrf_exempt  # posted by the gateway (or its page); the HMAC signature is the protection
@require_POST
def callback(request: HttpRequest) -> HttpResponse:
    payload = {field: request.POST.get(field, "") for field in CALLBACK_FIELDS}
    try:
        payment = services.payment_callback(
            payload=payload, signature=request.POST.get("signature", "")
        )
    except DomainError as error:
        return render(
            request,
            "payments/callback_error.html",
            {"message": error.message},
            status=error.status if error.status in (400, 404, 409) else 400,
        )
    if payment.status == PaymentStatus.PAID:
        messages.success(
            request, _("Thanh toán thành công: %(number)s.") % {"number": payment.receipt_number}
        )
    else:
        messages.error(request, _("Thanh toán không thành công."))
    return redirect(payment.return_url or "/")
