"""Deployment check: the fake gateway marks any payment paid on a click, so a production site
must name a real one."""

from django.conf import settings
from django.core import checks

from motcua.payments.gateways import FakeGateway, gateway


@checks.register(checks.Tags.security, deploy=True)
def fake_gateway_in_production(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if settings.DEBUG or not isinstance(gateway(), FakeGateway):
        return []
    return [
        checks.Warning(
            "MOTCUA_PAYMENT_GATEWAY is the fake gateway: citizens can mark their own fees paid.",
            hint="Set MOTCUA_PAYMENT_GATEWAY to a real gateway class before taking payments.",
            id="motcua.payments.W001",
        )
    ]
