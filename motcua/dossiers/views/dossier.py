"""One dossier: its page, the actions the officer may take on it, its files and printed forms."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from motcua.audit.services import personal_data_accessed
from motcua.common.errors import Conflict, InvalidInput, NotFound
from motcua.dossiers import services
from motcua.dossiers.access import access_dossier, acting_steps, allowed_actions
from motcua.dossiers.forms_web import (
    ActionForm,
    ApologizeForm,
    AssignForm,
    AttachFileForm,
    ConfirmForm,
    NoteForm,
    ReasonForm,
    ReturnResultForm,
    SendBackForm,
    SendPartnerForm,
    SupplementRequestForm,
    first_error,
)
from motcua.dossiers.models import Dossier, StepStatus
from motcua.dossiers.selectors import dossier_detail, online_intake_deadline
from motcua.dossiers.statuses import Action, DossierStatus
from motcua.dossiers.views._common import officer_view
from motcua.organizations.models import Agency, AgencyKind, Role, User
from motcua.workdays.selectors import calendar_for_agency

HANDLER_RANK = {Role.SPECIALIST: 1, Role.DEPARTMENT_HEAD: 2, Role.LEADER: 3}


class OnlineReceiveForm(ConfirmForm):
    """Accepting a dossier submitted online: what the applicant sent is what the desk receives."""

    def service_kwargs(self) -> dict:
        dossier = self.dossier
        # Empty applicant and documents: the service keeps what the applicant submitted.
        return {
            "receiving_agency": dossier.receiving_agency,
            "procedure": dossier.procedure,
            "channel": dossier.channel,
            "applicant": {},
            "documents": [],
        }


@dataclass(frozen=True)
class ActionSpec:
    service: str  # the function in motcua.dossiers.services
    form: type[ActionForm]
    primary: bool = False  # the usual next move: shown first, as the main button
    danger: bool = False  # ends or reverses the processing: shown apart, in red


ACTION_SPECS: dict[str, ActionSpec] = {
    Action.RECEIVE: ActionSpec("dossier_receive", OnlineReceiveForm, primary=True),
    Action.FORWARD: ActionSpec("dossier_forward", NoteForm, primary=True),
    Action.APPROVE: ActionSpec("dossier_approve", NoteForm, primary=True),
    Action.RETURN_RESULT: ActionSpec("dossier_return_result", ReturnResultForm, primary=True),
    Action.SUPPLEMENT: ActionSpec("dossier_supplement_received", NoteForm, primary=True),
    Action.RESUME_PAYMENT: ActionSpec("dossier_resume_payment", NoteForm, primary=True),
    Action.ASSIGN: ActionSpec("dossier_assign", AssignForm),
    Action.REQUEST_SUPPLEMENT: ActionSpec("dossier_request_supplement", SupplementRequestForm),
    Action.SEND_BACK: ActionSpec("dossier_send_back", SendBackForm),
    Action.PAUSE_PAYMENT: ActionSpec("dossier_pause_payment", ReasonForm),
    Action.SEND_PARTNER: ActionSpec("dossier_send_partner", SendPartnerForm),
    Action.PARTNER_RESULT: ActionSpec("dossier_partner_result", NoteForm, primary=True),
    Action.APOLOGIZE: ActionSpec("dossier_apologize", ApologizeForm),
    Action.REFUSE_INTAKE: ActionSpec("dossier_refuse_intake", ReasonForm, danger=True),
    Action.REFUSE: ActionSpec("dossier_refuse", ReasonForm, danger=True),
    Action.WITHDRAW: ActionSpec("dossier_withdraw", ReasonForm, danger=True),
    Action.STOP: ActionSpec("dossier_stop", ReasonForm, danger=True),
}

ACTION_LABELS = dict(Action.choices)
STATUS_LABELS = dict(DossierStatus.choices)

FORM_TITLES = {
    "01": gettext_lazy("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    "02": gettext_lazy("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "03": gettext_lazy("Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    "04": gettext_lazy("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    "05": gettext_lazy("Phiếu đề nghị dừng giải quyết hồ sơ"),
    "06": gettext_lazy("Phiếu kiểm soát quá trình giải quyết hồ sơ"),
}


def _service(action: str):
    spec = ACTION_SPECS.get(action)
    return None if spec is None else getattr(services, spec.service, None)


def _active_steps(dossier: Dossier) -> list:
    return [step for step in dossier.steps.all() if step.status == StepStatus.ACTIVE]


def _choices(user, dossier: Dossier, action: str) -> dict:
    """The dossier-dependent options of an action's form."""
    active = _active_steps(dossier)
    if action == Action.ASSIGN:
        steps = acting_steps(user=user, dossier=dossier, action=action)
        officers = User.objects.none()
        for step in steps:
            # Whoever holds the step's role or a higher one there (the service checks again).
            rank = HANDLER_RANK.get(step.role, 99)
            roles = [role for role, role_rank in HANDLER_RANK.items() if role_rank >= rank]
            officers |= User.objects.filter(
                is_active=True,
                memberships__role__in=roles,
                memberships__agency_id__in=step.agency.ancestors_path_ids(),
            )
        assignees = list(officers.distinct().order_by("full_name", "username"))
        return {"steps": steps, "assignees": assignees}
    if action == Action.SEND_BACK:
        first_active = min((step.order for step in active), default=None)
        earlier = [
            step
            for step in dossier.steps.all()
            if step.status == StepStatus.DONE
            and (first_active is None or step.order < first_active)
        ]
        return {"earlier_steps": earlier}
    if action == Action.SEND_PARTNER:
        partners = Agency.objects.filter(kind=AgencyKind.EXTERNAL, is_active=True)
        return {"partners": list(partners.order_by("code"))}
    return {}


