"""The board's event stream: the current version on (re)connect, one event per change, a
heartbeat when quiet, a bounded lifetime; WSGI (threads) and ASGI (async) alike."""

import pytest
import time_machine
from asgiref.sync import async_to_sync
from django.test import Client

from motcua.queueing.selectors import board_version
from motcua.queueing.services import ticket_call_next
from motcua.queueing.stream import aboard_events, board_events
from motcua.queueing.tests.factories import DESK_CODE, build_desk, issue, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    with time_machine.travel(local(2026, 3, 2, 8, 0), tick=False):
        yield build_desk()


class FakeTime:
    """A clock that moves only when the stream sleeps; `on_sleep[n]` runs at the n-th sleep."""

    def __init__(self, on_sleep: dict | None = None):
        self.now = 1000.0
        self.sleeps = 0
        self.on_sleep = on_sleep or {}

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        self.now += seconds
        if self.sleeps in self.on_sleep:
            self.on_sleep[self.sleeps]()


def event(version: int) -> str:
    return f"id: {version}\nevent: board\ndata: {version}\n\n"


def test_stream_sends_the_version_then_each_change(desk):
    issue(desk)
    start = board_version(desk_id=desk.desk.pk)
    call = lambda: ticket_call_next(counter=desk.counters[1], actor=desk.officer)  # noqa: E731
    fake = FakeTime(on_sleep={3: call})

    chunks = list(
        board_events(
            desk_id=desk.desk.pk, lifetime=2.0, poll=0.3, heartbeat=15, clock=fake.clock,
            sleep=fake.sleep,
        )
    )  # fmt: skip

    assert chunks == ["retry: 1000\n\n" + event(start), event(start + 1)]
    assert fake.sleeps == 7  # 2.0 s of 0.3 s polls, then the stream ends


def test_stream_beats_when_quiet_and_ends_after_its_lifetime(desk):
    fake = FakeTime()
    version = board_version(desk_id=desk.desk.pk)

    chunks = list(
        board_events(
            desk_id=desk.desk.pk, lifetime=40, poll=1, heartbeat=15, clock=fake.clock,
            sleep=fake.sleep,
        )
    )  # fmt: skip

    assert chunks == ["retry: 1000\n\n" + event(version), ": ping\n\n", ": ping\n\n"]
    assert fake.now == 1040


def test_a_desk_without_a_board_row_yet_streams_version_zero(desk):
    fake = FakeTime()
    chunks = list(
        board_events(
            desk_id=desk.commune.pk, lifetime=1, poll=1, heartbeat=15, clock=fake.clock,
            sleep=fake.sleep,
        )
    )  # fmt: skip
    assert chunks == ["retry: 1000\n\n" + event(0)]


def test_stream_endpoint_yields_an_event_after_a_call(desk, settings):
    settings.MOTCUA_QUEUE_STREAM_SECONDS = 5
    settings.MOTCUA_QUEUE_STREAM_POLL = 0.01
    issue(desk)
    version = board_version(desk_id=desk.desk.pk)

    response = Client().get(f"/xep-hang/man-hinh/{DESK_CODE}/su-kien/")

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/event-stream; charset=utf-8"
    assert response["Cache-Control"] == "no-cache, no-store"
    assert response["X-Accel-Buffering"] == "no"
    assert "X-Frame-Options" in response  # only the board's page may be framed
    chunks = iter(response.streaming_content)
    assert next(chunks).decode() == "retry: 1000\n\n" + event(version)

    ticket_call_next(counter=desk.counters[1], actor=desk.officer)

    assert next(chunks).decode() == event(version + 1)
    response.close()


def test_async_stream_for_asgi_servers(desk):
    issue(desk)
    version = board_version(desk_id=desk.desk.pk)

    @async_to_sync
    async def collect() -> list[str]:
        chunks = []
        stream = aboard_events(desk_id=desk.desk.pk, lifetime=5, poll=0.01, heartbeat=15)
        async for chunk in stream:
            chunks.append(chunk)
            if len(chunks) == 1:
                await call()
            else:
                break
        await stream.aclose()
        return chunks

    from asgiref.sync import sync_to_async

    call = sync_to_async(lambda: ticket_call_next(counter=desk.counters[1], actor=desk.officer))

    assert collect() == ["retry: 1000\n\n" + event(version), event(version + 1)]


def test_asgi_requests_get_the_async_stream(desk, settings):
    from django.test import AsyncClient

    settings.MOTCUA_QUEUE_STREAM_SECONDS = 0
    version = board_version(desk_id=desk.desk.pk)

    @async_to_sync
    async def fetch():
        response = await AsyncClient().get(f"/xep-hang/man-hinh/{DESK_CODE}/su-kien/")
        return response, [chunk async for chunk in response.streaming_content]

    response, chunks = fetch()

    assert response.status_code == 200
    assert response.is_async
    assert chunks == [("retry: 1000\n\n" + event(version)).encode()]
