"""The officers' dossier API through HTTP with bearer tokens: intake, the officer's view, the
worklists, every action; a denied or malformed call answers 4xx with a code and changes nothing."""

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.api.services import api_token_create
from motcua.dossiers.models import Dossier, DossierEvent, StepStatus, SupplementRequest
from motcua.dossiers.tests.factories import (
    APPLICANT,
    DOCUMENTS,
    HKD,
    build_office,
    demo_procedure,
    local,
    receive,
    submit,
)
from motcua.organizations.models import Role

pytestmark = pytest.mark.django_db

MONDAY_MORNING = local(2026, 3, 2, 8, 0)  # a working day, before the cut-off
CODE = "000.01.51.H62-260302-0001"  # the first dossier of the day at the desk of xã Hàm Yên
DESK = {"code": "000.01.51.H62", "name": "Trung tâm phục vụ hành chính công xã Hàm Yên"}
ECONOMY = {"code": "000.03.51.H62", "name": "Phòng Kinh tế xã Hàm Yên"}
COMMUNE = {"code": "000.00.51.H62", "name": "UBND xã Hàm Yên"}
NOT_FOUND = {"code": "dossier_not_found", "message": "Không tìm thấy."}


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def office(clock):
    return build_office()


@pytest.fixture
def hkd(office):
    return demo_procedure(HKD)  # Đăng ký thành lập hộ kinh doanh: 3 working days


class Api:
    """A client calling the API with one officer's token."""

    def __init__(self, user):
        _token, secret = api_token_create(user=user, name="kiểm thử")
        self.client = Client(headers={"Authorization": f"Bearer {secret}"})

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1/dossiers{path}", params)

    def post(self, path: str, body=None):
        return self.client.post(
            f"/api/v1/dossiers{path}",
            body if body is not None else {},
            content_type="application/json",
        )

    def act(self, dossier, action: str, body=None):
        return self.post(f"/{dossier.code}/actions/{action}", body)


def snapshot(dossier) -> tuple:
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.due_at,
        dossier.updated_at,
        dossier.events.count(),
        list(dossier.steps.values_list("status", "assignee_id", "order")),
    )


def create_body(**changes) -> dict:
    return {
        "receiving_agency": "000.01.51.H62",
        "procedure": HKD,
        "channel": "direct",
        "applicant": dict(APPLICANT),
        "documents": list(DOCUMENTS),
        "request_summary": "Đăng ký hộ kinh doanh tạp hóa An Phát",
        **changes,
    }


def at_the_department(office, hkd) -> Dossier:
    """Received, then handed by the desk to Phòng Kinh tế (the specialist's step)."""
    dossier = receive(office, hkd)
    assert Api(office.reception).act(dossier, "forward").status_code == 200
    return dossier


def awaiting_signature(office, hkd) -> Dossier:
    dossier = at_the_department(office, hkd)
    assert Api(office.specialist).act(dossier, "forward").status_code == 200
    assert Api(office.head).act(dossier, "forward").status_code == 200
    return dossier


# --- intake -------------------------------------------------------------------------------------


def test_the_desk_receives_a_dossier_and_gets_it_back_in_full(office, hkd):
    response = Api(office.reception).post("", create_body())

    assert response.status_code == 201
    body = response.json()
    assert body["code"] == CODE
    assert body["status"] == "received"
    assert (body["national_status"], body["status_label"]) == (2, "Đã tiếp nhận")
    assert body["received_at"] == "2026-03-02T08:00:00+07:00"
    assert body["due_at"] == body["original_due_at"] == "2026-03-05T08:00:00+07:00"
    assert body["request_summary"] == "Đăng ký hộ kinh doanh tạp hóa An Phát"
    assert body["documents"] == DOCUMENTS
    assert [(s["order"], s["status"]) for s in body["steps"]] == [
        (1, "active"), (2, "pending"), (3, "pending"), (4, "pending"), (5, "pending"),
    ]  # fmt: skip
    assert body["allowed_actions"] == ["apologize", "forward", "request_supplement", "withdraw"]
    assert [e["action"] for e in body["events"]] == ["receive"]
    dossier = Dossier.objects.get()
    assert (dossier.code, dossier.applicant_name, dossier.channel) == (
        CODE,
        "Nguyễn Văn An",
        "direct",
    )


