"""Official forms 01–06 and the tracking book (07): what each printed document says.

Rows are built directly (forms only read); times are stored in UTC and must print in
Asia/Ho_Chi_Minh. One PDF per form, the rest of the checks on the HTML, which is fast.
"""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.catalog.tests.factories import ProcedureFactory
from motcua.common.errors import InvalidInput
from motcua.dossiers.forms import formatting as fmt
from motcua.dossiers.forms import (
    render_form,
    render_form_html,
    tracking_book_html,
    tracking_book_pdf,
    tracking_book_xlsx,
)
from motcua.dossiers.forms.pdf import ASSET_ROOT, OfflineURLFetcher
from motcua.dossiers.forms.qr import lookup_url, qr_svg
from motcua.dossiers.forms.slips import control_rows
from motcua.dossiers.models import (
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierStep,
    FormSet,
    ReturnMethod,
    RuleVersion,
    StepStatus,
    SupplementRequest,
    Timeliness,
)
from motcua.dossiers.statuses import Action, DossierStatus
from motcua.organizations.models import AgencyKind, Role, User
from motcua.organizations.services import agency_create

UTC = dt.UTC
NAME = "Nguyễn Thị Hồng Đào"
CODE = "000.10.06.H62-260302-0007"


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def pdf_text(data: bytes) -> tuple[int, str]:
    """Page count and the text with every run of white space (line wraps too) as one space."""
    reader = PdfReader(BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


@pytest.fixture
def place(db):
    province = agency_create(code="000.00.00.H62", name="UBND tỉnh Tuyên Quang", kind="province")
    district = agency_create(
        code="000.00.06.H62",
        name="UBND huyện Hàm Yên",
        kind=AgencyKind.DISTRICT,
        parent=province,
        address="Tổ dân phố Tân Bình, thị trấn Tân Yên",
        phone="0207 3880 100",
    )
    desk = agency_create(
        code="000.10.06.H62",
        name="Bộ phận tiếp nhận và trả kết quả huyện Hàm Yên",
        kind=AgencyKind.SERVICE_CENTER,
        parent=district,
        address="Số 1 đường Tân Bình, thị trấn Tân Yên",
        phone="0207 3880 456",
    )
    justice = agency_create(
        code="000.01.06.H62",
        name="Phòng Tư pháp huyện Hàm Yên",
        kind=AgencyKind.DEPARTMENT,
        parent=district,
    )
    police = agency_create(
        code="000.00.31.H62",
        name="Công an tỉnh Tuyên Quang",
        kind=AgencyKind.EXTERNAL,
        parent=province,
    )
    other_desk = agency_create(
        code="000.01.51.H62",
        name="Trung tâm phục vụ hành chính công xã Hàm Yên",
        kind=AgencyKind.SERVICE_CENTER,
        parent=province,
    )
    return {
        "province": province,
        "district": district,
        "desk": desk,
        "justice": justice,
        "police": police,
        "other_desk": other_desk,
    }


@pytest.fixture
def rules(db):
    """The rule versions of 2018 and 2025 (installed by a data migration; made here if absent)."""

    def version(forms, code, name, effective_from):
        existing = RuleVersion.objects.filter(forms=forms).order_by("-effective_from").first()
        return existing or RuleVersion.objects.create(
            code=code, name=name, effective_from=effective_from, forms=forms
        )

    return {
        FormSet.TT01_2018: version(
            FormSet.TT01_2018, "nd61-2018", "Nghị định 61/2018/NĐ-CP", dt.date(2018, 6, 21)
        ),
        FormSet.TT03_2025: version(
            FormSet.TT03_2025, "nd118-2025", "Nghị định 118/2025/NĐ-CP", dt.date(2025, 7, 1)
        ),
    }


@pytest.fixture
def officers(db):
    return {
        "desk": User.objects.create(username="binh", full_name="Trần Văn Bình"),
        "specialist": User.objects.create(username="cuc", full_name="Lê Thị Cúc"),
        "leader": User.objects.create(username="dung", full_name="Phạm Quốc Dũng"),
    }


@pytest.fixture
def make_dossier(place, rules, officers):
    procedure = ProcedureFactory(name="Đăng ký khai sinh")
    codes = iter([CODE, *(f"000.10.06.H62-260302-{number:04d}" for number in range(8, 100))])

    def make(*, received=True, documents=True, **fields) -> Dossier:
        values = {
            "code": fields.pop("code", None) or next(codes),
            "procedure": procedure,
            "procedure_name": procedure.name,
            "receiving_agency": place["desk"],
            "competent_agency": place["district"],
            "channel": "direct",
            "status": DossierStatus.PROCESSING,
            "rule_version": rules[FormSet.TT03_2025],
            "applicant_name": NAME,
            "applicant_id_number": "008190001234",
            "applicant_address": "Thôn 3, xã Minh Dân",
            "applicant_phone": "0912 345 678",
            "applicant_email": "dao@example.vn",
            "request_summary": "Đăng ký khai sinh cho con thứ hai",
            "set_count": 1,
            "processing_amount": Decimal("3.00"),
            "processing_unit": "days",
        }
        if received:
            # 08:30 and 08:30 three working days later, Hà Nội time; stored in UTC.
            values |= {
                "received_at": utc(2026, 3, 2, 1, 30),
                "clock_started_at": utc(2026, 3, 2, 1, 30),
                "due_at": utc(2026, 3, 5, 1, 30),
                "original_due_at": utc(2026, 3, 5, 1, 30),
            }
        values |= fields
        dossier = Dossier.objects.create(**values)
        if documents:
            for order, (name, originals, copies) in enumerate(
                [
                    ("Tờ khai đăng ký khai sinh", 1, 0),
                    ("Giấy chứng sinh", 1, 0),
                    ("Căn cước của người đi đăng ký", 0, 1),
                ]
            ):
                DossierDocument.objects.create(
                    dossier=dossier, order=order, name=name, originals=originals, copies=copies
                )
        if received:
            event(dossier, Action.RECEIVE, dossier.received_at, officers["desk"])
        return dossier

    return make


def event(dossier, action, at, actor=None, **fields) -> DossierEvent:
    return DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        to_status=fields.pop("to_status", dossier.status),
        at=at,
        actor=actor,
        actor_name=actor.full_name if actor else "",
        **fields,
    )


