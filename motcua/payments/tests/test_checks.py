from motcua.payments.checks import fake_gateway_in_production, gateway_importable


def test_the_fake_gateway_is_flagged_for_production(settings):
    settings.DEBUG = False
    [warning] = fake_gateway_in_production()
    assert warning.id == "motcua.payments.W001"
    settings.MOTCUA_PAYMENT_GATEWAY = "motcua.payments.gateways.Gateway"
    assert fake_gateway_in_production() == []


def test_no_warning_while_developing(settings):
    settings.DEBUG = True
    assert fake_gateway_in_production() == []


def test_a_gateway_that_cannot_be_loaded_is_an_error_not_a_crash(settings):
    settings.DEBUG = False
    settings.MOTCUA_PAYMENT_GATEWAY = "motcua.payments.gateways.NoSuchGateway"
    [error] = gateway_importable()
    assert error.id == "motcua.payments.E001"
    assert "NoSuchGateway" in error.msg
    assert fake_gateway_in_production() == []
    settings.MOTCUA_PAYMENT_GATEWAY = "motcua.payments.gateways.FakeGateway"
    assert gateway_importable() == []
