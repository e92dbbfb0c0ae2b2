"""The counter officer's page: the current number with the actions its status allows, the
waiting line of the counter's service areas (refreshed by htmx), and held numbers."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from motcua.common.errors import Conflict, InvalidInput, NotFound
from motcua.organizations.models import Counter
from motcua.queueing.access import access_counter, counters_for
from motcua.queueing.models import ServiceArea
from motcua.queueing.selectors import counter_ticket, counter_view
from motcua.queueing.services import (
    ticket_call_next,
    ticket_finish,
    ticket_hold,
    ticket_no_show,
    ticket_recall,
    ticket_resume,
    ticket_start_serving,
    ticket_transfer,
)
from motcua.queueing.statuses import TicketAction, allowed_actions
from motcua.queueing.views._common import officer_view

# URL slug → (action, service, message after it)
ACTIONS = {
    "goi-lai": (TicketAction.RECALL, ticket_recall, gettext_lazy("Đã gọi lại số %(label)s.")),
    "phuc-vu": (
        TicketAction.START,
        ticket_start_serving,
        gettext_lazy("Bắt đầu phục vụ số %(label)s."),
    ),
    "vang-mat": (TicketAction.NO_SHOW, ticket_no_show, gettext_lazy("Số %(label)s: vắng mặt.")),
    "tam-dung": (TicketAction.HOLD, ticket_hold, gettext_lazy("Đã tạm dừng số %(label)s.")),
    "tiep-tuc": (
        TicketAction.RESUME,
        ticket_resume,
        gettext_lazy("Đã gọi lại số %(label)s để tiếp tục."),
    ),
    "chuyen": (TicketAction.TRANSFER, ticket_transfer, gettext_lazy("Đã chuyển số %(label)s.")),
    "ket-thuc": (TicketAction.FINISH, ticket_finish, gettext_lazy("Đã kết thúc số %(label)s.")),
}
SLUG = {action: slug for slug, (action, _service, _message) in ACTIONS.items()}


@officer_view
@require_GET
def counter_list(request: HttpRequest) -> HttpResponse:
    counters = list(counters_for(request.user))
    if not counters:
        raise NotFound(
            _("Bạn chưa được giao vai trò tiếp nhận tại bộ phận một cửa nào."),
            code="counter_not_found",
        )
    return render(request, "queueing/counter_list.html", {"counters": counters, "nav": "queue"})


def _context(counter: Counter) -> dict:
    view = counter_view(counter=counter)
    current_actions = []
    if view.current is not None:
        current_actions = [
            {"slug": SLUG[action], "action": action}
            for action in allowed_actions(view.current.status)
            if action in SLUG and action not in (TicketAction.RESUME, TicketAction.TRANSFER)
        ]
    return {"view": view, "current_actions": current_actions, "nav": "queue"}


def _render(request: HttpRequest, counter: Counter, *, error=None, status: int = 200):
    context = _context(counter)
    context["error"] = error
    return render(request, "queueing/counter.html", context, status=status)


@officer_view
@require_GET
def counter_page(request: HttpRequest, counter_id: int) -> HttpResponse:
    counter = access_counter(user=request.user, counter_id=counter_id)
    return _render(request, counter)


@officer_view
@require_GET
def counter_line(request: HttpRequest, counter_id: int) -> HttpResponse:
    """The waiting line and held numbers (htmx polls this)."""
    counter = access_counter(user=request.user, counter_id=counter_id)
    response = render(request, "queueing/_counter_line.html", _context(counter))
    patch_vary_headers(response, ["HX-Request"])
    response["Cache-Control"] = "no-store"
    return response


@officer_view
@require_POST
def call_next(request: HttpRequest, counter_id: int) -> HttpResponse:
    counter = access_counter(user=request.user, counter_id=counter_id)
    try:
        ticket = ticket_call_next(counter=counter, actor=request.user)
    except (InvalidInput, Conflict) as error:
        return _render(request, counter, error=error.message, status=error.status)
    if ticket is None:
        messages.info(request, _("Không còn ai đang chờ."))
    else:
        messages.success(
            request,
            _("Đã gọi số %(label)s đến quầy số %(number)d.")
            % {"label": ticket.label, "number": counter.number},
        )
    return redirect("queueing:counter", counter_id=counter.pk)


def _transfer_target(counter: Counter, value: str) -> dict:
    kind, _sep, pk = (value or "").partition(":")
    if kind == "area":
        area = ServiceArea.objects.filter(pk=_int(pk), desk_id=counter.desk_id).first()
        if area is not None:
            return {"to_service_area": area}
    elif kind == "counter":
        target = Counter.objects.filter(pk=_int(pk), desk_id=counter.desk_id).first()
        if target is not None:
            return {"to_counter": target}
    raise InvalidInput(
        _("Hãy chọn khu vực dịch vụ hoặc quầy để chuyển đến."), code="invalid_transfer"
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@officer_view
@require_POST
def ticket_action(request: HttpRequest, counter_id: int, ticket_id: int, slug: str) -> HttpResponse:
    counter = access_counter(user=request.user, counter_id=counter_id)
    if slug not in ACTIONS:
        raise NotFound(code="action_not_found")
    action, service, message = ACTIONS[slug]
    ticket = counter_ticket(counter=counter, ticket_id=ticket_id)
    try:
        extra = {}
        if action == TicketAction.TRANSFER:
            extra = _transfer_target(counter, request.POST.get("to"))
        service(counter=counter, ticket=ticket, actor=request.user, **extra)
    except (InvalidInput, Conflict) as error:
        return _render(request, counter, error=error.message, status=error.status)
    messages.success(request, message % {"label": ticket.label})
    return redirect(reverse("queueing:counter", kwargs={"counter_id": counter.pk}))
