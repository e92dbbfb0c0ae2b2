"""The receipt: the competent agency, the route instantiated from the workflow template (units
resolved to agencies), each step's share of time, the clock and the appointment."""

import re
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from motcua.catalog.models import Channel, Procedure, ProcessingTime, TimeUnit, UnitKind
from motcua.common.errors import InvalidInput
from motcua.common.text import fold
from motcua.dossiers.models import Dossier, DossierPause, DossierStep, PauseKind, StepStatus
from motcua.dossiers.services._common import (
    calendar_of,
    cutoff_of,
    local_date,
    rule_version_on,
    step_due,
)
from motcua.dossiers.statuses import DossierStatus
from motcua.organizations.models import Agency, AgencyKind, Role
from motcua.workdays.engine import clock_start, due_at_after


def competent_agency_for(*, procedure: Procedure, receiving_agency: Agency) -> Agency:
    """The publishing agency of the procedure, else the agency the desk belongs to."""
    if procedure.agency_id is not None:
        return procedure.agency
    ancestors = receiving_agency.ancestors_path_ids()[:-1]
    if ancestors:
        by_id = Agency.objects.in_bulk(ancestors)
        for agency_id in reversed(ancestors):
            if by_id[agency_id].kind != AgencyKind.SERVICE_CENTER:
                return by_id[agency_id]
    return receiving_agency


# -- resolving the template's units --------------------------------------------------------------

_PARENTHESES = re.compile(r"\([^)]*\)")
# Templates name who acts ("Trưởng Công an xã", "Công chức Tư pháp"); the unit follows the title.
_TITLES = re.compile(r"^(?:pho truong|truong|lanh dao|giam doc|pho giam doc|cong chuc|can bo) ")


def unit_key(unit_name: str) -> str:
    """The folded unit name without its parenthesised explanation or the acting person's title:
    "Phòng Kinh tế (cơ quan đăng ký kinh doanh cấp xã)" → "phong kinh te", "Trưởng Công an xã"
    → "cong an xa"."""
    return _TITLES.sub("", fold(_PARENTHESES.sub(" ", unit_name or "")))


# -- the route and the clock ---------------------------------------------------------------------


def processing_time_for(procedure: Procedure, channel: str) -> ProcessingTime:
    times = {row.channel: row for row in procedure.processing_times.all()}
    row = times.get(channel) or times.get(Channel.DIRECT)
    if row is None:
        raise InvalidInput(
            _("Thủ tục «%(procedure)s» chưa có thời hạn giải quyết.")
            % {"procedure": procedure.name},
            code="processing_time_missing",
        )
    return row


def _resolve_units(dossier: Dossier, template: list) -> list[Agency]:
    competent = dossier.competent_agency
    departments = []
    externals = []
    if any(step.unit_kind == UnitKind.DEPARTMENT for step in template):
        departments = list(
            Agency.objects.filter(
                parent=competent, kind=AgencyKind.DEPARTMENT, is_active=True
            ).order_by("path")
        )
    if any(step.unit_kind == UnitKind.EXTERNAL for step in template):
        root = competent.path.split("/")[1]
        externals = list(
            Agency.objects.filter(
                kind=AgencyKind.EXTERNAL, is_active=True, path__startswith=f"/{root}/"
            ).order_by("path")
        )
    resolved = []
    for step in template:
        key = unit_key(step.unit_name)
        if step.unit_kind == UnitKind.SERVICE_CENTER:
            resolved.append(dossier.receiving_agency)
            continue
        pool = departments if step.unit_kind == UnitKind.DEPARTMENT else externals
        matches = [agency for agency in pool if key and key in fold(agency.name)]
        # The partner nearest the competent agency in the tree (longest shared path).
        matches.sort(key=lambda a: -len(_shared_prefix(a.path, competent.path)))
        resolved.append(matches[0] if matches else competent)
    return resolved


def _shared_prefix(first: str, second: str) -> str:
    parts = []
    for a, b in zip(first.split("/"), second.split("/"), strict=False):
        if a != b:
            break
        parts.append(a)
    return "/".join(parts)


