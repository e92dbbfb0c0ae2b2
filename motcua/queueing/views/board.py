"""The display board (a TV at the desk, no sign-in): numbers being served and at which counter,
the last calls (announced by voice), waiting counts per service area and a scrolling notice.
The page may be framed (a signage player), unlike every other page."""

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from motcua.queueing import conf
from motcua.queueing.selectors import board, desk_public
from motcua.queueing.stream import aboard_events, board_events
from motcua.queueing.views._common import public_view


@xframe_options_exempt
@public_view
@require_GET
def board_page(request: HttpRequest, code: str) -> HttpResponse:
    desk = desk_public(code=code)
    return render(
        request,
        "queueing/board.html",
        {
            "board": board(desk=desk),
            "refresh_seconds": conf.board_refresh_seconds(),
            "time_zone": settings.MOTCUA_OFFICE_TIME_ZONE,
        },
    )


@xframe_options_exempt
@never_cache
@public_view
@require_GET
def board_state(request: HttpRequest, code: str) -> HttpResponse:
    """The board's content as an HTML fragment, read on every event and reconnect."""
    desk = desk_public(code=code)
    return render(request, "queueing/_board.html", {"board": board(desk=desk)})


@public_view
@require_GET
def board_stream(request: HttpRequest, code: str) -> HttpResponse:
    desk = desk_public(code=code)
    options = {
        "desk_id": desk.pk,
        "lifetime": conf.stream_seconds(),
        "poll": conf.stream_poll_seconds(),
        "heartbeat": conf.stream_heartbeat_seconds(),
    }
    events = (
        aboard_events(**options) if isinstance(request, ASGIRequest) else board_events(**options)
    )
    response = StreamingHttpResponse(events, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response
