"""The timeliness report (Biểu II.06a) against a hand-computed scenario.

The dossiers are received through the desk service (code, rule version, route, event), then
their status and times are set with a queryset update: the scenario needs instants the working
calendar never produces through the services (a finish at 23:30 or 00:30 local, a due time on a
chosen day, a receipt at 00:05) and historic states (imported, withdrawn long after the due date).

Scenario, period 01/03/2026–31/03/2026 judged after its end (now = 15/04/2026), agency xã Hàm Yên:

    name               field  channel  received (local)   status        due         finished
    carried_overdue    HKD    direct   20/02 09:00        processing    10/03 17:00 —
    finished_before    HKD    direct   10/02 09:00        returned      13/02 17:00 28/02 23:30  (out)
    carried_early      HKD    online   25/02 09:00        returned      06/03 17:00 05/03 10:00
    first_day          HKD    direct   01/03 00:05        result_ready  10/03 17:00 10/03 23:30  on time
    late_after_midnight CT    online   02/03 09:00        returned      10/03 17:00 11/03 00:30  late
    last_day_postal    CT     postal   31/03 23:55        received      03/04 17:00 —
    after_period       HKD    direct   01/04 00:05        received      03/04 17:00 —            (out)
    carried_supplement HKD    direct   28/02 23:55        supplement    05/03 17:00 —            within
    withdrawn          CT     direct   03/03 09:00        withdrawn     05/03 17:00 20/03 10:00  on time
    stopped            CT     online   03/03 09:00        stopped       05/03 17:00 20/03 10:00  on time
    imported           HKD    direct   04/03 09:00        returned      05/03 17:00 06/03 08:00  late
    after_end_within   HKD    online   15/03 09:00        returned      31/03 17:00 02/04 09:00
    after_end_overdue  HKD    direct   15/03 09:00        returned      30/03 17:00 02/04 09:00
    elsewhere          HKD    direct   Minh Xuân desk and agency                               (out)
    not_accepted       HKD    direct   05/03 09:00        not_accepted  —           05/03 10:00  (out)
    submitted          HKD    online   submitted 05/03, never received                          (out)
    refused            CT     direct   05/03 09:00        result_ready  12/03 17:00 12/03 09:00  on time
    awaiting_payment   HKD    direct   20/03 09:00        awaiting_pay  25/03 17:00 —            overdue
    other_desk_ours    CT     direct   06/03 at Minh Xuân, competent: Phòng Kinh tế Hàm Yên     within
    ours_desk_police   CT     online   06/03 09:00, competent: Công an (outside)  09/03 17:00 09/03 16:00
"""

import datetime as dt

import pytest
import time_machine

from motcua.dossiers.models import Dossier, Outcome
from motcua.dossiers.statuses import DossierStatus
from motcua.dossiers.tests.factories import (
    HKD,
    build_office,
    demo_procedure,
    local,
    receive,
    submit,
)
from motcua.organizations.models import Role
from motcua.reports.timeliness import (
    ALL_COLUMNS,
    COLUMNS,
    timeliness_dossiers,
    timeliness_report,
)

pytestmark = pytest.mark.django_db

CT = "2.000815"  # Chứng thực bản sao từ bản chính (field CT)
MARCH = {"date_from": dt.date(2026, 3, 1), "date_to": dt.date(2026, 3, 31)}
AFTER = local(2026, 4, 15, 10, 0)

S = DossierStatus


def make(office, procedure, name, received, status, due=None, finished=None, **changes):
    """Receive at the desk at `received`, then set the scenario's state (see the docstring)."""
    desk = changes.pop("desk", office.desk)
    actor = office.reception if desk == office.desk else office.other[Role.RECEPTION]
    dossier = receive(office, procedure, at=received, desk=desk, actor=actor)
    values = {
        "status": status,
        "due_at": due,
        "finished_at": finished,
        "competent_agency": changes.pop("competent_agency", office.commune),
        "applicant_name": name,
        **changes,
    }
    Dossier.objects.filter(pk=dossier.pk).update(**values)
    return Dossier.objects.get(pk=dossier.pk)