def test_an_incomplete_dossier_gets_a_code_and_a_supplement_request(office, hkd):
    response = Api(office.reception).post(
        "",
        create_body(
            decision="incomplete",
            items=["Bản sao CCCD của chủ hộ", "Hợp đồng thuê mặt bằng"],
            reason="Thiếu giấy tờ",
        ),
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["code"], body["status"], body["national_status"]) == (
        CODE,
        "supplement_requested",
        5,
    )
    assert body["received_at"] is None
    assert body["supplement_count"] == 1
    request = SupplementRequest.objects.get(dossier__code=CODE)
    assert request.items == ["Bản sao CCCD của chủ hộ", "Hợp đồng thuê mặt bằng"]
    assert request.reason == "Thiếu giấy tờ"


def test_a_refusal_at_intake_keeps_the_reason(office, hkd):
    response = Api(office.reception).post(
        "", create_body(decision="refuse", reason="Không thuộc thẩm quyền giải quyết")
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["status_reason"], body["national_status"]) == (
        "not_accepted",
        "Không thuộc thẩm quyền giải quyết",
        3,
    )
    assert body["finished_at"] == "2026-03-02T08:00:00+07:00"
    assert body["allowed_actions"] == []


def test_only_the_desk_officer_receives(office, hkd):
    response = Api(office.specialist).post("", create_body())

    assert response.status_code == 403
    assert response.json() == {
        "code": "role_not_allowed",
        "message": "Bạn không phải cán bộ tiếp nhận của «Trung tâm phục vụ hành chính công xã Hàm Yên».",
    }
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        (
            {"receiving_agency": "KHONG.CO"},
            "agency_unknown",
            "Không tìm thấy cơ quan có mã «KHONG.CO» (trường receiving_agency).",
        ),
        (
            {"procedure": "9.999999"},
            "procedure_unknown",
            "Không tìm thấy thủ tục có mã «9.999999» áp dụng tại «Trung tâm phục vụ hành chính "
            "công xã Hàm Yên».",
        ),
        (
            {"receiving_agency": "000.03.51.H62"},
            "not_a_desk",
            "Nơi tiếp nhận phải là bộ phận một cửa hoặc trung tâm phục vụ hành chính công.",
        ),
        (
            {"decision": "incomplete", "reason": "Thiếu"},
            "items_required",
            "Cần liệt kê đầy đủ, một lần, các giấy tờ phải bổ sung.",
        ),
        (
            {"decision": "refuse"},
            "required",
            "Trường «lý do» không được để trống.",
        ),
        (
            {"applicant": {**APPLICANT, "id_number": "00809000123A"}},
            "invalid_id_number",
            "Số định danh/CCCD chỉ gồm chữ số.",
        ),
        ({"set_count": 0}, "invalid_set_count", "Số bộ hồ sơ phải từ 1 đến 100."),
    ],
)
def test_bad_intake_input_is_a_400_with_its_code_and_creates_nothing(
    office, hkd, changes, code, message
):
    response = Api(office.reception).post("", create_body(**changes))

    assert response.status_code == 400
    assert response.json() == {"code": code, "message": message}
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "location"),
    [
        (create_body(applicant=None), ["body", "payload", "applicant"]),
        ({k: v for k, v in create_body().items() if k != "applicant"}, ["body", "payload", "applicant"]),
        (create_body(applicant={**APPLICANT, "birth_date": "17/05/1990"}), ["body", "payload", "applicant", "birth_date"]),
        (create_body(channel="online"), ["body", "payload", "channel"]),
        (create_body(decision="maybe"), ["body", "payload", "decision"]),
        (create_body(documents=[{"name": "Đơn", "originals": "một"}]), ["body", "payload", "documents", 0, "originals"]),
        (create_body(aplicant={}), ["body", "payload", "aplicant"]),
    ],
)  # fmt: skip
def test_a_malformed_intake_body_is_a_400_with_the_field(office, hkd, body, location):
    response = Api(office.reception).post("", body)

    assert response.status_code == 400
    payload = response.json()
    assert (payload["code"], payload["message"]) == (
        "invalid_input",
        "Dữ liệu gửi lên không hợp lệ.",
    )
    assert [error["loc"] for error in payload["details"]["errors"]] == [location]
    assert Dossier.objects.count() == 0


