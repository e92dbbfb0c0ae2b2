"""The `motcua due_date` contract: only the due time on stdout, exit 0; a bad argument: one
Vietnamese line on stderr, exit 2."""

import io
import subprocess
import sys
from datetime import date, time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.workdays.management.commands.due_date import Command
from motcua.workdays.models import CalendarEntryKind
from motcua.workdays.services import calendar_entry_create, office_hours_set

ROOT = Path(__file__).resolve().parents[3]


def due_date(*args: str) -> str:
    out = io.StringIO()
    call_command("due_date", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
class TestOutput:
    def test_the_contract_example(self):
        assert due_date("--start", "2026-02-13T16:30", "--amount", "3", "--unit", "days") == (
            "2026-02-25T17:00:00+07:00\n"
        )

    def test_unit_defaults_to_days_and_a_start_with_an_offset_is_converted(self):
        assert due_date("--start", "2026-02-13T09:30:00+00:00", "--amount", "3") == (
            "2026-02-25T17:00:00+07:00\n"
        )

    @pytest.mark.parametrize(
        ("start", "amount", "unit", "expected"),
        [
            ("2026-03-02T10:00", "4", "hours", "2026-03-02T16:00:00+07:00"),
            ("2026-03-02T10:00", "0", "days", "2026-03-02T17:00:00+07:00"),
            ("2026-03-02T07:30", "0.5", "days", "2026-03-02T11:15:00+07:00"),
            ("2026-03-02T07:30", "0,5", "days", "2026-03-02T11:15:00+07:00"),
            ("2026-01-09T09:00", "1", "days", "2026-01-10T09:00:00+07:00"),
            ("2026-03-02", "1", "days", "2026-03-02T17:00:00+07:00"),
        ],
    )
    def test_examples(self, start, amount, unit, expected):
        assert due_date("--start", start, "--amount", amount, "--unit", unit) == expected + "\n"

    def test_an_agencys_own_calendar_and_hours(self, tree):
        calendar_entry_create(
            date=date(2026, 3, 3),
            kind=CalendarEntryKind.DAY_OFF,
            name="Nghỉ",
            agencies=[tree["district"]],
        )
        office_hours_set(agency=tree["province"], afternoon_close=time(16, 30))
        args = ["--start", "2026-03-02T09:00", "--amount", "1"]
        assert due_date(*args, "--agency", "H56.06.01") == "2026-03-04T09:00:00+07:00\n"
        assert due_date(*args, "--agency", "H56.10") == "2026-03-03T09:00:00+07:00\n"
        assert due_date(*args, "--agency", "H40") == "2026-03-03T09:00:00+07:00\n"
        assert due_date("--start", "2026-03-02T10:00", "--amount", "0", "--agency", "H56") == (
            "2026-03-02T16:30:00+07:00\n"
        )


@pytest.mark.django_db
class TestBadArguments:
    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--start", "2026-02-13T16:3x", "--amount", "3"], "Thời điểm tiếp nhận không hợp lệ"),
            (["--start", "13/02/2026", "--amount", "3"], "Thời điểm tiếp nhận không hợp lệ"),
            (["--amount", "3"], "Thiếu thời điểm tiếp nhận"),
            (["--start", "2026-02-13T16:30"], "Thiếu thời hạn"),
            (["--start", "2026-02-13T16:30", "--amount", "-1"], "Thời hạn không được âm"),
            (["--start", "2026-02-13T16:30", "--amount", "ba"], "Thời hạn không hợp lệ"),
            (["--start", "2026-02-13T16:30", "--amount", "NaN"], "Thời hạn không hợp lệ"),
            (
                ["--start", "2026-02-13T16:30", "--amount", "3", "--unit", "weeks"],
                "Đơn vị không hợp lệ",
            ),
            (
                ["--start", "2026-02-13T16:30", "--amount", "3", "--agency", "KHONG.CO"],
                "Không tìm thấy cơ quan có mã «KHONG.CO»",
            ),
            (["--start", "2226-02-13T16:30", "--amount", "3"], "1901–2100"),
            (["--start", "2026-02-13T16:30", "--amount", "1e9"], "1901–2100"),
            (["--start", "2026-02-13T16:30", "--amount", "3", "--bogus"], "Tham số không hợp lệ"),
        ],
    )
    def test_call_command_raises_a_command_error_with_status_2(self, args, message):
        with pytest.raises(CommandError) as error:
            due_date(*args)
        assert error.value.returncode == 2
        assert message in str(error.value)

    def test_from_the_command_line_one_plain_line_and_exit_2(self, capsys):
        with pytest.raises(SystemExit) as exit_:
            Command().run_from_argv(
                [
                    "motcua",
                    "due_date",
                    "--start",
                    "2026-03-02T09:00",
                    "--amount",
                    "1",
                    "--agency",
                    "X",
                ]
            )
        assert exit_.value.code == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err == "Không tìm thấy cơ quan có mã «X».\n"


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["--start", "2026-02-30T16:30", "--amount", "3"],
            "Thời điểm tiếp nhận không hợp lệ: «2026-02-30T16:30». Dùng dạng ISO 8601, ví dụ "
            "2026-02-13T16:30 hoặc 2026-02-13T16:30+07:00.",
        ),
        (
            ["--start", "2026-02-13T16:30", "--amount", "-3"],
            "Thời hạn không được âm: «-3».",
        ),
        (
            ["--start", "2026-02-13T16:30", "--amount", "3", "--unit", "tuần"],
            "Đơn vị không hợp lệ: «tuần». Dùng days (ngày làm việc) hoặc hours (giờ làm việc).",
        ),
    ],
)
def test_the_console_script_exits_with_2_and_no_traceback(args, line):
    result = subprocess.run(  # noqa: S603 — fixed arguments
        [sys.executable, "-m", "config.cli", "due_date", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == line + "\n"


def test_help_is_printed_in_vietnamese_with_exit_0():
    result = subprocess.run(
        [sys.executable, "-m", "config.cli", "due_date", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert "Tính hạn giải quyết" in result.stdout
    assert result.stderr == ""
