"""`motcua generate_load`: counts, codes, numbering continued by live intake, the mix of
channels and statuses, and every dossier consistent with the rules (on SQLite and PostgreSQL,
where the rows go through COPY)."""

import io
import random
import re
from collections import Counter, defaultdict
from datetime import date, datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from motcua.dossiers.models import DailySequence, Dossier, DossierEvent, DossierStep
from motcua.dossiers.services import dossier_receive
from motcua.dossiers.statuses import FINISHED, NATIONAL_STATUS, OPEN, DossierStatus
from motcua.loadgen.history import Life
from motcua.loadgen.services import load_generate
from motcua.loadgen.world import world_build
from motcua.loadgen.writers import IdPool
from motcua.organizations.demo import COMMUNE_CENTER_CODE, COMMUNE_CODE
from motcua.organizations.models import Agency, User
from motcua.payments.models import Payment, ReceiptSequence
from motcua.ratings.models import Rating
from motcua.workdays.engine import OFFICE_TZ

pytestmark = pytest.mark.django_db
CODE = re.compile(r"^(?P<desk>\d{3}\.\d{2}\.\d{2}\.H62)-(?P<day>\d{6})-(?P<seq>\d{4,})$")


def generate(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_load", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def code_day(dossier: Dossier) -> str:
    at = dossier.submitted_at or dossier.received_at or dossier.finished_at
    return f"{at.astimezone(OFFICE_TZ):%y%m%d}"


def test_three_hundred_dossiers_make_a_consistent_history():
    output = generate("--dossiers", "300", "--seed", "7")

    assert "Đã tạo 300 hồ sơ" in output
    dossiers = list(Dossier.objects.select_related("receiving_agency"))
    assert len(dossiers) == 300
    # Codes: the official shape, the desk's code, the day of arrival, unique.
    numbers = defaultdict(list)
    for dossier in dossiers:
        match = CODE.match(dossier.code)
        assert match, dossier.code
        assert match["desk"] == dossier.receiving_agency.code
        assert match["day"] == code_day(dossier)
        numbers[(dossier.receiving_agency_id, match["day"])].append(int(match["seq"]))
    assert len({d.code for d in dossiers}) == 300
    # Numbers of a day run 1…n with no gap, and the day's counter stands at n.
    sequences = {
        (row.agency_id, f"{row.day:%y%m%d}"): row.last_value for row in DailySequence.objects.all()
    }
    for key, values in numbers.items():
        assert sorted(values) == list(range(1, len(values) + 1))
        assert sequences[key] == len(values)
    assert len(sequences) == len(numbers)

    channels = Counter(d.channel for d in dossiers)
    assert 0.45 <= channels["online"] / 300 <= 0.75
    statuses = Counter(d.status for d in dossiers)
    assert statuses[DossierStatus.RETURNED] >= 250
    assert statuses[DossierStatus.NOT_ACCEPTED] + statuses[DossierStatus.WITHDRAWN] > 0

    events = Counter(DossierEvent.objects.values_list("dossier_id", flat=True))
    assert 5.5 <= sum(events.values()) / 300 <= 9
    last_status = {}
    for dossier_id, to_status in DossierEvent.objects.order_by("at", "id").values_list(
        "dossier_id", "to_status"
    ):
        last_status[dossier_id] = to_status
    steps = Counter(DossierStep.objects.values_list("dossier_id", flat=True))
    late = finished = 0
    for dossier in dossiers:
        assert dossier.national_status == NATIONAL_STATUS[dossier.status]
        assert last_status[dossier.pk] == dossier.status  # the log ends where the dossier is
        if dossier.status in FINISHED:
            assert dossier.finished_at is not None, dossier.code
        if dossier.status in OPEN:
            assert dossier.finished_at is None, dossier.code
            assert dossier.due_at is not None, dossier.code
        if dossier.received_at is not None:
            assert steps[dossier.pk] >= 2
            assert dossier.clock_started_at >= dossier.received_at
            assert dossier.due_at >= dossier.clock_started_at
            assert dossier.received_at <= timezone.now()
        if dossier.status == DossierStatus.RETURNED:
            assert dossier.returned_at >= dossier.finished_at
            finished += 1
            local = OFFICE_TZ
            late += (
                dossier.finished_at.astimezone(local).date()
                > dossier.due_at.astimezone(local).date()
            )
    assert late / finished <= 0.06  # ~98 % on time
    assert_receipts_numbered()
    assert Rating.objects.count() > 0
    assert Dossier.objects.filter(supplement_count__gt=0).exists()


def assert_receipts_numbered() -> None:
    """Every paid payment has its receipt number: per desk and year 1, 2, 3 … without a gap, in
    the payment's event too, and the desk's counter left at the last one."""
    numbers = defaultdict(list)
    payments = Payment.objects.filter(status="paid").select_related("dossier")
    for payment in payments:
        match = re.fullmatch(r"BL-(\d{4})-(\d{6})", payment.receipt_number)
        assert match, payment.receipt_number
        assert int(match[1]) == payment.paid_at.astimezone(OFFICE_TZ).year
        numbers[(payment.dossier.receiving_agency_id, int(match[1]))].append(int(match[2]))
    assert numbers
    for (desk, year), values in numbers.items():
        assert sorted(values) == list(range(1, len(values) + 1))
        counter = ReceiptSequence.objects.get(agency_id=desk, year=year)
        assert counter.last_value == len(values)
    events = DossierEvent.objects.filter(action="payment")
    assert events.count() == payments.count()
    for event in events:
        number = event.data["receipt_number"]
        assert number.startswith("BL-")
        assert event.note.endswith(f"biên lai số {number}.")


def test_live_intake_continues_the_numbering_of_a_generated_day():
    generate("--dossiers", "120", "--years", "1", "--agencies", COMMUNE_CODE, "--seed", "3")
    desk = Agency.objects.get(code=COMMUNE_CENTER_CODE)
    assert set(Dossier.objects.values_list("receiving_agency_id", flat=True)) == {desk.pk}
    busiest = max(DailySequence.objects.filter(agency=desk), key=lambda row: row.last_value)
    officer = User.objects.get(username="tiepnhan.xahamyen")
    dossier = Dossier.objects.filter(channel="direct").first()
    late_that_day = datetime(
        busiest.day.year, busiest.day.month, busiest.day.day, 23, 30, tzinfo=OFFICE_TZ
    )
    with time_machine.travel(late_that_day, tick=False):
        new = dossier_receive(
            actor=officer,
            receiving_agency=desk,
            procedure=dossier.procedure,
            channel="direct",
            applicant={"name": "Trần Thị Bình", "id_number": "008190001234"},
            documents=[{"name": "Tờ khai", "originals": 1, "copies": 0}],
        )
    assert new.code == (f"{desk.code}-{busiest.day:%y%m%d}-{busiest.last_value + 1:04d}")


def test_a_second_run_adds_without_touching_the_first():
    generate("--dossiers", "40", "--seed", "1")
    first = set(Dossier.objects.values_list("code", flat=True))
    generate("--dossiers", "40", "--seed", "1")
    codes = list(Dossier.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 80
    assert first <= set(codes)


def test_the_same_seed_plays_the_same_lives():
    load_generate(dossiers=1, seed=1)  # the demo data
    now = timezone.now()
    world = world_build(agency_codes=[], years=3, now=now)
    days = next(iter(world.working_days.values()))

    def lives(seed: int) -> list[tuple]:
        rng = random.Random(seed)
        life = Life(world=world, rng=rng, ids=IdPool(), now=now)
        for _n in range(60):
            life.play(rng.choice(days))
        return [
            (d["status"], d["channel"], d["procedure_id"], d.get("due_at"), d.get("finished_at"))
            for d in life.batch.dossiers
        ]

    assert lives(5) == lives(5)
    assert lives(5) != lives(6)


@pytest.mark.parametrize("count", ["0", "-5"])
def test_a_count_below_one_is_refused_in_vietnamese(count):
    with pytest.raises(CommandError) as error:
        generate("--dossiers", count)
    assert error.value.returncode == 2
    assert "Số hồ sơ phải là số nguyên từ 1" in str(error.value)
    assert not Dossier.objects.exists()


def test_an_unknown_agency_is_refused():
    with pytest.raises(CommandError) as error:
        generate("--dossiers", "10", "--agencies", "999.99.99.H99")
    assert error.value.returncode == 2
    assert "999.99.99.H99" in str(error.value)
    assert not Dossier.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_on_postgresql_the_rows_go_through_copy(monkeypatch):
    from motcua.loadgen import writers

    copied = []
    original = writers._copy
    monkeypatch.setattr(
        writers, "_copy", lambda spec, rows: (copied.append(spec.model), original(spec, rows))[1]
    )
    generate("--dossiers", "30")
    assert Dossier in copied
    assert DossierEvent in copied
    assert Dossier.objects.count() == 30


@pytest.mark.skipif(connection.vendor != "postgresql", reason="processes write on PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_processes_share_out_the_days_without_a_duplicate_number():
    """Two forked processes, each with its own stretch of days: codes of a day and receipt
    numbers are unique and without gaps, and the day counters end at the highest code."""
    out = generate("--dossiers", "1500", "--years", "1", "--batch", "300", "--workers", "2")

    assert "Đã tạo 1.500 hồ sơ" in out
    codes = list(Dossier.objects.values_list("code", "receiving_agency_id"))
    assert len(codes) == len({code for code, _desk in codes}) == 1500
    numbers = defaultdict(list)
    for code, desk in codes:
        match = CODE.match(code)
        numbers[(desk, match["day"])].append(int(match["seq"]))
    for (desk, day), values in numbers.items():
        assert sorted(values) == list(range(1, len(values) + 1)), (desk, day)
        on = date(2000 + int(day[:2]), int(day[2:4]), int(day[4:]))
        counter = DailySequence.objects.get(agency_id=desk, day=on)
        assert counter.last_value == len(values)
    assert_receipts_numbered()
    assert DossierEvent.objects.filter(dossier__isnull=True).count() == 0
    assert DossierStep.objects.values("dossier_id").distinct().count() > 1000