def test_a_body_that_is_not_json_is_a_400(office, hkd):
    api = Api(office.reception)

    response = api.client.post(
        "/api/v1/dossiers", "{khong phai json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_json",
        "message": "Nội dung gửi lên không phải JSON hợp lệ.",
    }
    assert Dossier.objects.count() == 0


# --- the officer's view -------------------------------------------------------------------------


def test_the_officer_reads_the_whole_dossier(office, hkd):
    dossier = receive(office, hkd)

    response = Api(office.reception).get(f"/{dossier.code}")

    assert response.status_code == 200
    step = {
        "is_partner": False, "parallel_group": None, "assignee": None, "started_at": None,
        "finished_at": None, "timeliness": "", "status": "pending",
    }  # fmt: skip
    assert response.json() == {
        "code": CODE,
        "procedure": {"code": HKD, "name": "Đăng ký thành lập hộ kinh doanh"},
        "status": "received",
        "national_status": 2,
        "status_label": "Đã tiếp nhận",
        "status_reason": "",
        "outcome": "",
        "outcome_label": "",
        "channel": "direct",
        "receiving_agency": DESK,
        "competent_agency": COMMUNE,
        "applicant": {**APPLICANT},
        "request_summary": "",
        "set_count": 1,
        "return_method": "at_desk",
        "documents": DOCUMENTS,
        "supplement_count": 0,
        "submitted_at": None,
        "received_at": "2026-03-02T08:00:00+07:00",
        "due_at": "2026-03-05T08:00:00+07:00",
        "original_due_at": "2026-03-05T08:00:00+07:00",
        "extended_at": None,
        "extension_reason": "",
        "finished_at": None,
        "returned_at": None,
        "returned_to": "",
        "steps": [
            {**step, "order": 1, "name": "Tiếp nhận hồ sơ", "agency": DESK, "role": "reception",
             "status": "active", "started_at": "2026-03-02T08:00:00+07:00",
             "due_at": "2026-03-02T13:45:00+07:00"},
            {**step, "order": 2, "name": "Thẩm định, xử lý hồ sơ", "agency": ECONOMY,
             "role": "specialist", "due_at": "2026-03-04T08:00:00+07:00"},
            {**step, "order": 3, "name": "Xem xét, trình ký", "agency": ECONOMY,
             "role": "department_head", "due_at": "2026-03-04T13:45:00+07:00"},
            {**step, "order": 4, "name": "Ký duyệt kết quả", "agency": ECONOMY, "role": "leader",
             "due_at": "2026-03-04T15:37:30+07:00"},
            {**step, "order": 5, "name": "Trả kết quả", "agency": DESK, "role": "reception",
             "due_at": "2026-03-05T08:00:00+07:00"},
        ],
        "allowed_actions": ["apologize", "forward", "request_supplement", "withdraw"],
        "events": [
            {
                "at": "2026-03-02T08:00:00+07:00",
                "action": "receive",
                "action_label": "Tiếp nhận hồ sơ",
                "from_status": "",
                "to_status": "received",
                "actor": "tiepnhan",
                "actor_name": "Nguyễn Thị Lan",
                "agency": DESK,
                "step": None,
                "to_step": 1,
                "timeliness": "",
                "note": "",
                "public_note": "",
            }
        ],
    }  # fmt: skip


def test_the_view_costs_a_fixed_number_of_queries(office, hkd):
    dossier = awaiting_signature(office, hkd)
    api = Api(office.leader)

    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"/{dossier.code}")

    assert response.status_code == 200
    assert response.json()["allowed_actions"] == [
        "apologize", "approve", "forward", "refuse", "request_supplement", "send_back", "stop",
        "withdraw",
    ]  # fmt: skip
    # token and its last use; the officer's scope (memberships, the agencies under them); the
    # dossier with steps, events and documents (the API shows no files, supplement requests or
    # pauses); the officer's roles and the steps for the allowed actions.
    assert len(queries) == 10


