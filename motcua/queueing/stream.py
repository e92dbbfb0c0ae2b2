"""The display board's event stream (server-sent events).

Each stream polls its desk's BoardState row (one indexed read every `poll` seconds) and sends an
event whenever the version changed, so any app process can serve any board and a restarted
server loses nothing: the browser's EventSource reconnects by itself and the page re-reads the
whole board on every (re)connect. A comment line every `heartbeat` seconds keeps proxies from
closing a quiet stream; after `lifetime` seconds the stream ends and the browser reconnects,
which bounds how long one stream holds a worker.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator

from motcua.queueing.selectors import aboard_version, board_version

RETRY_MS = 1000  # how soon the browser reconnects after the stream ends or drops


def _event(version: int) -> str:
    return f"id: {version}\nevent: board\ndata: {version}\n\n"


def board_events(
    *,
    desk_id: int,
    lifetime: float,
    poll: float,
    heartbeat: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[str]:
    """The stream for WSGI servers: the current version first, then one event per change."""
    began = last_beat = clock()
    version = board_version(desk_id=desk_id)
    yield f"retry: {RETRY_MS}\n\n" + _event(version)
    while clock() - began < lifetime:
        sleep(poll)
        current = board_version(desk_id=desk_id)
        if current != version:
            version = current
            last_beat = clock()
            yield _event(version)
        elif clock() - last_beat >= heartbeat:
            last_beat = clock()
            yield ": ping\n\n"


async def aboard_events(
    *,
    desk_id: int,
    lifetime: float,
    poll: float,
    heartbeat: float,
    clock: Callable[[], float] = time.monotonic,
) -> AsyncIterator[str]:
    """The same stream for ASGI servers (uvicorn): no thread is held while it waits."""
    began = last_beat = clock()
    version = await aboard_version(desk_id=desk_id)
    yield f"retry: {RETRY_MS}\n\n" + _event(version)
    while clock() - began < lifetime:
        await asyncio.sleep(poll)
        current = await aboard_version(desk_id=desk_id)
        if current != version:
            version = current
            last_beat = clock()
            yield _event(version)
        elif clock() - last_beat >= heartbeat:
            last_beat = clock()
            yield ": ping\n\n"
