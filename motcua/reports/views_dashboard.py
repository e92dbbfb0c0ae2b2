"""The leaders' pages: the dashboard (/bao-cao/), the overdue lists behind its counts, the
service-quality index (/bao-cao/chi-so/, also as JSON) and the lists behind its numbers.

Only report readers (motcua.reports.access) open them; anyone else signed in gets the same 404
as for an unknown page, and anonymous visitors the sign-in page."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.common.errors import DomainError, NotFound
from motcua.dossiers.views._common import error_page
from motcua.reports.access import (
    access_report_agency,
    default_report_agency,
    may_read_reports,
    report_agencies,
)
from motcua.reports.dashboard.present import dashboard_page
from motcua.reports.dashboard.scope import Period, period_from, received_dossiers
from motcua.reports.dashboard.selectors import dashboard
from motcua.reports.dashboard.workload import OVERDUE, workload_dossiers
from motcua.reports.quality import quality_index, quality_list

PAGE_SIZE = 100


def report_view(view):
    """Signed in, a report reader (else 404), domain errors answered as pages (or JSON when
    the request asked for ?format=json)."""

    @login_required
    @require_GET
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            if not may_read_reports(request.user):
                raise NotFound(code="not_found")
            return view(request, *args, **kwargs)
        except DomainError as error:
            if request.GET.get("format") == "json":
                return JsonResponse(error.as_dict(), status=error.status)
            return error_page(request, error)

    return wrapper


def _scope(request: HttpRequest):
    code = (request.GET.get("agency") or "").strip()
    if code:
        agency = access_report_agency(user=request.user, code=code)
    else:
        agency = default_report_agency(request.user)
        if agency is None:
            raise NotFound(code="agency_not_found")
    period = period_from(request.GET.get("from"), request.GET.get("to"))
    return agency, period


def _filters(request: HttpRequest, agency, period: Period) -> dict:
    return {
        "nav": "reports",
        "agency": agency,
        "agencies": report_agencies(request.user).order_by("path").only("code", "name", "path"),
        "period": period,
        "date_from": period.date_from.isoformat(),
        "date_to": period.date_to.isoformat(),
    }


@report_view
def dashboard_view(request: HttpRequest) -> HttpResponse:
    agency, period = _scope(request)
    data = dashboard(agency=agency, period=period)
    return render(
        request,
        "reports/dashboard.html",
        {"data": data, "page": dashboard_page(data), **_filters(request, agency, period)},
    )


def _dossier_list(request, agency, period, dossiers, *, title: str, subtitle: str = ""):
    paginator = Paginator(dossiers, PAGE_SIZE)
    return render(
        request,
        "reports/dashboard_dossiers.html",
        {
            "title": title,
            "subtitle": subtitle,
            "page_obj": paginator.get_page(request.GET.get("page")),
            "count": paginator.count,
            **_filters(request, agency, period),
        },
    )


@report_view
def overdue_view(request: HttpRequest) -> HttpResponse:
    agency, period = _scope(request)
    kind = request.GET.get("kind") or ""
    dossiers = workload_dossiers(
        agency=agency,
        kind=kind,
        now=timezone.now(),
        department=(request.GET.get("department") or "").strip() or None,
        officer=(request.GET.get("officer") or "").strip() or None,
    )
    title = _("Hồ sơ quá hạn") if kind == OVERDUE else _("Hồ sơ đến hạn trong 1 ngày làm việc")
    return _dossier_list(request, agency, period, dossiers, title=title)


@report_view
def received_view(request: HttpRequest) -> HttpResponse:
    agency, period = _scope(request)
    dossiers = received_dossiers(
        agency=agency,
        period=period,
        channel=(request.GET.get("channel") or "").strip() or None,
        field=(request.GET.get("field") or "").strip() or None,
    )
    subtitle = f"{period.date_from:%d/%m/%Y} – {period.date_to:%d/%m/%Y}"
    return _dossier_list(
        request, agency, period, dossiers, title=_("Hồ sơ tiếp nhận"), subtitle=subtitle
    )


@report_view
def quality_view(request: HttpRequest) -> HttpResponse:
    agency, period = _scope(request)
    index = quality_index(agency=agency, date_from=period.date_from, date_to=period.date_to)
    if request.GET.get("format") == "json":
        return JsonResponse(index.as_json(), json_dumps_params={"ensure_ascii": False})
    return render(
        request, "reports/quality.html", {"index": index, **_filters(request, agency, period)}
    )


@report_view
def quality_list_view(request: HttpRequest) -> HttpResponse:
    agency, period = _scope(request)
    spec, label, queryset = quality_list(
        agency=agency,
        date_from=period.date_from,
        date_to=period.date_to,
        indicator=request.GET.get("indicator") or "",
        part=request.GET.get("part") or "",
    )
    paginator = Paginator(queryset.order_by("pk"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "reports/quality_list.html",
        {
            "spec": spec,
            "label": label,
            "page_obj": page,
            "count": paginator.count,
            **_filters(request, agency, period),
        },
    )
