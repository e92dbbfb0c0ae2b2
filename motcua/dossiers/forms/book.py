"""Form 07: the tracking book (sổ theo dõi hồ sơ) of a desk and its subtree for a period."""

import datetime as dt
from io import BytesIO

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from motcua.common.errors import InvalidInput
from motcua.dossiers.forms import formatting as fmt
from motcua.dossiers.forms.pdf import html_to_pdf
from motcua.dossiers.forms.sets import BOOK, heading_context
from motcua.dossiers.models import Dossier, FormSet, RuleVersion
from motcua.organizations.models import Agency, subtree_q

# The book is one form a year long at most: a bigger request is almost surely a typo.
MAX_PERIOD_DAYS = 366


def _check_period(date_from, date_to) -> None:
    for value in (date_from, date_to):
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise InvalidInput(
                _("Ngày bắt đầu và ngày kết thúc phải là ngày (dd/mm/yyyy)."),
                code="period_invalid",
            )
    if date_from > date_to:
        raise InvalidInput(
            _("Ngày bắt đầu (%(start)s) sau ngày kết thúc (%(end)s).")
            % {"start": fmt.date_text(date_from), "end": fmt.date_text(date_to)},
            code="period_invalid",
        )
    if (date_to - date_from).days >= MAX_PERIOD_DAYS:
        raise InvalidInput(
            _("Sổ theo dõi hồ sơ chỉ in tối đa %(days)s ngày một lần.") % {"days": MAX_PERIOD_DAYS},
            code="period_too_long",
        )


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=fmt.office_zone())


def book_dossiers(*, agency: Agency, date_from: dt.date, date_to: dt.date) -> list[Dossier]:
    """Dossiers received by the agency or any desk below it between the two local dates,
    both included, in order of receipt."""
    _check_period(date_from, date_to)
    return list(
        Dossier.objects.filter(
            subtree_q(agency, "receiving_agency__"),
            received_at__gte=_local_midnight(date_from),
            received_at__lt=_local_midnight(date_to + dt.timedelta(days=1)),
        )
        .select_related("competent_agency")
        .order_by("received_at", "id")
    )


def _return_method(dossier: Dossier) -> str:
    return dossier.get_return_method_display() if dossier.returned_at else ""


def _contact(dossier: Dossier) -> str:
    return " – ".join(part for part in (dossier.applicant_address, dossier.applicant_phone) if part)


def _forms_in_force(day: dt.date) -> str:
    version = RuleVersion.objects.filter(effective_from__lte=day).order_by("-effective_from")
    return version.values_list("forms", flat=True).first() or FormSet.TT03_2025


def _headers() -> list[str]:
    return [
        _("STT"),
        _("Mã hồ sơ"),
        _("Thủ tục hành chính"),
        _("Người nộp hồ sơ"),
        _("Địa chỉ, số điện thoại"),
        _("Cơ quan giải quyết"),
        _("Ngày nhận hồ sơ"),
        _("Ngày hẹn trả kết quả"),
        _("Ngày trả kết quả"),
        _("Hình thức trả kết quả"),
        _("Ký nhận"),
    ]


def _period_text(date_from: dt.date, date_to: dt.date) -> str:
    return _("Từ ngày %(start)s đến ngày %(end)s") % {
        "start": fmt.date_text(date_from),
        "end": fmt.date_text(date_to),
    }


def tracking_book_html(*, agency: Agency, date_from: dt.date, date_to: dt.date) -> str:
    dossiers = book_dossiers(agency=agency, date_from=date_from, date_to=date_to)
    with translation.override(settings.LANGUAGE_CODE):
        rows = [
            {
                "code": dossier.code,
                "procedure": dossier.procedure_name,
                "applicant": dossier.applicant_name,
                "contact": _contact(dossier),
                "agency": dossier.competent_agency.name,
                "received": fmt.short_text(dossier.received_at),
                "due": fmt.short_text(dossier.due_at),
                "returned": fmt.short_text(dossier.returned_at),
                "method": _return_method(dossier),
            }
            for dossier in dossiers
        ]
        context = {
            **heading_context(_forms_in_force(date_to), BOOK),
            "agency": agency,
            "issuer": agency,
            "issuer_parent": agency.parent.name if agency.parent else "",
            "period": _period_text(date_from, date_to),
            "headers": _headers(),
            "return_header": _("Trả kết quả"),
            "rows": rows,
        }
        return render_to_string("dossiers/forms/book.html", context)