def test_a_dossier_of_another_commune_is_the_same_404_as_an_unknown_code(office, hkd):
    dossier = receive(office, hkd)
    stranger = Api(office.other[Role.RECEPTION])

    hidden = stranger.get(f"/{dossier.code}")
    unknown = stranger.get("/000.01.52.H62-260302-9999")

    assert (hidden.status_code, unknown.status_code) == (404, 404)
    assert hidden.json() == unknown.json() == NOT_FOUND


# --- worklists ----------------------------------------------------------------------------------


def test_the_department_worklist_shows_the_current_step(office, hkd):
    dossier = at_the_department(office, hkd)
    receive(office, hkd)  # still at the desk: not the department's

    response = Api(office.specialist).get("", kind="department")

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "items": [
            {
                "code": dossier.code,
                "procedure": {"code": HKD, "name": "Đăng ký thành lập hộ kinh doanh"},
                "applicant_name": "Nguyễn Văn An",
                "status": "processing",
                "status_label": "Đang xử lý",
                "received_at": "2026-03-02T08:00:00+07:00",
                "due_at": "2026-03-05T08:00:00+07:00",
                "current_steps": [
                    {
                        "order": 2,
                        "name": "Thẩm định, xử lý hồ sơ",
                        "agency": ECONOMY,
                        "role": "specialist",
                        "assignee": None,
                        "due_at": "2026-03-03T13:45:00+07:00",
                    }
                ],
            }
        ],
    }


@pytest.mark.parametrize(
    ("kind", "who"),
    [("to_sign", Role.LEADER), ("intake", Role.RECEPTION), ("to_return", Role.RECEPTION)],
)
def test_each_worklist_lists_what_its_reader_acts_on(office, hkd, kind, who):
    signing = awaiting_signature(office, hkd)
    online = submit(office, hkd)
    ready = awaiting_signature(office, hkd)
    assert Api(office.leader).act(ready, "approve").status_code == 200
    expected = {"to_sign": signing, "intake": online, "to_return": ready}[kind]

    response = Api(office.officers[who]).get("", kind=kind)

    assert response.status_code == 200
    assert [item["code"] for item in response.json()["items"]] == [expected.code]


def test_a_worklist_pages_with_limit_and_offset_in_fixed_queries(office, hkd):
    codes = sorted(at_the_department(office, hkd).code for _ in range(3))
    api = Api(office.specialist)

    with CaptureQueriesContext(connection) as queries:
        page = api.get("", kind="department", limit=2, offset=1)

    assert page.status_code == 200
    assert page.json()["count"] == 3
    assert [item["code"] for item in page.json()["items"]] == codes[1:]
    # token and its last use, the page, its active steps, the count.
    assert len(queries) == 5


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"kind": "all"}, "invalid_input"),
        ({}, "invalid_input"),
        ({"kind": "assigned", "limit": 0}, "invalid_limit"),
        ({"kind": "assigned", "limit": 101}, "invalid_limit"),
        ({"kind": "assigned", "offset": -1}, "invalid_offset"),
        ({"kind": "assigned", "offset": 10**19}, "invalid_offset"),
        ({"kind": "assigned", "limit": "mười"}, "invalid_input"),
    ],
)
def test_bad_worklist_parameters_are_a_400(office, params, code):
    response = Api(office.specialist).get("", **params)

    assert response.status_code == 400
    assert response.json()["code"] == code


# --- actions ------------------------------------------------------------------------------------