def steps(dossier, place, officers) -> tuple[DossierStep, DossierStep, DossierStep]:
    def step(order, name, agency, role, assignee=None):
        return DossierStep.objects.create(
            dossier=dossier,
            order=order,
            name=name,
            agency=agency,
            role=role,
            amount=Decimal("1"),
            time_unit="days",
            status=StepStatus.DONE,
            assignee=assignee,
        )

    return (
        step(1, "Tiếp nhận hồ sơ", place["desk"], Role.RECEPTION, officers["desk"]),
        step(2, "Thẩm định", place["justice"], Role.SPECIALIST, officers["specialist"]),
        step(3, "Ký duyệt", place["district"], Role.LEADER, officers["leader"]),
    )


# --- Form 01 ---------------------------------------------------------------------------------


def test_form_01_receipt_prints_every_item_on_one_page_with_the_qr(make_dossier):
    dossier = make_dossier()

    html = render_form_html(dossier=dossier, form="01")
    pages, text = pdf_text(render_form(dossier=dossier, form="01"))

    assert pages == 1
    assert qr_svg(f"http://forms.test/tra-cuu/{CODE}/") in html
    assert '<svg viewBox="0 0 ' in html
    for expected in (
        "Mẫu số 01",
        "(Ban hành kèm theo Thông tư số 03/2025/TT-VPCP)",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "UBND HUYỆN HÀM YÊN",
        "Hàm Yên, ngày 02 tháng 03 năm 2026",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {CODE}",
        f"Họ và tên người nộp hồ sơ: {NAME}",
        "Số định danh cá nhân/CCCD: 008190001234",
        "Địa chỉ: Thôn 3, xã Minh Dân",
        "0912 345 678",
        "dao@example.vn",
        "Đăng ký khai sinh — Đăng ký khai sinh cho con thứ hai",
        "2 Giấy chứng sinh 1 0",
        "3 Căn cước của người đi đăng ký 0 1",
        "Số lượng hồ sơ: 1 bộ",
        "Thời gian giải quyết hồ sơ theo quy định: 3 ngày làm việc",
        "Thời gian nhận hồ sơ: 08 giờ 30 phút, ngày 02/03/2026",
        "Thời gian trả kết quả giải quyết hồ sơ: 08 giờ 30 phút, ngày 05/03/2026",
        "Nơi nhận kết quả: Bộ phận tiếp nhận và trả kết quả huyện Hàm Yên",
        f"Vào Sổ theo dõi hồ sơ, số: {CODE}",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Trần Văn Bình",
    ):
        assert expected in text, expected
    assert "Người được ủy quyền" not in text  # no representative: no line


