"""Average processing time per procedure: working days from receipt to result, in the receiving
agency's working calendar, against the statutory time of the same dossiers."""

from dataclasses import dataclass, field
from decimal import Decimal

from motcua.catalog.models import Procedure, TimeUnit
from motcua.common.db import report_db_alias
from motcua.organizations.models import Agency
from motcua.reports.charts import vn_number
from motcua.workdays.engine import DEFAULT_OFFICE_DAY, OFFICE_TZ, working_minutes_between
from motcua.workdays.selectors import calendar_for_agency


@dataclass
class Analysis:
    rows: list[dict] = field(default_factory=list)
    within_ids: list[int] = field(default_factory=list)
    all_ids: list[int] = field(default_factory=list)


def _day_minutes(calendar, instant) -> float:
    office_day = calendar.office_day(instant.astimezone(OFFICE_TZ).date())
    return (office_day or DEFAULT_OFFICE_DAY).minutes


def analyse(ctx) -> Analysis:
    """Per procedure with dossiers resolved in the period (with a result): dossiers, average
    working days taken, average statutory days. Cached on the context."""
    cached = getattr(ctx, "_processing", None)
    if cached is not None:
        return cached
    rows = (
        ctx.resolved_with_result()
        .filter(received_at__isnull=False)
        .values_list(
            "procedure_id",
            "receiving_agency_id",
            "received_at",
            "finished_at",
            "processing_amount",
            "processing_unit",
        )
    )
    calendars: dict[int, object] = {}  # one calendar per receiving agency (each costs a query)
    taken: dict[int, list[float]] = {}
    allowed: dict[int, list[float]] = {}
    for procedure_id, agency_id, received_at, finished_at, amount, unit in rows.iterator():
        if agency_id not in calendars:
            agency = Agency.objects.using(report_db_alias()).get(pk=agency_id)
            calendars[agency_id] = calendar_for_agency(agency)
        calendar = calendars[agency_id]
        day = _day_minutes(calendar, received_at)
        taken.setdefault(procedure_id, []).append(
            working_minutes_between(received_at, finished_at, calendar) / day
        )
        if amount is not None:
            days = float(amount) if unit != TimeUnit.HOURS else float(amount) * 60 / day
            allowed.setdefault(procedure_id, []).append(days)
    procedures = Procedure.objects.using(report_db_alias()).in_bulk(list(taken))
    analysis = Analysis()
    for procedure_id in sorted(taken, key=lambda pk: procedures[pk].code):
        average = sum(taken[procedure_id]) / len(taken[procedure_id])
        limits = allowed.get(procedure_id)
        statutory = sum(limits) / len(limits) if limits else None
        within = statutory is not None and round(average, 2) <= round(statutory, 2)
        analysis.all_ids.append(procedure_id)
        if within:
            analysis.within_ids.append(procedure_id)
        analysis.rows.append(
            {
                "code": procedures[procedure_id].code,
                "name": procedures[procedure_id].name,
                "dossiers": len(taken[procedure_id]),
                "average_days": Decimal(str(round(average, 2))),
                "average_text": vn_number(average, 1),
                "statutory_text": vn_number(statutory, 1),
                "within": within,
            }
        )
    ctx._processing = analysis
    return analysis
