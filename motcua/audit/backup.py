"""Backups an operator can restore: the database and the uploaded files in one .tar.gz.

The archive holds `manifest.json` (format, motcua version, database engine, time, the applied
migrations, the sha256 and size of every other member), the database (`db.sqlite3`, a consistent
copy taken with SQLite's online backup API while the app keeps running, or `db.dump`, pg_dump's
custom format) and `media/…`, the files of the default storage when it is the local disk.

A restore checks everything before it touches anything: the engine, that the archive's migrations
all exist in this code (an archive from a newer version is refused), every member's sha256.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.core.files.storage import FileSystemStorage, default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.common.errors import Conflict, InvalidInput

FORMAT = "motcua-backup/1"
MANIFEST = "manifest.json"
DB_MEMBERS = {"sqlite": "db.sqlite3", "postgresql": "db.dump"}
CHUNK = 1024 * 1024


@dataclass
class Part:
    name: str
    sha256: str
    size: int


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    media_files: int = 0
    warnings: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _motcua_version() -> str:
    try:
        return version("motcua")
    except PackageNotFoundError:
        return "0"


def _engine(alias: str = DEFAULT_DB_ALIAS) -> str:
    vendor = connections[alias].vendor
    if vendor not in DB_MEMBERS:
        raise InvalidInput(
            _("Chưa hỗ trợ sao lưu cơ sở dữ liệu loại %(engine)s.") % {"engine": vendor},
            code="backup_engine",
        )
    return vendor


def applied_migrations(alias: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def local_media_root() -> Path | None:
    """The directory of the default storage, or None when files live elsewhere (S3)."""
    if isinstance(default_storage, FileSystemStorage):
        return Path(default_storage.location)
    return None


# -- database copies ---------------------------------------------------------------------------


def _sqlite_path(alias: str) -> str:
    name = str(connections[alias].settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise InvalidInput(
            _("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được."), code="backup_memory"
        )
    return name


def _sqlite_copy(source: str, target: Path) -> None:
    """SQLite's online backup: a consistent copy while other connections keep writing."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def _pg_env(alias: str) -> tuple[dict[str, str], str]:
    settings = connections[alias].settings_dict
    env = {**os.environ}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if settings.get(key):
            env[variable] = str(settings[key])
    return env, settings["NAME"]


def _major(text: str) -> int | None:
    found = re.search(r"(\d+)(?:\.\d+)?", text)
    return int(found.group(1)) if found else None


def pg_tool(name: str) -> str | None:
    """The full path of pg_dump / pg_restore (MOTCUA_PG_BIN overrides the search path)."""
    return shutil.which(name, path=os.environ.get("MOTCUA_PG_BIN") or None)


def pg_versions(alias: str = DEFAULT_DB_ALIAS) -> tuple[int | None, int | None]:
    """(server major, pg_dump major): pg_dump refuses a server newer than itself."""
    connection = connections[alias]
    connection.ensure_connection()
    server = connection.pg_version // 10000
    tool = pg_tool("pg_dump")
    if tool is None:
        return server, None
    try:
        output = subprocess.run(  # noqa: S603 - our own arguments, no shell
            [tool, "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return server, None
    return server, _major(output.split(")", 1)[-1])


def _pg_check_tools(alias: str) -> None:
    server, client = pg_versions(alias)
    if client is None:
        raise Conflict(
            _("Không tìm thấy pg_dump/pg_restore; hãy cài gói postgresql-client."),
            code="backup_pg_tools",
        )
    if server is not None and server > client:
        raise Conflict(
            _(
                "Máy chủ PostgreSQL là bản %(server)d nhưng pg_dump/pg_restore là bản %(client)d: "
                "hãy cài postgresql-client %(server)d trở lên."
            )
            % {"server": server, "client": client},
            code="backup_pg_version",
        )


def _run(command: list[str], env: dict[str, str]) -> None:
    """Run pg_dump / pg_restore (found by pg_tool) with our own arguments, no shell."""
    command = [pg_tool(command[0]) or command[0], *command[1:]]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise Conflict(
            _("%(tool)s thất bại: %(error)s")
            % {"tool": Path(command[0]).name, "error": result.stderr.strip()[-800:]},
            code="backup_tool_failed",
        )


# -- backup ------------------------------------------------------------------------------------


def backup_create(*, output: Path, alias: str = DEFAULT_DB_ALIAS) -> BackupResult:
    engine = _engine(alias)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    warnings: list[str] = []
    with tempfile.TemporaryDirectory(prefix="motcua-backup-") as work:
        database = Path(work) / DB_MEMBERS[engine]
        if engine == "sqlite":
            _sqlite_copy(_sqlite_path(alias), database)
        else:
            _pg_check_tools(alias)
            env, name = _pg_env(alias)
            _run(["pg_dump", "-Fc", "--no-owner", "-f", str(database), name], env)
        parts = [Part(database.name, _sha256(database), database.stat().st_size)]
        media_root = local_media_root()
        media_files: list[tuple[Path, str]] = []
        if media_root is None:
            warnings.append(
                _("Tệp đính kèm nằm trên kho lưu trữ ngoài (S3): hãy sao lưu kho đó riêng.")
            )
        elif media_root.is_dir():
            for path in sorted(p for p in media_root.rglob("*") if p.is_file()):
                member = "media/" + path.relative_to(media_root).as_posix()
                media_files.append((path, member))
                parts.append(Part(member, _sha256(path), path.stat().st_size))
        manifest = {
            "format": FORMAT,
            "motcua_version": _motcua_version(),
            "engine": engine,
            "created_at": timezone.now().isoformat(),
            "migrations": applied_migrations(alias),
            "media": "local" if media_root is not None else "external",
            "parts": [part.__dict__ for part in parts],
        }
        partial = output.with_name(output.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
            archive.addfile(info, io.BytesIO(data))
            archive.add(database, arcname=database.name, recursive=False)
            for path, member in media_files:
                archive.add(path, arcname=member, recursive=False)
        partial.replace(output)
    return BackupResult(output, manifest, len(media_files), warnings)


def default_output() -> Path:
    from django.conf import settings

    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    return Path(getattr(settings, "VAR_DIR", Path("var"))) / "backups" / f"motcua-{stamp}.tar.gz"
