"""The timeliness report as files, in the layout of Biểu II.06a ("Tình hình, kết quả giải quyết
thủ tục hành chính tại cơ quan, đơn vị trực tiếp giải quyết"): Excel (openpyxl) and PDF (the
same table rendered from HTML by WeasyPrint, offline)."""

from io import BytesIO

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from motcua.dossiers.forms import formatting as fmt
from motcua.dossiers.forms.pdf import html_to_pdf
from motcua.reports.timeliness import COLUMNS, GROUP_LABELS, TimelinessReport, rate

FORM_NUMBER = "II.06a"
# Sheet rows: masthead 1–2, title 4, period 5–6, headers 8–10, column numbers 11, data from 12.
TITLE_ROW, PERIOD_ROW, UNIT_ROW = 4, 5, 6
HEADER_ROW, NUMBER_ROW, FIRST_ROW = 8, 11, 12
LAST_COLUMN = len(COLUMNS) + 3  # STT, label, the counts, the rate
_WIDTHS = (6, 44, 11, 11, 11, 12, 11, 10, 10, 10, 11, 10, 10, 11)
_RATE_FORMAT = "0.00%"


def title() -> str:
    return _(
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT"
    )


def period_text(report: TimelinessReport) -> str:
    return _("Kỳ báo cáo: từ ngày %(start)s đến ngày %(end)s") % {
        "start": fmt.date_text(report.date_from),
        "end": fmt.date_text(report.date_to),
    }


def header_cells(group_by: str) -> list[tuple[int, int, int, int, str]]:
    """(first row, last row, first column, last column, text), rows 0–2 of the header."""
    received, resolved, progress = _("Tổng số"), _("Tổng số"), _("Tổng số")
    return [
        (0, 2, 1, 1, _("STT")),
        (0, 2, 2, 2, str(GROUP_LABELS[group_by])),
        (0, 0, 3, 6, _("Số hồ sơ nhận giải quyết")),
        (1, 2, 3, 3, received),
        (1, 1, 4, 6, _("Trong đó")),
        (2, 2, 4, 4, _("Số kỳ trước chuyển qua")),
        (2, 2, 5, 5, _("Số mới tiếp nhận trực tuyến")),
        (2, 2, 6, 6, _("Số mới tiếp nhận trực tiếp, bưu chính")),
        (0, 0, 7, 13, _("Kết quả giải quyết")),
        (1, 1, 7, 10, _("Số hồ sơ đã giải quyết")),
        (2, 2, 7, 7, resolved),
        (2, 2, 8, 8, _("Trả trước hạn")),
        (2, 2, 9, 9, _("Trả đúng hạn")),
        (2, 2, 10, 10, _("Trả quá hạn")),
        (1, 1, 11, 13, _("Số hồ sơ đang giải quyết")),
        (2, 2, 11, 11, progress),
        (2, 2, 12, 12, _("Chưa đến hạn")),
        (2, 2, 13, 13, _("Quá hạn")),
        (0, 2, 14, 14, _("Tỷ lệ giải quyết đúng hạn")),
    ]


def rate_text(value: float | None) -> str:
    """0.75 → "75,00%" (Vietnamese decimal comma); "" when nothing was resolved."""
    return "" if value is None else f"{value * 100:.2f}%".replace(".", ",")


def table_rows(report: TimelinessReport) -> list[dict]:
    """Rows of the table: number, label, key, counts (in the form's column order) and rate; the
    total row last with number "" and key None."""
    rows = [
        {
            "number": position,
            "label": row["label"],
            "key": row["key"],
            "counts": [{"column": column, "value": row[column]} for column in COLUMNS],
            "rate": rate(row),
        }
        for position, row in enumerate(report.rows, start=1)
    ]
    for row in rows:
        row["rate_text"] = rate_text(row["rate"])
    rows.append(
        {
            "number": "",
            "label": _("Tổng cộng"),
            "key": None,
            "counts": [{"column": column, "value": report.total[column]} for column in COLUMNS],
            "rate": report.total["on_time_rate"],
            "rate_text": rate_text(report.total["on_time_rate"]),
        }
    )
    return rows


def _context(report: TimelinessReport) -> dict:
    agency = report.agency
    today = timezone.now()
    return {
        "title": title(),
        "form_label": _("Biểu số %(number)s") % {"number": FORM_NUMBER},
        "issuer": agency,
        "issuer_parent": agency.parent.name if agency.parent_id else "",
        "period": period_text(report),
        "signed_on": fmt.place_date_text(fmt.place_name(agency), today),
        "report": report,
        "group_label": GROUP_LABELS[report.group_by],
        "rows": table_rows(report),
        "numbers": [f"({n})" for n in range(1, LAST_COLUMN + 1)],
    }


