"""SMS backends, chosen by MOTCUA_SMS_BACKEND (a dotted path to a subclass of SmsBackend).

A backend sends one message or raises SmsError; the delivery task records the error and retries.
"""

import json
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

GATEWAY_TIMEOUT = 10  # seconds; a slow gateway costs a retry, never a stuck worker


class SmsError(Exception):
    pass


class SmsBackend:
    def send(self, *, to: str, text: str) -> None:
        raise NotImplementedError


class FileBackend(SmsBackend):
    """Appends one JSON line per message to MOTCUA_SMS_FILE (the default: a laptop sends no SMS)."""

    def send(self, *, to: str, text: str) -> None:
        path = Path(settings.MOTCUA_SMS_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {"at": timezone.now().isoformat(), "to": to, "text": text}, ensure_ascii=False
        )
        with path.open("a", encoding="utf-8") as log:
            log.write(line + "\n")


class HttpGatewayBackend(SmsBackend):
    """POSTs {"to", "from", "text"} as JSON to MOTCUA_SMS_GATEWAY_URL with a bearer token; any
    answer other than 2xx, or no answer within the timeout, is a failure."""

    def send(self, *, to: str, text: str) -> None:
        url = settings.MOTCUA_SMS_GATEWAY_URL
        if not url.startswith(("https://", "http://")):
            raise SmsError("MOTCUA_SMS_GATEWAY_URL is not an http(s) URL")
        payload = json.dumps(
            {"to": to, "from": settings.MOTCUA_SMS_SENDER, "text": text}, ensure_ascii=False
        ).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if settings.MOTCUA_SMS_GATEWAY_TOKEN:
            headers["Authorization"] = f"Bearer {settings.MOTCUA_SMS_GATEWAY_TOKEN}"
        request = urllib.request.Request(url, data=payload, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=GATEWAY_TIMEOUT) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as error:
            raise SmsError(f"gateway answered HTTP {error.code}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SmsError(f"gateway unreachable: {error}") from error
        if not 200 <= status < 300:
            raise SmsError(f"gateway answered HTTP {status}")


def sms_backend() -> SmsBackend:
    return import_string(settings.MOTCUA_SMS_BACKEND)()
