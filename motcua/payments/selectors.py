"""Reads about fees and payments: what a dossier owes, what was paid, its payment status."""

from django.db import models
from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Fee
from motcua.dossiers.models import Dossier
from motcua.payments.models import Payment, PaymentMethod, PaymentStatus


class DossierPaymentStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", _("Không thu phí")  # no fee, nothing paid
    UNPAID = "unpaid", _("Chưa nộp phí")  # a fee is due and nothing is paid
    PARTLY_PAID = "partly_paid", _("Đã nộp một phần")  # some of the fee is paid
    PAID = "paid", _("Đã nộp đủ phí")  # the whole fee is paid
    REFUNDED = "refunded", _("Đã hoàn trả phí")  # what was paid was given back


def fees_due(dossier: Dossier) -> int:
    """The fees of the dossier's procedure, in đồng (the catalog's Fee rows)."""
    total = Fee.objects.filter(procedure_id=dossier.procedure_id).aggregate(s=Sum("amount"))["s"]
    return int(total or 0)


def amount_paid(dossier: Dossier) -> int:
    total = Payment.objects.filter(dossier=dossier, status=PaymentStatus.PAID).aggregate(
        s=Sum("amount")
    )["s"]
    return int(total or 0)


def amount_outstanding(dossier: Dossier) -> int:
    return max(fees_due(dossier) - amount_paid(dossier), 0)


def payment_status_of(*, due: int, payments: list[Payment]) -> str:
    """The dossier's payment status from its fees due and its payments (no query)."""
    paid = sum(p.amount for p in payments if p.status == PaymentStatus.PAID)
    if paid and paid >= due:
        return DossierPaymentStatus.PAID
    if paid:
        return DossierPaymentStatus.PARTLY_PAID
    if any(p.status == PaymentStatus.REFUNDED for p in payments):
        return DossierPaymentStatus.REFUNDED
    return DossierPaymentStatus.UNPAID if due else DossierPaymentStatus.NOT_REQUIRED


def dossier_payment_status(dossier: Dossier) -> str:
    """ "not_required" | "unpaid" | "partly_paid" | "paid" | "refunded" (two queries)."""
    return payment_status_of(due=fees_due(dossier), payments=dossier_payments(dossier))


def dossier_payments(dossier: Dossier) -> list[Payment]:
    return list(
        Payment.objects.filter(dossier=dossier)
        .select_related("recorded_by", "refunded_by")
        .order_by("created_at", "id")
    )


def dossiers_paid_online(*, dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """The dossiers of `dossiers` with a fee paid through the gateway (service-quality index,
    payment group: share with online payment)."""
    online = Payment.objects.filter(
        dossier=OuterRef("pk"), method=PaymentMethod.ONLINE, status=PaymentStatus.PAID
    )
    return dossiers.filter(Exists(online))