def test_the_whole_route_forward_approve_return(office, hkd, clock):
    dossier = receive(office, hkd)
    route = [
        (office.reception, "forward", {"note": "Hồ sơ đủ, chuyển phòng"}, "processing"),
        (office.specialist, "forward", {"note": "Đủ điều kiện cấp"}, "processing"),
        (office.head, "forward", {}, "awaiting_signature"),
        (office.leader, "approve", {"note": "Đồng ý"}, "result_ready"),
        (office.reception, "return_result", {"returned_to": "Nguyễn Văn An", "method": "at_desk"}, "returned"),
    ]  # fmt: skip
    statuses = []
    for officer, action, body, _status in route:
        response = Api(officer).act(dossier, action, body)
        assert response.status_code == 200, (action, response.json())
        statuses.append(response.json()["status"])

    final = response.json()
    assert statuses == [status for *_rest, status in route]
    assert (final["outcome"], final["returned_to"]) == ("approved", "Nguyễn Văn An")
    assert final["finished_at"] == final["returned_at"] == "2026-03-02T08:00:00+07:00"
    assert [s["status"] for s in final["steps"]] == ["done"] * 5
    # Each step is timed from its start: the same-day ones finish on their due date.
    assert [s["timeliness"] for s in final["steps"]] == [
        "on_time", "early", "on_time", "on_time", "early",
    ]  # fmt: skip
    assert [(e["action"], e["actor"], e["note"]) for e in final["events"]] == [
        ("receive", "tiepnhan", ""),
        ("forward", "tiepnhan", "Hồ sơ đủ, chuyển phòng"),
        ("forward", "chuyenvien", "Đủ điều kiện cấp"),
        ("forward", "truongphong", ""),
        ("approve", "lanhdao", "Đồng ý"),
        ("return_result", "tiepnhan", ""),
    ]
    assert final["allowed_actions"] == []


def test_the_head_sends_the_dossier_back_to_the_specialist(office, hkd):
    dossier = at_the_department(office, hkd)
    Api(office.specialist).act(dossier, "forward")

    response = Api(office.head).act(
        dossier, "send_back", {"to_step": 2, "reason": "Thiếu xác minh tên hộ kinh doanh"}
    )

    assert response.status_code == 200
    body = response.json()
    assert [(s["order"], s["status"]) for s in body["steps"][1:3]] == [
        (2, "active"),
        (3, "returned"),
    ]
    event = body["events"][-1]
    assert (event["action"], event["step"], event["to_step"], event["note"]) == (
        "send_back", 3, 2, "Thiếu xác minh tên hộ kinh doanh",
    )  # fmt: skip


def test_a_supplement_request_then_the_supplement(office, hkd):
    dossier = at_the_department(office, hkd)

    requested = Api(office.specialist).act(
        dossier,
        "request_supplement",
        {"items": ["Bản sao CCCD của chủ hộ"], "reason": "Còn thiếu"},
    )
    answered = Api(office.reception).act(
        dossier,
        "supplement",
        {"note": "Công dân đã nộp đủ", "documents": [{"name": "Bản sao CCCD của chủ hộ", "copies": 1}]},
    )  # fmt: skip

    assert requested.status_code == 200
    assert (requested.json()["status"], requested.json()["status_reason"]) == (
        "supplement_requested",
        "Còn thiếu",
    )
    assert requested.json()["allowed_actions"] == ["supplement", "withdraw"]
    assert answered.status_code == 200
    assert answered.json()["status"] == "processing"
    assert answered.json()["documents"][-1] == {
        "name": "Bản sao CCCD của chủ hộ", "originals": 0, "copies": 1,
    }  # fmt: skip
    assert SupplementRequest.objects.get(dossier=dossier).answered_at == MONDAY_MORNING


