"""/du-lieu/: the delivery log to the national portal (with resend) and the dossier export for BI
tools. Views parse the request, call one selector or service and render; access is decided in
motcua.outbox.selectors (the log) and motcua.reports.access (the export)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.common.errors import Forbidden, InvalidInput, NotFound
from motcua.dossiers.exporting import dossier_export_rows, export_chunks, export_request_parse
from motcua.dossiers.views._common import officer_view
from motcua.outbox.models import MessageState
from motcua.outbox.selectors import may_read_outbox, may_resend, outbox_counts, outbox_log
from motcua.outbox.services import outbox_message_resend
from motcua.outbox.transport import endpoint_configured
from motcua.reports.access import default_report_agency, report_agencies

PAGE_SIZE = 50
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}


def _check_reader(user) -> None:
    if not may_read_outbox(user):
        raise Forbidden(
            _("Nhật ký đồng bộ dành cho cán bộ báo cáo, lãnh đạo và quản trị."),
            code="outbox_not_allowed",
        )


@officer_view
@require_GET
def log(request: HttpRequest) -> HttpResponse:
    _check_reader(request.user)
    state = request.GET.get("trang-thai", "").strip()
    if state and state not in MessageState.values:
        raise InvalidInput(_("Tình trạng gửi không hợp lệ."), code="invalid_state")
    code = request.GET.get("ma", "").strip()[:64]
    page = Paginator(
        outbox_log(user=request.user, state=state, dossier_code=code), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    counts = outbox_counts(user=request.user)
    today = timezone.localdate()
    agency = default_report_agency(request.user)
    return render(
        request,
        "outbox/log.html",
        {
            "page": page,
            "state": state,
            "code": code,
            "states": MessageState.choices,
            "counts": [(value, label, counts[value]) for value, label in MessageState.choices],
            "configured": endpoint_configured(),
            "may_resend": may_resend(request.user),
            "resendable": (MessageState.REJECTED, MessageState.FAILED),
            "query": urlencode({"trang-thai": state, "ma": code}),
            "export_agency": agency.code if agency is not None else "",
            "export_from": today.replace(day=1).isoformat(),
            "export_to": today.isoformat(),
            "nav": "outbox",
        },
    )


@officer_view
@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    message = outbox_message_resend(user=request.user, message_id=pk)
    messages.success(
        request,
        _("Tin %(key)s đã được đưa lại vào hàng đợi gửi.") % {"key": message.idempotency_key},
    )
    return redirect("outbox:log")


def _export(request: HttpRequest, export_format: str) -> HttpResponse:
    agencies = report_agencies(request.user)
    if not agencies.exists():
        raise NotFound(code="agency_not_found")
    export = export_request_parse(
        agency_code=request.GET.get("agency", ""),
        date_from=request.GET.get("from", ""),
        date_to=request.GET.get("to", ""),
        format=export_format,
        agencies=agencies,
    )
    response = StreamingHttpResponse(
        export_chunks(export, dossier_export_rows(request=export)),
        content_type=CONTENT_TYPES[export_format],
    )
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@officer_view
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@officer_view
@require_GET
def export_jsonl(request: HttpRequest) -> HttpResponse:
    return _export(request, "jsonl")
