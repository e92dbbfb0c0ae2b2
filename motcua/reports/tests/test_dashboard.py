"""The leaders' dashboard: who may open it, what it counts, and the lists behind its numbers."""

import re
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from motcua.dossiers.services import dossier_assign, dossier_forward, dossier_request_supplement
from motcua.dossiers.tests.factories import (
    HKD,
    build_office,
    demo_procedure,
    local,
    receive,
    submit,
)
from motcua.organizations.models import Role
from motcua.portal.tests.citizen_helpers import make_citizen
from motcua.ratings.services import rating_submit
from motcua.ratings.tests.factories import returned
from motcua.reports.dashboard.scope import Period
from motcua.reports.dashboard.selectors import dashboard
from motcua.reports.dashboard.workload import (
    DUE_SOON,
    OVERDUE,
    UNASSIGNED,
    workload_dossiers,
    workload_summary,
)

NOW = local(2026, 3, 11, 10, 0)  # Wednesday
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def office(db):
    return build_office()


@pytest.fixture
def hkd(db):
    return demo_procedure(HKD)  # 3 working days, field Thành lập và hoạt động của hộ kinh doanh


def at(when, service, **kwargs):
    with time_machine.travel(when, tick=False):
        return service(**kwargs)


def received_online(office, procedure, *, at, citizen=None):
    """Submitted on the portal, accepted at the desk at `at`."""
    citizen = citizen or make_citizen(f"cd{at:%m%d%H%M}@example.vn")
    submitted = submit(office, procedure, citizen=citizen, at=at)
    return receive(office, procedure, at=at, channel="online", dossier=submitted)


def client_for(user) -> Client:
    """Signed in without the sign-in throttle's log row: force_login's bare request has no
    client address, which PostgreSQL's inet column refuses."""
    client = Client()
    with override_settings(AXES_ENABLED=False):
        client.force_login(user)
    return client


def get(client, url, **params):
    with time_machine.travel(NOW, tick=False):
        return client.get(url, params)


@pytest.fixture
def scenario(office, hkd):
    """Four dossiers at xã Hàm Yên, seen on Wednesday 11/3/2026 10:00:
    - A: direct, Mon 2/3 08:00 (due Thu 5/3 08:00), still at the desk → overdue at the desk;
    - B: online, Mon 9/3 08:00 (due Thu 12/3 08:00), at Phòng Kinh tế, assigned to the
      specialist → due within one working day (before Thu 12/3 10:00);
    - C: postal, Tue 10/3 08:00 (due Fri 13/3 08:00) → neither;
    - D: direct, Mon 2/3 09:00, supplement requested → waiting, counts as within deadline."""
    a = receive(office, hkd, at=local(2026, 3, 2, 8, 0))
    b = received_online(office, hkd, at=local(2026, 3, 9, 8, 0))
    at(local(2026, 3, 9, 9, 0), dossier_forward, actor=office.reception, dossier=b)
    at(
        local(2026, 3, 9, 9, 30),
        dossier_assign,
        actor=office.head,
        dossier=b,
        assignee=office.specialist,
    )
    c = receive(office, hkd, at=local(2026, 3, 10, 8, 0), channel="postal")
    d = receive(office, hkd, at=local(2026, 3, 2, 9, 0))
    at(
        local(2026, 3, 3, 9, 0),
        dossier_request_supplement,
        actor=office.reception,
        dossier=d,
        items=["Bản sao giấy tờ pháp lý"],
        reason="Thiếu bản sao",
    )
    return {"a": a, "b": b, "c": c, "d": d}


# -- access --------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(db):
    response = Client().get(reverse("reports:dashboard"))
    assert response.status_code == 302
    assert "next=/bao-cao/" in response["Location"]


@pytest.mark.parametrize(
    "url", ["reports:dashboard", "reports:overdue", "reports:quality", "reports:quality_list"]
)
def test_officers_without_a_report_role_and_citizens_get_404(office, url):
    for user in (office.specialist, office.reception, make_citizen()):
        response = client_for(user).get(reverse(url))
        assert response.status_code == 404, user


def test_a_reporter_of_another_agency_gets_404_like_an_unknown_code(office):
    client = client_for(office.other[Role.REPORTER])
    other = client.get(reverse("reports:dashboard"), {"agency": office.commune.code})
    unknown = client.get(reverse("reports:dashboard"), {"agency": "000.99.99.H62"})
    assert other.status_code == unknown.status_code == 404
    assert client.get(reverse("reports:dashboard")).status_code == 200


