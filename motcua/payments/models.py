"""Payments of fees and charges (phí, lệ phí) for a dossier, their receipts and refunds.

Every write goes through motcua.payments.services, which also records a "payment" or "refund"
event on the dossier so the timeline and the audit trail show it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.organizations.models import Agency


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Tiền mặt")  # paid at the counter
    TRANSFER = "transfer", _("Chuyển khoản")  # a bank transfer the desk has checked
    ONLINE = "online", _("Thanh toán trực tuyến")  # through the payment gateway


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ thanh toán")  # sent to the gateway, no answer yet
    PAID = "paid", _("Đã thanh toán")  # money received; a receipt number is given
    FAILED = "failed", _("Thất bại")  # the gateway refused it or the amount did not match
    REFUNDED = "refunded", _("Đã hoàn trả")  # paid, then given back


# The only moves a payment may make; services check this table.
TRANSITIONS: dict[str, frozenset[str]] = {
    PaymentStatus.PENDING: frozenset({PaymentStatus.PAID, PaymentStatus.FAILED}),
    PaymentStatus.PAID: frozenset({PaymentStatus.REFUNDED}),
    PaymentStatus.FAILED: frozenset(),
    PaymentStatus.REFUNDED: frozenset(),
}


class Payment(models.Model):
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    method = models.CharField(_("hình thức"), max_length=10, choices=PaymentMethod.choices)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=PaymentStatus.choices, db_index=True
    )
    # Gateway transaction id or bank reference; unique per method when present.
    reference = models.CharField(_("mã giao dịch"), max_length=100, blank=True)
    # Numbered per receiving agency and year (ReceiptSequence): unique within the agency only.
    receipt_number = models.CharField(_("số biên lai"), max_length=40, blank=True)
    # Where the citizen goes back to after the gateway (a path on this site).
    return_url = models.CharField(_("trang quay lại"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"))
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("hoàn trả lúc"), null=True, blank=True)
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người hoàn trả"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refund_reason = models.TextField(_("lý do hoàn trả"), blank=True)

    class Meta:
        verbose_name = _("khoản thanh toán")
        verbose_name_plural = _("các khoản thanh toán")
        ordering = ["dossier", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(
                fields=["method", "reference"],
                condition=~Q(reference=""),
                name="payment_reference_unique_per_method",
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_number or f"#{self.pk}"


class ReceiptSequence(models.Model):
    """The last receipt number of a year at a receiving agency."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số biên lai trong năm")
        verbose_name_plural = _("số biên lai trong năm")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="receipt_sequence_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year} #{self.last_value}"
