import pytest
from django.db import connection

from motcua.catalog.models import Procedure
from motcua.catalog.selectors import (
    field_list_with_counts,
    procedure_get,
    procedure_get_by_pk,
    procedure_search,
)
from motcua.catalog.tests.factories import FieldFactory, ProcedureFactory
from motcua.common.errors import InvalidInput, NotFound
from motcua.organizations.models import AgencyKind
from motcua.organizations.services import agency_create

BIRTH = "Thủ tục đăng ký khai sinh"
BIRTH_FOREIGN = "Thủ tục đăng ký khai sinh có yếu tố nước ngoài"
LIEN_THONG = (
    "Liên thông các thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, "
    "cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi"
)
BIRTH_AGAIN = "Thủ tục đăng ký lại khai sinh"
EXTRACT = "Thủ tục cấp bản sao trích lục hộ tịch"
MARRIAGE = "Thủ tục đăng ký kết hôn"
LAND = "Đăng ký đất đai, tài sản gắn liền với đất lần đầu"
KARAOKE = "Thủ tục cấp giấy phép đủ điều kiện kinh doanh dịch vụ karaoke"


@pytest.fixture
def catalog(db):
    civil = FieldFactory(code="HT", name="Hộ tịch", order=1)
    land = FieldFactory(code="DD", name="Đất đai", order=2)
    culture = FieldFactory(code="VH", name="Văn hóa", order=3)
    ProcedureFactory(code="1.001193", name=BIRTH, field=civil, documents=["Tờ khai"])
    ProcedureFactory(code="2.000528", name=BIRTH_FOREIGN, field=civil)
    ProcedureFactory(code="1.004227", name=LIEN_THONG, field=civil)
    ProcedureFactory(code="1.004884", name=BIRTH_AGAIN, field=civil)
    # Mentions the query only in its documents.
    ProcedureFactory(
        code="2.000635",
        name=EXTRACT,
        field=civil,
        documents=["Tờ khai đăng ký khai sinh (nếu có)", "Giấy tờ tùy thân"],
    )
    ProcedureFactory(code="1.000894", name=MARRIAGE, field=civil, documents=["Tờ khai"])
    ProcedureFactory(code="1.003003", name=LAND, field=land, level="province")
    ProcedureFactory(code="1.001029", name=KARAOKE, field=culture, level="province")
    ProcedureFactory(code="9.999999", name="Thủ tục đăng ký khai sinh cũ", is_published=False)


def names(procedures):
    return [procedure.name for procedure in procedures]


def test_full_name_without_diacritics_ranks_the_procedure_named_so_first(catalog):
    result = procedure_search(query="dang ky khai sinh")

    assert names(result) == [BIRTH, BIRTH_FOREIGN, LIEN_THONG, BIRTH_AGAIN, EXTRACT]
    assert [procedure.rank for procedure in result] == [0, 0, 1, 2, 3]


def test_a_name_match_ranks_above_a_document_only_match(catalog):
    assert names(procedure_search(query="khai sinh")) == [
        BIRTH,
        BIRTH_AGAIN,
        BIRTH_FOREIGN,
        LIEN_THONG,
        EXTRACT,
    ]


@pytest.mark.parametrize(
    "query",
    [
        "Đăng ký khai sinh",
        "ĐĂNG KÝ KHAI SINH",
        "đăng kí khai sinh",
        "dang ki khai sinh",
        "  dang   KY, khai-sinh!  ",
        "dăng ky khai sính",
    ],
)
def test_case_diacritics_and_i_y_spelling_do_not_matter(catalog, query):
    assert names(procedure_search(query=query))[:3] == [BIRTH, BIRTH_FOREIGN, LIEN_THONG]


@pytest.mark.parametrize("query", ["dat dai", "Đất đai", "ĐẤT ĐAI", "đat dai"])
def test_d_with_stroke_folds_to_d(catalog, query):
    assert names(procedure_search(query=query)) == [LAND]


def test_every_token_must_match_and_partial_words_count(catalog):
    assert names(procedure_search(query="karao")) == [KARAOKE]
    assert names(procedure_search(query="kinh doa kara")) == [KARAOKE]
    assert names(procedure_search(query="ket hon")) == [MARRIAGE]
    assert names(procedure_search(query="ket hon khai sinh")) == []


def test_the_code_and_the_field_name_are_searchable(catalog):
    assert names(procedure_search(query="1.001029")) == [KARAOKE]
    assert names(procedure_search(query="van hoa")) == [KARAOKE]


def test_unpublished_procedures_are_never_found(catalog):
    assert "Thủ tục đăng ký khai sinh cũ" not in names(procedure_search(query="khai sinh cu"))
    assert Procedure.objects.filter(is_published=False).count() == 1


def test_without_query_lists_the_catalog_by_field_then_name(catalog):
    assert names(procedure_search()) == [
        LIEN_THONG,
        EXTRACT,
        MARRIAGE,
        BIRTH,
        BIRTH_FOREIGN,
        BIRTH_AGAIN,
        LAND,
        KARAOKE,
    ]
    assert len(procedure_search(query=None)) == 8