def tracking_book_pdf(*, agency: Agency, date_from: dt.date, date_to: dt.date) -> bytes:
    """The tracking book as an A4 landscape PDF; the header row repeats on every page."""
    return html_to_pdf(tracking_book_html(agency=agency, date_from=date_from, date_to=date_to))


_WIDTHS = (6, 28, 40, 24, 34, 30, 17, 17, 17, 22, 14)
_DATE_FORMAT = "dd/mm/yyyy hh:mm"
TITLE_ROW, SUBTITLE_ROW, HEADER_ROW, SUBHEADER_ROW, FIRST_ROW = 1, 2, 4, 5, 6
_RETURN_FIRST_COLUMN = 9  # "Trả kết quả" spans the returned date, the method and the signature


def tracking_book_xlsx(*, agency: Agency, date_from: dt.date, date_to: dt.date) -> bytes:
    """The tracking book as an Excel workbook: title, two-row merged header, frozen panes, dates
    as real Excel dates in the office's local time (Excel cells have no zone)."""
    dossiers = book_dossiers(agency=agency, date_from=date_from, date_to=date_to)
    with translation.override(settings.LANGUAGE_CODE):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = str(_("Sổ theo dõi hồ sơ"))
        headers = _headers()
        last = get_column_letter(len(headers))
        thin = Side(style="thin")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        centered = Alignment(horizontal="center", vertical="center", wrap_text=True)

        sheet.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
        title = sheet.cell(TITLE_ROW, 1, str(_("SỔ THEO DÕI HỒ SƠ")))
        title.font = Font(bold=True, size=14)
        title.alignment = centered
        sheet.merge_cells(f"A{SUBTITLE_ROW}:{last}{SUBTITLE_ROW}")
        subtitle = sheet.cell(
            SUBTITLE_ROW, 1, f"{agency.name} — {_period_text(date_from, date_to)}"
        )
        subtitle.font = Font(italic=True)
        subtitle.alignment = centered

        for column, header in enumerate(headers, start=1):
            if column < _RETURN_FIRST_COLUMN:
                sheet.cell(HEADER_ROW, column, header)
                sheet.merge_cells(
                    start_row=HEADER_ROW,
                    end_row=SUBHEADER_ROW,
                    start_column=column,
                    end_column=column,
                )
            else:
                sheet.cell(SUBHEADER_ROW, column, header)
        sheet.cell(HEADER_ROW, _RETURN_FIRST_COLUMN, str(_("Trả kết quả")))
        sheet.merge_cells(
            start_row=HEADER_ROW,
            end_row=HEADER_ROW,
            start_column=_RETURN_FIRST_COLUMN,
            end_column=len(headers),
        )
        for row in sheet.iter_rows(min_row=HEADER_ROW, max_row=SUBHEADER_ROW):
            for cell in row:
                cell.font = Font(bold=True)
                cell.alignment = centered
                cell.border = border

        for number, dossier in enumerate(dossiers, start=1):
            values = (
                number,
                dossier.code,
                dossier.procedure_name,
                dossier.applicant_name,
                _contact(dossier),
                dossier.competent_agency.name,
                fmt.local_naive(dossier.received_at),
                fmt.local_naive(dossier.due_at),
                fmt.local_naive(dossier.returned_at),
                _return_method(dossier),
                "",
            )
            row = FIRST_ROW + number - 1
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row, column, None if value == "" else value)
                cell.border = border
                cell.alignment = Alignment(vertical="top", wrap_text=True)
                if isinstance(value, dt.datetime) or column in (7, 8, 9):
                    cell.number_format = _DATE_FORMAT

        for column, width in enumerate(_WIDTHS, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = sheet.cell(FIRST_ROW, 1)
        sheet.print_title_rows = f"{HEADER_ROW}:{SUBHEADER_ROW}"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True

        buffer = BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