def build_scenario():
    office = build_office()
    hkd, ct = demo_procedure(HKD), demo_procedure(CT)
    due_10 = local(2026, 3, 10, 17, 0)
    rows = {}
    rows["carried_overdue"] = make(office, hkd, "a", local(2026, 2, 20, 9), S.PROCESSING, due_10)
    rows["finished_before"] = make(
        office, hkd, "b", local(2026, 2, 10, 9), S.RETURNED,
        local(2026, 2, 13, 17), local(2026, 2, 28, 23, 30),
    )  # fmt: skip
    rows["carried_early"] = make(
        office, hkd, "c", local(2026, 2, 25, 9), S.RETURNED,
        local(2026, 3, 6, 17), local(2026, 3, 5, 10), channel="online",
    )  # fmt: skip
    rows["first_day"] = make(
        office,
        hkd,
        "d",
        local(2026, 3, 1, 0, 5),
        S.RESULT_READY,
        due_10,
        local(2026, 3, 10, 23, 30),
    )
    rows["late_after_midnight"] = make(
        office, ct, "e", local(2026, 3, 2, 9), S.RETURNED, due_10, local(2026, 3, 11, 0, 30),
        channel="online",
    )  # fmt: skip
    rows["last_day_postal"] = make(
        office, ct, "f", local(2026, 3, 31, 23, 55), S.RECEIVED, local(2026, 4, 3, 17),
        channel="postal",
    )  # fmt: skip
    rows["after_period"] = make(
        office, hkd, "g", local(2026, 4, 1, 0, 5), S.RECEIVED, local(2026, 4, 3, 17)
    )
    rows["carried_supplement"] = make(
        office, hkd, "h", local(2026, 2, 28, 23, 55), S.SUPPLEMENT_REQUESTED,
        local(2026, 3, 5, 17), supplement_count=1,
    )  # fmt: skip
    for name, channel, status in (
        ("withdrawn", "direct", S.WITHDRAWN),
        ("stopped", "online", S.STOPPED),
    ):
        rows[name] = make(
            office, ct, name, local(2026, 3, 3, 9), status, local(2026, 3, 5, 17),
            local(2026, 3, 20, 10), channel=channel,
        )  # fmt: skip
    rows["imported"] = make(
        office, hkd, "i", local(2026, 3, 4, 9), S.RETURNED, local(2026, 3, 5, 17),
        local(2026, 3, 6, 8), is_imported=True,
    )  # fmt: skip
    rows["after_end_within"] = make(
        office, hkd, "j", local(2026, 3, 15, 9), S.RETURNED, local(2026, 3, 31, 17),
        local(2026, 4, 2, 9), channel="online",
    )  # fmt: skip
    rows["after_end_overdue"] = make(
        office, hkd, "k", local(2026, 3, 15, 9), S.RETURNED, local(2026, 3, 30, 17),
        local(2026, 4, 2, 9),
    )  # fmt: skip
    rows["elsewhere"] = make(
        office, hkd, "l", local(2026, 3, 5, 9), S.PROCESSING, local(2026, 3, 6, 17),
        desk=office.other_desk, competent_agency=office.other_commune,
    )  # fmt: skip
    rows["not_accepted"] = make(
        office, hkd, "m", local(2026, 3, 5, 9), S.NOT_ACCEPTED, None, local(2026, 3, 5, 10)
    )
    rows["submitted"] = submit(office, hkd, at=local(2026, 3, 5, 9))
    rows["refused"] = make(
        office, ct, "n", local(2026, 3, 5, 9), S.RESULT_READY, local(2026, 3, 12, 17),
        local(2026, 3, 12, 9), outcome=Outcome.REFUSED,
    )  # fmt: skip
    rows["awaiting_payment"] = make(
        office, hkd, "o", local(2026, 3, 20, 9), S.AWAITING_PAYMENT, local(2026, 3, 25, 17)
    )
    rows["other_desk_ours"] = make(
        office, ct, "p", local(2026, 3, 6, 9), S.PROCESSING, local(2026, 4, 10, 17),
        desk=office.other_desk, competent_agency=office.economy,
    )  # fmt: skip
    rows["ours_desk_police"] = make(
        office, ct, "q", local(2026, 3, 6, 9), S.RESULT_READY, local(2026, 3, 9, 17),
        local(2026, 3, 9, 16), channel="online", competent_agency=office.police,
    )  # fmt: skip
    return office, rows


