from decimal import Decimal

import pytest

from motcua.catalog.models import (
    Channel,
    Fee,
    Procedure,
    ProcessingTime,
    RequiredDocument,
    WorkflowStep,
)
from motcua.catalog.services import (
    field_create,
    field_update,
    procedure_create,
    procedure_replace_children,
    procedure_update,
)
from motcua.catalog.tests.factories import FieldFactory, ProcedureFactory
from motcua.common.errors import InvalidInput
from motcua.organizations.models import Role


@pytest.mark.django_db
def test_procedure_create_stores_folded_name_and_search_keys():
    field = field_create(code="DD", name="Đất đai", order=5)

    procedure = procedure_create(
        code="1.003003",
        name="Đăng ký biến động quyền sử dụng đất",
        field=field,
        level="commune",
        result="Giấy chứng nhận đã đăng ký biến động",
        applicants="Hộ gia đình, cá nhân",
    )

    procedure.refresh_from_db()
    assert field.name_key == "dat dai"
    assert procedure.name_key == "dang ki bien dong quien su dung dat"
    assert procedure.search_key == (
        "dang ki bien dong quien su dung dat 1 003003 dat dai "
        "giai chung nhan da dang ki bien dong ho gia dinh ca nhan"
    )


@pytest.mark.django_db
def test_procedure_update_refreshes_keys():
    procedure = ProcedureFactory(code="1.001193", name="Đăng ký khai sinh")

    procedure_update(procedure=procedure, name="Đăng ký lại khai sinh")

    procedure.refresh_from_db()
    assert procedure.name == "Đăng ký lại khai sinh"
    assert procedure.name_key == "dang ki lai khai sinh"
    assert procedure.search_key.startswith("dang ki lai khai sinh 1 001193 ho tich")


@pytest.mark.django_db
def test_renaming_a_field_reindexes_its_procedures():
    field = FieldFactory(code="VH", name="Văn hóa")
    procedure = ProcedureFactory(code="1.001029", name="Cấp giấy phép karaoke", field=field)

    field_update(field=field, name="Văn hóa cơ sở")

    procedure.refresh_from_db()
    field.refresh_from_db()
    assert field.name_key == "van hoa co so"
    assert procedure.search_key == "cap giai phep karaoke 1 001029 van hoa co so"


@pytest.mark.django_db
def test_procedure_create_rejects_a_duplicate_common_code_with_a_domain_error():
    ProcedureFactory(code="1.001193")

    with pytest.raises(InvalidInput) as caught:
        ProcedureFactory(code="1.001193", name="Bản sao")

    assert caught.value.code == "invalid_procedure"
    assert Procedure.objects.filter(code="1.001193").count() == 1


@pytest.mark.django_db
def test_procedure_create_rejects_an_unknown_level():
    with pytest.raises(InvalidInput) as caught:
        ProcedureFactory(level="national")

    assert caught.value.code == "invalid_procedure"
    assert "level" in caught.value.details["errors"]
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_replace_children_replaces_rows_in_order_and_indexes_document_names():
    procedure = ProcedureFactory(
        code="1.001193", name="Đăng ký khai sinh", documents=["Giấy cũ"], result="", applicants=""
    )

    procedure_replace_children(
        procedure=procedure,
        processing_times=[ProcessingTime(channel=Channel.DIRECT, amount=Decimal("0"))],
        documents=[RequiredDocument(name="Tờ khai"), RequiredDocument(name="Giấy chứng sinh")],
        fees=[Fee(name="Lệ phí", amount=8000)],
        workflow_steps=[
            WorkflowStep(name="Tiếp nhận", unit_kind="service_center", role=Role.RECEPTION),
            WorkflowStep(name="Xử lý", unit_kind="department", role=Role.SPECIALIST),
        ],
    )

    procedure.refresh_from_db()
    assert list(procedure.documents.values_list("order", "name")) == [
        (0, "Tờ khai"),
        (1, "Giấy chứng sinh"),
    ]
    assert list(procedure.workflow_steps.values_list("order", "name")) == [
        (0, "Tiếp nhận"),
        (1, "Xử lý"),
    ]
    assert list(procedure.fees.values_list("name", "amount")) == [("Lệ phí", 8000)]
    assert procedure.processing_times.get().amount == Decimal("0")
    assert procedure.search_key == "dang ki khai sinh 1 001193 ho tich to khai giai chung sinh"


@pytest.mark.django_db
def test_replace_children_rejects_bad_rows_and_keeps_the_old_ones():
    procedure = ProcedureFactory(code="1.001193", documents=["Giấy cũ"])

    with pytest.raises(InvalidInput) as caught:
        procedure_replace_children(
            procedure=procedure,
            processing_times=[
                ProcessingTime(channel=Channel.DIRECT, amount=Decimal("1")),
                ProcessingTime(channel=Channel.DIRECT, amount=Decimal("2")),
            ],
        )
    assert caught.value.code == "invalid_procedure"

    with pytest.raises(InvalidInput):
        procedure_replace_children(
            procedure=procedure,
            workflow_steps=[WorkflowStep(name="Xử lý", unit_kind="nowhere", role=Role.LEADER)],
        )

    assert list(procedure.documents.values_list("name", flat=True)) == ["Giấy cũ"]
    assert not procedure.workflow_steps.exists()


@pytest.mark.django_db
def test_renaming_a_field_reindexes_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    field = FieldFactory(code="VH", name="Văn hóa")
    for n in range(5):
        ProcedureFactory(code=f"1.{n}", name=f"Thủ tục {n}", field=field, documents=["Tờ khai"])

    with django_assert_max_num_queries(9):  # + the audit row
        field_update(field=field, name="Văn hóa cơ sở")

    assert Procedure.objects.filter(search_key__contains="van hoa co so").count() == 5
