"""The citizen answers a supplement request (form 02) of their own online dossier: one file per
requested item and a note. Every file is inspected before any is stored, then the files and the
answer are written in one transaction, so the dossier returns to the desk complete or not at all.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.common.errors import Conflict, InvalidInput
from motcua.dossiers.models import Dossier, SupplementRequest
from motcua.dossiers.services import (
    dossier_attach_file,
    dossier_supplement_received,
    upload_inspect,
)
from motcua.dossiers.services._common import clean_note
from motcua.dossiers.statuses import DossierStatus
from motcua.organizations.models import User
from motcua.portal.citizen_selectors import citizen_dossier_get
from motcua.portal.citizen_services import MAX_DOSSIER_SIZE


def citizen_supplement_request(*, dossier: Dossier) -> SupplementRequest | None:
    """The open supplement request the citizen is asked to answer, None when there is none."""
    if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED:
        return None
    return (
        SupplementRequest.objects.filter(dossier=dossier, answered_at__isnull=True)
        .order_by("-requested_at", "-id")
        .first()
    )


def citizen_supplement_answer(*, user: User, code: str, uploads: dict, note: str = "") -> Dossier:
    """Answer the open supplement request of the citizen's dossier `code`.

    `uploads` maps each requested item's position (0, 1, …) to its file; every item needs one.
    Another citizen's dossier is the same NotFound as an unknown code."""
    dossier = citizen_dossier_get(user=user, code=code)
    request = citizen_supplement_request(dossier=dossier)
    if request is None:
        raise Conflict(
            _("Hồ sơ không có yêu cầu bổ sung nào đang chờ trả lời."),
            code="no_open_supplement_request",
        )
    items = [str(item) for item in request.items]
    missing = [item for position, item in enumerate(items) if uploads.get(position) is None]
    if missing:
        raise InvalidInput(
            _("Chưa tải lên giấy tờ cần bổ sung: %(names)s.") % {"names": "; ".join(missing)},
            code="documents_missing",
        )
    total = 0
    for position, item in enumerate(items):
        try:
            total += upload_inspect(upload=uploads[position])[2]
        except InvalidInput as exc:
            raise InvalidInput(
                _("«%(document)s»: %(message)s") % {"document": item[:120], "message": exc.message},
                code=exc.code,
            ) from None
    if total > MAX_DOSSIER_SIZE:
        raise InvalidInput(
            _("Tổng dung lượng các tệp bổ sung lớn hơn 50 MB."), code="dossier_too_large"
        )
    note = clean_note(note)
    stored: list = []
    try:
        with transaction.atomic():
            for position in range(len(items)):
                stored.append(
                    dossier_attach_file(actor=user, dossier=dossier, upload=uploads[position])
                )
            return dossier_supplement_received(
                actor=user,
                dossier=dossier,
                documents=[{"name": item[:500]} for item in items],
                note=note,
            )
    except BaseException:
        # The rollback keeps no row of these files; their content on disk goes too.
        for record in stored:
            record.file.delete(save=False)
        raise