@pytest.fixture(autouse=True)
def _public_base_url(settings):
    settings.MOTCUA_PUBLIC_BASE_URL = "http://forms.test/"


def test_the_qr_opens_the_public_status_page_of_the_dossier():
    assert lookup_url(CODE) == f"http://forms.test/tra-cuu/{CODE}/"
    assert lookup_url("A/B C") == "http://forms.test/tra-cuu/A%2FB%20C/"


def test_form_01_lists_the_representative_and_same_day_processing(make_dossier):
    dossier = make_dossier(
        representative="Nguyễn Văn An (giấy ủy quyền số 12/UQ)",
        processing_amount=Decimal("0"),
        return_method=ReturnMethod.POST,
    )

    html = render_form_html(dossier=dossier, form="01")

    assert "Người được ủy quyền/đại diện:</span> Nguyễn Văn An (giấy ủy quyền số 12/UQ)" in html
    assert '<span class="value">Trong ngày</span>' in html
    assert "(Qua dịch vụ bưu chính công ích)" in html


def test_user_text_is_escaped_in_the_form(make_dossier):
    dossier = make_dossier(
        applicant_name="<script>alert('x')</script> Đào",
        request_summary='<img src="http://evil.test/x.png">',
    )

    html = render_form_html(dossier=dossier, form="01")

    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Đào" in html
    assert '<img src="http://evil.test' not in html


def test_the_form_stays_in_the_office_language_under_an_english_interface(make_dossier):
    dossier = make_dossier()

    with translation.override("en"):
        html = render_form_html(dossier=dossier, form="01")

    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in html
    assert '<html lang="vi">' in html


# --- Form 02 ---------------------------------------------------------------------------------


def test_form_02_lists_the_latest_supplement_request(make_dossier, officers):
    dossier = make_dossier(status=DossierStatus.SUPPLEMENT_REQUESTED)
    SupplementRequest.objects.create(
        dossier=dossier,
        items=["Giấy chứng sinh (bản cũ)"],
        reason="Lần trước",
        requested_at=utc(2026, 3, 2, 1, 40),
    )
    SupplementRequest.objects.create(
        dossier=dossier,
        items=["Giấy chứng sinh bản chính", "Giấy xác nhận cư trú"],
        reason="Giấy chứng sinh nộp là bản chụp",
        requested_at=utc(2026, 3, 3, 7, 15),
        requested_by=officers["desk"],
        deadline_at=utc(2026, 3, 24, 7, 15),
    )

    pages, text = pdf_text(render_form(dossier=dossier, form="02"))

    assert pages == 1
    for expected in (
        "Mẫu số 02",
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "Hàm Yên, ngày 03 tháng 03 năm 2026",
        f"Mã hồ sơ: {CODE}",
        NAME,
        "1. Giấy chứng sinh bản chính",
        "2. Giấy xác nhận cư trú",
        "Lý do: Giấy chứng sinh nộp là bản chụp",
        "14 giờ 15 phút, ngày 24/03/2026",
        "0207 3880 456",
        "Trần Văn Bình",
    ):
        assert expected in text, expected
    assert "bản cũ" not in text


# --- Form 03 ---------------------------------------------------------------------------------


def test_form_03_gives_the_reason_of_the_refusal(make_dossier, officers):
    dossier = make_dossier(
        received=False,
        status=DossierStatus.NOT_ACCEPTED,
        status_reason="Thủ tục thuộc thẩm quyền của UBND cấp xã nơi cư trú.",
    )
    event(
        dossier,
        Action.REFUSE_INTAKE,
        utc(2026, 3, 4, 2, 0),
        officers["desk"],
        note="ghi chú nội bộ",
    )

    pages, text = pdf_text(render_form(dossier=dossier, form="03"))

    assert pages == 1
    for expected in (
        "Mẫu số 03",
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "Hàm Yên, ngày 04 tháng 03 năm 2026",
        dossier.code,
        NAME,
        "Thủ tục thuộc thẩm quyền của UBND cấp xã nơi cư trú.",
        "Trần Văn Bình",
    ):
        assert expected in text, expected
    assert "ghi chú nội bộ" not in text