def _default_template(amount: Decimal, unit: str) -> list[dict]:
    """A procedure without a workflow template: desk → competent agency → leader → desk."""
    return [
        {"name": _("Tiếp nhận hồ sơ"), "unit_kind": UnitKind.SERVICE_CENTER,
         "role": Role.RECEPTION, "amount": Decimal(0)},
        {"name": _("Xử lý hồ sơ"), "unit_kind": UnitKind.DEPARTMENT, "role": Role.SPECIALIST,
         "amount": amount},
        {"name": _("Ký duyệt kết quả"), "unit_kind": UnitKind.DEPARTMENT, "role": Role.LEADER,
         "amount": Decimal(0)},
        {"name": _("Trả kết quả"), "unit_kind": UnitKind.SERVICE_CENTER, "role": Role.RECEPTION,
         "amount": Decimal(0)},
    ]  # fmt: skip


def route_steps_build(dossier: Dossier, processing: ProcessingTime) -> list[DossierStep]:
    """The dossier's route from the procedure's workflow template (not saved yet)."""
    from motcua.catalog.models import WorkflowStep

    # .all(): the template prefetched with the procedure (procedure_get) costs no query.
    template = sorted(
        dossier.procedure.workflow_steps.all(), key=lambda step: (step.order, step.pk)
    )
    if not template:
        template = [
            WorkflowStep(
                unit_name="",
                time_unit=processing.unit if row["amount"] else TimeUnit.DAYS,
                parallel_group=None,
                counts_toward_deadline=True,
                **row,
            )
            for row in _default_template(processing.amount, processing.unit)
        ]
    agencies = _resolve_units(dossier, template)
    has_own_work = any(step.unit_kind == UnitKind.DEPARTMENT for step in template)
    steps = [
        DossierStep(
            dossier=dossier,
            order=position,
            name=step.name,
            agency=agency,
            role=step.role,
            # An outside agency is a liên thông partner when the competent agency's own
            # units also work on the dossier; when it does all the work, it is the handler.
            is_partner=step.unit_kind == UnitKind.EXTERNAL and has_own_work,
            parallel_group=step.parallel_group,
            counts_toward_deadline=step.counts_toward_deadline,
            amount=step.amount,
            time_unit=step.time_unit,
        )
        for position, (step, agency) in enumerate(zip(template, agencies, strict=True), start=1)
    ]
    return steps


def _plan_steps(steps: list[DossierStep], start: datetime, calendar) -> None:
    """Each step's due time from its share, one after the other (a parallel group together);
    a step outside the statutory time does not move the steps after it."""
    cursor = start
    index = 0
    while index < len(steps):
        group = [steps[index]]
        if steps[index].parallel_group is not None:
            while (
                index + len(group) < len(steps)
                and steps[index + len(group)].parallel_group == steps[index].parallel_group
            ):
                group.append(steps[index + len(group)])
        ends = []
        for step in group:
            step.due_at = step_due(step, cursor, calendar) if step.amount else cursor
            if step.counts_toward_deadline:
                ends.append(step.due_at)
        if ends:
            cursor = max(ends)
        index += len(group)


def start_processing(dossier: Dossier, at: datetime) -> DossierStep:
    """The receipt: rule version, clock, appointment, route (DOMAIN §2–§3). Returns the first
    step, now active."""
    dossier.received_at = at
    dossier.rule_version = rule_version_on(local_date(at))
    processing = processing_time_for(dossier.procedure, dossier.channel)
    calendar = calendar_of(dossier)
    cutoff = cutoff_of(dossier)
    dossier.processing_amount = processing.amount
    dossier.processing_unit = processing.unit
    dossier.clock_started_at = clock_start(at, calendar, cutoff=cutoff)
    dossier.due_at = due_at_after(at, processing.amount, processing.unit, calendar, cutoff=cutoff)
    dossier.original_due_at = dossier.due_at
    dossier.status = DossierStatus.RECEIVED
    if dossier.channel == Channel.ONLINE:
        dossier.is_digitized = True  # it came electronically
    steps = route_steps_build(dossier, processing)
    _plan_steps(steps, dossier.clock_started_at, calendar)
    # The first step starts now; its due time stays the planned one, counted from where the
    # clock starts, not from the receipt. The route is written in one statement.
    first = steps[0]
    first.status = StepStatus.ACTIVE
    first.started_at = at
    DossierStep.objects.bulk_create(steps)
    if not first.counts_toward_deadline:
        # Time at a step outside the statutory time (e.g. the tax authority) stops the clock.
        DossierPause.objects.create(dossier=dossier, kind=PauseKind.PAYMENT, started_at=at)
    return first
