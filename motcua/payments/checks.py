"""Checks of the payment gateway setting: it must name an importable gateway class (always), and
a production site must not use the fake one, which marks any payment paid on a click."""

from django.conf import settings
from django.core import checks

from motcua.payments.gateways import FakeGateway, gateway


@checks.register()
def gateway_importable(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    try:
        gateway()
    except Exception as exc:  # any failure to import or build it is the setting's fault
        return [
            checks.Error(
                f"MOTCUA_PAYMENT_GATEWAY cannot be loaded: {exc}",
                hint="Name a gateway class by its dotted path, e.g. "
                "motcua.payments.gateways.FakeGateway.",
                id="motcua.payments.E001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def fake_gateway_in_production(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if settings.DEBUG:
        return []
    try:
        configured = gateway()
    except Exception:  # reported by gateway_importable
        return []
    if not isinstance(configured, FakeGateway):
        return []
    return [
        checks.Warning(
            "MOTCUA_PAYMENT_GATEWAY is the fake gateway: citizens can mark their own fees paid.",
            hint="Set MOTCUA_PAYMENT_GATEWAY to a real gateway class before taking payments.",
            id="motcua.payments.W001",
        )
    ]