def test_form_03_falls_back_to_the_event_reason(make_dossier, officers):
    dossier = make_dossier(received=False, status=DossierStatus.NOT_ACCEPTED)
    event(
        dossier,
        Action.REFUSE_INTAKE,
        utc(2026, 3, 4, 2, 0),
        officers["desk"],
        note="Không thuộc thẩm quyền",
    )

    html = render_form_html(dossier=dossier, form="03")

    assert '<p class="value">Không thuộc thẩm quyền</p>' in html


# --- Form 04 ---------------------------------------------------------------------------------


def test_form_04_apology_gives_the_old_and_the_new_appointment(make_dossier, officers):
    dossier = make_dossier(
        extended_at=utc(2026, 3, 4, 3, 0),
        extension_reason="Cần xác minh thông tin tại nơi cư trú cũ",
        due_at=utc(2026, 3, 9, 8, 0),
    )
    event(dossier, Action.APOLOGIZE, dossier.extended_at, officers["leader"])

    pages, text = pdf_text(render_form(dossier=dossier, form="04"))

    assert pages == 1
    for expected in (
        "Mẫu số 04",
        "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        "UBND HUYỆN HÀM YÊN",  # issued by the competent agency
        "Hàm Yên, ngày 04 tháng 03 năm 2026",
        f"UBND huyện Hàm Yên xin lỗi ông/bà {NAME}",
        "Thời gian nhận hồ sơ: 08 giờ 30 phút, ngày 02/03/2026",
        "Thời gian hẹn trả kết quả ban đầu: 08 giờ 30 phút, ngày 05/03/2026",
        "Lý do chậm trả kết quả: Cần xác minh thông tin tại nơi cư trú cũ",
        "Thời gian hẹn lại trả kết quả: 15 giờ 00 phút, ngày 09/03/2026",
        "Phạm Quốc Dũng",
    ):
        assert expected in text, expected


# --- Form 05 ---------------------------------------------------------------------------------


def test_form_05_notice_of_stopping_gives_the_reason(make_dossier, officers):
    dossier = make_dossier(status=DossierStatus.STOPPED, finished_at=utc(2026, 3, 3, 9, 0))
    event(
        dossier,
        Action.STOP,
        utc(2026, 3, 3, 9, 0),
        officers["leader"],
        public_note="Người nộp đã chết trước khi có kết quả",
        note="nội bộ",
    )

    pages, text = pdf_text(render_form(dossier=dossier, form="05"))

    assert pages == 1
    for expected in (
        "Mẫu số 05",
        "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        "Hàm Yên, ngày 03 tháng 03 năm 2026",
        dossier.code,
        NAME,
        "UBND huyện Hàm Yên thông báo dừng giải quyết hồ sơ nêu trên.",
        "Lý do: Người nộp đã chết trước khi có kết quả",
        "Phạm Quốc Dũng",
    ):
        assert expected in text, expected


def test_form_05_for_a_withdrawal_says_it_was_asked_for(make_dossier, officers):
    dossier = make_dossier(status=DossierStatus.WITHDRAWN, status_reason="Không còn nhu cầu")
    event(dossier, Action.WITHDRAW, utc(2026, 3, 3, 9, 0), officers["desk"])

    html = render_form_html(dossier=dossier, form="05")

    assert "Theo đề nghị của ông/bà, UBND huyện Hàm Yên thông báo dừng giải quyết" in html
    assert "Không còn nhu cầu" in html


# --- Form 06 ---------------------------------------------------------------------------------


