"""Files of a dossier: scans of the documents and the electronic result.

The type is decided by the content (magic bytes), never by the name or the browser's claim; the
stored name is random, the original name is kept only as text."""

import hashlib
import unicodedata
import uuid
from pathlib import PurePosixPath, PureWindowsPath

from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from motcua.dossiers.access import Reach, may_work_on
from motcua.dossiers.models import Dossier, DossierDocument, DossierFile, FileKind
from motcua.dossiers.services._common import (
    _visible,
    load_steps,
    lock,
    now,
    record_event,
    save,
)
from motcua.dossiers.services.holds import applicant_answers_online
from motcua.dossiers.statuses import OPEN, Action, DossierStatus

MAX_FILE_SIZE = 20 * 1024 * 1024  # 20 MB per file
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
ATTACH_FILE = Action.ATTACH_FILE  # the event's action
_WHEN = {
    FileKind.ATTACHMENT: frozenset({DossierStatus.SUBMITTED, *OPEN}),
    FileKind.RESULT: frozenset(
        {
            DossierStatus.PROCESSING,
            DossierStatus.AWAITING_SIGNATURE,
            DossierStatus.AWAITING_PARTNER,
            DossierStatus.RESULT_READY,
        }
    ),
}
_CHUNK = 1024 * 1024


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the first bytes, None for anything else."""
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


def _original_name(name, extension: str) -> str:
    # A browser may send a full Windows or POSIX path; keep the last part, printable only.
    base = PureWindowsPath(PurePosixPath(str(name or "")).name).name
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return (base or f"tep{extension}")[:255]


def _size(upload) -> int | None:
    size = getattr(upload, "size", None)
    return size if isinstance(size, int) else None


def upload_inspect(*, upload) -> tuple[str, str, int, str]:
    """(content type, extension, size, sha256) of an acceptable upload, or InvalidInput.

    Reads the whole file and stores nothing: a batch of uploads (the scans of an intake) is
    inspected first, so a bad file among them refuses the batch before any file reaches the
    storage, where a rollback could not remove it."""
    if upload is None or not hasattr(upload, "read"):
        raise InvalidInput(_("Chưa chọn tệp."), code="file_missing")
    size = _size(upload)
    if size is not None and size > MAX_FILE_SIZE:
        raise InvalidInput(_("Tệp lớn hơn 20 MB."), code="file_too_large")
    upload.seek(0)
    digest = hashlib.sha256()
    read = 0
    head = b""
    while chunk := upload.read(_CHUNK):
        if not head:
            head = chunk[:16]
        read += len(chunk)
        if read > MAX_FILE_SIZE:
            raise InvalidInput(_("Tệp lớn hơn 20 MB."), code="file_too_large")
        digest.update(chunk)
    if read == 0:
        raise InvalidInput(_("Tệp rỗng."), code="file_empty")
    sniffed = sniff(head)
    if sniffed is None:
        raise InvalidInput(_("Chỉ nhận tệp PDF, JPEG hoặc PNG."), code="file_type_not_allowed")
    upload.seek(0)
    return (*sniffed, read, digest.hexdigest())


def _applicant_may_attach(actor, dossier: Dossier, kind: str) -> bool:
    # The citizen uploads the documents of their own online submission, before the desk checks it,
    # and the missing ones when the desk asks for them.
    if kind == FileKind.ATTACHMENT and applicant_answers_online(actor, dossier):
        return True
    return (
        kind == FileKind.ATTACHMENT
        and dossier.status == DossierStatus.SUBMITTED
        and actor is not None
        and actor.is_authenticated
        and dossier.applicant_user_id == actor.pk
    )


@transaction.atomic
def dossier_attach_file(
    *,
    actor,
    dossier: Dossier,
    upload,
    kind: str = FileKind.ATTACHMENT,
    document: DossierDocument | None = None,
) -> DossierFile:
    """Store an uploaded PDF, JPEG or PNG (at most 20 MB) on the dossier; a scan at the desk
    marks the dossier digitized."""
    dossier = lock(dossier)
    steps = load_steps(dossier)
    if not _applicant_may_attach(actor, dossier, kind) and not may_work_on(
        user=actor, dossier=dossier, steps=steps, reach=Reach.of(actor)
    ):
        if not _visible(actor, dossier):
            raise NotFound(code="dossier_not_found")
        raise Forbidden(_("Bạn không được đính kèm tệp vào hồ sơ này."), code="role_not_allowed")
    if kind not in FileKind.values:
        raise InvalidInput(_("Loại tệp không hợp lệ."), code="invalid_file_kind")
    if dossier.status not in _WHEN[kind]:
        raise Conflict(
            _("Không thể đính kèm «%(kind)s» khi hồ sơ ở trạng thái «%(status)s».")
            % {"kind": FileKind(kind).label, "status": DossierStatus(dossier.status).label},
            code="transition_not_allowed",
        )
    if document is not None and document.dossier_id != dossier.pk:
        raise InvalidInput(_("Giấy tờ không thuộc hồ sơ này."), code="document_not_in_dossier")
    content_type, extension, read, sha256 = upload_inspect(upload=upload)
    at = now()
    stored = DossierFile(
        dossier=dossier,
        document=document,
        kind=kind,
        original_name=_original_name(getattr(upload, "name", ""), extension),
        content_type=content_type,
        size=read,
        sha256=sha256,
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
        uploaded_at=at,
    )
    stored.file.save(f"{uuid.uuid4().hex}{extension}", File(upload), save=False)
    stored.save()
    if kind == FileKind.ATTACHMENT and not dossier.is_digitized:
        dossier.is_digitized = True
        save(dossier, "is_digitized")
    record_event(
        dossier,
        action=ATTACH_FILE,
        from_status=dossier.status,
        actor=actor,
        at=at,
        data={
            "file": stored.pk,
            "kind": kind,
            "name": stored.original_name,
            "size": read,
            "sha256": stored.sha256,
        },
    )
    return stored
