import datetime
import json
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from motcua.catalog.models import Channel, ProcedureLevel
from motcua.catalog.services import field_create, procedure_create
from motcua.common.errors import NotFound
from motcua.dossiers.models import (
    Dossier,
    DossierEvent,
    DossierStep,
    FormSet,
    Outcome,
    RuleVersion,
    StepStatus,
)
from motcua.dossiers.public import dossier_public_status
from motcua.dossiers.statuses import Action, DossierStatus
from motcua.organizations.models import AgencyKind, Role, User
from motcua.organizations.services import agency_create

pytestmark = pytest.mark.django_db

OFFICE = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "000.00.06.H56-260105-0007"

# Everything personal the dossier holds; none of it may reach a public answer.
PERSONAL = {
    "applicant_name": "Trần Thị Bảo Mật",
    "applicant_id_number": "001199012345",
    "applicant_address": "Số 7 ngõ Riêng Tư, phường Kín Đáo",
    "applicant_phone": "0912345678",
    "applicant_email": "baomat@example.vn",
    "representative": "Lê Văn Đại Diện",
    "request_summary": "Xin cấp lại giấy khai sinh cho cháu Trần Bí Ẩn",
    "returned_to": "Phạm Thị Nhận Thay",
    "status_reason": "Lý do nội bộ của cán bộ",
    "extension_reason": "Lý do xin lỗi ghi trong hồ sơ",
}
OFFICER = {"username": "canbo.hoang", "full_name": "Hoàng Văn Cán Bộ"}
INTERNAL_NOTE = "Ghi chú nội bộ: gọi điện cho chị Mật lúc 9 giờ"


@pytest.fixture(autouse=True)
def _vietnamese():
    # Messages are asserted in the source language, whatever an earlier test activated.
    with translation.override("vi"):
        yield


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 1, day, hour, minute, tzinfo=OFFICE)


def build_world() -> dict:
    province = agency_create(code="000.00.00.H56", name="UBND tỉnh Tuyên Quang", kind="province")
    commune = agency_create(
        code="000.00.06.H56", name="UBND xã Yên Phú", kind=AgencyKind.COMMUNE, parent=province
    )
    desk = agency_create(
        code="000.01.06.H56",
        name="Bộ phận một cửa xã Yên Phú",
        kind=AgencyKind.SERVICE_CENTER,
        parent=commune,
    )
    justice = agency_create(
        code="000.02.06.H56",
        name="Công chức Tư pháp – Hộ tịch",
        kind=AgencyKind.DEPARTMENT,
        parent=commune,
    )
    police = agency_create(
        code="000.03.06.H56", name="Công an xã Yên Phú", kind=AgencyKind.EXTERNAL, parent=commune
    )
    field = field_create(code="HT", name="Hộ tịch", order=1)
    procedure = procedure_create(
        code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        field=field,
        level=ProcedureLevel.COMMUNE,
    )
    rule_version, _created = RuleVersion.objects.get_or_create(
        code="nd118-2025",
        defaults={
            "name": "Nghị định 118/2025/NĐ-CP",
            "effective_from": datetime.date(2025, 7, 1),
            "forms": FormSet.TT03_2025,
        },
    )
    officer = User.objects.create_user(password="x" * 12, **OFFICER)
    return {
        "province": province,
        "commune": commune,
        "desk": desk,
        "justice": justice,
        "police": police,
        "procedure": procedure,
        "rule_version": rule_version,
        "officer": officer,
    }


def build_dossier(world: dict, *, code: str = CODE, status=DossierStatus.PROCESSING, **fields):
    values = {
        "procedure": world["procedure"],
        "procedure_name": "Thủ tục đăng ký khai sinh",
        "receiving_agency": world["desk"],
        "competent_agency": world["commune"],
        "channel": Channel.DIRECT,
        "status": status,
        "rule_version": world["rule_version"],
        "applicant_birth_date": datetime.date(1990, 5, 17),
        "received_at": at(5, 8, 30),
        "clock_started_at": at(5, 8, 30),
        "due_at": at(7, 8, 30),
        "original_due_at": at(7, 8, 30),
        **PERSONAL,
        **fields,
    }
    return Dossier.objects.create(code=code, **values)


def add_event(world, dossier, action, to_status, moment, *, agency=None, public_note="", **extra):
    return DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_status=extra.pop("from_status", ""),
        to_status=to_status,
        at=moment,
        actor=world["officer"],
        actor_name=OFFICER["full_name"],
        agency=agency,
        note=INTERNAL_NOTE,
        public_note=public_note,
        data={"officer": OFFICER["username"], "phone": PERSONAL["applicant_phone"]},
        **extra,
    )