def test_form_06_has_one_row_per_hand_over_in_the_2018_form_set(
    make_dossier, place, officers, rules
):
    dossier = make_dossier(rule_version=rules[FormSet.TT01_2018], status=DossierStatus.RESULT_READY)
    desk, review, sign = steps(dossier, place, officers)
    dossier.events.update(to_step=desk)  # the receipt hands the dossier to the desk's step
    event(
        dossier,
        Action.FORWARD,
        utc(2026, 3, 2, 1, 45),
        officers["desk"],
        step=desk,
        to_step=review,
        timeliness=Timeliness.EARLY,
    )
    event(dossier, Action.PAUSE_PAYMENT, utc(2026, 3, 2, 3, 0), officers["specialist"], step=review)
    event(
        dossier,
        Action.FORWARD,
        utc(2026, 3, 3, 9, 5),
        officers["specialist"],
        step=review,
        to_step=sign,
        timeliness=Timeliness.ON_TIME,
        note="Đủ điều kiện",
    )
    event(
        dossier,
        Action.APPROVE,
        utc(2026, 3, 5, 2, 0),
        officers["leader"],
        step=sign,
        timeliness=Timeliness.LATE,
    )

    pages, text = pdf_text(render_form(dossier=dossier, form="06"))

    assert pages == 1
    for expected in (
        "Mẫu số 05",  # Circular 01/2018 numbered the control slip 05
        "(Ban hành kèm theo Thông tư số 01/2018/TT-VPCP)",
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        f"Mã hồ sơ: {CODE}",
        "Thủ tục: Đăng ký khai sinh",
        NAME,
        "08:30 02/03/2026",
        "08:30 05/03/2026",
        "08:45 02/03/2026",
        "16:05 03/03/2026",
        "09:00 05/03/2026",
        "Trước hạn",
        "Đúng hạn",
        "Quá hạn",
        "Đủ điều kiện",
        "Phòng Tư pháp huyện Hàm Yên",
        "Lê Thị Cúc",
    ):
        assert expected in text, expected
    rows = control_rows(dossier)
    # The receipt into the desk's own step is not a hand-over; the pause is not either.
    assert [(row["giver"], row["receiver"], row["timeliness"]) for row in rows] == [
        (desk.agency.name, "Phòng Tư pháp huyện Hàm Yên", "Trước hạn"),
        ("Phòng Tư pháp huyện Hàm Yên", "UBND huyện Hàm Yên", "Đúng hạn"),
        ("UBND huyện Hàm Yên", "Bộ phận tiếp nhận và trả kết quả huyện Hàm Yên", "Quá hạn"),
    ]
    assert rows[0]["giver_person"] == "Trần Văn Bình"
    assert rows[0]["receiver_person"] == "Lê Thị Cúc"


# --- Form sets, unknown and inapplicable forms ----------------------------------------------


@pytest.mark.parametrize(
    ("forms", "form", "number", "title"),
    [
        (FormSet.TT03_2025, "04", "Mẫu số 04", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN"),
        (FormSet.TT01_2018, "04", "Mẫu số 04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
        (FormSet.TT03_2025, "05", "Mẫu số 05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"),
        (FormSet.TT01_2018, "05", None, "PHIẾU DỪNG XỬ LÝ HỒ SƠ"),
        (FormSet.TT03_2025, "06", "Mẫu số 06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
    ],
)
def test_each_form_set_numbers_and_titles_its_forms(
    make_dossier, rules, forms, form, number, title
):
    dossier = make_dossier(
        rule_version=rules[forms],
        status=DossierStatus.STOPPED,
        extended_at=utc(2026, 3, 4, 3, 0),
        extension_reason="Chờ xác minh",
    )

    html = render_form_html(dossier=dossier, form=form)

    assert f"<h1>{title}" in html
    if number:
        assert f'<div class="form-number">{number}<span' in html
    else:
        assert "form-number" not in html.split("</style>")[1]


@pytest.mark.parametrize("form", ["07", "1", "", "01 ", None])
def test_an_unknown_form_is_refused_with_a_stable_code(make_dossier, form):
    dossier = make_dossier()

    with pytest.raises(InvalidInput) as raised:
        render_form(dossier=dossier, form=form)

    assert raised.value.code == "form_unknown"
    assert "01, 02, 03, 04, 05, 06" in str(raised.value.message)


@pytest.mark.parametrize(
    ("form", "fields"),
    [
        ("01", {"received": False, "status": DossierStatus.SUBMITTED}),
        ("02", {}),
        ("03", {}),
        ("04", {}),
        ("05", {"status": DossierStatus.RESULT_READY}),
        ("06", {"received": False, "status": DossierStatus.SUBMITTED}),
    ],
)
def test_a_form_without_its_data_is_not_applicable(make_dossier, form, fields):
    dossier = make_dossier(**fields)

    with pytest.raises(InvalidInput) as raised:
        render_form_html(dossier=dossier, form=form)

    assert raised.value.code == "form_not_applicable"
    assert raised.value.as_dict()["message"].startswith("Hồ sơ ")


# --- Offline rendering -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://example.com/font.woff2",
        "ftp://example.com/x",
        "file:///etc/passwd",
        f"file://{ASSET_ROOT}/../../../../../../etc/passwd",
    ],
)
def test_the_pdf_renderer_fetches_nothing_from_the_network_or_outside_the_assets(url):
    with pytest.raises(ValueError, match=r"refused|allowed"):
        OfflineURLFetcher().fetch(url)


def test_the_pdf_renderer_reads_data_uris_and_form_assets():
    fetcher = OfflineURLFetcher()

    assert fetcher.fetch("data:text/plain,abc").read() == b"abc"
    css = fetcher.fetch((ASSET_ROOT / "print.css").as_uri())
    assert b"@page" in css.read()


# --- Formatting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        (Decimal("0"), "days", "Trong ngày"),
        (Decimal("0.00"), "hours", "Trong ngày"),
        (Decimal("3.00"), "days", "3 ngày làm việc"),
        (Decimal("0.50"), "days", "0,5 ngày làm việc"),
        (Decimal("30"), "days", "30 ngày làm việc"),
        (Decimal("8"), "hours", "8 giờ làm việc"),
        (None, "days", ""),
    ],
)
def test_processing_time_in_words(amount, unit, expected):
    assert fmt.duration_text(amount, unit) == expected


