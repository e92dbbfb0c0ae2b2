"""POSTing one message to MOTCUA_NATIONAL_ENDPOINT and sorting the answer into delivered, to be
retried, or rejected. urllib only: the endpoint is the province's integration platform."""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

BODY_LIMIT = 4000  # characters of the endpoint's answer kept in the log
# Answers that say "try again later" rather than "this message is wrong".
RETRY_STATUSES = frozenset({408, 425, 429})


@dataclass(frozen=True)
class Answer:
    outcome: str  # "delivered", "retry" or "rejected"
    http_status: int | None = None
    body: str = ""
    error: str = ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is not a delivery: urllib would follow it with a GET and no body, and a 200 to
    that GET would mark a message delivered that nobody received. It is retried instead."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def endpoint_configured() -> bool:
    return bool(settings.MOTCUA_NATIONAL_ENDPOINT.strip())


def _read(response) -> str:
    try:
        return response.read(BODY_LIMIT * 4).decode("utf-8", errors="replace")[:BODY_LIMIT]
    except OSError:
        return ""


def _sort(status: int, body: str) -> Answer:
    if 200 <= status < 300:
        return Answer("delivered", status, body)
    error = f"HTTP {status}"
    if status >= 500 or status in RETRY_STATUSES or status < 400:
        return Answer("retry", status, body, error)
    return Answer("rejected", status, body, error)


def post_message(*, payload: dict, idempotency_key: str) -> Answer:
    url = settings.MOTCUA_NATIONAL_ENDPOINT.strip()
    if not url.startswith(("https://", "http://")):
        return Answer("retry", error="MOTCUA_NATIONAL_ENDPOINT is not an http(s) URL")
    data = json.dumps(payload, ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Accept": "application/json",
        "Idempotency-Key": idempotency_key,
    }
    if settings.MOTCUA_NATIONAL_TOKEN:
        headers["Authorization"] = f"Bearer {settings.MOTCUA_NATIONAL_TOKEN}"
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310
    try:
        with _opener.open(request, timeout=settings.MOTCUA_NATIONAL_TIMEOUT) as response:
            return _sort(response.status, _read(response))
    except urllib.error.HTTPError as error:
        return _sort(error.code, _read(error))
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        return Answer("retry", error=f"endpoint unreachable: {reason}"[:BODY_LIMIT])