def counts(*values) -> dict:
    return dict(zip(ALL_COLUMNS, values, strict=True))


#            recv carr onl dir | res early on late | prog within over | supp pay refused wd stop
HKD_ROW = counts(8, 3, 1, 4, 3, 1, 1, 1, 5, 2, 3, 1, 1, 0, 0, 0)
CT_ROW = counts(7, 0, 3, 4, 5, 0, 4, 1, 2, 2, 0, 0, 0, 1, 1, 1)
TOTAL = counts(15, 3, 4, 8, 8, 1, 5, 2, 7, 4, 3, 1, 1, 1, 1, 1)


@pytest.fixture
def scenario():
    return build_scenario()


def test_report_by_field_matches_the_hand_computed_scenario(scenario):
    office, _rows = scenario
    report = timeliness_report(agency=office.commune, **MARCH, now=AFTER)

    assert [(row["key"], row["label"]) for row in report.rows] == [
        ("CT", "Chứng thực"),
        ("HKD", "Thành lập và hoạt động của hộ kinh doanh"),
    ]  # the catalog's order of fields
    assert {c: report.rows[0][c] for c in ALL_COLUMNS} == CT_ROW
    assert {c: report.rows[1][c] for c in ALL_COLUMNS} == HKD_ROW
    assert report.total == {**TOTAL, "on_time_rate": 0.75}


def test_local_dates_by_zone_conversion_give_the_same_report(scenario, monkeypatch):
    """The fallback for an office zone whose offset changes: TruncDate in the zone."""
    from motcua.reports import timeliness

    office, _rows = scenario
    fast = timeliness_report(agency=office.commune, **MARCH, now=AFTER)
    monkeypatch.setattr(timeliness, "_OFFSET", None)
    converted = timeliness_report(agency=office.commune, **MARCH, now=AFTER)
    assert converted.rows == fast.rows
    assert converted.total == {**TOTAL, "on_time_rate": 0.75}


def test_the_json_has_the_contract_shape(scenario):
    office, _rows = scenario
    data = timeliness_report(agency=office.commune, **MARCH, now=AFTER).as_json()

    assert list(data) == ["agency", "from", "to", "group_by", "rows", "total"]
    assert (data["agency"], data["from"], data["to"], data["group_by"]) == (
        "000.00.51.H62",
        "2026-03-01",
        "2026-03-31",
        "field",
    )
    assert list(data["rows"][0])[:13] == ["key", "label", *COLUMNS]
    assert data["total"]["on_time_rate"] == 0.75


def test_grouping_by_agency_uses_the_competent_agency(scenario):
    office, _rows = scenario
    report = timeliness_report(agency=office.commune, **MARCH, group_by="agency", now=AFTER)

    by_key = {row["key"]: row for row in report.rows}
    assert set(by_key) == {office.commune.code, office.economy.code, office.police.code}
    assert by_key[office.police.code]["label"] == "Công an xã Hàm Yên"
    assert by_key[office.police.code]["resolved_on_time"] == 1
    assert by_key[office.economy.code]["in_progress_within"] == 1
    assert by_key[office.commune.code]["received_total"] == 13
    assert {c: report.total[c] for c in ALL_COLUMNS} == TOTAL


def test_grouping_by_procedure(scenario):
    office, _rows = scenario
    report = timeliness_report(agency=office.commune, **MARCH, group_by="procedure", now=AFTER)

    assert [(row["key"], row["received_total"]) for row in report.rows] == [
        (HKD, 8),
        (CT, 7),
    ]  # by code
    assert report.rows[0]["label"] == "Đăng ký thành lập hộ kinh doanh"


