import pytest

from motcua.catalog.models import Field, Procedure
from motcua.catalog.tests.factories import FieldFactory, ProcedureFactory


@pytest.fixture
def admin(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.vn", "pw-root-1")
    client.force_login(user)
    return client


def inline_management(prefix: str, total: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


@pytest.mark.django_db
def test_adding_a_procedure_with_documents_in_the_admin_indexes_them(admin):
    field = FieldFactory(code="HT", name="Hộ tịch")
    data = {
        "code": "1.001193",
        "name": "Thủ tục đăng ký khai sinh",
        "field": str(field.pk),
        "level": "commune",
        "is_published": "on",
        "accepts_direct": "on",
        "online_level": "none",
        "steps": "",
        "applicants": "Cha, mẹ của trẻ",
        "implementing_agency": "",
        "result": "Giấy khai sinh",
        "conditions": "",
        "legal_basis": "Luật Hộ tịch 2014",
        **inline_management("processing_times", 1),
        "processing_times-0-channel": "direct",
        "processing_times-0-amount": "0",
        "processing_times-0-unit": "days",
        **inline_management("documents", 1),
        "documents-0-order": "0",
        "documents-0-name": "Giấy chứng sinh",
        "documents-0-originals": "1",
        "documents-0-copies": "0",
        "documents-0-is_required": "on",
        **inline_management("fees"),
        **inline_management("workflow_steps"),
    }

    response = admin.post("/admin/catalog/procedure/add/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    procedure = Procedure.objects.get(code="1.001193")
    assert procedure.name_key == "thu tuc dang ki khai sinh"
    assert procedure.search_key == (
        "thu tuc dang ki khai sinh 1 001193 ho tich giai chung sinh giai khai sinh cha me cua tre"
    )
    assert procedure.processing_times.get().channel == "direct"


@pytest.mark.django_db
def test_renaming_a_field_in_the_admin_reindexes_its_procedures(admin):
    field = FieldFactory(code="VH", name="Văn hóa")
    procedure = ProcedureFactory(code="1.001029", name="Cấp giấy phép karaoke", field=field)

    response = admin.post(
        f"/admin/catalog/field/{field.pk}/change/",
        {"code": "VH", "name": "Văn hóa, thể thao", "order": "3"},
    )

    assert response.status_code == 302
    assert Field.objects.get(pk=field.pk).name_key == "van hoa the thao"
    procedure.refresh_from_db()
    assert procedure.search_key.endswith("van hoa the thao")


@pytest.mark.django_db
def test_admin_search_folds_vietnamese(admin):
    ProcedureFactory(code="1.003003", name="Đăng ký đất đai lần đầu")
    ProcedureFactory(code="1.001193", name="Thủ tục đăng ký khai sinh")

    response = admin.get("/admin/catalog/procedure/", {"q": "dat dai"})

    assert response.status_code == 200
    assert [p.code for p in response.context["cl"].result_list] == ["1.003003"]


@pytest.mark.django_db
def test_admin_pages_render(admin):
    ProcedureFactory(code="1.001193")

    for url in (
        "/admin/catalog/procedure/",
        "/admin/catalog/procedure/add/",
        f"/admin/catalog/procedure/{Procedure.objects.get().pk}/change/",
        "/admin/catalog/field/",
    ):
        assert admin.get(url).status_code == 200, url
