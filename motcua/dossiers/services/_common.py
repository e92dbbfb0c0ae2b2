"""Shared steps of the dossier services: locking, the permission guard, the event row, the route
(steps) and the clock. Nothing here commits: the public services are each one transaction."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from motcua.dossiers.access import Reach, acting_steps, is_visible, may_take
from motcua.dossiers.models import (
    Dossier,
    DossierEvent,
    DossierStep,
    RuleVersion,
    Timeliness,
)
from motcua.dossiers.statuses import ACTIONS, DossierStatus
from motcua.notifications.services import dossier_event_recorded
from motcua.organizations.models import Agency, Role
from motcua.outbox.services import outbox_event_recorded
from motcua.workdays.engine import (
    CALENDAR_CUTOFF,
    OFFICE_TZ,
    WorkCalendar,
    due_at_after,
)
from motcua.workdays.selectors import calendar_for_agency

SYSTEM_NAME = "Hệ thống"


# -- time ----------------------------------------------------------------------------------------


def now() -> datetime:
    return timezone.now()


def local_date(instant: datetime) -> date:
    return instant.astimezone(OFFICE_TZ).date()


def calendar_of(dossier: Dossier) -> WorkCalendar:
    """The working calendar the dossier's times are counted in: its receiving agency's."""
    return calendar_for_agency(dossier.receiving_agency)


def cutoff_of(dossier: Dossier):
    """The same-day cut-off for this dossier: the procedure's, else the rule version's, else the
    office day's (the agency's office hours)."""
    if dossier.procedure.cutoff is not None:
        return dossier.procedure.cutoff
    if dossier.rule_version.cutoff is not None:
        return dossier.rule_version.cutoff
    return CALENDAR_CUTOFF


def rule_version_on(day: date) -> RuleVersion:
    rule = RuleVersion.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if rule is None:
        raise Conflict(
            _("Chưa có quy định một cửa nào có hiệu lực vào ngày %(day)s.")
            % {"day": f"{day:%d/%m/%Y}"},
            code="rule_version_missing",
        )
    return rule


def timeliness(finished_at: datetime, due_at: datetime | None) -> str:
    """Trước hạn / đúng hạn / quá hạn: the finishing date against the due date (DOMAIN §3)."""
    if due_at is None:
        return ""
    finished, due = local_date(finished_at), local_date(due_at)
    if finished < due:
        return Timeliness.EARLY
    if finished == due:
        return Timeliness.ON_TIME
    return Timeliness.LATE


def step_due(step: DossierStep, start: datetime, calendar: WorkCalendar) -> datetime:
    """The due time of a step started at `start`: its share of office time, no cut-off."""
    return due_at_after(start, step.amount, step.time_unit, calendar, cutoff=None)


# -- input ---------------------------------------------------------------------------------------


def clean_text(value, *, field: str, max_length: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(
            _("Trường «%(field)s» phải là văn bản.") % {"field": field}, code="invalid_text"
        )
    text = value.strip()
    if any(ch < " " and ch not in "\n\r\t" for ch in text):
        # NUL and other control characters: PostgreSQL refuses NUL in text outright.
        raise InvalidInput(
            _("Trường «%(field)s» chứa ký tự không hợp lệ.") % {"field": field},
            code="invalid_characters",
        )
    if required and not text:
        raise InvalidInput(
            _("Trường «%(field)s» không được để trống.") % {"field": field}, code="required"
        )
    if len(text) > max_length:
        raise InvalidInput(
            _("Trường «%(field)s» dài quá %(max)d ký tự.") % {"field": field, "max": max_length},
            code="too_long",
        )
    return text


def clean_reason(value) -> str:
    return clean_text(value, field=_("lý do"), max_length=4000, required=True)


def clean_note(value) -> str:
    return clean_text(value, field=_("ghi chú"), max_length=4000)


def clean_amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (ArithmeticError, ValueError):
        raise InvalidInput(_("Thời gian không hợp lệ."), code="invalid_amount") from None
    if not amount.is_finite() or amount < 0 or amount >= 10000 or amount != round(amount, 2):
        raise InvalidInput(
            _("Thời gian phải là số không âm, tối đa hai chữ số thập phân."),
            code="invalid_amount",
        )
    return amount


# -- the guard -----------------------------------------------------------------------------------


def lock(dossier: Dossier) -> Dossier:
    """Lock the dossier row for this transaction and refresh `dossier` from it in place: every
    writer takes this lock first, so status checks and step changes never race."""
    if dossier is None or dossier.pk is None:
        raise NotFound(code="dossier_not_found")
    fresh = Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
    if fresh is None:
        raise NotFound(code="dossier_not_found")
    for field in Dossier._meta.concrete_fields:
        setattr(dossier, field.attname, getattr(fresh, field.attname))
    return dossier


def load_steps(dossier: Dossier) -> list[DossierStep]:
    return list(
        DossierStep.objects.filter(dossier=dossier)
        .select_related("agency", "assignee")
        .order_by("order", "id")
    )


def _visible(actor, dossier: Dossier) -> bool:
    if actor is not None and actor.is_authenticated and dossier.applicant_user_id == actor.pk:
        return True
    return is_visible(user=actor, dossier=dossier)


def deny(actor, dossier: Dossier, action: str) -> None:
    """Raise the error for an action `actor` may not take: NotFound when they cannot see the
    dossier, Conflict when its status does not allow it, Forbidden for their role."""
    if not _visible(actor, dossier):
        raise NotFound(code="dossier_not_found")
    if dossier.status not in ACTIONS[action].sources:
        raise Conflict(
            _("Không thể «%(action)s» hồ sơ đang ở trạng thái «%(status)s».")
            % {
                "action": _action_label(action),
                "status": DossierStatus(dossier.status).label,
            },
            code="transition_not_allowed",
        )
    raise Forbidden(
        _("Vai trò của bạn không được «%(action)s» hồ sơ này.") % {"action": _action_label(action)},
        code="role_not_allowed",
    )


def _action_label(action: str) -> str:
    from motcua.dossiers.statuses import Action

    return str(Action(action).label).lower()


def authorize(actor, dossier: Dossier, action: str, steps: list[DossierStep]) -> Reach:
    reach = Reach.of(actor)
    if not may_take(user=actor, dossier=dossier, action=action, steps=steps, reach=reach):
        deny(actor, dossier, action)
    return reach


def authorize_step(
    actor,
    dossier: Dossier,
    action: str,
    steps: list[DossierStep],
    step: DossierStep | None = None,
) -> DossierStep:
    """The step `actor` takes `action` on: `step` if given (and theirs to act on), else the
    first one they may act on, preferring a step assigned to them."""
    reach = Reach.of(actor)
    candidates = acting_steps(user=actor, dossier=dossier, action=action, steps=steps, reach=reach)
    if not candidates:
        deny(actor, dossier, action)
    if step is not None:
        for candidate in candidates:
            if candidate.pk == step.pk:
                return candidate
        if not any(s.pk == step.pk for s in steps):
            raise InvalidInput(_("Bước xử lý không thuộc hồ sơ này."), code="step_not_in_dossier")
        raise Forbidden(
            _("Bạn không được thao tác trên bước «%(step)s».") % {"step": step.name},
            code="role_not_allowed",
        )
    mine = [s for s in candidates if actor is not None and s.assignee_id == actor.pk]
    return (mine or candidates)[0]


def require_desk(actor, agency: Agency, action: str) -> None:
    """Intake of a new dossier: the actor works at the desk of `agency`."""
    if not Reach.of(actor).holds(Role.RECEPTION, agency):
        raise Forbidden(
            _("Bạn không phải cán bộ tiếp nhận của «%(agency)s».") % {"agency": agency.name},
            code="role_not_allowed",
        )


# -- writes --------------------------------------------------------------------------------------


def actor_name(actor) -> str:
    if actor is None:
        return SYSTEM_NAME
    return (getattr(actor, "full_name", "") or actor.get_username())[:200]


def record_event(
    dossier: Dossier,
    *,
    action: str,
    from_status: str,
    actor,
    at: datetime,
    agency: Agency | None = None,
    step: DossierStep | None = None,
    to_step: DossierStep | None = None,
    timeliness: str = "",
    note: str = "",
    public_note: str = "",
    data: dict | None = None,
) -> DossierEvent:
    event = DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        at=at,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=actor_name(actor),
        agency=agency,
        step=step,
        to_step=to_step,
        timeliness=timeliness,
        note=note,
        public_note=public_note,
        data=data or {},
    )
    dossier_event_recorded(event)
    outbox_event_recorded(event)
    return event


def save(dossier: Dossier, *fields: str) -> None:
    dossier.save(update_fields=[*fields, "updated_at"])


def iso(instant: datetime | None) -> str | None:
    return instant.astimezone(OFFICE_TZ).isoformat() if instant is not None else None
