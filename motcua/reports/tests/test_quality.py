"""The service-quality index against a hand-computed March 2026 at xã Hàm Yên."""

import json
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from motcua.catalog.tests.factories import ProcedureFactory
from motcua.dossiers.models import FileKind
from motcua.dossiers.services import (
    dossier_approve,
    dossier_attach_file,
    dossier_forward,
    dossier_request_supplement,
    dossier_return_result,
    dossier_supplement_received,
)
from motcua.dossiers.tests.factories import (
    HKD,
    build_office,
    demo_procedure,
    local,
    receive,
    submit,
)
from motcua.organizations.models import Role
from motcua.payments.gateways import FakeGateway, sign
from motcua.payments.models import Payment
from motcua.payments.services import payment_callback, payment_start_online
from motcua.portal.tests.citizen_helpers import make_citizen
from motcua.ratings.services import rating_submit
from motcua.reports.quality import quality_index, quality_list

MARCH = (local(2026, 3, 1).date(), local(2026, 3, 31).date())
NOW = local(2026, 4, 1, 10, 0)
CERTIFY = "2.000815"  # Chứng thực bản sao: direct only, not online, fee 2.000 đ
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def office(db):
    return build_office()


def at(when, service, **kwargs):
    with time_machine.travel(when, tick=False):
        return service(**kwargs)


def through(office, dossier, *, day, approve_at):
    """Desk → Phòng Kinh tế → review → leader signs at `approve_at`."""
    at(local(*day, 9, 0), dossier_forward, actor=office.reception, dossier=dossier)
    at(local(*day, 10, 0), dossier_forward, actor=office.specialist, dossier=dossier)
    at(local(*day, 11, 0), dossier_forward, actor=office.head, dossier=dossier)
    at(approve_at, dossier_approve, actor=office.leader, dossier=dossier)


def give_back(office, dossier, when):
    at(
        when,
        dossier_return_result,
        actor=office.reception,
        dossier=dossier,
        returned_to="Nguyễn Văn An",
        method="at_desk",
    )


