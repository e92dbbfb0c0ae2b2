"""Forms 01–06 for one dossier: the data each form needs, read from the dossier and its events."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.common.errors import InvalidInput
from motcua.dossiers.forms import formatting as fmt
from motcua.dossiers.forms.pdf import html_to_pdf
from motcua.dossiers.forms.qr import lookup_url, qr_svg
from motcua.dossiers.forms.sets import (
    APOLOGY,
    CONTROL,
    RECEIPT,
    REFUSAL,
    SLIPS,
    STOP,
    SUPPLEMENT,
    heading_context,
)
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.statuses import Action, DossierStatus
from motcua.organizations.models import Agency

# Events that end a step by sending the result back to the desk (no next step to name).
_RESULT_ACTIONS = (Action.APPROVE, Action.REFUSE)


def _not_applicable(message) -> InvalidInput:
    # Lazy messages: raised while the office language is forced, read in the asker's language.
    return InvalidInput(message, code="form_not_applicable")


def _last_event(dossier: Dossier, *actions: str) -> DossierEvent | None:
    return (
        dossier.events.filter(action__in=actions)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def _reason(dossier: Dossier, event: DossierEvent | None) -> str:
    if dossier.status_reason:
        return dossier.status_reason
    if event is None:
        return ""
    return event.public_note or event.note


def _processing_time(dossier: Dossier) -> str:
    if dossier.processing_amount is not None:
        return fmt.duration_text(dossier.processing_amount, dossier.processing_unit)
    time = dossier.procedure.processing_times.filter(channel=dossier.channel).first()
    return fmt.duration_text(time.amount, time.unit) if time else ""


def _issuer_context(issuer: Agency) -> dict:
    parent = issuer.parent
    return {"issuer": issuer, "issuer_parent": parent.name if parent else ""}


def _receipt(dossier: Dossier) -> dict:
    if dossier.received_at is None or dossier.due_at is None:
        raise _not_applicable(
            gettext_lazy("Hồ sơ chưa được tiếp nhận nên chưa có giấy tiếp nhận và hẹn trả kết quả.")
        )
    event = _last_event(dossier, Action.RECEIVE, Action.IMPORT)
    url = lookup_url(dossier.code)
    return {
        "issued_at": dossier.received_at,
        "qr_svg": qr_svg(url),
        "lookup_url": url,
        "documents": list(dossier.documents.all()),
        "received_text": fmt.clock_text(dossier.received_at),
        "due_text": fmt.clock_text(dossier.due_at),
        "officer": fmt.event_actor_name(event),
    }


def _supplement(dossier: Dossier) -> dict:
    request = (
        dossier.supplement_requests.select_related("requested_by")
        .order_by("-requested_at", "-id")
        .first()
    )
    if request is None:
        raise _not_applicable(gettext_lazy("Hồ sơ không có yêu cầu bổ sung, hoàn thiện nào."))
    officer = fmt.person_name(request.requested_by)
    if not officer:
        officer = fmt.event_actor_name(_last_event(dossier, Action.REQUEST_SUPPLEMENT))
    return {
        "issued_at": request.requested_at,
        "items": [str(item) for item in request.items or []],
        "reason": request.reason,
        "deadline_text": fmt.clock_text(request.deadline_at),
        "contact_phone": dossier.receiving_agency.phone,
        "officer": officer,
    }


def _refusal(dossier: Dossier) -> dict:
    event = _last_event(dossier, Action.REFUSE_INTAKE)
    if dossier.status != DossierStatus.NOT_ACCEPTED and event is None:
        raise _not_applicable(gettext_lazy("Hồ sơ không bị từ chối tiếp nhận."))
    return {
        "issued_at": event.at if event else dossier.submitted_at or dossier.created_at,
        "reason": _reason(dossier, event),
        "officer": fmt.event_actor_name(event),
    }


def _apology(dossier: Dossier) -> dict:
    if dossier.extended_at is None:
        raise _not_applicable(
            gettext_lazy("Hồ sơ chưa có văn bản xin lỗi và hẹn lại ngày trả kết quả.")
        )
    event = _last_event(dossier, Action.APOLOGIZE)
    return {
        **_issuer_context(dossier.competent_agency),
        "issued_at": dossier.extended_at,
        "received_text": fmt.clock_text(dossier.received_at),
        "original_due_text": fmt.clock_text(dossier.original_due_at),
        "reason": dossier.extension_reason or (event.note if event else ""),
        "new_due_text": fmt.clock_text(dossier.due_at),
        "officer": fmt.event_actor_name(event),
    }


def _stop(dossier: Dossier) -> dict:
    if dossier.status not in (DossierStatus.WITHDRAWN, DossierStatus.STOPPED):
        raise _not_applicable(gettext_lazy("Hồ sơ không bị dừng xử lý hay rút theo yêu cầu."))
    event = _last_event(dossier, Action.WITHDRAW, Action.STOP)
    return {
        **_issuer_context(dossier.competent_agency),
        "issued_at": event.at if event else dossier.finished_at or dossier.updated_at,
        "withdrawn": dossier.status == DossierStatus.WITHDRAWN,
        "received_text": fmt.clock_text(dossier.received_at),
        "reason": _reason(dossier, event),
        "officer": fmt.event_actor_name(event),
    }


def control_rows(dossier: Dossier) -> list[dict]:
    """One row per hand-over: to a next step (forward, send back, liên thông, assignment) or,
    from the signing step, back to the desk with the result."""
    events = (
        dossier.events.filter(to_step__isnull=False)
        | dossier.events.filter(step__isnull=False, action__in=_RESULT_ACTIONS)
    ).select_related("actor", "agency", "step__agency", "to_step__agency", "to_step__assignee")
    rows = []
    for event in events.order_by("at", "id"):
        if event.step is None and event.to_step.agency_id == dossier.receiving_agency_id:
            continue  # received into the desk's own step: nothing changed hands yet
        if event.step is not None:
            giver = event.step.agency.name
        else:
            giver = (event.agency or dossier.receiving_agency).name
        receiver = event.to_step.agency.name if event.to_step else dossier.receiving_agency.name
        rows.append(
            {
                "giver": giver,
                "giver_person": fmt.event_actor_name(event),
                "receiver": receiver,
                "receiver_person": fmt.person_name(event.to_step.assignee) if event.to_step else "",
                "at_text": fmt.short_text(event.at),
                "timeliness": event.get_timeliness_display() if event.timeliness else "",
                "note": event.note,
            }
        )
    return rows


def _control(dossier: Dossier) -> dict:
    if dossier.received_at is None:
        raise _not_applicable(
            gettext_lazy(
                "Hồ sơ chưa được tiếp nhận nên chưa có phiếu kiểm soát quá trình giải quyết."
            )
        )
    return {
        "issued_at": dossier.received_at,
        "received_text": fmt.short_text(dossier.received_at),
        "due_text": fmt.short_text(dossier.due_at),
        "rows": control_rows(dossier),
    }


_BUILDERS = {
    RECEIPT: _receipt,
    SUPPLEMENT: _supplement,
    REFUSAL: _refusal,
    APOLOGY: _apology,
    STOP: _stop,
    CONTROL: _control,
}


def render_form_html(*, dossier: Dossier, form: str) -> str:
    """The form as a self-contained HTML document (print CSS inline, QR as inline SVG)."""
    if form not in SLIPS:
        raise InvalidInput(
            _("Mẫu %(form)s không tồn tại; các mẫu có thể in: %(forms)s.")
            % {"form": str(form)[:20], "forms": ", ".join(SLIPS)},
            code="form_unknown",
        )
    # The forms are official documents in the office's language, whatever the officer's UI.
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            **_issuer_context(dossier.receiving_agency),
            **_BUILDERS[form](dossier),
            **heading_context(dossier.rule_version.forms, form),
            "form": form,
            "dossier": dossier,
            "processing_time": _processing_time(dossier),
        }
        context["place_date"] = fmt.place_date_text(
            fmt.place_name(context["issuer"]), context["issued_at"]
        )
        return render_to_string(f"dossiers/forms/form_{form}.html", context)


def render_form(*, dossier: Dossier, form: str) -> bytes:
    """Form "01".."06" of the dossier as an A4 PDF."""
    return html_to_pdf(render_form_html(dossier=dossier, form=form))
