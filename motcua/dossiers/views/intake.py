"""Intake at the desk: pick the procedure, fill in the applicant and the documents checklist,
then receive, request a supplement or refuse (DOMAIN §2: completeness is checked once).

Opened from a counter with `?ticket=<id>`, the queue ticket rides along (a hidden value) and the
dossier is linked to it in the same transaction as the decision."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.selectors import MAX_QUERY_LENGTH, procedure_get_by_pk, procedure_search
from motcua.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from motcua.dossiers import services
from motcua.dossiers.forms_web import IntakeDecision, IntakeForm, first_error
from motcua.dossiers.views._common import officer_view
from motcua.organizations.access import officer_roles
from motcua.organizations.models import Role
from motcua.queueing.models import Ticket
from motcua.queueing.services import ticket_link_dossier

SEARCH_LIMIT = 20

DONE_MESSAGES = {
    IntakeDecision.RECEIVE: gettext_lazy(
        "Đã tiếp nhận hồ sơ %(code)s. In giấy tiếp nhận và hẹn trả kết quả cho công dân."
    ),
    IntakeDecision.INCOMPLETE: gettext_lazy(
        "Đã lập phiếu yêu cầu bổ sung hồ sơ %(code)s (mẫu 02)."
    ),
    IntakeDecision.REFUSE: gettext_lazy(
        "Đã từ chối tiếp nhận hồ sơ %(code)s. In phiếu từ chối (mẫu 03) để giao công dân."
    ),
}


def _desks(user) -> list:
    """The agencies where the user receives dossiers (a reception role held there)."""
    desks = {agency.pk: agency for agency, role in officer_roles(user) if role == Role.RECEPTION}
    if not desks:
        raise Forbidden(
            _("Tài khoản của bạn không có vai trò tiếp nhận hồ sơ."), code="role_not_allowed"
        )
    return sorted(desks.values(), key=lambda agency: agency.path)


def _procedure_pk(raw: str | None) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise NotFound(_("Không tìm thấy thủ tục."), code="not_found") from None


def _ticket(raw, desks: list) -> Ticket | None:
    """The queue ticket of `?ticket=`, issued at one of the officer's desks (a ticket elsewhere
    could never be linked to a dossier received here, and is not theirs to see)."""
    if raw in (None, ""):
        return None
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        pk = None
    ticket = Ticket.objects.filter(pk=pk, desk__in=desks).first() if pk is not None else None
    if ticket is None:
        raise NotFound(
            _("Không tìm thấy số thứ tự này tại bộ phận của bạn."), code="ticket_not_found"
        )
    return ticket


@officer_view
def intake(request: HttpRequest) -> HttpResponse:
    desks = _desks(request.user)
    source = request.POST if request.method == "POST" else request.GET
    pk = _procedure_pk(source.get("procedure"))
    if pk is None:
        if request.method == "POST":
            raise InvalidInput(
                _("Hãy chọn thủ tục trước khi tiếp nhận."), code="procedure_required"
            )
        return _search(request, desks, ticket=_ticket(source.get("ticket"), desks))
    procedure = procedure_get_by_pk(pk=pk)
    if request.method != "POST":
        ticket = _ticket(source.get("ticket"), desks)
        form = IntakeForm(procedure=procedure, desks=desks, ticket=ticket)
        return _render_form(request, form, ticket=ticket)
    form = IntakeForm(request.POST, request.FILES, procedure=procedure, desks=desks)
    valid = form.is_valid()
    ticket = None
    try:
        ticket = _ticket(form.cleaned_data.get("ticket"), desks)
        if not valid:
            return _render_form(request, form, ticket=ticket, error=first_error(form), status=400)
        dossier = _decide(request, form, ticket=ticket)
    except (InvalidInput, Forbidden, NotFound, Conflict) as error:
        # The form stays filled in: the officer corrects one field instead of typing it all again.
        return _render_form(request, form, ticket=ticket, error=error.message, status=error.status)
    return redirect("dossiers:detail", code=dossier.code)


def _search(request: HttpRequest, desks: list, *, ticket: Ticket | None) -> HttpResponse:
    query = request.GET.get("q", "")
    context = {
        "query": query[:MAX_QUERY_LENGTH],
        "max_query_length": MAX_QUERY_LENGTH,
        "ticket": ticket,
    }
    status = 200
    # One desk: only what applies there; several: the whole catalog, the desk is picked later.
    agency = desks[0] if len(desks) == 1 else None
    try:
        context["procedures"] = list(procedure_search(query=query, agency=agency)[:SEARCH_LIMIT])
    except InvalidInput as error:
        context["error"] = error.message
        status = error.status
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "dossiers/_procedure_results.html" if fragment else "dossiers/intake_search.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _render_form(
    request, form: IntakeForm, *, ticket: Ticket | None, error=None, status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "procedure": form.procedure,
        "ticket": ticket,
        "error": error,
        "Decision": IntakeDecision,
    }
    return render(request, "dossiers/intake_form.html", context, status=status)


def _decide(request: HttpRequest, form: IntakeForm, *, ticket: Ticket | None):
    data = form.cleaned_data
    common = {
        "actor": request.user,
        "receiving_agency": form.receiving_desk(),
        "procedure": form.procedure,
        "channel": data["channel"],
        "applicant": form.applicant(),
    }
    decision = data["decision"]
    files = data["files"] if decision == IntakeDecision.RECEIVE else []
    # Every file is inspected before anything is written: a file of the wrong type must not
    # leave a received dossier behind without it, nor a stored scan without its dossier.
    for upload in files:
        services.upload_inspect(upload=upload)
    # The dossier, its scans and the ticket's link stand or fall together: a ticket that cannot
    # be linked leaves no dossier (and no dossier code used up) behind.
    with transaction.atomic():
        if decision == IntakeDecision.REFUSE:
            dossier = services.dossier_intake_refuse(**common, reason=data["reason"])
        elif decision == IntakeDecision.INCOMPLETE:
            dossier = services.dossier_intake_incomplete(
                **common,
                documents=form.documents(),
                items=form.supplement_items(),
                reason=form.supplement_reason(),
            )
        else:
            dossier = services.dossier_receive(
                **common,
                documents=form.documents(),
                request_summary=data["request_summary"],
                set_count=data["set_count"],
                return_method=data["return_method"],
            )
            for upload in files:
                services.dossier_attach_file(actor=request.user, dossier=dossier, upload=upload)
        if ticket is not None:
            ticket_link_dossier(ticket=ticket, dossier=dossier, actor=request.user)
    messages.success(request, DONE_MESSAGES[decision] % {"code": dossier.code})
    return dossier
