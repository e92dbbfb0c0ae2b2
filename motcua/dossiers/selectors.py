"""Reads of dossiers shaped for the officers' pages: worklists, the detail page, the timeline.

Every read starts from `dossiers_visible_to` or from the agencies where the user holds a role,
so a list never shows a dossier its reader could not open. Lists cost a fixed number of queries
whatever their length (pinned in the tests).
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.common.errors import InvalidInput, NotFound
from motcua.dossiers.access import HANDLER_ROLES, dossiers_visible_to
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep, RuleVersion, StepStatus
from motcua.dossiers.statuses import DossierStatus
from motcua.organizations.access import AgencyScope
from motcua.organizations.models import Role
from motcua.workdays.engine import (
    DAYS,
    WorkCalendar,
    add_working_minutes,
    due_at_after,
    working_minutes_between,
)
from motcua.workdays.selectors import calendar_for_agency

# The clock runs: waiting for the citizen (supplement, tax) does not make a dossier late.
CLOCK_RUNNING = (
    DossierStatus.RECEIVED,
    DossierStatus.PROCESSING,
    DossierStatus.AWAITING_SIGNATURE,
    DossierStatus.AWAITING_PARTNER,
)

WORKLISTS = {
    "assigned": _("Hồ sơ được giao cho tôi"),
    "department": _("Hồ sơ của đơn vị"),
    "due_soon": _("Hồ sơ sắp đến hạn"),
    "overdue": _("Hồ sơ quá hạn"),
    "to_sign": _("Hồ sơ chờ ký duyệt"),
    "intake": _("Hồ sơ trực tuyến chờ tiếp nhận"),
    "at_desk": _("Hồ sơ đã tiếp nhận, chưa chuyển xử lý"),
    "to_return": _("Hồ sơ chờ trả kết quả"),
}


def _active_steps_prefetch() -> Prefetch:
    return Prefetch(
        "steps",
        queryset=DossierStep.objects.filter(status=StepStatus.ACTIVE)
        .select_related("agency", "assignee")
        .order_by("order", "id"),
        to_attr="active_steps",
    )


def _list(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """A worklist page: the dossier with its procedure and agencies, and its active steps in
    `dossier.active_steps` (two queries)."""
    return dossiers.select_related(
        "procedure", "receiving_agency", "competent_agency"
    ).prefetch_related(_active_steps_prefetch())


def _with_active_step(condition: Q) -> Exists:
    return Exists(
        DossierStep.objects.filter(Q(dossier=OuterRef("pk"), status=StepStatus.ACTIVE) & condition)
    )


def worklist(*, user, kind: str, scope: AgencyScope | None = None) -> QuerySet[Dossier]:
    """One of the officer's worklists (WORKLISTS), most urgent first.

    assigned: active steps assigned to the user; department: active steps at agencies where
    the user holds a handler role; due_soon: the clock runs and the due time is within one
    working day; overdue: the clock runs past the due time; to_sign: waiting for the user's
    signature; intake: online submissions at the user's desk; at_desk: received dossiers whose
    active step is still the user's desk (to forward); to_return: results waiting at the
    user's desk. `scope`: the user's AgencyScope.of when the caller reads several lists.
    """
    if kind not in WORKLISTS:
        raise InvalidInput(
            _("Danh sách hồ sơ không hợp lệ: «%(kind)s».") % {"kind": kind},
            code="invalid_worklist",
        )
    if not (user is not None and user.is_authenticated and user.is_active):
        return Dossier.objects.none()
    scope = scope or AgencyScope.lazy(user)
    by_due = ("due_at", "code")
    # Lists of open dossiers say so: "not finished" lets PostgreSQL walk the small partial index
    # of open dossiers by due time instead of the whole history's (dossier_open_due_idx).
    unfinished = Dossier.objects.filter(finished_at__isnull=True)
    if kind == "assigned":
        dossiers = unfinished.filter(_with_active_step(Q(assignee=user))).order_by(*by_due)
    elif kind == "department":
        handler_work = Q(agency__in=scope.where(*HANDLER_ROLES), role__in=HANDLER_ROLES)
        dossiers = unfinished.filter(_with_active_step(handler_work)).order_by(*by_due)
    elif kind == "to_sign":
        leads = scope.where(Role.LEADER)
        dossiers = (
            unfinished.filter(status=DossierStatus.AWAITING_SIGNATURE)
            .filter(
                _with_active_step(Q(role=Role.LEADER) & (Q(agency__in=leads) | Q(assignee=user)))
            )
            .order_by(*by_due)
        )
    elif kind == "intake":
        desks = scope.where(Role.RECEPTION)
        dossiers = Dossier.objects.filter(
            status=DossierStatus.SUBMITTED, receiving_agency__in=desks
        ).order_by("submitted_at", "code")
    elif kind == "at_desk":
        desks = scope.where(Role.RECEPTION)
        at_desk = Q(agency__in=desks, role=Role.RECEPTION)
        dossiers = (
            unfinished.filter(_with_active_step(at_desk))
            .exclude(status=DossierStatus.RESULT_READY)  # that is "to_return"
            .order_by(*by_due)
        )
    elif kind == "to_return":
        desks = scope.where(Role.RECEPTION)
        dossiers = Dossier.objects.filter(
            status=DossierStatus.RESULT_READY, receiving_agency__in=desks
        ).order_by("finished_at", "code")
    else:
        current = timezone.now()
        running = dossiers_visible_to(user, scope).filter(
            status__in=CLOCK_RUNNING, finished_at__isnull=True
        )
        if kind == "overdue":
            dossiers = running.filter(due_at__lt=current).order_by(*by_due)
        else:
            # One working day of the national calendar; an agency's own days off are rare
            # enough not to cost a calendar per agency here.
            horizon = due_at_after(current, 1, DAYS, calendar_for_agency(None), cutoff=None)
            dossiers = running.filter(due_at__gte=current, due_at__lte=horizon).order_by(*by_due)
    return _list(dossiers)


def worklist_counts(*, user, scope: AgencyScope | None = None) -> dict[str, int]:
    """How many dossiers each worklist holds, in one query: each list's own statement (as the
    ORM writes it for `worklist`) counted in a scalar subquery, so every count keeps its plan
    and the page pays one round trip instead of eight."""
    parts, params, counts = [], [], {}
    scope = scope or AgencyScope.of(user)
    for number, kind in enumerate(WORKLISTS):
        try:
            sql, values = (
                worklist(user=user, kind=kind, scope=scope)
                .order_by()
                .values("pk")
                .query.sql_with_params()
            )
        except EmptyResultSet:  # a list that cannot hold anything (no such role)
            counts[kind] = 0
            continue
        # The ORM wrote `sql`; its values stay parameters.
        parts.append((kind, f"(SELECT COUNT(*) FROM ({sql}) AS list{number})"))  # noqa: S608
        params.extend(values)
    if parts:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(part for _kind, part in parts), params)
            counts.update(zip([kind for kind, _part in parts], cursor.fetchone(), strict=True))
    return {kind: int(counts[kind]) for kind in WORKLISTS}


def dossier_detail(*, user, code: str, holds: bool = True) -> Dossier:
    """A dossier the user may see, with everything its page shows prefetched (NotFound
    otherwise): steps, events, documents, and with `holds` its files, supplement requests and
    pauses (the API's dossier does not show them)."""
    more = ("files", "supplement_requests", "pauses") if holds else ()
    dossier = (
        dossiers_visible_to(user)
        .filter(code=(code or "").strip())
        .select_related(
            "procedure",
            "procedure__field",
            "receiving_agency",
            "competent_agency",
            "rule_version",
            "applicant_user",
        )
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=DossierStep.objects.select_related("agency", "assignee").order_by(
                    "order", "id"
                ),
            ),
            Prefetch("events", queryset=_timeline_queryset()),
            "documents",
            *more,
        )
        .first()
    )
    if dossier is None:
        raise NotFound(code="dossier_not_found")
    return dossier


