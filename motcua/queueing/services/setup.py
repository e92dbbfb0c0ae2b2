"""The desk's queue set-up: service areas, which counters serve them, and the board's notice.
Each change bumps the board version so the boards show it at once."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.common.errors import InvalidInput
from motcua.organizations.models import Agency, AgencyKind, Counter
from motcua.queueing.models import BoardNotice, CounterService, ServiceArea
from motcua.queueing.services._common import board_touch, now


def _require_desk(desk) -> Agency:
    if not isinstance(desk, Agency) or desk.kind != AgencyKind.SERVICE_CENTER:
        raise InvalidInput(
            _("Chỉ bộ phận một cửa / trung tâm phục vụ hành chính công mới có hàng chờ."),
            code="not_a_desk",
        )
    return desk


def _full_clean(instance, *, code: str, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        messages = [
            str(m) for field_messages in error.message_dict.values() for m in field_messages
        ]
        raise InvalidInput(" ".join(messages), code=code) from None


@transaction.atomic
def service_area_create(
    *,
    desk: Agency,
    code: str,
    name: str,
    field=None,
    order: int = 0,
    counters: Iterable[Counter] = (),
    is_active: bool = True,
) -> ServiceArea:
    desk = _require_desk(desk)
    area = ServiceArea(
        desk=desk,
        code=(code or "").strip().upper(),
        name=(name or "").strip(),
        field=field,
        order=order,
        is_active=is_active,
    )
    _full_clean(area, code="invalid_service_area")
    area.save()
    service_area_set_counters(service_area=area, counters=counters)
    return area


@transaction.atomic
def service_area_set_counters(*, service_area: ServiceArea, counters: Iterable[Counter]) -> None:
    """Exactly these counters (of the area's desk) call this area's tickets."""
    wanted = {counter.pk: counter for counter in counters}
    if any(counter.desk_id != service_area.desk_id for counter in wanted.values()):
        raise InvalidInput(
            _("Chỉ gán được các quầy của cùng bộ phận một cửa."), code="invalid_counter"
        )
    CounterService.objects.filter(service_area=service_area).exclude(counter_id__in=wanted).delete()
    present = set(
        CounterService.objects.filter(service_area=service_area).values_list(
            "counter_id", flat=True
        )
    )
    CounterService.objects.bulk_create(
        CounterService(counter=counter, service_area=service_area)
        for pk, counter in wanted.items()
        if pk not in present
    )
    board_touch(desk=service_area.desk, at=now())


@transaction.atomic
def board_notice_save(*, notice: BoardNotice) -> BoardNotice:
    """Create or change a line of the board's scrolling notice."""
    _require_desk(notice.desk)
    notice.text = (notice.text or "").strip()
    if not notice.text:
        raise InvalidInput(_("Nội dung thông báo không được để trống."), code="required")
    _full_clean(notice, code="invalid_notice")
    notice.save()
    board_touch(desk=notice.desk, at=now())
    return notice


@transaction.atomic
def board_notice_delete(*, notice: BoardNotice) -> None:
    desk = notice.desk
    notice.delete()
    board_touch(desk=desk, at=now())


@transaction.atomic
def board_refresh(*, desk: Agency) -> int:
    """Make the desk's boards re-read everything (after a change of its set-up)."""
    return board_touch(desk=_require_desk(desk), at=now())
