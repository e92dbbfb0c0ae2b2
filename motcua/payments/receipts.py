"""The receipt (biên lai thu phí, lệ phí) of a paid fee, as HTML and PDF."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from motcua.catalog.formatting import money_text
from motcua.common.errors import Conflict
from motcua.dossiers.forms.pdf import html_to_pdf
from motcua.payments.models import Payment
from motcua.workdays.engine import OFFICE_TZ


def receipt_html(*, payment: Payment) -> str:
    if not payment.receipt_number:
        raise Conflict(_("Khoản thanh toán này chưa có biên lai."), code="no_receipt")
    dossier = payment.dossier
    issuer = dossier.receiving_agency
    paid_local = payment.paid_at.astimezone(OFFICE_TZ)
    return render_to_string(
        "payments/receipt.html",
        {
            "title": _("BIÊN LAI THU PHÍ, LỆ PHÍ"),
            "form": "receipt",
            "issuer": issuer,
            "issuer_parent": issuer.parent.name if issuer.parent_id else "",
            "payment": payment,
            "dossier": dossier,
            "amount_text": money_text(payment.amount),
            "paid_text": f"{paid_local:%H:%M %d/%m/%Y}",
        },
    )


def receipt_pdf(*, payment: Payment) -> bytes:
    return html_to_pdf(receipt_html(payment=payment))