def _timeline_queryset() -> QuerySet[DossierEvent]:
    return DossierEvent.objects.select_related(
        "actor", "agency", "step", "to_step", "to_step__agency"
    ).order_by("at", "id")


def dossier_timeline(dossier: Dossier) -> QuerySet[DossierEvent]:
    """The dossier's events in order, with who, where and which steps (one query)."""
    return _timeline_queryset().filter(dossier=dossier)


# -- online intake -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeDeadline:
    """When the desk must have accepted, asked for a supplement or refused an online dossier,
    and the office time left before it (or gone past it, when `overdue`), in whole minutes."""

    due_at: datetime
    overdue: bool
    minutes: int

    @property
    def label(self) -> str:
        hours, rest = divmod(self.minutes, 60)
        if hours and rest:
            span = _("%(hours)d giờ %(minutes)d phút") % {"hours": hours, "minutes": rest}
        elif hours:
            span = _("%(hours)d giờ") % {"hours": hours}
        elif rest:
            span = _("%(minutes)d phút") % {"minutes": rest}
        elif self.overdue:
            # Past the deadline, but no office time since (the office closed at that moment).
            return _("đã hết hạn tiếp nhận")
        else:
            return _("còn dưới 1 phút làm việc")
        if self.overdue:
            return _("quá hạn %(span)s làm việc") % {"span": span}
        return _("còn %(span)s làm việc") % {"span": span}


def online_intake_deadline(
    *, dossier: Dossier, calendar: WorkCalendar, at: datetime | None = None
) -> IntakeDeadline | None:
    """The desk's deadline for an online dossier still Mới đăng ký: `online_intake_hours` of its
    rule version (DOMAIN §2: 8 working hours) of office time after the submission, counted in
    the desk's `calendar`. None for any other dossier."""
    if dossier.status != DossierStatus.SUBMITTED or dossier.submitted_at is None:
        return None
    hours = dossier.rule_version.online_intake_hours
    due = add_working_minutes(dossier.submitted_at, hours * 60, calendar)
    current = at or timezone.now()
    if current < due:
        # Rounded down while time is left, up once late: never "còn" for a late dossier.
        minutes = math.floor(working_minutes_between(current, due, calendar))
        return IntakeDeadline(due_at=due, overdue=False, minutes=minutes)
    minutes = math.ceil(working_minutes_between(due, current, calendar))
    return IntakeDeadline(due_at=due, overdue=True, minutes=minutes)


def online_intake_deadlines_attach(
    *, dossiers: Iterable[Dossier], at: datetime | None = None
) -> list[Dossier]:
    """Set `dossier.intake_deadline` (IntakeDeadline or None) on each dossier of a page, with one
    calendar per desk and the rule versions in one query."""
    dossiers = list(dossiers)
    current = at or timezone.now()
    pending = [d for d in dossiers if d.status == DossierStatus.SUBMITTED]
    rules = RuleVersion.objects.in_bulk({d.rule_version_id for d in pending})
    calendars: dict[int, WorkCalendar] = {}
    for dossier in dossiers:
        dossier.intake_deadline = None
        if dossier.status != DossierStatus.SUBMITTED:
            continue
        dossier.rule_version = rules[dossier.rule_version_id]
        if dossier.receiving_agency_id not in calendars:
            calendars[dossier.receiving_agency_id] = calendar_for_agency(dossier.receiving_agency)
        dossier.intake_deadline = online_intake_deadline(
            dossier=dossier, calendar=calendars[dossier.receiving_agency_id], at=current
        )
    return dossiers