def add_step(world, dossier, order, name, agency, status, **extra):
    return DossierStep.objects.create(
        dossier=dossier,
        order=order,
        name=name,
        agency=agency,
        role=Role.SPECIALIST,
        amount=1,
        time_unit="days",
        status=status,
        assignee=world["officer"],
        **extra,
    )


def build_processing_dossier(world: dict) -> Dossier:
    """Received at the desk, handed to justice, partly with the police (a liên thông step)."""
    dossier = build_dossier(world)
    add_step(world, dossier, 1, "Tiếp nhận hồ sơ", world["desk"], StepStatus.DONE)
    add_step(world, dossier, 2, "Thẩm định hồ sơ", world["justice"], StepStatus.ACTIVE)
    add_step(world, dossier, 3, "Xác nhận cư trú", world["police"], StepStatus.ACTIVE)
    add_step(world, dossier, 4, "Ký duyệt", world["commune"], StepStatus.PENDING)
    add_event(
        world, dossier, Action.RECEIVE, DossierStatus.RECEIVED, at(5, 8, 30), agency=world["desk"]
    )
    add_event(
        world,
        dossier,
        Action.FORWARD,
        DossierStatus.PROCESSING,
        at(5, 9, 15),
        agency=world["desk"],
        from_status=DossierStatus.RECEIVED,
    )
    return dossier


@pytest.fixture
def world():
    return build_world()


def serialized(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, default=str)


def test_public_status_of_a_dossier_in_processing(world):
    build_processing_dossier(world)

    status = dossier_public_status(code=CODE)

    assert status == {
        "code": CODE,
        "procedure": {"code": "1.001193", "name": "Thủ tục đăng ký khai sinh"},
        "status": "processing",
        "national_status": 4,
        "status_label": "Đang xử lý",
        "outcome": "",
        "outcome_label": "",
        "reason": "",
        "receiving_agency": "Bộ phận một cửa xã Yên Phú",
        "received_at": at(5, 8, 30),
        "due_at": at(7, 8, 30),
        "original_due_at": None,
        "finished_at": None,
        "returned_at": None,
        "current": [
            {"agency": "Công chức Tư pháp – Hộ tịch", "step": "Thẩm định hồ sơ"},
            {"agency": "Công an xã Yên Phú", "step": "Xác nhận cư trú"},
        ],
        "history": [
            {
                "at": at(5, 8, 30),
                "action_label": "Tiếp nhận hồ sơ",
                "status_label": "Đã tiếp nhận",
                "agency": "Bộ phận một cửa xã Yên Phú",
            },
            {
                "at": at(5, 9, 15),
                "action_label": "Chuyển bước xử lý",
                "status_label": "Đang xử lý",
                "agency": "Bộ phận một cửa xã Yên Phú",
            },
        ],
    }


def test_times_are_in_the_office_zone_to_the_second(world):
    dossier = build_processing_dossier(world)
    Dossier.objects.filter(pk=dossier.pk).update(
        received_at=datetime.datetime(2026, 1, 5, 1, 30, 12, 987654, tzinfo=datetime.UTC)
    )

    received_at = dossier_public_status(code=CODE)["received_at"]

    assert received_at.isoformat() == "2026-01-05T08:30:12+07:00"


def test_no_personal_data_and_no_officer_in_the_answer(world):
    dossier = build_processing_dossier(world)
    add_event(
        world,
        dossier,
        Action.REQUEST_SUPPLEMENT,
        DossierStatus.SUPPLEMENT_REQUESTED,
        at(5, 10),
        agency=world["justice"],
        public_note="Bổ sung: Giấy chứng sinh (bản chính).",
    )
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.SUPPLEMENT_REQUESTED)

    text = serialized(dossier_public_status(code=CODE))

    assert "Giấy chứng sinh" in text
    for value in [*PERSONAL.values(), *OFFICER.values(), INTERNAL_NOTE, "1990-05-17"]:
        assert value not in text


def test_reason_is_the_public_note_given_since_the_current_status_began(world):
    dossier = build_processing_dossier(world)
    add_event(
        world,
        dossier,
        Action.REQUEST_SUPPLEMENT,
        DossierStatus.SUPPLEMENT_REQUESTED,
        at(5, 10),
        agency=world["justice"],
        public_note="Thiếu giấy chứng sinh.",
    )
    add_event(
        world,
        dossier,
        Action.REQUEST_SUPPLEMENT,
        DossierStatus.SUPPLEMENT_REQUESTED,
        at(5, 11),
        agency=world["justice"],
        public_note="  Bổ sung: Giấy chứng sinh; Tờ khai đăng ký khai sinh.  ",
    )
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.SUPPLEMENT_REQUESTED)

    status = dossier_public_status(code=CODE)

    assert status["status_label"] == "Cần bổ sung giấy tờ"
    assert status["national_status"] == 5
    assert status["reason"] == "Bổ sung: Giấy chứng sinh; Tờ khai đăng ký khai sinh."