def test_an_apology_moves_the_appointment_once(office, hkd):
    dossier = at_the_department(office, hkd)
    api = Api(office.specialist)

    response = api.act(
        dossier, "apologize", {"reason": "Cần xác minh thực địa", "new_due_at": "2026-03-10T17:00"}
    )
    before_second = snapshot(dossier)
    again = api.act(
        dossier, "apologize", {"reason": "Lại chậm", "new_due_at": "2026-03-12T17:00:00+07:00"}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["due_at"] == "2026-03-10T17:00:00+07:00"
    assert body["original_due_at"] == "2026-03-05T08:00:00+07:00"
    assert (body["extended_at"], body["extension_reason"]) == (
        "2026-03-02T08:00:00+07:00",
        "Cần xác minh thực địa",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "apology_already_issued"
    assert snapshot(dossier) == before_second


def test_the_applicant_withdraws_at_the_desk(office, hkd):
    dossier = at_the_department(office, hkd)

    response = Api(office.reception).act(dossier, "withdraw", {"reason": "Công dân đề nghị"})

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["national_status"], body["status_reason"]) == (
        "withdrawn",
        7,
        "Công dân đề nghị",
    )
    assert body["events"][-1]["public_note"] == "Công dân đề nghị"


def test_the_head_assigns_the_step_by_username(office, hkd):
    dossier = at_the_department(office, hkd)

    response = Api(office.head).act(dossier, "assign", {"assignee": "chuyenvien"})
    unknown = Api(office.head).act(dossier, "assign", {"assignee": "khong-co"})

    assert response.status_code == 200
    assert response.json()["steps"][1]["assignee"] == "chuyenvien"
    assert unknown.status_code == 400
    assert unknown.json() == {
        "code": "assignee_unknown",
        "message": "Không tìm thấy cán bộ có tên đăng nhập «khong-co».",
    }
    mine = Api(office.specialist).get("", kind="assigned")
    assert [item["code"] for item in mine.json()["items"]] == [dossier.code]


def test_the_desk_accepts_an_online_dossier(office, hkd):
    dossier = submit(office, hkd)
    api = Api(office.reception)
    offered = api.get(f"/{dossier.code}").json()["allowed_actions"]

    response = api.act(dossier, "accept")

    assert offered == ["accept", "refuse_intake", "request_supplement", "withdraw"]
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["channel"]) == ("received", "online")
    assert response.json()["applicant"]["name"] == "Nguyễn Văn An"


def test_the_desk_refuses_an_online_dossier(office, hkd):
    dossier = submit(office, hkd)

    response = Api(office.reception).act(dossier, "refuse_intake", {"reason": "Sai thẩm quyền"})

    assert response.status_code == 200
    assert response.json()["status"] == "not_accepted"


def test_waiting_for_the_tax_then_going_on(office, hkd, clock):
    dossier = at_the_department(office, hkd)
    api = Api(office.specialist)

    paused = api.act(dossier, "pause_payment", {"reason": "Chờ nộp lệ phí"})
    clock.shift(3600)
    resumed = api.act(dossier, "resume_payment", {"note": "Đã nộp"})

    assert (paused.status_code, paused.json()["status"]) == (200, "awaiting_payment")
    assert (resumed.status_code, resumed.json()["status"]) == (200, "processing")
    assert resumed.json()["due_at"] == "2026-03-05T09:00:00+07:00"


def test_liên_thông_to_the_police_and_back(office, hkd):
    dossier = at_the_department(office, hkd)

    sent = Api(office.specialist).act(
        dossier,
        "send_partner",
        {"partner_agency": "000.00.31.H62", "note": "Đề nghị xác nhận", "amount": "1"},
    )
    back = Api(office.reception).act(dossier, "partner_result", {"note": "Công an đã xác nhận"})

    assert sent.status_code == 200
    assert sent.json()["status"] == "awaiting_partner"
    partner = sent.json()["steps"][2]
    assert (partner["order"], partner["agency"]["code"], partner["is_partner"]) == (
        3, "000.00.31.H62", True,
    )  # fmt: skip
    assert back.status_code == 200
    assert back.json()["status"] == "processing"
    assert back.json()["steps"][2]["status"] == "done"


@pytest.mark.parametrize(("action", "status"), [("refuse", "result_ready"), ("stop", "stopped")])
def test_the_head_refuses_or_stops(office, hkd, action, status):
    dossier = at_the_department(office, hkd)

    response = Api(office.head).act(dossier, action, {"reason": "Không đủ điều kiện"})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["status_reason"]) == (
        status,
        "Không đủ điều kiện",
    )


# --- denied and malformed actions change nothing ------------------------------------------------


def test_a_role_that_may_not_act_is_a_403_and_changes_nothing(office, hkd):
    dossier = at_the_department(office, hkd)
    before = snapshot(dossier)

    response = Api(office.reception).act(dossier, "stop", {"reason": "Công dân đề nghị"})

    assert response.status_code == 403
    assert response.json() == {
        "code": "role_not_allowed",
        "message": "Vai trò của bạn không được «dừng xử lý» hồ sơ này.",
    }
    assert snapshot(dossier) == before