def test_each_dossier_lands_in_its_column(scenario):
    office, rows = scenario

    def codes(column):
        found = timeliness_dossiers(
            agency=office.commune, **MARCH, group_by="field", key=None, column=column, now=AFTER
        )
        return {d.applicant_name for d in found}

    assert codes("carried_over") == {"a", "c", "h"}
    assert codes("resolved_early") == {"c"}
    # 23:30 local on the due date is on time; 00:30 local the next day (17:30 UTC) is late.
    assert codes("resolved_on_time") == {"d", "withdrawn", "stopped", "n", "q"}
    assert codes("resolved_late") == {"e", "i"}
    assert codes("in_progress_within") == {"f", "h", "j", "p"}
    assert codes("in_progress_overdue") == {"a", "k", "o"}
    everything = codes("received_total")
    for name in ("b", "g", "l", "m"):
        assert name not in everything
    assert rows["submitted"].pk not in {
        d.pk
        for d in timeliness_dossiers(
            agency=office.commune, **MARCH, group_by="field", key=None, column="received_total"
        )
    }


def test_every_number_equals_the_length_of_its_list(scenario):
    office, _rows = scenario
    for group_by in ("field", "agency", "procedure"):
        report = timeliness_report(agency=office.commune, **MARCH, group_by=group_by, now=AFTER)
        for row in [*report.rows, {**report.total, "key": None}]:
            for column in ALL_COLUMNS:
                listed = timeliness_dossiers(
                    agency=office.commune, **MARCH, group_by=group_by, key=row["key"],
                    column=column, now=AFTER,
                )  # fmt: skip
                assert listed.count() == row[column], (group_by, row["key"], column)


def test_the_province_sees_every_commune(scenario):
    office, _rows = scenario
    report = timeliness_report(agency=office.province, **MARCH, now=AFTER)
    assert report.total["received_total"] == 16  # Minh Xuân's own dossier comes in


def test_another_commune_sees_only_what_it_received_or_decides(scenario):
    office, _rows = scenario
    report = timeliness_report(agency=office.other_commune, **MARCH, now=AFTER)
    # Its own dossier, and the one it received for Hàm Yên's economy department.
    assert report.total["received_total"] == 2


def test_open_dossiers_are_judged_now_when_the_period_is_not_over():
    office = build_office()
    hkd = demo_procedure(HKD)
    make(office, hkd, "yesterday", local(2026, 3, 2, 9), S.PROCESSING, local(2026, 3, 14, 17))
    make(office, hkd, "today", local(2026, 3, 2, 9), S.PROCESSING, local(2026, 3, 15, 17))
    make(office, hkd, "no due", local(2026, 3, 2, 9), S.PROCESSING, None)

    midway = timeliness_report(agency=office.commune, **MARCH, now=local(2026, 3, 15, 23, 59))
    after = timeliness_report(agency=office.commune, **MARCH, now=AFTER)

    assert (midway.total["in_progress_within"], midway.total["in_progress_overdue"]) == (2, 1)
    assert (after.total["in_progress_within"], after.total["in_progress_overdue"]) == (1, 2)
    assert midway.total["on_time_rate"] is None  # nothing resolved: no rate


def test_the_clock_defaults_to_now():
    office = build_office()
    hkd = demo_procedure(HKD)
    make(office, hkd, "x", local(2026, 3, 2, 9), S.PROCESSING, local(2026, 3, 14, 17))
    with time_machine.travel(local(2026, 3, 14, 23, 0), tick=False):
        report = timeliness_report(agency=office.commune, **MARCH)
    assert report.total["in_progress_within"] == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"date_from": dt.date(2026, 4, 1)}, "period_invalid"),
        ({"date_to": "2026-03-31"}, "period_invalid"),
        ({"group_by": "officer"}, "group_by_invalid"),
    ],
)
def test_bad_input_is_refused(changes, code):
    from motcua.common.errors import InvalidInput

    office = build_office()
    with pytest.raises(InvalidInput) as error:
        timeliness_report(agency=office.commune, **{**MARCH, **changes})
    assert error.value.code == code


def test_unknown_column_is_refused():
    from motcua.common.errors import InvalidInput

    office = build_office()
    with pytest.raises(InvalidInput):
        timeliness_dossiers(
            agency=office.commune, **MARCH, group_by="field", key=None, column="nope"
        )


def test_the_report_is_one_aggregate_query(scenario, django_assert_num_queries):
    office, _rows = scenario
    # The subtree's agency ids (a small list), then one aggregate over the dossiers.
    with django_assert_num_queries(2) as captured:
        timeliness_report(agency=office.province, **MARCH, group_by="agency", now=AFTER)
    assert "GROUP BY" in captured.captured_queries[1]["sql"]
