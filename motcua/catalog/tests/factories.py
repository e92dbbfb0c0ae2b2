"""Catalog factories. Rows are written through the services so the search keys are right."""

import copy

import factory
from factory.django import DjangoModelFactory

from motcua.catalog.models import (
    Field,
    OnlineLevel,
    Procedure,
    ProcedureLevel,
    RequiredDocument,
)
from motcua.catalog.services import field_save, procedure_save, procedures_refresh_search_keys


class FieldFactory(DjangoModelFactory):
    class Meta:
        model = Field

    code = "HT"
    name = "Hộ tịch"
    order = 1

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        existing = model_class.objects.filter(code=kwargs["code"]).first()
        return existing or field_save(field=model_class(**kwargs))


class ProcedureFactory(DjangoModelFactory):
    class Meta:
        model = Procedure
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"1.{900000 + n}")
    name = "Thủ tục đăng ký khai sinh"
    field = factory.SubFactory(FieldFactory)
    level = ProcedureLevel.COMMUNE
    accepts_direct = True
    accepts_online = True
    accepts_postal = False
    online_level = OnlineLevel.FULL

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return procedure_save(procedure=model_class(**kwargs))

    @factory.post_generation
    def documents(self, create, extracted, **kwargs):
        """documents=["Tờ khai …", …] adds required documents (and re-indexes)."""
        if not create or not extracted:
            return
        for position, name in enumerate(extracted):
            RequiredDocument.objects.create(procedure=self, order=position, name=name)
        procedures_refresh_search_keys(procedures=[self])
        self.refresh_from_db(fields=["name_key", "search_key"])


BIRTH_RECORD = {
    "code": "1.001193",
    "agency_code": None,
    "name": "Thủ tục đăng ký khai sinh",
    "field": "HT",
    "level": "commune",
    "methods": ["direct", "online", "postal"],
    "online_level": "full",
    "is_lien_thong": False,
    "cutoff": None,
    "processing_times": [
        {"channel": "direct", "amount": "0", "unit": "days", "note": "Trong ngày"},
        {"channel": "online", "amount": "0", "unit": "days", "note": ""},
    ],
    "documents": [
        {
            "name": "Tờ khai đăng ký khai sinh",
            "originals": 1,
            "copies": 0,
            "required": True,
            "template": "Mẫu tờ khai (Thông tư 04/2024/TT-BTP)",
            "note": "",
        },
        {
            "name": "Giấy chứng sinh",
            "originals": 1,
            "copies": 0,
            "required": True,
            "template": "",
            "note": "",
        },
    ],
    "fees": [{"name": "Lệ phí đăng ký khai sinh", "amount": 0, "note": "Miễn lệ phí"}],
    "steps": "Nộp hồ sơ tại bộ phận một cửa.",
    "applicants": "Cha, mẹ hoặc người thân thích của trẻ",
    "implementing_agency": "UBND cấp xã",
    "result": "Giấy khai sinh",
    "conditions": "",
    "legal_basis": ["Luật Hộ tịch số 60/2014/QH13", "Nghị định 123/2015/NĐ-CP"],
    "workflow": [
        {
            "name": "Tiếp nhận hồ sơ",
            "unit_kind": "service_center",
            "unit_name": "",
            "role": "reception",
            "amount": "0.25",
            "time_unit": "days",
            "parallel_group": None,
            "counts_toward_deadline": True,
        },
        {
            "name": "Xử lý, trình ký",
            "unit_kind": "department",
            "unit_name": "Công chức tư pháp - hộ tịch",
            "role": "specialist",
            "amount": "0.75",
            "time_unit": "days",
            "parallel_group": None,
            "counts_toward_deadline": True,
        },
    ],
}

MARRIAGE_RECORD = {
    **copy.deepcopy(BIRTH_RECORD),
    "code": "1.000894",
    "name": "Thủ tục đăng ký kết hôn",
    "methods": ["direct"],
    "online_level": "partial",
    "cutoff": "16:30",
    "processing_times": [
        {"channel": "direct", "amount": "5", "unit": "days", "note": "Nếu cần xác minh"}
    ],
    "documents": [
        {
            "name": "Tờ khai đăng ký kết hôn",
            "originals": 1,
            "copies": 0,
            "required": True,
            "template": "",
            "note": "",
        }
    ],
    "fees": [],
    "result": "Giấy chứng nhận kết hôn",
}


def catalog_document(*procedures: dict, fields: list[dict] | None = None) -> dict:
    """A valid motcua-catalog/1 document (deep copies, safe to modify)."""
    return {
        "format": "motcua-catalog/1",
        "fields": copy.deepcopy(
            fields if fields is not None else [{"code": "HT", "name": "Hộ tịch", "order": 1}]
        ),
        "procedures": copy.deepcopy(list(procedures or (BIRTH_RECORD, MARRIAGE_RECORD))),
    }
