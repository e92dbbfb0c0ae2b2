"""What differs between the two form sets: form numbers, titles and the circular's name.

Circular 03/2025/TT-VPCP (Annex I) numbers seven forms: 01 receipt, 02 supplement request,
03 refusal, 04 apology, 05 notice of stopping, 06 process control slip, 07 tracking book.
Circular 01/2018/TT-VPCP had six: 01–04 the same, 05 the control slip, 06 the tracking book, and
no form for stopping (the notice is printed with the same content and no form number).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import FormSet

RECEIPT = "01"
SUPPLEMENT = "02"
REFUSAL = "03"
APOLOGY = "04"
STOP = "05"
CONTROL = "06"
BOOK = "07"
SLIPS = (RECEIPT, SUPPLEMENT, REFUSAL, APOLOGY, STOP, CONTROL)


@dataclass(frozen=True)
class FormHeading:
    number: str  # "Mẫu số 01"; "" when the circular has no such form
    title: Promise


@dataclass(frozen=True)
class FormSetSpec:
    circular: Promise
    headings: dict[str, FormHeading]


def _number(value: str) -> str:
    return str(_("Mẫu số %(number)s")) % {"number": value}


_RECEIPT_TITLE = _("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
_SUPPLEMENT_TITLE = _("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ")
_REFUSAL_TITLE = _("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ")
_CONTROL_TITLE = _("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ")
_BOOK_TITLE = _("SỔ THEO DÕI HỒ SƠ")

SPECS: dict[str, FormSetSpec] = {
    FormSet.TT03_2025: FormSetSpec(
        circular=_("Ban hành kèm theo Thông tư số 03/2025/TT-VPCP"),
        headings={
            RECEIPT: FormHeading("01", _RECEIPT_TITLE),
            SUPPLEMENT: FormHeading("02", _SUPPLEMENT_TITLE),
            REFUSAL: FormHeading("03", _REFUSAL_TITLE),
            APOLOGY: FormHeading(
                "04", _("VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT")
            ),
            STOP: FormHeading("05", _("THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ")),
            CONTROL: FormHeading("06", _CONTROL_TITLE),
            BOOK: FormHeading("07", _BOOK_TITLE),
        },
    ),
    FormSet.TT01_2018: FormSetSpec(
        circular=_("Ban hành kèm theo Thông tư số 01/2018/TT-VPCP"),
        headings={
            RECEIPT: FormHeading("01", _RECEIPT_TITLE),
            SUPPLEMENT: FormHeading("02", _SUPPLEMENT_TITLE),
            REFUSAL: FormHeading("03", _REFUSAL_TITLE),
            APOLOGY: FormHeading("04", _("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ")),
            STOP: FormHeading("", _("PHIẾU DỪNG XỬ LÝ HỒ SƠ")),
            CONTROL: FormHeading("05", _CONTROL_TITLE),
            BOOK: FormHeading("06", _BOOK_TITLE),
        },
    ),
}


def heading_context(forms: str, form: str) -> dict:
    """Form number, title and circular of a form of a set (an unknown set: the newest)."""
    spec = SPECS.get(forms) or SPECS[FormSet.TT03_2025]
    heading = spec.headings[form]
    return {
        "form_number": _number(heading.number) if heading.number else "",
        "title": heading.title,
        "circular": spec.circular if heading.number else "",
    }
