"""Citizen pages: online submission (with drafts), "Hồ sơ của tôi", one dossier, its files.

Another citizen's dossier or file answers the same 404 as an unknown code.
"""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.catalog.models import Channel
from motcua.common.errors import DomainError, NotFound
from motcua.dossiers.models import FileKind
from motcua.dossiers.public import dossier_public_status
from motcua.portal.citizen_selectors import (
    citizen_dossier_file,
    citizen_dossier_get,
    citizen_dossier_list,
)
from motcua.portal.citizen_services import (
    citizen_dossier_submit,
    citizen_may_submit,
    citizen_profile_get,
    desks_list,
    draft_get,
    draft_save,
    online_procedure_get,
)
from motcua.portal.citizen_supplements import (
    citizen_supplement_answer,
    citizen_supplement_request,
)
from motcua.portal.forms_citizen import SubmissionForm, SupplementAnswerForm
from motcua.portal.views_account import citizen_required


def _initial(request: HttpRequest, draft) -> dict:
    if draft is not None and draft.data:
        return dict(draft.data)
    profile = citizen_profile_get(user=request.user)
    return {
        "name": profile.full_name or request.user.full_name,
        "id_number": profile.id_number,
        "birth_date": profile.birth_date,
        "address": profile.address,
        "phone": profile.phone or request.user.phone,
        "email": request.user.email,
    }


@citizen_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        procedure = online_procedure_get(pk=pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    documents = list(procedure.documents.order_by("order", "id"))
    desks = desks_list()
    draft = draft_get(user=request.user, procedure=procedure)
    kept = dict(draft.files) if draft is not None else {}
    fees = list(procedure.fees.order_by("order", "id"))
    context = {
        "procedure": procedure,
        "verified": citizen_may_submit(user=request.user),
        "draft": draft,
        "fees": fees,
        "fees_total": sum(fee.amount for fee in fees),
    }
    if request.method == "GET":
        context["form"] = SubmissionForm(
            initial=_initial(request, draft), desks=desks, documents=documents, kept_files=kept
        )
        context["draft_saved"] = request.GET.get("da-luu") == "1" and draft is not None
        return render(request, "portal/citizen/submit.html", context)

    form = SubmissionForm(
        request.POST, request.FILES, desks=desks, documents=documents, kept_files=kept
    )
    context["form"] = form
    is_draft = request.POST.get("action") == "draft"
    if is_draft:
        uploads = {
            document.pk: request.FILES[SubmissionForm.file_field(document)]
            for document in documents
            if SubmissionForm.file_field(document) in request.FILES
        }
        try:
            draft_save(
                user=request.user, procedure=procedure, data=form.draft_data(), uploads=uploads
            )
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "portal/citizen/submit.html", context, status=exc.status)
        return redirect(f"{request.path}?da-luu=1")
    if not form.is_valid():
        return render(request, "portal/citizen/submit.html", context, status=400)
    try:
        dossier = citizen_dossier_submit(
            user=request.user,
            procedure=procedure,
            desk=form.cleaned_data["desk"],
            applicant=form.applicant(),
            return_method=form.cleaned_data["return_method"],
            uploads=form.uploads(),
            language=request.LANGUAGE_CODE,
        )
    except DomainError as exc:
        context["error"] = exc.message
        return render(request, "portal/citizen/submit.html", context, status=exc.status)
    return redirect("portal:my_dossier", code=dossier.code)


@citizen_required
@require_GET
def my_dossiers(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/citizen/my_dossiers.html",
        {
            "dossiers": citizen_dossier_list(user=request.user),
            "verified": citizen_may_submit(user=request.user),
        },
    )


def _dossier_page(request: HttpRequest, dossier, *, form=None, error="", status=200):
    request_open = citizen_supplement_request(dossier=dossier)
    # A dossier brought to the desk is completed at the desk, in person or by post.
    online = request_open is not None and dossier.channel == Channel.ONLINE
    if online and form is None:
        form = SupplementAnswerForm(items=request_open.items)
    return render(
        request,
        "portal/citizen/my_dossier.html",
        {
            "dossier": dossier,
            "public": dossier_public_status(code=dossier.code),
            "files": list(dossier.files.all()),
            "result_kind": FileKind.RESULT,
            "supplement_request": request_open,
            "supplement_form": form if online else None,
            "error": error,
            "answered": request.GET.get("da-bo-sung") == "1" and request_open is None,
        },
        status=status,
    )


def _my_dossier_or_404(request: HttpRequest, code: str):
    try:
        return citizen_dossier_get(user=request.user, code=code)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


@citizen_required
@require_GET
def my_dossier(request: HttpRequest, code: str) -> HttpResponse:
    return _dossier_page(request, _my_dossier_or_404(request, code))


@citizen_required
@require_POST
def my_dossier_supplement(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _my_dossier_or_404(request, code)
    request_open = citizen_supplement_request(dossier=dossier)
    form = SupplementAnswerForm(
        request.POST, request.FILES, items=request_open.items if request_open else []
    )
    if not form.is_valid():
        return _dossier_page(request, dossier, form=form, status=400)
    try:
        citizen_supplement_answer(
            user=request.user,
            code=dossier.code,
            uploads=form.uploads(),
            note=form.cleaned_data["note"],
        )
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except DomainError as exc:
        return _dossier_page(request, dossier, form=form, error=exc.message, status=exc.status)
    return redirect(f"{reverse('portal:my_dossier', args=[dossier.code])}?da-bo-sung=1")


@citizen_required
@require_GET
def my_dossier_file(request: HttpRequest, code: str, file_id: int) -> HttpResponse:
    try:
        stored = citizen_dossier_file(user=request.user, code=code, file_id=file_id)
        handle = stored.file.open("rb")
    except (NotFound, FileNotFoundError) as exc:
        raise Http404(_("Không tìm thấy tệp.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