def test_times_print_in_hanoi_time_whatever_zone_they_come_in():
    late_evening_utc = utc(2026, 12, 31, 17, 5)  # 00:05 on 1 January 2027 in Hà Nội

    assert fmt.clock_text(late_evening_utc) == "00 giờ 05 phút, ngày 01/01/2027"
    assert fmt.short_text(late_evening_utc) == "00:05 01/01/2027"
    assert fmt.place_date_text("Hàm Yên", late_evening_utc) == "Hàm Yên, ngày 01 tháng 01 năm 2027"
    assert fmt.place_date_text("Hàm Yên", None) == "Hàm Yên, ngày …… tháng …… năm ……"
    assert fmt.local_naive(late_evening_utc) == dt.datetime(2027, 1, 1, 0, 5)  # noqa: DTZ001


def test_the_place_is_the_proper_name_of_the_nearest_administrative_unit(place):
    assert fmt.place_name(place["desk"]) == "Hàm Yên"
    assert fmt.place_name(place["police"]) == "Tuyên Quang"
    assert fmt.place_name(place["district"]) == "Hàm Yên"
    commune = agency_create(
        code="000.00.52.H62", name="UBND phường Minh Xuân", kind="commune", parent=place["province"]
    )
    assert fmt.place_name(commune) == "Minh Xuân"
    town = agency_create(
        code="000.27.06.H62", name="UBND thị trấn Tân Yên", kind="commune", parent=place["district"]
    )
    assert fmt.place_name(town) == "Tân Yên"


# --- Form 07: the tracking book ----------------------------------------------------------------


@pytest.fixture
def book(make_dossier, place):
    """Received 2–3 March 2026 (local) at the district's desk, plus three that do not belong."""
    first = make_dossier(
        code="000.10.06.H62-260302-0001",
        received_at=utc(2026, 3, 1, 17, 30),  # 00:30 on 2 March in Hà Nội
        due_at=utc(2026, 3, 5, 10, 0),
        returned_at=utc(2026, 3, 5, 9, 0),
        return_method=ReturnMethod.POST,
        status=DossierStatus.RETURNED,
    )
    last = make_dossier(
        code="000.10.06.H62-260303-0002",
        applicant_name="Hoàng Văn Êm",
        applicant_address="",
        received_at=utc(2026, 3, 3, 16, 59),  # 23:59 on 3 March
        due_at=utc(2026, 3, 6, 10, 0),
        competent_agency=place["justice"],
    )
    make_dossier(code="000.10.06.H62-260304-0001", received_at=utc(2026, 3, 3, 17, 0))  # 4 March
    make_dossier(code="000.10.06.H62-260301-0001", received_at=utc(2026, 3, 1, 16, 59))  # 1 March
    make_dossier(code="000.01.51.H62-260302-0001", receiving_agency=place["other_desk"])
    return first, last


