"""What generated history is made of: the receiving desks and their competent agencies, the
catalog's procedures with their routes, the working calendars and the officers.

Read once from the database before generating: every dossier then only draws from these lists, so
the generator never queries per dossier. The route of a (procedure, desk) pair comes from the same
code the receipt uses (motcua.dossiers.services.plan), so generated steps are the steps a real
receipt would have made.
"""

import random
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate

from django.utils.translation import gettext as _

from motcua.catalog.models import Channel, Procedure, ProcedureLevel
from motcua.common.errors import InvalidInput
from motcua.dossiers.models import Dossier, RuleVersion
from motcua.dossiers.services.plan import (
    competent_agency_for,
    processing_time_for,
    route_steps_build,
)
from motcua.organizations.models import Agency, AgencyKind, Membership
from motcua.workdays.engine import CALENDAR_CUTOFF, OFFICE_TZ, WorkCalendar
from motcua.workdays.selectors import calendar_for_agency

# Since 1 July 2025 the district level is gone (DOMAIN §0): its desks receive nothing after it,
# the communes of the two-level government nothing before it.
TWO_LEVEL_FROM = date(2025, 7, 1)

# How much of a commune's or province's volume each field takes (lĩnh vực): certification and
# civil status dominate the desks' counters, land and residence follow.
FIELD_WEIGHTS = {
    "CT": 30, "HT": 20, "CTR": 12, "DD": 10, "HKD": 6, "BTXH": 4, "XD": 3, "DN": 3, "VH": 1,
    "NCC": 1, "GD": 1, "MT": 1, "VL": 2, "ANTT": 1, "NCN": 0.3, "TDKT": 0.5,
}  # fmt: skip
PROVINCE_SHARE = 0.2  # of all dossiers, received at the provincial centre
ONLINE_SHARE = 0.6  # of all dossiers, where the procedure allows it
POSTAL_SHARE = 0.03

# Names for officers of agencies the demo has no account for (the event keeps the name only).
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương")
MIDDLE = ("Văn", "Thị", "Minh", "Thu", "Đức", "Thanh", "Ngọc", "Quốc", "Hữu", "Kim")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hòa", "Hương", "Khánh", "Lan", "Linh",
         "Long", "Mai", "Nam", "Nga", "Phong", "Phương", "Quang", "Sơn", "Tâm", "Thảo", "Trang",
         "Tuấn", "Việt", "Yến")  # fmt: skip


@dataclass(frozen=True)
class StepPlan:
    """One step of a route, resolved to an agency (DossierStep without a dossier)."""

    name: str
    agency_id: int
    role: str
    is_partner: bool
    parallel_group: int | None
    counts_toward_deadline: bool
    amount: Decimal
    time_unit: str


@dataclass
class Lane:
    """A procedure received at one desk: everything a dossier of it needs."""

    desk: Agency
    competent: Agency
    procedure: Procedure
    weight: float
    period: str  # "legacy" (before 1/7/2025), "new" (from it) or "all"
    channels: tuple[str, ...]  # accepted channels
    routes: dict[str, list[StepPlan]]  # per channel
    times: dict[str, tuple[Decimal, str]]  # processing (amount, unit) per channel
    fee: int  # total of the fees, đồng
    cutoff: object  # the procedure's cut-off, else CALENDAR_CUTOFF (per rule version below)


@dataclass
class World:
    lanes_legacy: list[Lane]
    lanes_new: list[Lane]
    cumulative_legacy: list[float]
    cumulative_new: list[float]
    calendars: dict[int, WorkCalendar]  # per desk id
    working_days: dict[int, list[date]]  # per calendar id(): the working days of the span
    rules: list[RuleVersion]  # oldest first
    officers: dict[tuple[int, str], tuple[int, str]]  # (agency id, role) → (user id, name)
    names: dict[int, str]  # agency id → an officer's name when there is no account
    start: datetime
    end: datetime
    online_share: dict[int, float] = field(default_factory=dict)  # per procedure id

    def lane(self, rng: random.Random, day: date) -> Lane:
        if day < TWO_LEVEL_FROM and self.lanes_legacy:
            lanes, cumulative = self.lanes_legacy, self.cumulative_legacy
        else:
            lanes, cumulative = (
                self.lanes_new or self.lanes_legacy,
                (self.cumulative_new or self.cumulative_legacy),
            )
        return lanes[bisect_right(cumulative, rng.random() * cumulative[-1])]

    def rule_on(self, day: date) -> RuleVersion:
        chosen = self.rules[0]
        for rule in self.rules:
            if rule.effective_from <= day:
                chosen = rule
        return chosen

    def actor(self, agency_id: int, role: str) -> tuple[int | None, str]:
        found = self.officers.get((agency_id, role))
        if found is not None:
            return found
        return None, self.names[agency_id]


