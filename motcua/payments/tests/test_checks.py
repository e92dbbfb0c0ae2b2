from motcua.payments.checks import fake_gateway_in_production


def test_the_fake_gateway_is_flagged_for_production(settings):
    settings.DEBUG = False
    [warning] = fake_gateway_in_production()
    assert warning.id == "motcua.payments.W001"
    settings.MOTCUA_PAYMENT_GATEWAY = "motcua.payments.gateways.Gateway"
    assert fake_gateway_in_production() == []


def test_no_warning_while_developing(settings):
    settings.DEBUG = True
    assert fake_gateway_in_production() == []
