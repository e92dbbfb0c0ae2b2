import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.catalog.models import Procedure
from motcua.catalog.tests.factories import BIRTH_RECORD, catalog_document


def write(path, document) -> str:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return str(path)


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_import_catalog_reports_what_it_did(tmp_path):
    path = write(tmp_path / "catalog.json", catalog_document())

    out, _err = run("import_catalog", path)
    again, _err = run("import_catalog", path)

    assert out == "Lĩnh vực: 1 mới, 0 cập nhật. Thủ tục: 2 mới, 0 cập nhật, 0 không đổi.\n"
    assert again == "Lĩnh vực: 0 mới, 0 cập nhật. Thủ tục: 0 mới, 0 cập nhật, 2 không đổi.\n"
    assert Procedure.objects.count() == 2


@pytest.mark.django_db
def test_import_catalog_dry_run_writes_nothing(tmp_path):
    path = write(tmp_path / "catalog.json", catalog_document())

    out, _err = run("import_catalog", path, "--dry-run")

    assert out.startswith("Chạy thử, không ghi dữ liệu. Lĩnh vực: 1 mới")
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_import_catalog_lists_every_error_and_exits_with_status_2(tmp_path):
    path = write(
        tmp_path / "catalog.json", catalog_document({**BIRTH_RECORD, "level": "x", "methods": []})
    )
    err = StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("import_catalog", path, stdout=StringIO(), stderr=err)

    assert caught.value.returncode == 2
    assert str(caught.value).startswith("Tệp danh mục có 2 lỗi. Dòng 11: procedures[0]")
    assert err.getvalue().splitlines() == [
        'Dòng 11: procedures[0] (code 1.001193).level: giá trị "x" không hợp lệ; '
        "chọn một trong: province, district, commune.",
        "Dòng 11: procedures[0] (code 1.001193).methods: "
        "phải là danh sách không rỗng các cách thức nộp: direct, online, postal.",
    ]
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_import_catalog_missing_file(tmp_path):
    with pytest.raises(CommandError) as caught:
        run("import_catalog", str(tmp_path / "none.json"))

    assert caught.value.returncode == 2
    assert str(caught.value) == (
        f"Không đọc được tệp {tmp_path / 'none.json'} (không có tệp hoặc thư mục này)."
    )


@pytest.mark.django_db
def test_export_catalog_to_stdout_and_to_a_file(tmp_path):
    run("import_catalog", write(tmp_path / "in.json", catalog_document()))

    out, _err = run("export_catalog")
    _out, err = run("export_catalog", "--output", str(tmp_path / "out.json"))

    assert json.loads(out)["procedures"][1] == BIRTH_RECORD
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == out
    assert err == f"Đã ghi {tmp_path / 'out.json'}.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.json", "out.json"]


@pytest.mark.django_db
def test_export_catalog_to_a_missing_directory_exits_with_status_2(tmp_path):
    with pytest.raises(CommandError) as caught:
        run("export_catalog", "--output", str(tmp_path / "no" / "out.json"))

    assert caught.value.returncode == 2
    assert str(caught.value) == (
        f"Không ghi được tệp {tmp_path / 'no' / 'out.json'} (không có tệp hoặc thư mục này)."
    )


def test_the_console_script_exits_2_on_a_syntax_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "motcua-catalog/1",\n  "fields": [}', encoding="utf-8")
    environment = {**os.environ, "MOTCUA_VAR_DIR": str(tmp_path), "DATABASE_URL": ""}

    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "config.cli", "import_catalog", str(bad)],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )

    assert completed.returncode == 2
    assert completed.stderr == (
        "CommandError: Tệp JSON sai cú pháp ở dòng 2, cột 14: "
        "thiếu giá trị hoặc giá trị không hợp lệ.\n"
    )
    assert "Traceback" not in completed.stderr
