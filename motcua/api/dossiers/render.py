"""The dossier as an officer sees it, times in the office's zone (+07:00)."""

from datetime import datetime

from motcua.common.errors import NotFound
from motcua.dossiers.access import allowed_actions
from motcua.dossiers.models import DossierStep, Outcome
from motcua.dossiers.selectors import dossier_detail
from motcua.dossiers.statuses import Action, DossierStatus
from motcua.organizations.models import Agency
from motcua.workdays.engine import OFFICE_TZ

# The name of an action in this API where it differs from the ACTIONS table.
API_NAMES = {Action.RECEIVE: "accept"}
STATUS_LABELS = dict(DossierStatus.choices)
ACTION_LABELS = dict(Action.choices)
OUTCOME_LABELS = dict(Outcome.choices)


def local_time(value: datetime | None) -> datetime | None:
    return value.astimezone(OFFICE_TZ).replace(microsecond=0) if value is not None else None


def agency_ref(agency: Agency | None) -> dict | None:
    return {"code": agency.code, "name": agency.name} if agency is not None else None


def username_of(user) -> str | None:
    return user.get_username() if user is not None else None


def step_out(step: DossierStep) -> dict:
    return {
        "order": step.order,
        "name": step.name,
        "agency": agency_ref(step.agency),
        "role": step.role,
        "is_partner": step.is_partner,
        "parallel_group": step.parallel_group,
        "status": step.status,
        "assignee": username_of(step.assignee),
        "started_at": local_time(step.started_at),
        "due_at": local_time(step.due_at),
        "finished_at": local_time(step.finished_at),
        "timeliness": step.timeliness,
    }


def dossier_code(code: str) -> str:
    """The code from the path; one that cannot be a code is not found, like an unknown one."""
    if not code.isprintable():
        raise NotFound(code="dossier_not_found")
    return code


def dossier_out(user, code: str) -> dict:
    dossier = dossier_detail(user=user, code=dossier_code(code), holds=False)
    allowed = allowed_actions(user=user, dossier=dossier)
    return {
        "code": dossier.code,
        "procedure": {"code": dossier.procedure.code, "name": dossier.procedure_name},
        "status": dossier.status,
        "national_status": dossier.national_status,
        "status_label": str(STATUS_LABELS[dossier.status]),
        "status_reason": dossier.status_reason,
        "outcome": dossier.outcome,
        "outcome_label": str(OUTCOME_LABELS.get(dossier.outcome, "")),
        "channel": dossier.channel,
        "receiving_agency": agency_ref(dossier.receiving_agency),
        "competent_agency": agency_ref(dossier.competent_agency),
        "applicant": {
            "name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "birth_date": dossier.applicant_birth_date,
            "address": dossier.applicant_address,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "representative": dossier.representative,
        },
        "request_summary": dossier.request_summary,
        "set_count": dossier.set_count,
        "return_method": dossier.return_method,
        "documents": [
            {"name": d.name, "originals": d.originals, "copies": d.copies}
            for d in dossier.documents.all()
        ],
        "supplement_count": dossier.supplement_count,
        "submitted_at": local_time(dossier.submitted_at),
        "received_at": local_time(dossier.received_at),
        "due_at": local_time(dossier.due_at),
        "original_due_at": local_time(dossier.original_due_at),
        "extended_at": local_time(dossier.extended_at),
        "extension_reason": dossier.extension_reason,
        "finished_at": local_time(dossier.finished_at),
        "returned_at": local_time(dossier.returned_at),
        "returned_to": dossier.returned_to,
        "steps": [step_out(step) for step in dossier.steps.all()],
        "allowed_actions": sorted(API_NAMES.get(action, action) for action in allowed),
        "events": [
            {
                "at": local_time(event.at),
                "action": event.action,
                "action_label": str(ACTION_LABELS.get(event.action, event.action)),
                "from_status": event.from_status,
                "to_status": event.to_status,
                "actor": username_of(event.actor),
                "actor_name": event.actor_name,
                "agency": agency_ref(event.agency),
                "step": event.step.order if event.step is not None else None,
                "to_step": event.to_step.order if event.to_step is not None else None,
                "timeliness": event.timeliness,
                "note": event.note,
                "public_note": event.public_note,
            }
            for event in dossier.events.all()
        ],
    }
