"""The report against an independent implementation: the benchmark's hand-written SQL (the
floor) over 1,500 generated dossiers of every status, channel and timeliness must give the same
figures, row by row, on SQLite and PostgreSQL."""

import datetime as dt
import random

import pytest
import time_machine

from bench.report import _fill, floor_query
from motcua.dossiers.models import RuleVersion
from motcua.dossiers.tests.factories import HKD, build_office, demo_procedure, local
from motcua.reports.tests.test_timeliness import CT
from motcua.reports.timeliness import ALL_COLUMNS, timeliness_report
from motcua.workdays.engine import OFFICE_TZ

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        (dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        (dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        (dt.date(2026, 10, 1), dt.date(2026, 11, 30)),
    ],
)
def test_the_report_equals_the_hand_written_sql(date_from, date_to):
    office = build_office()
    _fill(
        1500,
        rng=random.Random(7),
        inside=(office.desk, [office.commune, office.economy, office.culture]),
        outside=(office.other_desk, [office.other_commune, office.other_economy]),
        procedures=[demo_procedure(HKD), demo_procedure(CT)],
        rule=RuleVersion.objects.order_by("effective_from").first(),
        zone=OFFICE_TZ,
    )

    # The last period is judged mid-way (now = 15/11/2026), the others at their end.
    with time_machine.travel(local(2026, 11, 15, 10, 0), tick=False):
        report = timeliness_report(agency=office.commune, date_from=date_from, date_to=date_to)
        floor = floor_query(office.commune, date_from=date_from, date_to=date_to)()

    assert report.total["received_total"] > 30
    assert {row["key"]: {c: row[c] for c in ALL_COLUMNS} for row in report.rows} == floor
