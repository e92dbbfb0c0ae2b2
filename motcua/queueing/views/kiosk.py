"""The kiosk (a touch screen at the desk, no sign-in) and what it prints: a ticket for the
80 mm thermal printer, whose QR opens the live position page."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods

from motcua.common.errors import DomainError
from motcua.common.ratelimit import client_ip, rate_limit_hit
from motcua.queueing import conf
from motcua.queueing.qr import qr_svg
from motcua.queueing.selectors import desk_public, kiosk_groups, ticket_ahead, ticket_by_token
from motcua.queueing.services import ticket_issue
from motcua.queueing.statuses import TicketPriority, TicketStatus
from motcua.queueing.views._common import public_view, wants_json


class TooManyTickets(DomainError):
    status = 429
    default_code = "rate_limited"


def position_url(token: str) -> str:
    base = settings.MOTCUA_PUBLIC_BASE_URL.rstrip("/")
    return base + reverse("queueing:position", args=[token])


@public_view
@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, code: str) -> HttpResponse:
    desk = desk_public(code=code)
    if request.method == "POST":
        return _issue(request, desk)
    return render(
        request,
        "queueing/kiosk.html",
        {
            "desk": desk,
            "groups": kiosk_groups(desk=desk),
            "priorities": [p for p in TicketPriority if p != TicketPriority.NONE],
        },
    )


def _issue(request: HttpRequest, desk) -> HttpResponse:
    decision = rate_limit_hit(
        scope="kiosk", key=client_ip(request), limit=conf.kiosk_rate(), window=60
    )
    if not decision.allowed:
        raise TooManyTickets(
            _("Máy lấy số đang nhận quá nhiều yêu cầu; vui lòng thử lại sau %(seconds)d giây.")
            % {"seconds": decision.retry_after}
        )
    ticket = ticket_issue(
        desk=desk,
        service_area=request.POST.get("service_area"),
        priority=request.POST.get("priority") or TicketPriority.NONE,
        request_key=request.POST.get("request_key", ""),
    )
    ticket_url = reverse("queueing:ticket", args=[ticket.token])
    if wants_json(request):
        return JsonResponse(
            {
                "number": ticket.number,
                "label": ticket.label,
                "service": ticket.service_area.name,
                "ahead": ticket.ahead_at_issue,
                "ticket_url": ticket_url,
                "position_url": reverse("queueing:position", args=[ticket.token]),
            },
            status=201,
        )
    return redirect(f"{ticket_url}?in=1&ve=1")


# The kiosk prints the ticket from a frame of its own page (same origin only).
@xframe_options_sameorigin
@public_view
@require_GET
def ticket(request: HttpRequest, token: str) -> HttpResponse:
    """The printable ticket: 80 mm wide; `?in=1` prints it on load (the kiosk's browser),
    `&ve=1` then returns to the kiosk (when the kiosk runs without its script)."""
    found = ticket_by_token(token=token)
    url = position_url(found.token)
    return render(
        request,
        "queueing/ticket.html",
        {
            "ticket": found,
            "position_url": url,
            "qr": qr_svg(url),
            "autoprint": request.GET.get("in") == "1",
            "back_to_kiosk": request.GET.get("ve") == "1",
        },
    )


@public_view
@require_GET
def position(request: HttpRequest, token: str) -> HttpResponse:
    """Where the ticket stands now (the QR's page): polled every 10 s by htmx."""
    found = ticket_by_token(token=token)
    context = {
        "ticket": found,
        "ahead": ticket_ahead(ticket=found),
        "Status": TicketStatus,
    }
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "queueing/_position.html" if fragment else "queueing/position.html"
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response
