"""`motcua backup` / `motcua restore` round-trip a populated database with its files, through the
console script as an operator runs it: SQLite (a file database in tmp_path) and PostgreSQL (a
dedicated database, created and dropped here). Refusals are checked before anything is touched."""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.db import connection, connections

from motcua.audit.backup import FORMAT, applied_migrations
from motcua.audit.restore import backup_restore
from motcua.audit.tests.backup_world import populate
from motcua.common.errors import Conflict, InvalidInput

MOTCUA = str(Path(sys.executable).parent / "motcua")
PG_DATABASE = "motcua_g_backup"
SUMMARY = "from motcua.audit.tests.backup_world import summary; summary()"
DAMAGE = "from motcua.audit.tests.backup_world import damage; damage()"


def cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - the project's own console script
        [MOTCUA, *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


def summary(env: dict) -> dict:
    result = cli(env, "shell", "-c", SUMMARY)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def round_trip(env: dict, tmp_path: Path, codes: list[str]) -> None:
    archive = tmp_path / "sao-luu" / "motcua.tar.gz"
    before = summary(env)
    assert before["dossiers"] == 3
    assert len(before["files"]) == 2
    assert all(before["files"].values())
    assert [code for code, _action, _to in before["events"]].count(codes[0]) >= 2

    made = cli(env, "backup", "--output", str(archive))
    assert made.returncode == 0, made.stderr
    assert "Đã sao lưu vào" in made.stdout
    with tarfile.open(archive) as opened:
        names = opened.getnames()
        manifest = json.load(opened.extractfile("manifest.json"))
    assert names[0] == "manifest.json"
    assert sorted(part["name"] for part in manifest["parts"]) == sorted(names[1:])
    assert len([name for name in names if name.startswith("media/dossiers/")]) == 2
    assert manifest["format"] == FORMAT
    assert "0001_initial" in manifest["migrations"]["audit"]

    damaged = cli(env, "shell", "-c", DAMAGE)
    assert damaged.returncode == 0, damaged.stderr
    after_damage = summary(env)
    assert after_damage != before
    assert after_damage["users"] == before["users"] - 1
    assert None in after_damage["files"].values()

    refused = cli(env, "restore", str(archive))
    assert refused.returncode == 2
    assert "--yes" in refused.stderr
    assert summary(env) == after_damage  # nothing touched without --yes

    restored = cli(env, "restore", str(archive), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert "Đã khôi phục bản sao lưu" in restored.stdout
    assert "3 hồ sơ" in restored.stdout
    assert "1 tệp không có trong bản sao lưu đã được xoá" in restored.stdout
    assert summary(env) == before
    media = tmp_path / "media"
    assert not (media / "dossiers" / "la.txt").exists()
    pdf = next(media.rglob("*.pdf")).read_bytes()
    assert pdf.startswith(b"%PDF-1.7")


def env_for(database_url: str, tmp_path: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "MOTCUA_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


@pytest.fixture
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite round trip")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sqlite_backup_and_restore_round_trip(tmp_path, media):
    codes = populate()
    live = tmp_path / "motcua.sqlite3"
    copy = sqlite3.connect(live)
    connection.ensure_connection()
    connection.connection.backup(copy)
    copy.close()

    round_trip(env_for(f"sqlite:///{live}", tmp_path), tmp_path, codes)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL round trip")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgresql_backup_and_restore_round_trip(tmp_path, media):
    codes = populate()
    settings_dict = connection.settings_dict
    source = settings_dict["NAME"]
    server = {
        "host": settings_dict.get("HOST") or "127.0.0.1",
        "port": settings_dict.get("PORT") or 5432,
        "user": settings_dict.get("USER") or "postgres",
        "password": settings_dict.get("PASSWORD") or None,
    }
    connections.close_all()  # CREATE DATABASE … TEMPLATE needs the source idle
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{PG_DATABASE}" TEMPLATE "{source}"')
    try:
        auth = server["user"] + (f":{server['password']}" if server["password"] else "")
        url = f"postgres://{auth}@{server['host']}:{server['port']}/{PG_DATABASE}"
        round_trip(env_for(url, tmp_path), tmp_path, codes)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')


# -- refusals (nothing restored) ---------------------------------------------------------------


def craft(path: Path, manifest: dict, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in {"manifest.json": json.dumps(manifest).encode(), **members}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def manifest_for(members: dict[str, bytes], **changes) -> dict:
    return {
        "format": FORMAT,
        "engine": connection.vendor,
        "created_at": "2026-03-02T01:00:00+00:00",
        "migrations": applied_migrations(),
        "media": "local",
        "parts": [
            {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in members.items()
        ],
        **changes,
    }


DB_MEMBER = {"sqlite": "db.sqlite3", "postgresql": "db.dump"}


@pytest.mark.django_db
def test_an_archive_of_another_engine_is_refused(tmp_path, media):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    members = {DB_MEMBER[other]: b"x"}
    path = craft(tmp_path / "b.tar.gz", manifest_for(members, engine=other), members)

    with pytest.raises(Conflict) as caught:
        backup_restore(path=path)

    assert caught.value.code == "backup_engine_mismatch"
    assert other in str(caught.value.message)


@pytest.mark.django_db
def test_an_archive_from_a_newer_version_is_refused(tmp_path, media):
    members = {DB_MEMBER[connection.vendor]: b"x"}
    migrations = applied_migrations()
    migrations["audit"] = [*migrations["audit"], "0999_tuong_lai"]
    path = craft(tmp_path / "b.tar.gz", manifest_for(members, migrations=migrations), members)

    with pytest.raises(Conflict) as caught:
        backup_restore(path=path)

    assert caught.value.code == "backup_newer"
    assert "audit.0999_tuong_lai" in str(caught.value.message)


@pytest.mark.django_db
def test_a_damaged_or_foreign_archive_is_refused_before_anything_is_written(tmp_path, media):
    (media / "giu-nguyen.txt").write_bytes(b"still here")
    members = {DB_MEMBER[connection.vendor]: b"x", "media/a.txt": b"abc"}
    manifest = manifest_for(members)
    damaged = craft(tmp_path / "b.tar.gz", manifest, {**members, "media/a.txt": b"abd"})
    escaping = craft(
        tmp_path / "c.tar.gz",
        manifest_for({"media/../../etc/x": b"x"}),
        {"media/../../etc/x": b"x"},
    )
    (tmp_path / "d.tar.gz").write_bytes(b"not an archive")

    with pytest.raises(InvalidInput, match="sha256"):
        backup_restore(path=damaged)
    with pytest.raises(InvalidInput, match="hỏng"):
        backup_restore(path=escaping)
    with pytest.raises(InvalidInput, match="không phải bản sao lưu"):
        backup_restore(path=tmp_path / "d.tar.gz")
    assert [p.name for p in media.iterdir()] == ["giu-nguyen.txt"]


def test_the_commands_answer_a_bad_argument_in_one_vietnamese_line(tmp_path):
    env = env_for(f"sqlite:///{tmp_path / 'khong-co.sqlite3'}", tmp_path)

    missing = cli(env, "restore", str(tmp_path / "khong-co.tar.gz"), "--yes")

    assert missing.returncode == 2
    assert missing.stderr.strip().startswith("Không tìm thấy tệp")
    assert "Traceback" not in missing.stderr


def test_a_postgresql_server_newer_than_pg_dump_is_named_clearly(monkeypatch):
    from motcua.audit import backup

    monkeypatch.setattr(backup, "pg_versions", lambda alias="default": (17, 15))

    with pytest.raises(Conflict) as caught:
        backup._pg_check_tools("default")

    assert caught.value.code == "backup_pg_version"
    assert "bản 17" in str(caught.value.message)
    assert "bản 15" in str(caught.value.message)
    assert "postgresql-client 17" in str(caught.value.message)
