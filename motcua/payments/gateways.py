"""Payment gateways: where an online payment is sent and how its answer is checked.

A gateway is chosen by settings.MOTCUA_PAYMENT_GATEWAY (a dotted path); the built-in FakeGateway
is the default, for development and tests: its page on this site plays the bank and posts a
callback signed exactly as a real gateway would (HMAC-SHA256 with MOTCUA_PAYMENT_SECRET).
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

DEFAULT_GATEWAY = "motcua.payments.gateways.FakeGateway"


def payment_secret() -> bytes:
    """MOTCUA_PAYMENT_SECRET, or one derived from SECRET_KEY (never SECRET_KEY itself)."""
    secret = getattr(settings, "MOTCUA_PAYMENT_SECRET", "") or ""
    if secret:
        return secret.encode()
    return hashlib.sha256(b"motcua.payments:" + settings.SECRET_KEY.encode()).digest()


def canonical(payload: dict) -> bytes:
    """The bytes that are signed: keys sorted, no spaces, UTF-8 — the same on both sides."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(payload: dict) -> str:
    return hmac.new(payment_secret(), canonical(payload), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class GatewayResult:
    """A verified gateway answer: which payment, how much, whether it succeeded, its id there."""

    payment_id: int
    amount: int
    success: bool
    transaction_id: str


class Gateway:
    """The interface a payment gateway implements."""

    def start(self, payment) -> str:
        """The URL the citizen is sent to, to pay `payment`."""
        raise NotImplementedError

    def verify(self, payload: dict, signature: str) -> GatewayResult | None:
        """The result of a callback, or None when its signature or content is not valid."""
        raise NotImplementedError


class FakeGateway(Gateway):
    def start(self, payment) -> str:
        return reverse("payments:fake_gateway", args=[payment.pk])

    def verify(self, payload: dict, signature: str) -> GatewayResult | None:
        if not isinstance(payload, dict) or not isinstance(signature, str):
            return None
        if not hmac.compare_digest(sign(payload), signature.strip().lower()):
            return None
        try:
            payment_id = int(payload["payment_id"])
            amount = int(payload["amount"])
            status = payload["status"]
            transaction_id = str(payload["transaction_id"])
        except (KeyError, TypeError, ValueError):
            return None
        if status not in ("success", "failed") or not transaction_id:
            return None
        return GatewayResult(payment_id, amount, status == "success", transaction_id[:100])

    @staticmethod
    def callback_payload(payment, *, success: bool) -> dict:
        """What the fake bank reports for `payment` (the payload the page posts back)."""
        return {
            "payment_id": str(payment.pk),
            "amount": str(payment.amount),
            "status": "success" if success else "failed",
            "transaction_id": f"FAKE-{payment.pk:08d}",
        }


@cache
def _gateway_class(path: str) -> type[Gateway]:
    return import_string(path)


def gateway() -> Gateway:
    path = getattr(settings, "MOTCUA_PAYMENT_GATEWAY", "") or DEFAULT_GATEWAY
    return _gateway_class(path)()
