"""Every write about fees: a payment at the counter, an online payment (start and the gateway's
callback), a refund. Each is one transaction and, when money moves, one dossier event ("payment"
or "refund") so the dossier's timeline and the audit trail show it."""

from datetime import datetime
from urllib.parse import urlsplit

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from motcua.dossiers.access import Reach, is_visible
from motcua.dossiers.models import Dossier
from motcua.dossiers.services._common import clean_reason, clean_text, local_date, lock
from motcua.dossiers.services._common import record_event as dossier_record_event
from motcua.dossiers.statuses import DossierStatus
from motcua.organizations.models import Agency, Role
from motcua.payments.gateways import gateway
from motcua.payments.models import (
    TRANSITIONS,
    Payment,
    PaymentMethod,
    PaymentStatus,
    ReceiptSequence,
)
from motcua.payments.selectors import amount_outstanding

ACTION_PAYMENT = "payment"
ACTION_REFUND = "refund"
# No fee is taken for a dossier that will not be processed.
_NO_PAYMENT = frozenset(
    {DossierStatus.NOT_ACCEPTED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED}
)
_COUNTER_METHODS = frozenset({PaymentMethod.CASH, PaymentMethod.TRANSFER})
_MAX_AMOUNT = 10**12


def _dong(amount: int) -> str:
    """ "100.000": thousands grouped the Vietnamese way, for notes kept in the event log."""
    return f"{amount:,}".replace(",", ".")


# -- receipt numbers -----------------------------------------------------------------------------


def _next_receipt_value(agency: Agency, year: int) -> int:
    """The next receipt number of the year at this desk, in one atomic statement (as the dossier
    code of the day): concurrent payments each get their own number, a rollback gives it back."""
    table = connection.ops.quote_name(ReceiptSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, year, last_value) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (agency_id, year) DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING last_value",
            [agency.pk, year],
        )
        return int(cursor.fetchone()[0])


def receipt_number_next(*, agency: Agency, at: datetime) -> str:
    """`BL-<year>-<number of the year at the receiving agency, 6 digits>`."""
    year = local_date(at).year
    return f"BL-{year}-{_next_receipt_value(agency, year):06d}"


# -- checks --------------------------------------------------------------------------------------


def _visible(user, dossier: Dossier) -> bool:
    return is_visible(user=user, dossier=dossier)


def _require_role(actor, dossier: Dossier, roles: tuple[str, ...], what: str) -> None:
    """NotFound when the actor cannot see the dossier, Forbidden without one of `roles` on its
    receiving agency (a leader of the commune holds it over the commune's desk too)."""
    if actor is None or not actor.is_authenticated or not _visible(actor, dossier):
        raise NotFound(_("Không tìm thấy hồ sơ."), code="dossier_not_found")
    reach = Reach.of(actor)
    if not any(reach.holds(role, dossier.receiving_agency) for role in roles):
        raise Forbidden(
            _("Vai trò của bạn không được %(what)s cho hồ sơ này.") % {"what": what},
            code="role_not_allowed",
        )


def _require_payable(dossier: Dossier) -> int:
    if dossier.status in _NO_PAYMENT:
        raise Conflict(
            _("Hồ sơ ở trạng thái «%(status)s» không thu phí.")
            % {"status": DossierStatus(dossier.status).label},
            code="payment_not_allowed",
        )
    outstanding = amount_outstanding(dossier)
    if outstanding <= 0:
        raise Conflict(_("Hồ sơ không còn khoản phí nào phải nộp."), code="nothing_due")
    return outstanding


def _clean_amount(value) -> int:
    if isinstance(value, bool):
        value = None
    try:
        amount = int(str(value).strip().replace(".", "").replace(",", ""))
    except (TypeError, ValueError):
        raise InvalidInput(
            _("Số tiền phải là số nguyên đồng, ví dụ 100000."), code="invalid_amount"
        ) from None
    if amount <= 0 or amount > _MAX_AMOUNT:
        raise InvalidInput(_("Số tiền phải lớn hơn 0 đồng."), code="invalid_amount")
    return amount


