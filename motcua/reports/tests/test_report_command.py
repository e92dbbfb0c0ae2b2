"""`motcua report timeliness ...`: the JSON on stdout, files with --output, and every bad
argument answered with one Vietnamese line and exit status 2."""

import json
from io import BytesIO, StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.reports.management.commands.report import Command
from motcua.reports.tests.test_timeliness import AFTER, TOTAL, build_scenario

pytestmark = pytest.mark.django_db

ARGS = ["timeliness", "--agency", "000.00.51.H62", "--from", "2026-03-01", "--to", "2026-03-31"]


@pytest.fixture
def scenario():
    with time_machine.travel(AFTER, tick=False):
        yield build_scenario()


def report(*args) -> str:
    out = StringIO()
    with time_machine.travel(AFTER, tick=False):
        call_command("report", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_json_on_stdout(scenario):
    data = json.loads(report(*ARGS, "--format", "json"))

    assert (data["agency"], data["from"], data["to"], data["group_by"]) == (
        "000.00.51.H62",
        "2026-03-01",
        "2026-03-31",
        "field",
    )
    assert [row["key"] for row in data["rows"]] == ["CT", "HKD"]
    assert data["total"] == {**TOTAL, "on_time_rate": 0.75}


def test_json_is_the_default_format_and_groups_by_agency(scenario):
    office, _rows = scenario
    data = json.loads(report(*ARGS, "--group-by", "agency"))
    assert data["group_by"] == "agency"
    assert {row["key"] for row in data["rows"]} == {
        office.commune.code,
        office.economy.code,
        office.police.code,
    }


def test_files_with_output(scenario, tmp_path):
    xlsx, pdf, text = tmp_path / "r.xlsx", tmp_path / "r.pdf", tmp_path / "r.json"
    assert report(*ARGS, "--format", "xlsx", "--output", str(xlsx)) == ""
    report(*ARGS, "--format", "pdf", "--output", str(pdf), "--group-by", "procedure")
    report(*ARGS, "--output", str(text))

    sheet = load_workbook(BytesIO(xlsx.read_bytes())).active
    assert "Tổng cộng" in [cell.value for cell in sheet["B"]]
    assert "Đăng ký thành lập hộ kinh doanh" in PdfReader(pdf).pages[0].extract_text()
    assert json.loads(text.read_text(encoding="utf-8"))["total"]["received_total"] == 15


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"--agency": "KHONG.CO"}, "Không tìm thấy cơ quan có mã «KHONG.CO»."),
        ({"--from": "01/03/2026"}, "Ngày --from không hợp lệ: «01/03/2026». Dùng dạng 2026-03-31."),
        ({"--to": "2026-02-30"}, "Ngày --to không hợp lệ: «2026-02-30». Dùng dạng 2026-03-31."),
        ({"--from": "2026-04-01"}, "Ngày bắt đầu (01/04/2026) sau ngày kết thúc (31/03/2026)."),
        ({"--group-by": "officer"}, "Cách nhóm «officer» không hợp lệ"),
        ({"--format": "csv"}, "Định dạng «csv» không hợp lệ"),
        ({"--format": "xlsx"}, "Định dạng xlsx cần tệp kết quả: thêm --output TÊN_TỆP."),
        ({"--output": "/khong/co/thu/muc/r.json"}, "Không ghi được tệp /khong/co/thu/muc/r.json"),
    ],
)
def test_bad_arguments_exit_2(scenario, changes, message):
    args = list(ARGS)
    for option, value in changes.items():
        if option in args:
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
    with pytest.raises(CommandError) as error:
        report(*args)
    assert error.value.returncode == 2
    assert message in str(error.value)


def test_from_the_command_line_one_plain_line_and_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(["motcua", "report", "timeliness", "--agency", "X", "--to", "1"])
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("Tham số không hợp lệ: ")


def test_an_unknown_report_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(["motcua", "report", "chatluong"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.startswith("Tham số không hợp lệ: ")
