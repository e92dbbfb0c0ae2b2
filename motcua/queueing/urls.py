from django.urls import path

from motcua.queueing.views import board, counter, kiosk, stats

app_name = "queueing"

urlpatterns = [
    path("kiosk/<str:code>/", kiosk.kiosk, name="kiosk"),
    path("ve/<str:token>/", kiosk.ticket, name="ticket"),
    path("so/<str:token>/", kiosk.position, name="position"),
    path("quay/", counter.counter_list, name="counters"),
    path("quay/<int:counter_id>/", counter.counter_page, name="counter"),
    path("quay/<int:counter_id>/hang-cho/", counter.counter_line, name="counter_line"),
    path("quay/<int:counter_id>/goi-tiep/", counter.call_next, name="call_next"),
    path(
        "quay/<int:counter_id>/ve/<int:ticket_id>/<slug:slug>/",
        counter.ticket_action,
        name="ticket_action",
    ),
    path("man-hinh/<str:code>/", board.board_page, name="board"),
    path("man-hinh/<str:code>/noi-dung/", board.board_state, name="board_state"),
    path("man-hinh/<str:code>/su-kien/", board.board_stream, name="board_stream"),
    path("thong-ke/", stats.stats_home, name="stats_home"),
    path("thong-ke/<str:code>/", stats.stats_page, name="stats"),
    path("thong-ke/<str:code>/excel/", stats.stats_export, name="stats_export"),
]