def _transition(payment: Payment, target: str) -> None:
    if target not in TRANSITIONS[payment.status]:
        raise Conflict(
            _("Khoản thanh toán đang «%(status)s», không thể chuyển sang «%(target)s».")
            % {
                "status": PaymentStatus(payment.status).label,
                "target": PaymentStatus(target).label,
            },
            code="payment_transition_not_allowed",
        )
    payment.status = target


def _mark_paid(payment: Payment, *, actor, at: datetime, dossier: Dossier) -> None:
    _transition(payment, PaymentStatus.PAID)
    payment.paid_at = at
    payment.receipt_number = receipt_number_next(agency=dossier.receiving_agency, at=at)
    payment.save(update_fields=["status", "paid_at", "receipt_number", "reference"])
    method = PaymentMethod(payment.method).label
    dossier_record_event(
        dossier,
        action=ACTION_PAYMENT,
        from_status=dossier.status,
        actor=actor,
        at=at,
        agency=dossier.receiving_agency,
        note=_("Thu %(amount)s đồng (%(method)s), biên lai số %(receipt)s.")
        % {
            "amount": _dong(payment.amount),
            "method": method,
            "receipt": payment.receipt_number,
        },
        public_note=_("Đã nộp phí, lệ phí: %(amount)s đồng.") % {"amount": _dong(payment.amount)},
        data={
            "payment_id": payment.pk,
            "amount": payment.amount,
            "method": payment.method,
            "receipt_number": payment.receipt_number,
            "reference": payment.reference,
        },
    )


def _duplicate_reference() -> Conflict:
    return Conflict(
        _("Mã giao dịch này đã được ghi nhận cho một khoản thanh toán khác."),
        code="duplicate_reference",
    )


# -- services ------------------------------------------------------------------------------------


def payment_record_at_counter(
    *, actor, dossier: Dossier, amount, method: str, reference: str = ""
) -> Payment:
    """Money received at the desk (cash, or a bank transfer the desk has checked): the payment
    is paid at once and gets the next receipt number of the year."""
    if method not in _COUNTER_METHODS:
        raise InvalidInput(
            _("Hình thức nộp tại quầy phải là tiền mặt hoặc chuyển khoản."), code="invalid_method"
        )
    amount = _clean_amount(amount)
    reference = clean_text(reference, field=_("mã giao dịch"), max_length=100)
    if method == PaymentMethod.TRANSFER and not reference:
        raise InvalidInput(
            _("Chuyển khoản phải có mã giao dịch của ngân hàng."), code="reference_required"
        )
    try:
        with transaction.atomic():
            lock(dossier)
            _require_role(actor, dossier, (Role.RECEPTION,), _("thu phí"))
            outstanding = _require_payable(dossier)
            if amount > outstanding:
                raise InvalidInput(
                    _("Số tiền vượt quá khoản phí còn phải nộp (%(due)s đồng).")
                    % {"due": _dong(outstanding)},
                    code="amount_exceeds_due",
                )
            at = timezone.now()
            payment = Payment.objects.create(
                dossier=dossier,
                amount=amount,
                method=method,
                status=PaymentStatus.PENDING,
                reference=reference,
                recorded_by=actor,
                created_at=at,
            )
            _mark_paid(payment, actor=actor, at=at, dossier=dossier)
    except IntegrityError:
        raise _duplicate_reference() from None
    return payment


def _clean_return_url(value) -> str:
    url = value if isinstance(value, str) else ""
    parts = urlsplit(url)
    # A path on this site only: never send the citizen on to another host after paying.
    if (
        not url.startswith("/")
        or url.startswith("//")
        or parts.scheme
        or parts.netloc
        or "\\" in url
    ):
        raise InvalidInput(_("Địa chỉ quay lại không hợp lệ."), code="invalid_return_url")
    return url[:500]