def _agencies_in_scope(codes: list[str]) -> list[Agency] | None:
    if not codes:
        return None
    roots = list(Agency.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {agency.code for agency in roots})
    if missing:
        raise InvalidInput(
            _("Không có cơ quan mã %(codes)s.") % {"codes": ", ".join(missing)},
            code="agency_not_found",
        )
    return roots


def _desks(roots: list[Agency] | None) -> list[Agency]:
    desks = Agency.objects.filter(kind=AgencyKind.SERVICE_CENTER, is_active=True).order_by("path")
    found = list(desks)
    if roots is not None:
        found = [d for d in found if any(d.path.startswith(root.path) for root in roots)]
    return found


def _period(desk: Agency, by_id: dict[int, Agency]) -> str:
    kinds = {by_id[i].kind for i in desk.ancestors_path_ids()[:-1] if i in by_id}
    if AgencyKind.DISTRICT in kinds:
        return "legacy"
    if AgencyKind.COMMUNE in kinds:
        return "new"
    return "all"


def _route(procedure: Procedure, desk: Agency, competent: Agency, channel: str) -> list[StepPlan]:
    probe = Dossier(
        procedure=procedure, receiving_agency=desk, competent_agency=competent, channel=channel
    )
    steps = route_steps_build(probe, processing_time_for(procedure, channel))
    return [
        StepPlan(
            name=s.name,
            agency_id=s.agency_id,
            role=s.role,
            is_partner=s.is_partner,
            parallel_group=s.parallel_group,
            counts_toward_deadline=s.counts_toward_deadline,
            amount=Decimal(s.amount),
            time_unit=s.time_unit,
        )
        for s in steps
    ]


