"""The queue's tunables, read from settings with defaults (none is required)."""

from django.conf import settings


def stream_seconds() -> float:
    """How long one board event stream stays open before the browser reconnects."""
    return float(getattr(settings, "MOTCUA_QUEUE_STREAM_SECONDS", 300))


def stream_poll_seconds() -> float:
    """How often the stream reads the desk's board version."""
    return float(getattr(settings, "MOTCUA_QUEUE_STREAM_POLL", 0.3))


def stream_heartbeat_seconds() -> float:
    """A comment line this often keeps proxies from closing an idle stream."""
    return float(getattr(settings, "MOTCUA_QUEUE_STREAM_HEARTBEAT", 15))


def board_refresh_seconds() -> int:
    """The board re-reads everything this often, whatever the stream says."""
    return int(getattr(settings, "MOTCUA_QUEUE_BOARD_REFRESH", 30))


def kiosk_rate() -> int:
    """Tickets per minute per kiosk address; 0 switches the limit off."""
    return int(getattr(settings, "MOTCUA_KIOSK_RATE", 30))