def test_an_action_the_status_does_not_allow_is_a_409_and_changes_nothing(office, hkd):
    dossier = at_the_department(office, hkd)
    before = snapshot(dossier)

    response = Api(office.leader).act(dossier, "approve", {"note": "Đồng ý"})

    assert response.status_code == 409
    assert response.json() == {
        "code": "transition_not_allowed",
        "message": "Không thể «ký duyệt» hồ sơ đang ở trạng thái «Đang xử lý».",
    }
    assert snapshot(dossier) == before


def test_an_officer_of_another_commune_gets_404_and_changes_nothing(office, hkd):
    dossier = receive(office, hkd)
    before = snapshot(dossier)

    response = Api(office.other[Role.RECEPTION]).act(dossier, "forward")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert snapshot(dossier) == before


@pytest.mark.parametrize(
    ("action", "body", "location"),
    [
        ("withdraw", {}, ["body", "payload", "reason"]),
        ("withdraw", {"reason": "x", "reson": "x"}, ["body", "payload", "reson"]),
        ("send_back", {"to_step": "hai", "reason": "x"}, ["body", "payload", "to_step"]),
        ("request_supplement", {"items": "CCCD", "reason": "x"}, ["body", "payload", "items"]),
        ("apologize", {"reason": "x", "new_due_at": "10/03/2026"}, ["body", "payload", "new_due_at"]),
        ("return_result", {"returned_to": "An", "method": "fax"}, ["body", "payload", "method"]),
    ],
)  # fmt: skip
def test_a_malformed_action_body_is_a_400_and_changes_nothing(office, hkd, action, body, location):
    dossier = receive(office, hkd)
    before = snapshot(dossier)

    response = Api(office.reception).act(dossier, action, body)

    assert response.status_code == 400
    payload = response.json()
    assert (payload["code"], payload["message"]) == (
        "invalid_input",
        "Dữ liệu gửi lên không hợp lệ.",
    )
    assert [error["loc"] for error in payload["details"]["errors"]] == [location]
    assert snapshot(dossier) == before


@pytest.mark.parametrize(
    ("action", "body", "code"),
    [
        ("withdraw", {"reason": "   "}, "required"),
        ("send_back", {"to_step": 9, "reason": "Làm lại"}, "step_unknown"),
        ("send_partner", {"partner_agency": "KHONG.CO", "note": "x"}, "agency_unknown"),
        ("apologize", {"reason": "x", "new_due_at": "2026-03-04T17:00"}, "invalid_new_due_at"),
        (
            "apologize",
            {"reason": "x", "new_due_at": "9999-12-31T23:59:59-12:00"},
            "invalid_new_due_at",
        ),
        ("assign", {"assignee": "chuyenvien", "step": 10**20}, "step_unknown"),
    ],
)
def test_a_domain_check_failing_is_a_400_with_its_code_and_changes_nothing(
    office, hkd, action, body, code
):
    dossier = at_the_department(office, hkd)
    Api(office.specialist).act(dossier, "forward")  # now at the head's step
    before = snapshot(dossier)

    response = Api(office.head).act(dossier, action, body)

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert snapshot(dossier) == before


def test_a_nul_character_is_refused_before_reaching_the_database(office, hkd):
    dossier = receive(office, hkd)
    before = snapshot(dossier)
    api = Api(office.reception)

    in_the_path = api.client.get(f"/api/v1/dossiers/{dossier.code}%00")
    in_an_action = api.act(dossier, "withdraw", {"reason": "Công dân\x00 đề nghị"})
    in_the_intake = api.post("", create_body(applicant={**APPLICANT, "name": "An\x00"}))

    assert in_the_path.status_code == 400
    assert in_the_path.json()["code"] == "invalid_characters"
    assert in_an_action.status_code == in_the_intake.status_code == 400
    assert in_an_action.json()["details"]["errors"] == [
        {
            "type": "value_error",
            "loc": ["body", "payload", "reason"],
            "msg": "Value error, Văn bản không được chứa ký tự NUL.",
            "ctx": {"error": "Văn bản không được chứa ký tự NUL."},
        }
    ]
    assert in_the_intake.json()["details"]["errors"][0]["loc"] == [
        "body", "payload", "applicant", "name",
    ]  # fmt: skip
    assert snapshot(dossier) == before
    assert Dossier.objects.count() == 1


