"""The supervisor's page: one day's figures per service area and counter (today by default),
the last 30 days, and the day as an Excel workbook."""

from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.common.errors import InvalidInput, NotFound
from motcua.queueing.access import access_supervised_desk, desks_supervised_by
from motcua.queueing.selectors import today
from motcua.queueing.stats import queue_day_stats, queue_day_workbook, queue_history
from motcua.queueing.views._common import officer_view

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _day(request: HttpRequest) -> date:
    raw = request.GET.get("day", "").strip()
    if not raw:
        return today()
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            _("Ngày «%(day)s» không hợp lệ; dùng dạng năm-tháng-ngày, ví dụ 2026-03-02.")
            % {"day": raw[:20]},
            code="invalid_day",
        ) from None
    if day > today():
        raise InvalidInput(_("Chưa có số liệu cho một ngày trong tương lai."), code="invalid_day")
    return day


@officer_view
@require_GET
def stats_home(request: HttpRequest) -> HttpResponse:
    """The officers' menu entry: the figures of the first desk the user answers for."""
    desk = desks_supervised_by(request.user).order_by("path").first()
    if desk is None:
        raise NotFound(_("Bạn chưa được giao theo dõi bộ phận một cửa nào."), code="desk_not_found")
    return redirect("queueing:stats", code=desk.code)


@officer_view
@require_GET
def stats_page(request: HttpRequest, code: str) -> HttpResponse:
    desk = access_supervised_desk(user=request.user, code=code)
    day = _day(request)
    return render(
        request,
        "queueing/stats.html",
        {
            "stats": queue_day_stats(desk=desk, day=day),
            "history": queue_history(desk=desk, until=today()),
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1) if day < today() else None,
            "nav": "queue",
        },
    )


@officer_view
@require_GET
def stats_export(request: HttpRequest, code: str) -> HttpResponse:
    desk = access_supervised_desk(user=request.user, code=code)
    day = _day(request)
    content = queue_day_workbook(queue_day_stats(desk=desk, day=day))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="xep-hang-{desk.code}-{day:%Y-%m-%d}.xlsx"'
    )
    return response