def test_filters_by_field_and_level(catalog):
    assert names(procedure_search(field="VH")) == [KARAOKE]
    assert names(procedure_search(level="province")) == [LAND, KARAOKE]
    assert names(procedure_search(query="dang ky", level="province")) == [LAND]
    assert names(procedure_search(query="dang ky", field="DD", level="commune")) == []
    assert names(procedure_search(field="XX")) == []


def test_agency_sees_the_common_catalog_and_what_it_or_its_ancestors_publish(catalog):
    province = agency_create(code="000.00.00.H62", name="Tỉnh", kind=AgencyKind.PROVINCE)
    commune = agency_create(
        code="000.20.30.H62", name="Xã", kind=AgencyKind.COMMUNE, parent=province
    )
    other = agency_create(code="000.00.00.H56", name="Tỉnh khác", kind=AgencyKind.PROVINCE)
    ProcedureFactory(code="1.1", name="Thủ tục riêng của tỉnh", agency=province)
    ProcedureFactory(code="1.2", name="Thủ tục riêng của tỉnh khác", agency=other)

    assert names(procedure_search(query="thu tuc rieng", agency=commune)) == [
        "Thủ tục riêng của tỉnh"
    ]
    assert names(procedure_search(query="thu tuc rieng", agency="000.00.00.H56")) == [
        "Thủ tục riêng của tỉnh khác"
    ]
    assert len(procedure_search(agency=commune)) == 9
    with pytest.raises(NotFound):
        procedure_search(agency="000.99.99.H99")


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("x" * 201, "query_too_long"),
        (" " * 10 + "x" * 201, "query_too_long"),
        ("!!!", "query_empty"),
        ("   ", "query_empty"),
        ("?? -- ??", "query_empty"),
    ],
)
def test_bad_queries_raise_domain_errors(db, query, code):
    with pytest.raises(InvalidInput) as caught:
        procedure_search(query=query)

    assert caught.value.code == code


def test_a_query_of_exactly_200_characters_is_accepted(catalog):
    assert names(procedure_search(query="  " + "a" * 200 + "  ")) == []


def test_unknown_level_is_rejected(db):
    with pytest.raises(InvalidInput) as caught:
        procedure_search(level="national")

    assert caught.value.code == "invalid_level"
    assert "province, district, commune" in str(caught.value.message)


def test_search_costs_two_queries(catalog, django_assert_num_queries):
    with django_assert_num_queries(2):
        result = list(procedure_search(query="khai sinh"))
        for procedure in result:
            list(procedure.processing_times.all())
            str(procedure.field)


def test_procedure_get_returns_the_published_procedure_with_children(catalog):
    procedure = procedure_get(code="1.001193")

    assert procedure.name == BIRTH
    assert [document.name for document in procedure.documents.all()] == ["Tờ khai"]
    assert procedure_get_by_pk(pk=procedure.pk) == procedure


def test_procedure_get_prefers_the_agency_version(catalog):
    province = agency_create(code="000.00.00.H62", name="Tỉnh", kind=AgencyKind.PROVINCE)
    commune = agency_create(
        code="000.20.30.H62", name="Xã", kind=AgencyKind.COMMUNE, parent=province
    )
    ProcedureFactory(code="1.001193", name="Khai sinh (bản của tỉnh)", agency=province)

    assert procedure_get(code="1.001193").name == BIRTH
    assert procedure_get(code="1.001193", agency=commune).name == "Khai sinh (bản của tỉnh)"
    assert procedure_get(code="1.001193", agency="000.00.00.H62").agency == province
    assert procedure_get(code="1.000894", agency=commune).name == MARRIAGE


@pytest.mark.parametrize("code", ["9.999999", "0.000000", ""])
def test_procedure_get_raises_not_found_for_unknown_or_unpublished(catalog, code):
    with pytest.raises(NotFound) as caught:
        procedure_get(code=code)

    assert caught.value.code == "not_found"


def test_procedure_get_by_pk_hides_unpublished(catalog):
    hidden = Procedure.objects.get(code="9.999999")

    with pytest.raises(NotFound):
        procedure_get_by_pk(pk=hidden.pk)


def test_field_list_with_counts_counts_published_procedures(catalog):
    FieldFactory(code="MT", name="Môi trường", order=9)

    assert [(f.code, f.name, f.procedure_count) for f in field_list_with_counts()] == [
        ("HT", "Hộ tịch", 6),
        ("DD", "Đất đai", 1),
        ("VH", "Văn hóa", 1),
        ("MT", "Môi trường", 0),
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm exists on PostgreSQL only")
def test_postgresql_serves_token_search_from_the_trigram_index(catalog):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'catalog_procedure' "
            "AND indexdef LIKE '%%gin_trgm_ops%%' ORDER BY indexname"
        )
        assert [row[0] for row in cursor.fetchall()] == [
            "catalog_procedure_name_key_trgm",
            "catalog_procedure_search_key_trgm",
        ]
        # With a handful of rows any scan is cheapest; forbid the others to see the index serves
        # the search's LIKE '%token%' filters.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = procedure_search(query="dang ky khai sinh").explain()

    assert "Bitmap Index Scan on catalog_procedure_search_key_trgm" in plan
