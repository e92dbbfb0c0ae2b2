"""Fixed-window rate limits kept in Django's cache.

The counter lives in the cache, not in process memory, so every app process behind a load
balancer counts against the same window when the cache is shared (Redis, Memcached or the
database cache). With the default local-memory cache each process counts on its own.
"""

import ipaddress
import math
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils import timezone


@dataclass(frozen=True)
class RateLimitDecision:
    allowed: bool
    limit: int
    count: int  # requests counted in the current window, this one included
    retry_after: int  # seconds until the window ends (whole seconds, at least 1)


def rate_limit_hit(*, scope: str, key: str, limit: int, window: int = 60) -> RateLimitDecision:
    """Count one request of `key` in `scope`; allowed while the window's count stays ≤ limit.

    A limit of 0 or less switches the limit off. cache.add creates the window's counter
    atomically (only the first request of the window wins), cache.incr then counts atomically.
    """
    now = timezone.now().timestamp()
    window_start = int(now // window) * window
    retry_after = max(1, math.ceil(window_start + window - now))
    if limit <= 0:
        return RateLimitDecision(allowed=True, limit=limit, count=0, retry_after=retry_after)
    cache_key = f"motcua:ratelimit:{scope}:{key}:{window_start}"
    # The counter outlives its window a little so a slow request near the edge still finds it.
    if cache.add(cache_key, 1, timeout=window + 5):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:
            # Evicted (or expired) between add and incr: this request opens the window again.
            cache.add(cache_key, 1, timeout=window + 5)
            count = 1
    return RateLimitDecision(
        allowed=count <= limit, limit=limit, count=count, retry_after=retry_after
    )


@lru_cache(maxsize=16)
def _networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"MOTCUA_TRUSTED_PROXIES: {entry!r} is not an IP address or network."
            ) from exc
    return tuple(networks)


def _parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or what a trusted proxy says in X-Forwarded-For.

    X-Forwarded-For is read only when the peer is listed in settings.MOTCUA_TRUSTED_PROXIES
    (anyone can send the header). The list is walked from the right, skipping trusted proxies;
    the first other address is the client.
    """
    peer = _parse_ip(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return "unknown"
    trusted = _networks(tuple(getattr(settings, "MOTCUA_TRUSTED_PROXIES", ())))
    if not trusted or not any(peer in network for network in trusted):
        return str(peer)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    client = peer
    for part in reversed([item for item in forwarded.split(",") if item.strip()]):
        address = _parse_ip(part)
        if address is None:
            # Garbage in the chain: stop at the last address a trusted proxy vouched for.
            break
        client = address
        if not any(address in network for network in trusted):
            break
    return str(client)


def lookup_rate_limit_hit(request: HttpRequest) -> RateLimitDecision:
    """One public dossier lookup by this client (page and API share the count)."""
    return rate_limit_hit(
        scope="lookup",
        key=client_ip(request),
        limit=int(getattr(settings, "MOTCUA_LOOKUP_RATE", 60)),
        window=60,
    )
