"""Restoring a backup made by motcua.audit.backup: every check first, then the database, then the
uploaded files (the media directory ends up exactly as it was in the archive)."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from motcua.audit.backup import (
    CHUNK,
    DB_MEMBERS,
    FORMAT,
    MANIFEST,
    _engine,
    _pg_check_tools,
    _pg_env,
    _run,
    _sqlite_path,
    local_media_root,
)
from motcua.common.errors import Conflict, InvalidInput


@dataclass
class RestoreResult:
    manifest: dict
    media_files: int = 0
    media_removed: int = 0
    migrations_behind: list[str] = field(default_factory=list)


def _invalid(message: str, code: str = "backup_invalid") -> InvalidInput:
    return InvalidInput(message, code=code)


def backup_read_manifest(path: Path) -> dict:
    """The manifest of an archive, checked for shape (not yet for content)."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.getmember(MANIFEST)
            handle = archive.extractfile(member)
            manifest = json.loads(handle.read().decode("utf-8")) if handle else None
    except FileNotFoundError:
        raise _invalid(_("Không tìm thấy tệp %(path)s.") % {"path": path}) from None
    except (tarfile.TarError, KeyError, OSError, ValueError, UnicodeDecodeError, EOFError):
        raise _invalid(
            _("%(path)s không phải bản sao lưu motcua hợp lệ.") % {"path": path}
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _invalid(_("%(path)s không phải bản sao lưu motcua hợp lệ.") % {"path": path})
    parts = manifest.get("parts")
    if not isinstance(parts, list) or not all(_safe_part(part) for part in parts):
        raise _invalid(_("Danh mục của bản sao lưu bị hỏng."))
    return manifest


def _safe_part(part) -> bool:
    if not isinstance(part, dict) or not isinstance(part.get("name"), str):
        return False
    name = PurePosixPath(part["name"])
    if name.is_absolute() or ".." in name.parts:
        return False
    return part["name"] in DB_MEMBERS.values() or (len(name.parts) > 1 and name.parts[0] == "media")


def _check_compatible(manifest: dict, alias: str) -> list[str]:
    """Refuse another engine or a newer migration state; the migrations this code has beyond the
    archive's are returned (`motcua migrate` applies them after the restore)."""
    engine = _engine(alias)
    if manifest.get("engine") != engine:
        raise Conflict(
            _(
                "Bản sao lưu là của cơ sở dữ liệu %(archive)s, hệ thống đang dùng %(engine)s: "
                "không khôi phục được."
            )
            % {"archive": manifest.get("engine"), "engine": engine},
            code="backup_engine_mismatch",
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    archived = {
        (app, name) for app, names in (manifest.get("migrations") or {}).items() for name in names
    }
    unknown = sorted(archived - known)
    if unknown:
        shown = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise Conflict(
            _(
                "Bản sao lưu được tạo bởi phiên bản mới hơn (có các bước chuyển đổi dữ liệu chưa "
                "có ở đây: %(migrations)s). Hãy cập nhật motcua trước khi khôi phục."
            )
            % {"migrations": shown},
            code="backup_newer",
        )
    apps = {app for app, _name in archived}
    return sorted(f"{app}.{name}" for app, name in known - archived if app in apps)


def _extract_verified(path: Path, manifest: dict, work: Path) -> dict[str, Path]:
    """Every part of the manifest, extracted and checked against its sha256 and size."""
    expected = {part["name"]: part for part in manifest["parts"]}
    found: dict[str, Path] = {}
    with tarfile.open(path, "r:gz") as archive:
        for member in archive:
            if member.name == MANIFEST:
                continue
            part = expected.get(member.name)
            if part is None or not member.isfile():
                raise _invalid(_("Bản sao lưu chứa mục lạ: %(name)s.") % {"name": member.name})
            target = work / "parts" / f"{len(found):06d}"
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            source = archive.extractfile(member)
            with target.open("wb") as handle:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    handle.write(chunk)
            if digest.hexdigest() != part.get("sha256") or member.size != part.get("size"):
                raise _invalid(
                    _("Tệp %(name)s trong bản sao lưu bị hỏng (sai mã kiểm tra sha256).")
                    % {"name": member.name}
                )
            found[member.name] = target
    missing = sorted(set(expected) - set(found))
    if missing:
        raise _invalid(_("Bản sao lưu thiếu %(name)s.") % {"name": missing[0]})
    return found


def _restore_sqlite(source: Path, alias: str) -> None:
    target = _sqlite_path(alias)
    connections[alias].close()
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def _restore_postgresql(source: Path, alias: str) -> None:
    _pg_check_tools(alias)
    env, name = _pg_env(alias)
    connections[alias].close()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "-d",
            name,
            str(source),
        ],
        env,
    )


def _restore_media(parts: dict[str, Path], root: Path) -> tuple[int, int]:
    """Write the archive's files and remove the ones it does not hold."""
    root.mkdir(parents=True, exist_ok=True)
    wanted = set()
    for name, extracted in parts.items():
        if not name.startswith("media/"):
            continue
        relative = PurePosixPath(name).relative_to("media")
        target = root.joinpath(*relative.parts)
        if not target.resolve().is_relative_to(root.resolve()):
            raise _invalid(_("Bản sao lưu chứa mục lạ: %(name)s.") % {"name": name})
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(extracted, target)
        wanted.add(target.resolve())
    removed = 0
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_file() and path.resolve() not in wanted:
            path.unlink()
            removed += 1
    return len(wanted), removed


def backup_restore(*, path: Path, alias: str = DEFAULT_DB_ALIAS) -> RestoreResult:
    path = Path(path)
    manifest = backup_read_manifest(path)
    behind = _check_compatible(manifest, alias)
    media_root = local_media_root()
    with tempfile.TemporaryDirectory(prefix="motcua-restore-") as work:
        parts = _extract_verified(path, manifest, Path(work))
        database = parts.get(DB_MEMBERS[manifest["engine"]])
        if database is None:
            raise _invalid(_("Bản sao lưu không có cơ sở dữ liệu."))
        if manifest["engine"] == "sqlite":
            _restore_sqlite(database, alias)
        else:
            _restore_postgresql(database, alias)
        written = removed = 0
        if media_root is not None and manifest.get("media") == "local":
            written, removed = _restore_media(parts, media_root)
    return RestoreResult(manifest, written, removed, behind)
