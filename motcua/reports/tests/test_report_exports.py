"""The timeliness report as Excel and PDF (Biểu II.06a): the files are opened and read back."""

from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.reports.exports import (
    FIRST_ROW,
    HEADER_ROW,
    NUMBER_ROW,
    export_name,
    timeliness_pdf,
    timeliness_xlsx,
)
from motcua.reports.tests.test_timeliness import (
    AFTER,
    CT_ROW,
    HKD_ROW,
    MARCH,
    TOTAL,
    build_scenario,
)
from motcua.reports.timeliness import COLUMNS, timeliness_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    office, _rows = build_scenario()
    with time_machine.travel(AFTER, tick=False):
        return timeliness_report(agency=office.commune, **MARCH)


def test_excel_has_the_official_layout_and_numbers(report):
    with time_machine.travel(AFTER, tick=False):
        sheet = load_workbook(BytesIO(timeliness_xlsx(report))).active

    texts = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert (
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT"
        in texts
    )
    assert "Kỳ báo cáo: từ ngày 01/03/2026 đến ngày 31/03/2026" in texts
    assert "Biểu số II.06a" in texts
    assert {"NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG CƠ QUAN", "(Ký, ghi rõ họ tên)"} <= set(texts)
    assert "Hàm Yên, ngày 15 tháng 04 năm 2026" in texts

    merged = {str(cells) for cells in sheet.merged_cells.ranges}
    assert {
        "A8:A10",
        "B8:B10",
        "C8:F8",
        "C9:C10",
        "D9:F9",
        "G8:M8",
        "G9:J9",
        "K9:M9",
        "N8:N10",
    } <= merged
    assert sheet.cell(HEADER_ROW, 3).value == "Số hồ sơ nhận giải quyết"
    assert sheet.cell(HEADER_ROW, 2).value == "Lĩnh vực"
    assert sheet.cell(HEADER_ROW + 2, 4).value == "Số kỳ trước chuyển qua"
    assert sheet.cell(HEADER_ROW + 2, 8).value == "Trả trước hạn"
    assert sheet.cell(HEADER_ROW + 2, 13).value == "Quá hạn"
    assert [sheet.cell(NUMBER_ROW, c).value for c in (1, 2, 14)] == ["(1)", "(2)", "(14)"]

    def row(index):
        return [sheet.cell(index, column).value for column in range(1, 15)]

    assert row(FIRST_ROW) == [1, "Chứng thực", *(CT_ROW[c] for c in COLUMNS), 0.8]
    assert row(FIRST_ROW + 1) == [
        2,
        "Thành lập và hoạt động của hộ kinh doanh",
        *(HKD_ROW[c] for c in COLUMNS),
        0.6667,
    ]
    assert row(FIRST_ROW + 2) == [None, "Tổng cộng", *(TOTAL[c] for c in COLUMNS), 0.75]
    assert isinstance(sheet.cell(FIRST_ROW, 3).value, int)
    assert sheet.cell(FIRST_ROW, 14).number_format == "0.00%"
    assert sheet.freeze_panes == f"C{FIRST_ROW}"
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True


def test_excel_names_the_grouping_column():
    office, _rows = build_scenario()
    report = timeliness_report(agency=office.commune, **MARCH, group_by="procedure", now=AFTER)
    sheet = load_workbook(BytesIO(timeliness_xlsx(report))).active
    assert sheet.cell(HEADER_ROW, 2).value == "Thủ tục"
    assert sheet.cell(FIRST_ROW, 2).value == "Đăng ký thành lập hộ kinh doanh"


def test_pdf_carries_the_same_table(report):
    with time_machine.travel(AFTER, tick=False):
        pdf = PdfReader(BytesIO(timeliness_pdf(report)))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)

    assert "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text
    assert "Kỳ báo cáo: từ ngày 01/03/2026 đến ngày 31/03/2026" in text
    assert "Số hồ sơ nhận giải quyết" in text
    assert "Tỷ lệ giải quyết đúng hạn" in text
    assert "Tổng cộng 15 3 4 8 8 1 5 2 7 4 3 75,00%" in text
    assert "Chứng thực 7 0 3 4 5 0 4 1 2 2 0 80,00%" in text
    assert "NGƯỜI LẬP BIỂU" in text
    assert "THỦ TRƯỞNG CƠ QUAN" in text
    assert "(Ký, ghi rõ họ tên)" in text
    width, height = pdf.pages[0].mediabox.width, pdf.pages[0].mediabox.height
    assert width > height  # A4 landscape


def test_file_names_say_agency_and_period(report):
    assert (
        export_name(report, "xlsx") == "bao-cao-dung-han_000.00.51.H62_2026-03-01_2026-03-31.xlsx"
    )
