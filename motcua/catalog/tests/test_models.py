import pytest
from django.db import IntegrityError, transaction

from motcua.catalog.models import Channel, Field, Procedure, ProcedureLevel, ProcessingTime
from motcua.organizations.models import AgencyKind
from motcua.organizations.services import agency_create


def _procedure(field, code="1.001193", agency=None):
    return Procedure.objects.create(
        code=code,
        agency=agency,
        name="Thủ tục đăng ký khai sinh",
        field=field,
        level=ProcedureLevel.COMMUNE,
        name_key="thu tuc dang ki khai sinh",
        search_key="thu tuc dang ki khai sinh",
    )


@pytest.mark.django_db
def test_common_catalog_code_is_unique_but_agencies_may_publish_the_same_code():
    field = Field.objects.create(code="HT", name="Hộ tịch", name_key="ho tich")
    province = agency_create(code="000.00.00.H62", name="Tỉnh", kind=AgencyKind.PROVINCE)
    _procedure(field)
    _procedure(field, agency=province)

    with pytest.raises(IntegrityError), transaction.atomic():
        _procedure(field)
    with pytest.raises(IntegrityError), transaction.atomic():
        _procedure(field, agency=province)

    assert Procedure.objects.filter(code="1.001193").count() == 2


@pytest.mark.django_db
def test_one_processing_time_per_channel():
    field = Field.objects.create(code="HT", name="Hộ tịch", name_key="ho tich")
    procedure = _procedure(field)
    ProcessingTime.objects.create(procedure=procedure, channel=Channel.DIRECT, amount=0)

    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessingTime.objects.create(procedure=procedure, channel=Channel.DIRECT, amount=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessingTime.objects.create(procedure=procedure, channel=Channel.ONLINE, amount=-1)

    assert list(procedure.processing_times.values_list("channel", "amount")) == [("direct", 0)]


@pytest.mark.django_db
def test_methods_and_legal_basis_read_from_the_row():
    field = Field.objects.create(code="HT", name="Hộ tịch", name_key="ho tich")
    procedure = _procedure(field)
    procedure.accepts_postal = True
    procedure.legal_basis = "Luật Hộ tịch số 60/2014/QH13\n\n  Nghị định 123/2015/NĐ-CP  \n"

    assert procedure.methods == ["direct", "postal"]
    assert procedure.legal_basis_list == [
        "Luật Hộ tịch số 60/2014/QH13",
        "Nghị định 123/2015/NĐ-CP",
    ]
