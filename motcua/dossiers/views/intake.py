"""Intake at the desk: pick the procedure, fill in the applicant and the documents checklist,
then receive, request a supplement or refuse (DOMAIN §2: completeness is checked once)."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from motcua.catalog.selectors import MAX_QUERY_LENGTH, procedure_get_by_pk, procedure_search
from motcua.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from motcua.dossiers import services
from motcua.dossiers.forms_web import IntakeDecision, IntakeForm, first_error
from motcua.dossiers.views._common import officer_view
from motcua.organizations.access import officer_roles
from motcua.organizations.models import Role

SEARCH_LIMIT = 20


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
        return _search(request, desks)
    procedure = procedure_get_by_pk(pk=pk)
    if request.method != "POST":
        form = IntakeForm(procedure=procedure, desks=desks)
        return _render_form(request, form)
    form = IntakeForm(request.POST, request.FILES, procedure=procedure, desks=desks)
    if not form.is_valid():
        return _render_form(request, form, error=first_error(form), status=400)
    try:
        dossier = _decide(request, form)
    except (InvalidInput, Forbidden, Conflict) as error:
        # The form stays filled in: the officer corrects one field instead of typing it all again.
        return _render_form(request, form, error=error.message, status=error.status)
    return redirect("dossiers:detail", code=dossier.code)


def _search(request: HttpRequest, desks: list) -> HttpResponse:
    query = request.GET.get("q", "")
    context = {"query": query[:MAX_QUERY_LENGTH], "max_query_length": MAX_QUERY_LENGTH}
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


def _render_form(request, form: IntakeForm, *, error=None, status: int = 200) -> HttpResponse:
    return render(
        request,
        "dossiers/intake_form.html",
        {"form": form, "procedure": form.procedure, "error": error, "Decision": IntakeDecision},
        status=status,
    )


def _decide(request: HttpRequest, form: IntakeForm):
    common = {
        "actor": request.user,
        "receiving_agency": form.receiving_desk(),
        "procedure": form.procedure,
        "channel": form.cleaned_data["channel"],
        "applicant": form.applicant(),
    }
    decision = form.cleaned_data["decision"]
    if decision == IntakeDecision.REFUSE:
        dossier = services.dossier_intake_refuse(**common, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            _("Đã từ chối tiếp nhận hồ sơ %(code)s. In phiếu từ chối (mẫu 03) để giao công dân.")
            % {"code": dossier.code},
        )
        return dossier
    if decision == IntakeDecision.INCOMPLETE:
        dossier = services.dossier_intake_incomplete(
            **common,
            documents=form.documents(),
            items=form.supplement_items(),
            reason=form.supplement_reason(),
        )
        messages.success(
            request,
            _("Đã lập phiếu yêu cầu bổ sung hồ sơ %(code)s (mẫu 02).") % {"code": dossier.code},
        )
        return dossier
    # The receipt and the scanned files stand or fall together: a file of the wrong type must
    # not leave a received dossier behind without it, nor a stored scan without its dossier
    # (every file is inspected before anything is written).
    for upload in form.cleaned_data["files"]:
        services.upload_inspect(upload=upload)
    with transaction.atomic():
        dossier = services.dossier_receive(
            **common,
            documents=form.documents(),
            request_summary=form.cleaned_data["request_summary"],
            set_count=form.cleaned_data["set_count"],
            return_method=form.cleaned_data["return_method"],
        )
        for upload in form.cleaned_data["files"]:
            services.dossier_attach_file(actor=request.user, dossier=dossier, upload=upload)
    messages.success(
        request,
        _("Đã tiếp nhận hồ sơ %(code)s. In giấy tiếp nhận và hẹn trả kết quả cho công dân.")
        % {"code": dossier.code},
    )
    return dossier