def payment_start_online(*, user, dossier: Dossier, return_url: str) -> str:
    """A pending online payment of what the dossier still owes; the URL to send its applicant
    to (the gateway's page)."""
    return_url = _clean_return_url(return_url)
    with transaction.atomic():
        if dossier is None or dossier.pk is None:
            raise NotFound(_("Không tìm thấy hồ sơ."), code="dossier_not_found")
        lock(dossier)
        if user is None or not user.is_authenticated or dossier.applicant_user_id != user.pk:
            raise NotFound(_("Không tìm thấy hồ sơ."), code="dossier_not_found")
        outstanding = _require_payable(dossier)
        payment = Payment.objects.create(
            dossier=dossier,
            amount=outstanding,
            method=PaymentMethod.ONLINE,
            status=PaymentStatus.PENDING,
            return_url=return_url,
            created_at=timezone.now(),
        )
    return gateway().start(payment)


def payment_callback(*, payload: dict, signature: str) -> Payment:
    """The gateway's answer. A forged or malformed one changes nothing (InvalidInput); a repeated
    one changes nothing either; an amount that differs from the payment's makes it failed."""
    result = gateway().verify(payload, signature)
    if result is None:
        raise InvalidInput(
            _("Chữ ký của kết quả thanh toán không hợp lệ."), code="invalid_signature"
        )
    try:
        with transaction.atomic():
            payment = (
                Payment.objects.select_for_update(of=("self",))  # not the dossier its order joins
                .filter(pk=result.payment_id, method=PaymentMethod.ONLINE)
                .first()
            )
            if payment is None:
                raise NotFound(_("Không tìm thấy khoản thanh toán."), code="payment_not_found")
            if payment.status != PaymentStatus.PENDING:
                return payment  # already decided: a repeated callback changes nothing
            dossier = lock(
                Dossier.objects.select_related("receiving_agency").get(pk=payment.dossier_id)
            )
            payment.reference = result.transaction_id
            at = timezone.now()
            if result.success and result.amount == payment.amount:
                _mark_paid(payment, actor=None, at=at, dossier=dossier)
            else:
                _transition(payment, PaymentStatus.FAILED)
                payment.save(update_fields=["status", "reference"])
    except IntegrityError:
        raise _duplicate_reference() from None
    return payment


def payment_refund(*, actor, payment: Payment, reason: str) -> Payment:
    """Give a paid fee back (a leader or the desk of the receiving agency), with the reason."""
    reason = clean_reason(reason)
    with transaction.atomic():
        if payment is None or payment.pk is None:
            raise NotFound(_("Không tìm thấy khoản thanh toán."), code="payment_not_found")
        dossier = lock(
            Dossier.objects.select_related("receiving_agency").get(pk=payment.dossier_id)
        )
        _require_role(actor, dossier, (Role.RECEPTION, Role.LEADER), _("hoàn trả phí"))
        fresh = Payment.objects.select_for_update().get(pk=payment.pk)
        _transition(fresh, PaymentStatus.REFUNDED)
        at = timezone.now()
        fresh.refunded_at = at
        fresh.refunded_by = actor
        fresh.refund_reason = reason
        fresh.save(update_fields=["status", "refunded_at", "refunded_by", "refund_reason"])
        dossier_record_event(
            dossier,
            action=ACTION_REFUND,
            from_status=dossier.status,
            actor=actor,
            at=at,
            agency=dossier.receiving_agency,
            note=_("Hoàn trả %(amount)s đồng, biên lai số %(receipt)s. Lý do: %(reason)s")
            % {
                "amount": _dong(fresh.amount),
                "receipt": fresh.receipt_number,
                "reason": reason,
            },
            public_note=_("Đã hoàn trả phí, lệ phí: %(amount)s đồng.")
            % {"amount": _dong(fresh.amount)},
            data={"payment_id": fresh.pk, "amount": fresh.amount, "reason": reason},
        )
    for field in ("status", "refunded_at", "refunded_by_id", "refund_reason"):
        setattr(payment, field, getattr(fresh, field))
    return payment