def pdf(name="ket-qua.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def march(office):
    """Catalog: HKD (complete, online, fee), chứng thực (complete, not online, fee) and one
    procedure with nothing but a name (incomplete, offered online, never used).

    d1 HKD direct Mon 2/3 08:00, approved 14:00 the same day (early), an electronic result,
       returned, rated «Rất hài lòng»;
    d2 HKD online Mon 2/3 08:00, paid online, approved Mon 9/3 (due Thu 5/3: late), returned,
       rated «Không hài lòng»;
    d3 HKD direct Tue 3/3 08:00, two supplement requests, approved Wed 4/3 14:00 (early);
    d4 HKD direct Wed 4/3 08:00, scanned at the desk, still open;
    d5 chứng thực direct Thu 5/3 08:00, still open."""
    hkd = demo_procedure(HKD)
    demo_procedure(CERTIFY)
    ProcedureFactory(name="Thủ tục chưa công bố đủ nội dung")
    citizen = make_citizen()

    d1 = receive(office, hkd, at=local(2026, 3, 2, 8, 0))
    at(local(2026, 3, 2, 9, 0), dossier_forward, actor=office.reception, dossier=d1)
    at(local(2026, 3, 2, 10, 0), dossier_forward, actor=office.specialist, dossier=d1)
    at(local(2026, 3, 2, 11, 0), dossier_forward, actor=office.head, dossier=d1)
    at(
        local(2026, 3, 2, 13, 45),
        dossier_attach_file,
        actor=office.leader,
        dossier=d1,
        upload=pdf(),
        kind=FileKind.RESULT,
    )
    at(local(2026, 3, 2, 14, 0), dossier_approve, actor=office.leader, dossier=d1)
    give_back(office, d1, local(2026, 3, 3, 9, 0))
    at(
        local(2026, 3, 3, 10, 0),
        rating_submit,
        dossier=d1,
        level="very_satisfied",
        channel="counter",
    )

    submitted = submit(office, hkd, citizen=citizen, at=local(2026, 3, 2, 7, 0))
    d2 = receive(office, hkd, at=local(2026, 3, 2, 8, 0), channel="online", dossier=submitted)
    at(local(2026, 3, 2, 8, 30), payment_start_online, user=citizen, dossier=d2, return_url="/")
    payment = Payment.objects.get(dossier=d2)
    payload = FakeGateway.callback_payload(payment, success=True)
    at(local(2026, 3, 2, 8, 35), payment_callback, payload=payload, signature=sign(payload))
    through(office, d2, day=(2026, 3, 9), approve_at=local(2026, 3, 9, 14, 0))
    give_back(office, d2, local(2026, 3, 10, 9, 0))
    at(
        local(2026, 3, 10, 10, 0),
        rating_submit,
        dossier=d2,
        level="not_satisfied",
        channel="counter",
        reason="Trả kết quả muộn",
    )

    d3 = receive(office, hkd, at=local(2026, 3, 3, 8, 0))
    for ask, answer in (((9, 0), (10, 0)), ((11, 0), (13, 30))):
        at(
            local(2026, 3, 3, *ask),
            dossier_request_supplement,
            actor=office.reception,
            dossier=d3,
            items=["Bản sao giấy tờ pháp lý"],
            reason="Thiếu",
        )
        at(
            local(2026, 3, 3, *answer),
            dossier_supplement_received,
            actor=office.reception,
            dossier=d3,
        )
    through(office, d3, day=(2026, 3, 4), approve_at=local(2026, 3, 4, 14, 0))

    d4 = receive(office, hkd, at=local(2026, 3, 4, 8, 0))
    at(
        local(2026, 3, 4, 8, 10),
        dossier_attach_file,
        actor=office.reception,
        dossier=d4,
        upload=pdf("scan.pdf"),
    )
    d5 = receive(office, demo_procedure(CERTIFY), at=local(2026, 3, 5, 8, 0))
    return {"d1": d1, "d2": d2, "d3": d3, "d4": d4, "d5": d5}


def client_for(user) -> Client:
    """Signed in without the sign-in throttle's log row (force_login's bare request has no
    client address, which PostgreSQL's inet column refuses)."""
    client = Client()
    with override_settings(AXES_ENABLED=False):
        client.force_login(user)
    return client


def index_for(agency):
    return quality_index(agency=agency, date_from=MARCH[0], date_to=MARCH[1], now=NOW)


def numbers(item):
    return (item.numerator, item.denominator, item.share, item.max_points, item.points)


def test_every_indicator_hand_computed(office, march):
    index = index_for(office.commune)
    d = Decimal
    expected = {
        # 2 of 3 procedures publish everything; 18 points for the group's one indicator
        "catalog_complete": (2, 3, d("0.6667"), d(18), d("12.00")),
        # (2 early + 0 on time − 1 with two supplement requests) ÷ 3 resolved
        "on_time": (1, 3, d("0.3333"), d(10), d("3.33")),
        # HKD: (0,53 + 5,53 + 1,53) ÷ 3 = 2,53 working days ≤ 3
        "processing_time": (1, 1, d("1.0000"), d(10), d("10.00")),
        "online_offered": (2, 3, d("0.6667"), d(4), d("2.67")),
        "online_used": (1, 2, d("0.5000"), d(4), d("2.00")),
        "submitted_online": (1, 5, d("0.2000"), d(4), d("0.80")),
        "paid_online": (1, 5, d("0.2000"), d(10), d("2.00")),
        # 100 % − (1 late + 1 not satisfied) ÷ 3
        "complaint_index": (1, 3, d("0.3333"), d(9), d("3.00")),
        "satisfied_rate": (1, 2, d("0.5000"), d(9), d("4.50")),
        "digitized": (2, 5, d("0.4000"), d(11), d("4.40")),
        "electronic_result": (1, 3, d("0.3333"), d(11), d("3.67")),
    }
    assert {key: numbers(index.indicator(key)) for key in expected} == expected
    assert [(g.key, g.max_points, g.points) for g in index.groups] == [
        ("transparency", 18, d("12.00")),
        ("progress", 20, d("13.33")),
        ("online", 12, d("5.47")),
        ("payment", 10, d("2.00")),
        ("satisfaction", 18, d("7.50")),
        ("digitization", 22, d("8.07")),
    ]
    assert index.points == d("48.37")
    assert index.max_points == 100


def test_formulas_show_the_actual_numbers(office, march):
    index = index_for(office.commune)
    assert index.indicator("on_time").formula.endswith("(2 + 0 − 1) ÷ 3 = 33,3\u00a0%")
    assert index.indicator("complaint_index").formula.endswith("100 % − (1 + 1) ÷ 3 = 33,3\u00a0%")
    assert index.indicator("satisfied_rate").formula.endswith("(1 + 0) ÷ 2 = 50,0\u00a0%")
    assert index.indicator("paid_online").formula.endswith(": 1 ÷ 5 = 20,0\u00a0%")
    incomplete = index.indicator("catalog_complete").details
    assert [row["name"] for row in incomplete] == ["Thủ tục chưa công bố đủ nội dung"]
    assert "Thành phần hồ sơ" in incomplete[0]["missing"]
    assert "Cách thức thực hiện" not in incomplete[0]["missing"]
    parts = {part.key: part.count for part in index.indicator("catalog_complete").parts}
    assert parts == {"numerator": 2, "denominator": 3, "incomplete": 1}
    [hkd_row] = index.indicator("processing_time").details
    assert (hkd_row["dossiers"], hkd_row["average_text"], hkd_row["statutory_text"]) == (
        3,
        "2,5",
        "3,0",
    )


def test_the_lists_behind_every_number_have_that_length(office, march):
    index = index_for(office.commune)
    for group in index.groups:
        for item in group.indicators:
            for part in item.parts:
                _spec, _label, rows = quality_list(
                    agency=office.commune,
                    date_from=MARCH[0],
                    date_to=MARCH[1],
                    indicator=item.key,
                    part=part.key,
                    now=NOW,
                )
                assert rows.count() == part.count, (item.key, part.key)
    _spec, _label, rows = quality_list(
        agency=office.commune,
        date_from=MARCH[0],
        date_to=MARCH[1],
        indicator="on_time",
        part="many_supplements",
        now=NOW,
    )
    assert [row.code for row in rows] == [march["d3"].code]


def test_an_agency_without_data_divides_by_nothing(office):
    index = index_for(office.other_commune)
    for key in ("on_time", "submitted_online", "paid_online", "digitized", "satisfied_rate"):
        item = index.indicator(key)
        assert (item.denominator, item.share, item.points) == (0, None, None), key
        assert "= —" in item.formula
    assert index.points == 0
    client = client_for(office.other[Role.REPORTER])
    with time_machine.travel(NOW, tick=False):
        response = client.get(
            reverse("reports:quality"), {"from": "2026-03-01", "to": "2026-03-31"}
        )
    assert response.status_code == 200


def test_the_page_and_its_json(office, march):
    client = client_for(office.leader)
    params = {"agency": office.commune.code, "from": "2026-03-01", "to": "2026-03-31"}
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("reports:quality"), params).content.decode()
        payload = client.get(reverse("reports:quality"), {**params, "format": "json"}).json()
        listed = client.get(
            reverse("reports:quality_list"),
            {**params, "indicator": "paid_online", "part": "numerator"},
        ).content.decode()
        bad = client.get(reverse("reports:quality_list"), {**params, "indicator": "x", "part": "y"})
        bad_json = client.get(
            reverse("reports:quality"), {**params, "to": "hôm qua", "format": "json"}
        )
    assert "48,37" in html
    assert "(2 + 0 − 1) ÷ 3 = 33,3\u00a0%" in html
    assert "chia đều cho 3 chỉ số" in html
    assert payload["agency"] == office.commune.code
    assert payload["points"] == 48.37
    assert [g["key"] for g in payload["groups"]] == [
        "transparency", "progress", "online", "payment", "satisfaction", "digitization",
    ]  # fmt: skip
    paid = payload["groups"][3]["indicators"][0]
    assert (paid["key"], paid["numerator"], paid["denominator"], paid["share"], paid["points"]) == (
        "paid_online", 1, 5, 0.2, 2.0,
    )  # fmt: skip
    assert listed.count('class="report-row"') == 1
    assert march["d2"].code in listed
    assert bad.status_code == 400
    assert bad_json.status_code == 400
    assert bad_json.json()["code"] == "invalid_date"
    json.dumps(payload)


def test_a_reporter_of_another_agency_gets_404(office, march):
    client = client_for(office.other[Role.REPORTER])
    response = client.get(
        reverse("reports:quality"), {"agency": office.commune.code, "format": "json"}
    )
    assert response.status_code == 404
    assert response.json()["code"] == "agency_not_found"


def test_the_index_costs_the_same_queries_whatever_the_data(office, march):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            index_for(office.commune)
        return len(captured)

    count()  # warm the calendar cache
    before = count()
    hkd = march["d1"].procedure
    for day in (9, 10, 11):
        receive(office, hkd, at=local(2026, 3, day, 8, 0))
    d = receive(office, hkd, at=local(2026, 3, 12, 8, 0))
    through(office, d, day=(2026, 3, 12), approve_at=local(2026, 3, 12, 14, 0))
    assert count() == before
    assert before <= 45, before
