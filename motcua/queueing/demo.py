"""The demo queue of huyện Hàm Yên's reception desk (the seed story): one service area per
counter, grouped by the catalog's fields, and a notice on the board. Idempotent: an area or a
notice that exists is left as it is."""

from dataclasses import dataclass

from django.db import transaction

from motcua.catalog.models import Field
from motcua.catalog.services import field_create
from motcua.organizations.demo import DISTRICT_DESK_CODE
from motcua.organizations.models import Agency, Counter
from motcua.queueing.models import BoardNotice, ServiceArea
from motcua.queueing.services import board_notice_save, service_area_create


@dataclass(frozen=True)
class AreaSpec:
    code: str
    name: str
    field: tuple[str, str, int]  # the demo catalog's field: code, name, order
    counters: tuple[int, ...]


HAM_YEN_AREAS = (
    AreaSpec("A", "Tư pháp – Hộ tịch – Chứng thực", ("HT", "Hộ tịch", 1), (1,)),
    AreaSpec("B", "Đất đai – Tài nguyên và Môi trường", ("DD", "Đất đai", 7), (2,)),
    AreaSpec(
        "C",
        "Đăng ký kinh doanh – Tài chính",
        ("HKD", "Thành lập và hoạt động của hộ kinh doanh", 4),
        (3,),
    ),
    AreaSpec("D", "Lao động, Văn hóa, Xây dựng", ("XD", "Hoạt động xây dựng", 6), (4,)),
)
HAM_YEN_NOTICE = (
    "Công dân vui lòng lấy số thứ tự và chờ gọi tên trên màn hình. Người cao tuổi, người khuyết "
    "tật, phụ nữ mang thai và người đang bế con nhỏ được ưu tiên. Giờ làm việc: sáng 7:30–11:30, "
    "chiều 13:30–17:00 từ thứ Hai đến thứ Sáu."
)


@transaction.atomic
def queue_demo_seed() -> int:
    """Create what is missing of the demo queue; the number of service areas created."""
    desk = Agency.objects.filter(code=DISTRICT_DESK_CODE).first()
    if desk is None:
        return 0
    created = 0
    for order, spec in enumerate(HAM_YEN_AREAS, start=1):
        if ServiceArea.objects.filter(desk=desk, code=spec.code).exists():
            continue
        field_code, field_name, field_order = spec.field
        field = Field.objects.filter(code=field_code).first() or field_create(
            code=field_code, name=field_name, order=field_order
        )
        service_area_create(
            desk=desk,
            code=spec.code,
            name=spec.name,
            field=field,
            order=order,
            counters=Counter.objects.filter(desk=desk, number__in=spec.counters),
        )
        created += 1
    if not BoardNotice.objects.filter(desk=desk).exists():
        board_notice_save(notice=BoardNotice(desk=desk, text=HAM_YEN_NOTICE))
    return created
