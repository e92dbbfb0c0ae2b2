"""The "Lệ phí" block of the dossier pages: `{% dossier_fees dossier as fees %}`."""

from django import template

from motcua.catalog.formatting import money_text
from motcua.catalog.models import Fee
from motcua.dossiers.access import Reach
from motcua.organizations.models import Role
from motcua.payments.models import PaymentMethod, PaymentStatus
from motcua.payments.selectors import (
    DossierPaymentStatus,
    dossier_payments,
    payment_status_of,
)
from motcua.payments.services import _NO_PAYMENT

register = template.Library()


@register.simple_tag(takes_context=True)
def dossier_fees(context, dossier) -> dict:
    """Fees, payments and what the viewer may do: three queries (fees, payments, roles)."""
    user = getattr(context.get("request"), "user", None)
    items = list(Fee.objects.filter(procedure_id=dossier.procedure_id))
    payments = dossier_payments(dossier)
    due = sum(fee.amount for fee in items)
    paid = sum(p.amount for p in payments if p.status == PaymentStatus.PAID)
    status = payment_status_of(due=due, payments=payments)
    outstanding = max(due - paid, 0)
    payable = bool(outstanding) and dossier.status not in _NO_PAYMENT
    reach = Reach.of(user) if user is not None and user.is_authenticated else None
    desk = reach is not None and reach.holds(Role.RECEPTION, dossier.receiving_agency)
    leader = reach is not None and reach.holds(Role.LEADER, dossier.receiving_agency)
    return {
        "items": items,
        "due": due,
        "paid": paid,
        "outstanding": outstanding,
        "status": status,
        "status_label": DossierPaymentStatus(status).label,
        "payments": payments,
        "may_collect": desk and payable,
        "may_refund": desk or leader,
        "may_pay_online": payable,
        "counter_methods": [
            (PaymentMethod.CASH.value, PaymentMethod.CASH.label),
            (PaymentMethod.TRANSFER.value, PaymentMethod.TRANSFER.label),
        ],
    }


@register.filter
def vnd(amount) -> str:
    """ "100.000 đ"; "0 đ" (not "Miễn phí": an amount paid, not a fee)."""
    return money_text(amount) if amount else "0\u00a0đ"