def test_bad_dates_are_a_400_with_a_vietnamese_message(office):
    client = client_for(office.officers[Role.REPORTER])
    response = client.get(reverse("reports:dashboard"), {"from": "31/02/2026"})
    assert response.status_code == 400
    assert "không hợp lệ" in response.content.decode()
    response = client.get(reverse("reports:dashboard"), {"from": "2026-03-02", "to": "2026-03-01"})
    assert response.status_code == 400
    response = client.get(reverse("reports:overdue"), {"kind": "lost"})
    assert response.status_code == 400


# -- the page ------------------------------------------------------------------------------------


def test_the_page_of_an_agency_without_any_data(office):
    response = get(client_for(office.other[Role.REPORTER]), reverse("reports:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "UBND phường Minh Xuân" in html
    assert "Không có số liệu" in html
    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    assert len(svgs) == 6
    for svg in svgs:
        root = ET.fromstring(svg)  # noqa: S314 -- our own page
        assert root.find(f"{SVG}title").text


def test_received_by_channel_and_field(office, hkd, scenario):
    data = dashboard(
        agency=office.commune, period=Period(local(2026, 1, 1).date(), NOW.date()), now=NOW
    )
    assert [(s.key, s.count) for s in data.by_channel] == [
        ("direct", 2),
        ("online", 1),
        ("postal", 1),
    ]
    assert data.received == 4
    assert [(s.label, s.count) for s in data.by_field] == [(hkd.field.name, 4)]
    # a period that ends before B, C arrive
    early = dashboard(
        agency=office.commune,
        period=Period(local(2026, 3, 1).date(), local(2026, 3, 8).date()),
        now=NOW,
    )
    assert [(s.key, s.count) for s in early.by_channel] == [
        ("direct", 2),
        ("online", 0),
        ("postal", 0),
    ]
    # the province sees its communes' dossiers; the other commune sees none
    assert dashboard(agency=office.province, period=data.period, now=NOW).received == 4
    assert dashboard(agency=office.other_commune, period=data.period, now=NOW).received == 0


def test_overdue_and_due_within_one_working_day_by_department_and_officer(office, scenario):
    workload = workload_summary(agency=office.commune, now=NOW)
    assert workload.horizon == local(2026, 3, 12, 10, 0)
    assert (workload.overdue, workload.due_soon) == (1, 1)
    assert [(r.label, r.overdue, r.due_soon) for r in workload.departments] == [
        (office.desk.name, 1, 0),
        (office.economy.name, 0, 1),
    ]
    officers = {(r.key, r.label): (r.overdue, r.due_soon) for r in workload.officers}
    assert officers == {
        (UNASSIGNED, "Chưa phân công"): (1, 0),
        (str(office.specialist.pk), "Trần Văn Nam"): (0, 1),
    }

    # each number's list has that many dossiers, and they are the right ones
    def codes(**kw):
        return [d.code for d in workload_dossiers(agency=office.commune, now=NOW, **kw)]

    assert codes(kind=OVERDUE) == [scenario["a"].code]
    assert codes(kind=DUE_SOON) == [scenario["b"].code]
    assert codes(kind=OVERDUE, department=str(office.desk.pk)) == [scenario["a"].code]
    assert codes(kind=OVERDUE, department=str(office.economy.pk)) == []
    assert codes(kind=DUE_SOON, officer=str(office.specialist.pk)) == [scenario["b"].code]
    assert codes(kind=OVERDUE, officer=UNASSIGNED) == [scenario["a"].code]
    # on Friday 13/3 09:00 all three running dossiers are overdue (D waits for its supplement)
    later = workload_summary(agency=office.commune, now=local(2026, 3, 13, 9, 0))
    assert (later.overdue, later.due_soon) == (3, 0)


def test_due_soon_crosses_the_weekend_on_the_working_calendar(office, hkd):
    # received Tue 10/3 08:00, due Fri 13/3 08:00; seen Thu 12/3 16:00: one working day later is
    # Fri 13/3 16:00, so it is due soon; seen Wed 11/3 16:00 it is not yet
    receive(office, hkd, at=local(2026, 3, 10, 8, 0))
    assert workload_summary(agency=office.commune, now=local(2026, 3, 12, 16, 0)).due_soon == 1
    assert workload_summary(agency=office.commune, now=local(2026, 3, 11, 16, 0)).due_soon == 0
    # Friday 16:00 + 1 working day = Monday 16:00
    friday = workload_summary(agency=office.commune, now=local(2026, 3, 13, 16, 0))
    assert friday.horizon == local(2026, 3, 16, 16, 0)
    # before opening, the day counts from the opening: Friday 07:00 → Friday 17:00
    early = workload_summary(agency=office.commune, now=local(2026, 3, 13, 7, 0))
    assert early.horizon == local(2026, 3, 13, 17, 0)


def rows_in(html: str) -> int:
    """Rows of a dossier list page: ours, the quality index's, or the timeliness report's."""
    return (
        html.count('class="report-dossier"')
        + html.count('class="report-row"')
        + html.count("<tr data-code=")
    )


def test_the_page_links_every_count_to_a_list_of_that_length(office, hkd, scenario):
    first = returned(office, hkd, at=local(2026, 3, 3, 9, 0))
    at(local(2026, 3, 3, 10, 0), rating_submit, dossier=first, level="satisfied", channel="counter")
    client = client_for(office.officers[Role.REPORTER])
    html = get(client, reverse("reports:dashboard")).content.decode()
    links = re.findall(r'href="(/bao-cao/[^"]+\?[^"]+)"[^>]*>(?:<span[^>]*>)?([\d.]+)<', html)
    kinds = {url.split("?")[0] for url, _number in links}
    assert kinds == {
        "/bao-cao/qua-han/",
        "/bao-cao/tiep-nhan/",
        "/bao-cao/chi-so/danh-sach/",
        "/bao-cao/dung-han/ho-so/",
    }
    assert len(links) >= 20
    for url, number in links:
        page = get(client, url.replace("&amp;", "&"))
        assert page.status_code == 200, url
        assert rows_in(page.content.decode()) == int(number.replace(".", "")), url


def test_received_lists_by_channel_and_field(office, hkd, scenario):
    client = client_for(office.officers[Role.REPORTER])
    url = reverse("reports:received")
    page = get(client, url, channel="postal").content.decode()
    assert rows_in(page) == 1
    assert scenario["c"].code in page
    assert rows_in(get(client, url, field=hkd.field.code).content.decode()) == 4
    assert get(client, url, channel="fax").status_code == 400


def test_satisfaction_on_the_page(office, hkd):
    first = returned(office, hkd, at=local(2026, 3, 3, 9, 0))
    second = returned(office, hkd, at=local(2026, 3, 4, 9, 0))
    at(
        local(2026, 3, 3, 10, 0),
        rating_submit,
        dossier=first,
        level="very_satisfied",
        channel="counter",
    )
    at(
        local(2026, 3, 4, 10, 0),
        rating_submit,
        dossier=second,
        level="not_satisfied",
        channel="counter",
        reason="Chờ lâu",
    )
    data = dashboard(
        agency=office.commune, period=Period(local(2026, 1, 1).date(), NOW.date()), now=NOW
    )
    # on-time rate by month, from the timeliness report (both approved the day they came)
    assert [(m.label, m.resolved, m.on_time, m.rate) for m in data.months] == [
        ("01/2026", 0, 0, None),
        ("02/2026", 0, 0, None),
        ("03/2026", 2, 2, 1.0),
    ]
    html = get(client_for(office.leader), reverse("reports:dashboard")).content.decode()
    assert "03/2026: 100\u00a0%" in html
    assert "50,0\u00a0%" in html
    assert "Rất hài lòng: 1" in html
    assert "Không hài lòng: 1" in html


# -- cost ----------------------------------------------------------------------------------------


def _queries(client, url, **params) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = get(client, url, **params)
    assert response.status_code == 200
    return len(captured)


def test_the_dashboard_costs_the_same_queries_whatever_the_data(office, hkd, scenario):
    client = client_for(office.officers[Role.REPORTER])
    url = reverse("reports:dashboard")
    _queries(client, url)  # warm the calendar cache
    before = _queries(client, url)
    for hour in (8, 9, 10):
        receive(office, hkd, at=local(2026, 3, 2, hour, 0))
    assert _queries(client, url) == before
    # 22 with three months (January to March), two queries per month for the timeliness report
    assert before <= 22, before


def test_periods_are_whole_local_days(office, hkd):
    # 00:30 on 1/3 in Hà Nội is 17:30 on 28/2 in UTC; 23:30 on 31/3 is 16:30 UTC the same day
    receive(office, hkd, at=local(2026, 3, 1, 0, 30))
    receive(office, hkd, at=local(2026, 3, 31, 23, 30))
    receive(office, hkd, at=local(2026, 4, 1, 0, 30))

    def received(first, last):
        period = Period(local(*first).date(), local(*last).date())
        return dashboard(agency=office.commune, period=period, now=NOW).received

    assert received((2026, 3, 1), (2026, 3, 31)) == 2
    assert received((2026, 2, 1), (2026, 2, 28)) == 0
    assert received((2026, 4, 1), (2026, 4, 1)) == 1