def _printable_forms(dossier: Dossier) -> list[tuple[str, str]]:
    codes = []
    if dossier.received_at:
        codes.append("01")
    if dossier.supplement_count or dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
        codes.append("02")
    if dossier.status == DossierStatus.NOT_ACCEPTED:
        codes.append("03")
    if dossier.extended_at:
        codes.append("04")
    if dossier.status == DossierStatus.STOPPED:
        codes.append("05")
    if dossier.received_at:
        codes.append("06")
    return [(code, FORM_TITLES[code]) for code in codes]


def _render_detail(
    request: HttpRequest,
    code: str,
    *,
    failed: tuple[str, ActionForm] | None = None,
    error=None,
    status: int = 200,
    attach_form: AttachFileForm | None = None,
) -> HttpResponse:
    dossier = dossier_detail(user=request.user, code=code)
    personal_data_accessed(request=request, dossier=dossier, what="page")
    allowed = allowed_actions(user=request.user, dossier=dossier)
    actions = []
    for action, spec in ACTION_SPECS.items():
        if action not in allowed or _service(action) is None:
            continue
        if failed and failed[0] == action:
            form = failed[1]
        else:
            form = spec.form(dossier=dossier, choices=_choices(request.user, dossier, action))
        actions.append(
            {
                "action": action,
                "label": Action(action).label,
                "form": form,
                "primary": spec.primary,
                "danger": spec.danger,
                "open": bool(failed and failed[0] == action),
            }
        )
    events = list(dossier.events.all())
    for event in events:
        event.action_label = ACTION_LABELS.get(event.action, event.action)
        event.to_status_label = STATUS_LABELS.get(event.to_status, event.to_status)
    context = {
        "dossier": dossier,
        "steps": list(dossier.steps.all()),
        "events": events,
        "documents": list(dossier.documents.all()),
        "files": list(dossier.files.all()),
        "actions": actions,
        "printable_forms": _printable_forms(dossier),
        "attach_form": attach_form
        or (
            AttachFileForm(dossier=dossier)
            if allowed and hasattr(services, "dossier_attach_file")
            else None
        ),
        "error": error,
        "now": timezone.now(),
        "intake_deadline": (
            online_intake_deadline(
                dossier=dossier, calendar=calendar_for_agency(dossier.receiving_agency)
            )
            if dossier.status == DossierStatus.SUBMITTED
            else None
        ),
    }
    return render(request, "dossiers/detail.html", context, status=status)


@officer_view
def detail(request: HttpRequest, code: str) -> HttpResponse:
    return _render_detail(request, code)


@require_POST
@officer_view
def action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    dossier = access_dossier(user=request.user, code=code)
    service = _service(action)
    if service is None:
        raise NotFound(_("Không có thao tác này."), code="unknown_action")
    spec = ACTION_SPECS[action]
    form = spec.form(request.POST, dossier=dossier, choices=_choices(request.user, dossier, action))
    if not form.is_valid():
        return _render_detail(
            request, code, failed=(action, form), error=first_error(form), status=400
        )
    try:
        service(actor=request.user, dossier=dossier, **form.service_kwargs())
    except (InvalidInput, Conflict) as exc:
        return _render_detail(
            request, code, failed=(action, form), error=exc.message, status=exc.status
        )
    messages.success(
        request,
        _("%(action)s: đã thực hiện với hồ sơ %(code)s.")
        % {"action": Action(action).label, "code": dossier.code},
    )
    return redirect("dossiers:detail", code=dossier.code)


@require_POST
@officer_view
def attach(request: HttpRequest, code: str) -> HttpResponse:
    dossier = access_dossier(user=request.user, code=code)
    if not hasattr(services, "dossier_attach_file"):
        raise NotFound(_("Chưa tải tệp lên được."), code="upload_unavailable")
    form = AttachFileForm(request.POST, request.FILES, dossier=dossier)
    if not form.is_valid():
        return _render_detail(request, code, attach_form=form, error=first_error(form), status=400)
    try:
        services.dossier_attach_file(actor=request.user, dossier=dossier, **form.service_kwargs())
    except (InvalidInput, Conflict) as exc:
        return _render_detail(request, code, attach_form=form, error=exc.message, status=exc.status)
    messages.success(
        request,
        _("Đã tải lên tệp %(name)s.") % {"name": form.cleaned_data["upload"].name},
    )
    return redirect("dossiers:detail", code=dossier.code)


@officer_view
def file_download(request: HttpRequest, code: str, file_id: int) -> HttpResponse:
    dossier = access_dossier(user=request.user, code=code)
    stored = dossier.files.filter(pk=file_id).first()
    if stored is None:
        raise NotFound(_("Không tìm thấy tệp."), code="file_not_found")
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise NotFound(_("Tệp không còn trong kho lưu trữ."), code="file_missing") from None
    personal_data_accessed(request=request, dossier=dossier, what="file", detail=str(file_id))
    return FileResponse(handle, content_type=stored.content_type, filename=stored.original_name)


@officer_view
def form_pdf(request: HttpRequest, code: str, form: str) -> HttpResponse:
    if form not in FORM_TITLES:
        raise NotFound(_("Không có mẫu %(form)s.") % {"form": form}, code="form_not_found")
    dossier = access_dossier(user=request.user, code=code)
    try:
        from motcua.dossiers.forms import render_form
    except ImportError:
        raise NotFound(_("Chưa có mẫu in."), code="form_not_available") from None
    pdf = render_form(dossier=dossier, form=form)
    personal_data_accessed(request=request, dossier=dossier, what="form", detail=form)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-mau-{form}.pdf"'
    return response
