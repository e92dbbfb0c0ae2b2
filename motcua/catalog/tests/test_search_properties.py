"""Search properties over generated Vietnamese names: however a citizen types a name (without
marks, in capitals, i for y, a prefix of every word), the procedure named so is found, and it
ranks above one that mentions the words only in its documents."""

import unicodedata

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.catalog.selectors import procedure_search
from motcua.catalog.tests.factories import FieldFactory, ProcedureFactory

SYLLABLES = [
    "đăng", "ký", "khai", "sinh", "hộ", "tịch", "chứng", "thực", "bản", "sao", "giấy", "phép",
    "xây", "dựng", "đất", "đai", "cư", "trú", "kết", "hôn", "trợ", "cấp", "xã", "hội", "người",
    "có", "công", "mai", "táng", "quyền", "sử", "dụng", "nhà", "ở", "riêng", "lẻ", "tỷ", "lý",
]  # fmt: skip

names = st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=6).map(" ".join)


def without_marks(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


class Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=names, typed=st.sampled_from(["plain", "upper", "iy", "prefixes"]))
def test_a_procedure_is_found_first_however_its_name_is_typed(name, typed):
    query = {
        "plain": without_marks(name),
        "upper": name.upper(),
        "iy": without_marks(name).replace("y", "i"),
        "prefixes": " ".join(word[:2] for word in without_marks(name).split()),
    }[typed]
    try:
        with transaction.atomic():
            field = FieldFactory(code="ZZ", name="Lĩnh vực thử")
            named = ProcedureFactory(code="1.1", name=name.capitalize(), field=field)
            ProcedureFactory(
                code="1.2", name="Thủ tục khác", field=field, documents=[f"Tờ khai {name}"]
            )

            found = list(procedure_search(query=query))

            assert found, query
            if typed != "prefixes":
                assert found[0] == named, (query, [p.name for p in found])
            else:
                assert named in found
            raise Rollback
    except Rollback:
        pass