def test_an_unknown_action_is_a_404(office, hkd):
    dossier = receive(office, hkd)
    before = snapshot(dossier)
    api = Api(office.reception)

    unknown = api.act(dossier, "xoa")
    internal = api.act(dossier, "receive")  # the ACTIONS name; the API calls it "accept"

    assert (unknown.status_code, internal.status_code) == (404, 404)
    assert unknown.json() == {
        "code": "action_unknown",
        "message": "Không có thao tác «xoa». Các thao tác: accept, refuse_intake, "
        "request_supplement, supplement, assign, forward, send_back, pause_payment, "
        "resume_payment, send_partner, partner_result, approve, refuse, apologize, withdraw, "
        "stop, return_result.",
    }
    assert snapshot(dossier) == before


def test_a_multipart_body_is_refused_as_not_json(office, hkd):
    dossier = receive(office, hkd)
    before = snapshot(dossier)

    response = Api(office.reception).client.post(
        f"/api/v1/dossiers/{dossier.code}/actions/withdraw", {"reason": "x"}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_json"
    assert snapshot(dossier) == before


def test_an_action_without_a_body_uses_the_defaults(office, hkd):
    dossier = receive(office, hkd)
    api = Api(office.reception)

    response = api.client.generic("POST", f"/api/v1/dossiers/{dossier.code}/actions/forward")
    refused = api.client.generic("POST", f"/api/v1/dossiers/{dossier.code}/actions/withdraw")

    assert response.status_code == 200
    assert response.json()["events"][-1]["action"] == "forward"
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_input"


# --- the OpenAPI document -----------------------------------------------------------------------


def test_openapi_lists_every_dossier_operation_with_its_error_responses(client):
    document = client.get("/api/v1/openapi.json").json()
    operations = {
        (path, method): operation
        for path, methods in document["paths"].items()
        if path.startswith("/api/v1/dossiers")
        for method, operation in methods.items()
    }

    actions = [
        "accept", "refuse_intake", "request_supplement", "supplement", "assign", "forward",
        "send_back", "pause_payment", "resume_payment", "send_partner", "partner_result",
        "approve", "refuse", "apologize", "withdraw", "stop", "return_result",
    ]  # fmt: skip
    expected = {
        ("/api/v1/dossiers", "post"): ("dossier_create", ["201", "400", "401", "403", "409"]),
        ("/api/v1/dossiers", "get"): ("dossier_worklist", ["200", "400", "401"]),
        ("/api/v1/dossiers/{code}", "get"): ("dossier_get", ["200", "400", "401", "404"]),
        **{
            (f"/api/v1/dossiers/{{code}}/actions/{action}", "post"): (
                f"dossier_{action}",
                ["200", "400", "401", "403", "404", "409"],
            )
            for action in actions
        },
    }
    assert {
        key: (operation["operationId"], sorted(operation["responses"]))
        for key, operation in operations.items()
    } == expected
    for operation in operations.values():
        assert operation["tags"] == ["dossiers"]
        assert operation["security"] == [{"ApiTokenAuth": []}, {"OfficerSessionAuth": []}]
        for status, response in operation["responses"].items():
            if status >= "400":
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}
    error = document["components"]["schemas"]["ErrorOut"]
    assert (sorted(error["properties"]), error["required"]) == (
        ["code", "details", "message"],
        ["code", "message"],
    )
    assert document["components"]["securitySchemes"]["ApiTokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    forward = operations[("/api/v1/dossiers/{code}/actions/forward", "post")]
    assert forward["summary"] == "Chuyển bước xử lý"
    assert forward["requestBody"]["required"] is False
    send_back = operations[("/api/v1/dossiers/{code}/actions/send_back", "post")]
    assert send_back["requestBody"]["required"] is True


def test_the_event_log_counts_one_event_per_api_action(office, hkd):
    dossier = at_the_department(office, hkd)

    assert list(DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True)) == [
        "receive",
        "forward",
    ]
    assert dossier.steps.get(status=StepStatus.ACTIVE).order == 2