def timeliness_html(report: TimelinessReport) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("reports/timeliness_pdf.html", _context(report))


def timeliness_pdf(report: TimelinessReport) -> bytes:
    """A4 landscape; the header rows repeat on every page."""
    return html_to_pdf(timeliness_html(report))


def timeliness_xlsx(report: TimelinessReport) -> bytes:
    """Excel in the form's layout: masthead, title, period, three-level merged header, a row of
    column numbers, the data rows and "Tổng cộng", then the signature block. Counts are numbers,
    the rate a percentage number; frozen under the header; printed A4 landscape, fit to width."""
    with translation.override(settings.LANGUAGE_CODE):
        context = _context(report)
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = str(_("Biểu %(number)s") % {"number": FORM_NUMBER})
        last = get_column_letter(LAST_COLUMN)
        thin = Side(style="thin")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        centered = Alignment(horizontal="center", vertical="center", wrap_text=True)

        def line(row: int, first: int, end: int, text: str, **font) -> None:
            sheet.merge_cells(start_row=row, end_row=row, start_column=first, end_column=end)
            cell = sheet.cell(row, first, text)
            cell.font = Font(**font)
            cell.alignment = centered

        line(1, 1, 4, context["issuer_parent"])
        line(2, 1, 4, report.agency.name, bold=True)
        line(1, 10, LAST_COLUMN, context["form_label"], bold=True)
        line(TITLE_ROW, 1, LAST_COLUMN, context["title"], bold=True, size=13)
        sheet.row_dimensions[TITLE_ROW].height = 34
        line(PERIOD_ROW, 1, LAST_COLUMN, context["period"], italic=True)
        line(
            UNIT_ROW,
            1,
            LAST_COLUMN,
            _("Đơn vị báo cáo: %(agency)s — Đơn vị tính: số hồ sơ")
            % {"agency": report.agency.name},
            italic=True,
        )

        for first_row, last_row, first, end, text in header_cells(report.group_by):
            sheet.cell(HEADER_ROW + first_row, first, text)
            if (first_row, first) != (last_row, end):
                sheet.merge_cells(
                    start_row=HEADER_ROW + first_row,
                    end_row=HEADER_ROW + last_row,
                    start_column=first,
                    end_column=end,
                )
        for column, number in enumerate(context["numbers"], start=1):
            sheet.cell(NUMBER_ROW, column, number)
        for row in sheet.iter_rows(min_row=HEADER_ROW, max_row=NUMBER_ROW, max_col=LAST_COLUMN):
            for cell in row:
                cell.font = Font(bold=cell.row < NUMBER_ROW, italic=cell.row == NUMBER_ROW)
                cell.alignment = centered
                cell.border = border
        sheet.row_dimensions[HEADER_ROW + 2].height = 48

        row_index = FIRST_ROW
        for row in context["rows"]:
            total = row["key"] is None
            values = [row["number"] or None, row["label"]]
            values += [cell["value"] for cell in row["counts"]]
            values.append(row["rate"])
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row_index, column, value)
                cell.border = border
                cell.font = Font(bold=total)
                cell.alignment = Alignment(
                    horizontal="left" if column == 2 else "center",
                    vertical="center",
                    wrap_text=column == 2,
                )
            sheet.cell(row_index, LAST_COLUMN).number_format = _RATE_FORMAT
            row_index += 1

        signature = row_index + 1
        line(signature, 9, LAST_COLUMN, context["signed_on"], italic=True)
        line(signature + 1, 1, 4, _("NGƯỜI LẬP BIỂU"), bold=True)
        line(signature + 1, 9, LAST_COLUMN, _("THỦ TRƯỞNG CƠ QUAN"), bold=True)
        line(signature + 2, 1, 4, _("(Ký, ghi rõ họ tên)"), italic=True)
        line(signature + 2, 9, LAST_COLUMN, _("(Ký, ghi rõ họ tên)"), italic=True)

        for column, width in enumerate(_WIDTHS, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = sheet.cell(FIRST_ROW, 3)
        sheet.print_title_rows = f"{HEADER_ROW}:{NUMBER_ROW}"
        sheet.print_area = f"A1:{last}{signature + 6}"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True

        buffer = BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def export_name(report: TimelinessReport, extension: str) -> str:
    """bao-cao-dung-han_000.00.51.H62_2026-03-01_2026-03-31.xlsx"""
    start, end = (f"{day:%Y-%m-%d}" for day in (report.date_from, report.date_to))
    return f"bao-cao-dung-han_{report.agency.code}_{start}_{end}.{extension}"
