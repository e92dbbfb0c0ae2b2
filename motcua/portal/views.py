"""Public catalog pages. Each view parses the query string, calls one catalog selector, renders.

Bad input answers 400 with the selector's Vietnamese message; an unknown or unpublished
procedure answers the site's 404 page.
"""

from functools import wraps

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from motcua.catalog.models import ProcedureLevel
from motcua.catalog.selectors import (
    MAX_QUERY_LENGTH,
    field_list_with_counts,
    procedure_get_by_pk,
    procedure_search,
)
from motcua.common.errors import DomainError, InvalidInput, NotFound

PAGE_SIZE = 20


def _domain_errors(view):
    """NotFound → the 404 page; any other domain error → the 400 page with its message."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
        except DomainError as exc:
            return render(request, "400.html", {"message": exc.message}, status=exc.status)

    return wrapper


def _page(request: HttpRequest, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {"fields": field_list_with_counts(), "max_query_length": MAX_QUERY_LENGTH},
    )


@_domain_errors
def procedure_list(request: HttpRequest) -> HttpResponse:
    field_code = request.GET.get("field", "").strip()
    level = request.GET.get("level", "").strip()
    fields = list(field_list_with_counts())
    field = next((item for item in fields if item.code == field_code), None)
    if field_code and field is None:
        raise InvalidInput(_("Không có lĩnh vực với mã đã chọn."), code="invalid_field")
    procedures = procedure_search(field=field_code or None, level=level or None)
    return render(
        request,
        "portal/procedure_list.html",
        {
            "fields": fields,
            "field": field,
            "level": level,
            "level_label": dict(ProcedureLevel.choices).get(level, ""),
            "levels": ProcedureLevel.choices,
            "page": _page(request, procedures),
        },
    )


def procedure_search_page(request: HttpRequest) -> HttpResponse:
    """The search page; an htmx request (search-as-you-type) gets only the results fragment."""
    query = request.GET.get("q", "")
    context = {"query": query[:MAX_QUERY_LENGTH], "max_query_length": MAX_QUERY_LENGTH}
    status = 200
    if query.strip():
        try:
            context["page"] = _page(request, procedure_search(query=query))
        except InvalidInput as exc:
            context["error"] = exc.message
            status = exc.status
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "portal/_search_results.html" if fragment else "portal/procedure_search.html"
    response = render(request, template, context, status=status)
    # The same URL answers a page or a fragment: caches must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@_domain_errors
def procedure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = procedure_get_by_pk(pk=pk)
    return render(request, "portal/procedure_detail.html", {"procedure": procedure})
