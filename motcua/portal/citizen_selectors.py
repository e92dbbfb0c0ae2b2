"""What a citizen reads about their own dossiers: the list, one dossier, one file.

The only access rule: the dossier's applicant_user is the citizen. Anything else (another
citizen's dossier, an unknown code, a file of another dossier) is the same NotFound.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from motcua.common.errors import NotFound
from motcua.dossiers.models import Dossier, DossierFile, ReturnMethod, SupplementRequest
from motcua.dossiers.public import status_label
from motcua.dossiers.statuses import DossierStatus


@dataclass(frozen=True)
class Todo:
    text: str
    items: tuple[str, ...] = ()
    deadline: datetime | None = None


def _local(value: datetime | None) -> datetime | None:
    return value.astimezone(ZoneInfo(settings.MOTCUA_OFFICE_TIME_ZONE)) if value else None


def citizen_dossiers(*, user) -> QuerySet[Dossier]:
    if user is None or not user.is_authenticated:
        return Dossier.objects.none()
    return Dossier.objects.filter(applicant_user=user)


def _open_requests() -> Prefetch:
    return Prefetch(
        "supplement_requests",
        queryset=SupplementRequest.objects.filter(answered_at__isnull=True).order_by(
            "-requested_at"
        ),
        to_attr="open_requests",
    )


def citizen_dossier_list(*, user) -> list[Dossier]:
    """The citizen's dossiers, newest first, each with `status_text` and `todo` (two queries)."""
    dossiers = list(
        citizen_dossiers(user=user)
        .select_related("receiving_agency")
        .prefetch_related(_open_requests())
        .order_by("-submitted_at", "-received_at", "-id")
    )
    for dossier in dossiers:
        _annotate(dossier)
    return dossiers


def citizen_dossier_get(*, user, code: str) -> Dossier:
    dossier = (
        citizen_dossiers(user=user)
        .select_related("receiving_agency", "procedure")
        .prefetch_related(
            _open_requests(),
            Prefetch("files", queryset=DossierFile.objects.order_by("uploaded_at", "id")),
            "documents",
        )
        .filter(code=(code or "").strip())
        .first()
    )
    if dossier is None:
        raise NotFound(_("Không tìm thấy hồ sơ."), code="dossier_not_found")
    return _annotate(dossier)


def citizen_dossier_file(*, user, code: str, file_id: int) -> DossierFile:
    stored = (
        DossierFile.objects.filter(
            pk=file_id, dossier__code=(code or "").strip(), dossier__applicant_user=user
        )
        .select_related("dossier")
        .first()
        if user is not None and user.is_authenticated
        else None
    )
    if stored is None:
        raise NotFound(_("Không tìm thấy tệp."), code="file_not_found")
    return stored


def _annotate(dossier: Dossier) -> Dossier:
    dossier.status_text = status_label(dossier.status)
    dossier.due_local = _local(dossier.due_at)
    dossier.todo = citizen_todo(dossier=dossier)
    return dossier


def citizen_todo(*, dossier: Dossier) -> Todo | None:
    """What is expected of the citizen now, or None while the offices work."""
    status = dossier.status
    if status == DossierStatus.SUPPLEMENT_REQUESTED:
        requests = getattr(dossier, "open_requests", None)
        if requests is None:
            requests = list(
                dossier.supplement_requests.filter(answered_at__isnull=True).order_by(
                    "-requested_at"
                )
            )
        request = requests[0] if requests else None
        return Todo(
            text=_("Bổ sung các giấy tờ sau và nộp lại tại %(desk)s:")
            % {"desk": dossier.receiving_agency.name},
            items=tuple(str(item) for item in (request.items if request else [])),
            deadline=_local(request.deadline_at) if request else None,
        )
    if status == DossierStatus.AWAITING_PAYMENT:
        return Todo(text=_("Thực hiện nghĩa vụ tài chính (nộp thuế, phí) theo thông báo."))
    if status == DossierStatus.RESULT_READY:
        if dossier.return_method == ReturnMethod.POST:
            return Todo(text=_("Kết quả sẽ được gửi đến bạn qua bưu chính công ích."))
        if dossier.return_method == ReturnMethod.ELECTRONIC:
            return Todo(text=_("Kết quả điện tử đã sẵn sàng: tải về trong trang hồ sơ."))
        return Todo(
            text=_("Đến %(desk)s nhận kết quả, mang theo giấy tờ tùy thân.")
            % {"desk": dossier.receiving_agency.name}
        )
    if status == DossierStatus.NOT_ACCEPTED:
        return Todo(text=_("Hồ sơ không được tiếp nhận: xem lý do trong trang hồ sơ."))
    return None