def test_tracking_book_xlsx_lists_the_period_with_real_dates(
    book, place, django_assert_num_queries
):
    with django_assert_num_queries(1):
        data = tracking_book_xlsx(
            agency=place["district"], date_from=dt.date(2026, 3, 2), date_to=dt.date(2026, 3, 3)
        )

    sheet = load_workbook(BytesIO(data)).active
    assert sheet["A1"].value == "SỔ THEO DÕI HỒ SƠ"
    assert sheet["A2"].value == "UBND huyện Hàm Yên — Từ ngày 02/03/2026 đến ngày 03/03/2026"
    assert {str(cells) for cells in sheet.merged_cells.ranges} == {
        "A1:K1",
        "A2:K2",
        *(f"{column}4:{column}5" for column in "ABCDEFGH"),
        "I4:K4",
    }
    assert [sheet.cell(4, column).value for column in range(1, 10)] == [
        "STT",
        "Mã hồ sơ",
        "Thủ tục hành chính",
        "Người nộp hồ sơ",
        "Địa chỉ, số điện thoại",
        "Cơ quan giải quyết",
        "Ngày nhận hồ sơ",
        "Ngày hẹn trả kết quả",
        "Trả kết quả",
    ]
    assert [sheet.cell(5, column).value for column in range(9, 12)] == [
        "Ngày trả kết quả",
        "Hình thức trả kết quả",
        "Ký nhận",
    ]
    assert sheet.freeze_panes == "A6"
    assert sheet.column_dimensions["C"].width == 40
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=6)]
    assert rows == [
        [
            1,
            "000.10.06.H62-260302-0001",
            "Đăng ký khai sinh",
            NAME,
            "Thôn 3, xã Minh Dân – 0912 345 678",
            "UBND huyện Hàm Yên",
            dt.datetime(2026, 3, 2, 0, 30),  # noqa: DTZ001
            dt.datetime(2026, 3, 5, 17, 0),  # noqa: DTZ001
            dt.datetime(2026, 3, 5, 16, 0),  # noqa: DTZ001
            "Qua dịch vụ bưu chính công ích",
            None,
        ],
        [
            2,
            "000.10.06.H62-260303-0002",
            "Đăng ký khai sinh",
            "Hoàng Văn Êm",
            "0912 345 678",
            "Phòng Tư pháp huyện Hàm Yên",
            dt.datetime(2026, 3, 3, 23, 59),  # noqa: DTZ001
            dt.datetime(2026, 3, 6, 17, 0),  # noqa: DTZ001
            None,
            None,
            None,
        ],
    ]
    assert sheet["G6"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet["G6"].is_date


def test_tracking_book_pdf_lists_the_same_dossiers(book, place, django_assert_num_queries):
    with django_assert_num_queries(2):  # the dossiers, the form set in force
        data = tracking_book_pdf(
            agency=place["desk"], date_from=dt.date(2026, 3, 2), date_to=dt.date(2026, 3, 3)
        )
    pages, text = pdf_text(data)

    assert pages == 1
    for expected in (
        "Mẫu số 07",
        "SỔ THEO DÕI HỒ SƠ",
        "Từ ngày 02/03/2026 đến ngày 03/03/2026",
        "Trả kết quả Ngày trả kết quả Hình thức trả kết quả Ký nhận",
        "000.10.06.H62-260302-0001",
        "000.10.06.H62-260303-0002",
        NAME,
        "Hoàng Văn Êm",
        "00:30 02/03/2026",
        "23:59 03/03/2026",
        "1 / 1",
    ):
        assert expected in text, expected
    assert "260304" not in text
    assert "260301" not in text
    assert "000.01.51.H62" not in text


def test_tracking_book_of_an_old_period_uses_the_2018_form_number(place, rules):
    html = tracking_book_html(
        agency=place["desk"], date_from=dt.date(2019, 1, 1), date_to=dt.date(2019, 1, 31)
    )

    assert '<div class="form-number">Mẫu số 06<span' in html
    assert "Không có hồ sơ nào trong thời gian này." in html


@pytest.mark.parametrize(
    ("date_from", "date_to", "code"),
    [
        (dt.date(2026, 3, 3), dt.date(2026, 3, 2), "period_invalid"),
        ("2026-03-01", dt.date(2026, 3, 2), "period_invalid"),
        (dt.datetime(2026, 3, 1, tzinfo=UTC), dt.date(2026, 3, 2), "period_invalid"),
        (dt.date(2025, 1, 1), dt.date(2026, 1, 2), "period_too_long"),
    ],
)
def test_tracking_book_refuses_a_bad_period(place, date_from, date_to, code):
    with pytest.raises(InvalidInput) as raised:
        tracking_book_xlsx(agency=place["desk"], date_from=date_from, date_to=date_to)

    assert raised.value.code == code