def test_reason_of_an_earlier_status_is_not_shown(world):
    dossier = build_processing_dossier(world)
    add_event(
        world,
        dossier,
        Action.REQUEST_SUPPLEMENT,
        DossierStatus.SUPPLEMENT_REQUESTED,
        at(5, 10),
        public_note="Thiếu giấy chứng sinh.",
    )
    add_event(world, dossier, Action.SUPPLEMENT, DossierStatus.PROCESSING, at(6, 8))

    assert dossier_public_status(code=CODE)["reason"] == ""


def test_apology_shows_its_reason_and_both_appointments(world):
    dossier = build_processing_dossier(world)
    add_event(
        world,
        dossier,
        Action.APOLOGIZE,
        DossierStatus.PROCESSING,
        at(6, 9),
        agency=world["justice"],
        public_note="Cần xác minh thêm với Công an xã.",
    )
    Dossier.objects.filter(pk=dossier.pk).update(extended_at=at(6, 9), due_at=at(9, 16))

    status = dossier_public_status(code=CODE)

    assert status["reason"] == "Cần xác minh thêm với Công an xã."
    assert (status["original_due_at"], status["due_at"]) == (at(7, 8, 30), at(9, 16))
    assert status["history"][-1]["action_label"] == "Xin lỗi và hẹn lại ngày trả kết quả"


def test_refused_dossier_with_its_result_waiting(world):
    dossier = build_dossier(
        world,
        status=DossierStatus.RESULT_READY,
        outcome=Outcome.REFUSED,
        finished_at=at(6, 15),
    )
    add_event(
        world,
        dossier,
        Action.REFUSE,
        DossierStatus.RESULT_READY,
        at(6, 15),
        agency=world["commune"],
        public_note="Người được khai sinh đã được đăng ký khai sinh tại xã khác.",
    )

    status = dossier_public_status(code=CODE)

    assert status["status_label"] == "Đã có kết quả, chờ trả"
    assert (status["outcome"], status["outcome_label"]) == ("refused", "Từ chối giải quyết")
    assert status["reason"] == "Người được khai sinh đã được đăng ký khai sinh tại xã khác."
    assert status["finished_at"] == at(6, 15)
    assert status["current"] == []


def test_returned_dossier(world):
    build_dossier(
        world,
        status=DossierStatus.RETURNED,
        outcome=Outcome.APPROVED,
        finished_at=at(6, 15),
        returned_at=at(7, 8),
    )

    status = dossier_public_status(code=CODE)

    assert (status["status_label"], status["national_status"]) == ("Đã trả kết quả", 10)
    assert status["returned_at"] == at(7, 8)
    assert status["history"] == []


def test_an_unknown_action_still_reads_as_an_update(world):
    dossier = build_dossier(world)
    add_event(world, dossier, "something_new", DossierStatus.PROCESSING, at(5, 9))

    assert dossier_public_status(code=CODE)["history"][0]["action_label"] == "Cập nhật hồ sơ"


def test_code_typed_in_lower_case_with_blanks_finds_the_dossier(world):
    build_dossier(world)

    assert dossier_public_status(code="  000.00.06.h56-260105-0007 ")["code"] == CODE


@pytest.mark.parametrize(
    "code",
    ["000.00.06.H56-260105-9999", "", "   ", "x" * 65, "000.00.06.H56\x00-260105-0007", "' OR 1=1"],
)
def test_unknown_and_malformed_codes_are_not_found_alike(world, code):
    build_dossier(world)

    with pytest.raises(NotFound) as caught:
        dossier_public_status(code=code)

    assert caught.value.as_dict() == {
        "code": "not_found",
        "message": "Không tìm thấy hồ sơ với mã đã nhập.",
    }


def test_one_query_for_a_dossier_with_fifty_events(world, django_assert_num_queries):
    dossier = build_processing_dossier(world)
    agencies = [world["desk"], world["justice"], world["police"], world["commune"]]
    DossierEvent.objects.bulk_create(
        DossierEvent(
            dossier=dossier,
            action=Action.ASSIGN,
            to_status=DossierStatus.PROCESSING,
            at=at(5, 10) + datetime.timedelta(minutes=index),
            actor=world["officer"],
            agency=agencies[index % 4],
        )
        for index in range(48)
    )

    with django_assert_num_queries(1):
        status = dossier_public_status(code=CODE)

    assert len(status["history"]) == 50
    assert status["history"][-1]["agency"] == "UBND xã Yên Phú"  # event 47 of 0..47
