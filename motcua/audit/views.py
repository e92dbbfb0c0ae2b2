"""Officers' review pages: the audit log (/nhat-ky/) and the personal-data access log
(/nhat-ky/truy-cap/), for agency admins (their subtree) and system admins."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from motcua.audit.forms import AccessFilterForm, AuditFilterForm, first_error
from motcua.audit.selectors import (
    OBJECT_TYPES,
    access_reader_scope,
    audit_entries,
    audit_reader_scope,
    entry_changes,
    personal_data_accesses,
)
from motcua.dossiers.views._common import officer_view

PAGE_SIZE = 50


def _query(form) -> str:
    return urlencode({key: value for key, value in form.data.items() if value and key != "page"})


@officer_view
def log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        audit_reader_scope(request.user)  # a non-admin gets 403, not the form error
        return _render(request, "audit/log.html", form, status=400, error=first_error(form))
    entries = audit_entries(
        user=request.user,
        object_type=form.cleaned_data["object_type"],
        actor=form.cleaned_data["actor"],
        period=form.period(),
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page:
        entry.changes = entry_changes(entry)
        entry.type_label = OBJECT_TYPES.get(entry.object_type, entry.object_type)
    return _render(request, "audit/log.html", form, page=page, query=_query(form))


@officer_view
def access_log(request: HttpRequest) -> HttpResponse:
    form = AccessFilterForm(request.GET)
    if not form.is_valid():
        access_reader_scope(request.user)
        return _render(request, "audit/access_log.html", form, status=400, error=first_error(form))
    rows = personal_data_accesses(
        user=request.user,
        dossier_code=form.cleaned_data["dossier"],
        officer=form.cleaned_data["officer"],
        period=form.period(),
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "audit/access_log.html", form, page=page, query=_query(form))


def _render(request, template: str, form, *, status: int = 200, **context) -> HttpResponse:
    return render(request, template, {"form": form, "nav": "audit", **context}, status=status)