def _working_days(calendar: WorkCalendar, first: date, last: date) -> list[date]:
    days = []
    day = first
    while day <= last:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def world_build(*, agency_codes: list[str], years: int, now: datetime) -> World:
    """Read the desks, catalog, calendars and officers once. Raises InvalidInput when the scope
    has no desk or the catalog is empty."""
    roots = _agencies_in_scope(agency_codes)
    desks = _desks(roots)
    if not desks:
        raise InvalidInput(
            _("Không có bộ phận tiếp nhận nào trong phạm vi đã chọn."), code="no_desk"
        )
    procedures = list(
        Procedure.objects.filter(is_published=True)
        .select_related("field", "agency")
        .prefetch_related("processing_times", "fees", "workflow_steps")
        .order_by("code", "id")
    )
    if not procedures:
        raise InvalidInput(_("Danh mục thủ tục đang trống."), code="empty_catalog")
    by_id = Agency.objects.in_bulk()
    field_counts: dict[tuple[str, str], int] = {}
    for procedure in procedures:
        key = (procedure.level, procedure.field.code)
        field_counts[key] = field_counts.get(key, 0) + 1

    lanes: list[Lane] = []
    for desk in desks:
        period = _period(desk, by_id)
        province_desk = period == "all"
        for procedure in procedures:
            if procedure.agency_id is not None and (
                procedure.agency.path.split("/")[1] != desk.path.split("/")[1]
            ):
                continue  # published by an agency of another province
            if (procedure.level == ProcedureLevel.PROVINCE) != province_desk:
                continue
            channels = tuple(procedure.methods) or (Channel.DIRECT,)
            competent = competent_agency_for(procedure=procedure, receiving_agency=desk)
            try:
                if procedure.workflow_steps.all():  # the template: the same for every channel
                    route = _route(procedure, desk, competent, channels[0])
                    routes = dict.fromkeys(channels, route)
                else:
                    routes = {c: _route(procedure, desk, competent, c) for c in channels}
                times = {}
                for channel in channels:
                    row = processing_time_for(procedure, channel)
                    times[channel] = (Decimal(row.amount), row.unit)
            except InvalidInput:
                continue  # a procedure without a processing time cannot be received
            weight = (
                FIELD_WEIGHTS.get(procedure.field.code, 1)
                / field_counts[(procedure.level, procedure.field.code)]
            )
            lanes.append(
                Lane(
                    desk=desk,
                    competent=competent,
                    procedure=procedure,
                    weight=weight,
                    period=period,
                    channels=channels,
                    routes=routes,
                    times=times,
                    fee=sum(fee.amount for fee in procedure.fees.all()),
                    cutoff=procedure.cutoff if procedure.cutoff is not None else CALENDAR_CUTOFF,
                )
            )
    if not lanes:
        raise InvalidInput(
            _("Các bộ phận tiếp nhận đã chọn không nhận thủ tục nào trong danh mục."),
            code="no_procedure",
        )

    def weighted(period_lanes: list[Lane]) -> tuple[list[Lane], list[float]]:
        province = [lane for lane in period_lanes if lane.period == "all"]
        local = [lane for lane in period_lanes if lane.period != "all"]
        weights = []
        for group, share in ((province, PROVINCE_SHARE), (local, 1 - PROVINCE_SHARE)):
            total = sum(lane.weight for lane in group) or 1
            weights += [lane.weight / total * share for lane in group]
        return province + local, list(accumulate(weights))

    legacy, cumulative_legacy = weighted([x for x in lanes if x.period in ("legacy", "all")])
    new, cumulative_new = weighted([x for x in lanes if x.period in ("new", "all")])
    # A desk only of one period: its dossiers fall in the other period too.
    if not any(x.period == "legacy" for x in lanes):
        legacy, cumulative_legacy = new, cumulative_new
    if not any(x.period == "new" for x in lanes):
        new, cumulative_new = legacy, cumulative_legacy

    start_day = (now - timedelta(days=round(365.25 * years))).astimezone(OFFICE_TZ).date()
    today = now.astimezone(OFFICE_TZ).date()
    calendars = {desk.pk: calendar_for_agency(desk) for desk in desks}
    working_days = {}
    for calendar in calendars.values():
        if id(calendar) not in working_days:
            working_days[id(calendar)] = _working_days(calendar, start_day, today)

    officers: dict[tuple[int, str], tuple[int, str]] = {}
    memberships = (
        Membership.objects.filter(user__is_active=True)
        .select_related("user")
        .order_by("agency_id", "role", "user_id")
    )
    for membership in memberships:
        user = membership.user
        officers.setdefault(
            (membership.agency_id, membership.role),
            (user.pk, (user.full_name or user.username)[:200]),
        )
    names_rng = random.Random(0)  # noqa: S311 — made-up names, not secrets
    names = {
        agency_id: f"{names_rng.choice(FAMILY)} {names_rng.choice(MIDDLE)} {names_rng.choice(GIVEN)}"
        for agency_id in sorted(by_id)
    }
    # A department's specialist may be the commune's own civil servant (tư pháp – hộ tịch).
    for (agency_id, role), officer in list(officers.items()):
        for child in by_id.values():
            if child.parent_id == agency_id and child.kind == AgencyKind.DEPARTMENT:
                officers.setdefault((child.pk, role), officer)

    # Online share among the procedures that allow it, so that all in all ~60 % come online.
    shares = []
    for chosen, cumulative in ((legacy, cumulative_legacy), (new, cumulative_new)):
        weights = [b - a for a, b in zip([0.0, *cumulative], cumulative, strict=False)]
        online = sum(
            w for lane, w in zip(chosen, weights, strict=True) if Channel.ONLINE in lane.channels
        )
        shares.append(online / (sum(weights) or 1))
    online_share = min(0.95, ONLINE_SHARE / max(sum(shares) / len(shares), 0.01))
    return World(
        lanes_legacy=legacy,
        lanes_new=new,
        cumulative_legacy=cumulative_legacy,
        cumulative_new=cumulative_new,
        calendars=calendars,
        working_days=working_days,
        rules=sorted(RuleVersion.objects.all(), key=lambda r: r.effective_from),
        officers=officers,
        names=names,
        start=datetime.combine(start_day, time(0), tzinfo=OFFICE_TZ),
        end=now,
        online_share={lane.procedure.pk: online_share for lane in lanes},
    )
