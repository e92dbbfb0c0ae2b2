import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from motcua.catalog.models import (
    Fee,
    OnlineLevel,
    Procedure,
    ProcedureLevel,
    ProcessingTime,
    RequiredDocument,
    WorkflowStep,
)
from motcua.catalog.services import (
    catalog_import,
    field_create,
    procedure_create,
    procedure_replace_children,
)

pytestmark = pytest.mark.django_db

DEMO_CATALOG = Path(__file__).resolve().parents[2] / "catalog" / "data" / "demo_catalog.json"
DETAIL_LINK = re.compile(r'<a class="procedure-item__name" href="/thu-tuc/(\d+)/">([^<]*)</a>')


def result_names(response) -> list[str]:
    return [name for _pk, name in DETAIL_LINK.findall(response.content.decode())]


@pytest.fixture
def demo_catalog():
    catalog_import(data=DEMO_CATALOG.read_text(encoding="utf-8"))


@pytest.fixture
def fields():
    return {
        "HT": field_create(code="HT", name="Hộ tịch", order=1),
        "CT": field_create(code="CT", name="Chứng thực", order=2),
        "MT": field_create(code="MT", name="Môi trường", order=3),
    }


@pytest.fixture
def birth(fields):
    procedure = procedure_create(
        code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        field=fields["HT"],
        level=ProcedureLevel.COMMUNE,
        accepts_direct=True,
        accepts_online=True,
        accepts_postal=False,
        online_level=OnlineLevel.FULL,
        implementing_agency="Ủy ban nhân dân cấp xã nơi cư trú của người cha hoặc người mẹ.",
        steps="Bước 1: Nộp hồ sơ.\nBước 2: Nhận Giấy khai sinh.",
        applicants="Cha, mẹ của trẻ.",
        result="Giấy khai sinh (bản chính).",
        conditions="Không.",
        legal_basis="Luật Hộ tịch số 60/2014/QH13\nNghị định số 123/2015/NĐ-CP",
    )
    return procedure_replace_children(
        procedure=procedure,
        processing_times=[
            ProcessingTime(channel="direct", amount=Decimal("0"), unit="days", note="Trong ngày."),
            ProcessingTime(channel="online", amount=Decimal("8"), unit="hours", note=""),
        ],
        documents=[
            RequiredDocument(
                name="Tờ khai đăng ký khai sinh",
                originals=1,
                copies=0,
                template="Mẫu tờ khai (Thông tư số 04/2024/TT-BTP)",
            ),
            RequiredDocument(name="Giấy chứng sinh", originals=1, copies=2, is_required=False),
        ],
        fees=[Fee(name="Lệ phí đăng ký khai sinh", amount=0, note="Miễn lệ phí đúng hạn.")],
        workflow_steps=[
            WorkflowStep(
                name="Tiếp nhận hồ sơ", unit_kind="service_center", role="reception", amount=0
            ),
        ],
    )


@pytest.fixture
def copy_certification(fields):
    procedure = procedure_create(
        code="2.000815",
        name="Thủ tục chứng thực bản sao từ bản chính",
        field=fields["CT"],
        level=ProcedureLevel.COMMUNE,
        is_lien_thong=True,
        online_level=OnlineLevel.NONE,
    )
    return procedure_replace_children(
        procedure=procedure,
        processing_times=[ProcessingTime(channel="direct", amount=Decimal("3"), unit="days")],
        fees=[Fee(name="Phí chứng thực bản sao", amount=2000, note="2.000 đồng/trang")],
    )


@pytest.fixture
def environment_licence(fields):
    return procedure_create(
        code="1.010730",
        name="Cấp giấy phép môi trường",
        field=fields["MT"],
        level=ProcedureLevel.PROVINCE,
    )


# Home


def test_home_shows_the_search_box_and_every_field_with_its_count(
    client, birth, copy_certification, environment_licence
):
    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Hệ thống một cửa</title>" in html
    assert '<html lang="vi">' in html
    assert 'action="/thu-tuc/tim-kiem/"' in html
    assert '<input id="q" name="q" type="search"' in html
    assert '<label for="q"' in html
    fields = re.findall(
        r'href="/thu-tuc/\?field=(\w+)">\s*<span class="field-grid__name">([^<]+)</span>\s*'
        r'<span class="field-grid__count">([^<]+)</span>',
        html,
    )
    assert fields == [
        ("HT", "Hộ tịch", "1 thủ tục"),
        ("CT", "Chứng thực", "1 thủ tục"),
        ("MT", "Môi trường", "1 thủ tục"),
    ]


def test_home_counts_only_published_procedures(client, birth, copy_certification):
    copy_certification.is_published = False
    copy_certification.save(update_fields=["is_published"])

    html = client.get(reverse("portal:home")).content.decode()

    assert '<span class="field-grid__count">0 thủ tục</span>' in html


def test_base_template_has_the_language_switch_and_vendored_assets(client, fields):
    html = client.get(reverse("portal:home")).content.decode()

    assert 'action="/i18n/setlang/"' in html
    assert 'name="language" value="vi"' in html
    assert 'name="language" value="en"' in html
    assert 'src="/static/vendor/htmx.min.js"' in html
    assert 'href="/static/portal/portal.css"' in html
    assert "http://" not in html.replace('"http://www.w3.org', "")
    assert "https://" not in html
    # print CSS hides what has no place on paper
    assert '<header class="site-header no-print">' in html
    assert '<footer class="site-footer no-print">' in html


def test_home_reads_the_fields_in_one_query(client, django_assert_num_queries, birth):
    with django_assert_num_queries(1):
        client.get(reverse("portal:home"))


def test_switching_to_english_is_remembered(client, fields):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert '<html lang="en">' in client.get(reverse("portal:home")).content.decode()


# Catalog list


def test_list_groups_the_catalog_by_field(client, birth, copy_certification, environment_licence):
    response = client.get(reverse("portal:procedure_list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r"<h2>([^<]+)</h2>", html) == ["Hộ tịch", "Chứng thực", "Môi trường"]
    assert result_names(response) == [
        "Thủ tục đăng ký khai sinh",
        "Thủ tục chứng thực bản sao từ bản chính",
        "Cấp giấy phép môi trường",
    ]
    assert "3 thủ tục." in html


def test_list_filters_by_field_and_level(client, birth, copy_certification, environment_licence):
    by_field = client.get(reverse("portal:procedure_list"), {"field": "CT"})
    by_level = client.get(reverse("portal:procedure_list"), {"level": "province"})

    assert result_names(by_field) == ["Thủ tục chứng thực bản sao từ bản chính"]
    assert "<h1>Chứng thực</h1>" in by_field.content.decode()
    assert result_names(by_level) == ["Cấp giấy phép môi trường"]
    assert "<small>(Cấp tỉnh)</small>" in by_level.content.decode()


def test_list_pages_by_twenty(client, fields):
    for number in range(23):
        procedure_create(
            code=f"T.{number:02d}",
            name=f"Thủ tục thử {number:02d}",
            field=fields["HT"],
            level=ProcedureLevel.COMMUNE,
        )

    first = client.get(reverse("portal:procedure_list"))
    second = client.get(reverse("portal:procedure_list"), {"page": "2"})
    beyond = client.get(reverse("portal:procedure_list"), {"page": "abc"})

    assert len(result_names(first)) == 20
    assert result_names(second) == ["Thủ tục thử 20", "Thủ tục thử 21", "Thủ tục thử 22"]
    assert "Trang 2/2" in second.content.decode()
    assert 'href="?page=1" rel="prev"' in second.content.decode()
    assert result_names(beyond) == result_names(first)


def test_list_keeps_the_filter_in_page_links(client, fields):
    for number in range(21):
        procedure_create(
            code=f"T.{number:02d}",
            name=f"Thủ tục thử {number:02d}",
            field=fields["HT"],
            level=ProcedureLevel.COMMUNE,
        )

    html = client.get(reverse("portal:procedure_list"), {"field": "HT"}).content.decode()

    assert 'href="?field=HT&amp;page=2" rel="next"' in html


def test_list_with_an_unknown_level_answers_400_in_vietnamese(client, birth):
    response = client.get(reverse("portal:procedure_list"), {"level": "galaxy"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Yêu cầu không hợp lệ" in html
    assert "Cấp thực hiện galaxy không hợp lệ" in html


def test_list_with_an_unknown_field_answers_400_in_vietnamese(client, birth):
    response = client.get(reverse("portal:procedure_list"), {"field": "NOPE"})

    assert response.status_code == 400
    assert "Không có lĩnh vực với mã đã chọn." in response.content.decode()


def test_list_query_count_does_not_grow_with_the_page(
    client, django_assert_num_queries, birth, copy_certification, environment_licence
):
    # fields with counts, page count, page rows, their processing times
    with django_assert_num_queries(4):
        client.get(reverse("portal:procedure_list"))


# Search


def test_search_without_diacritics_finds_birth_registration_first(client, demo_catalog):
    response = client.get(reverse("portal:procedure_search"), {"q": "dang ky khai sinh"})

    assert response.status_code == 200
    names = result_names(response)
    assert names[0] == "Thủ tục đăng ký khai sinh"
    assert "Thủ tục đăng ký lại khai sinh" in names
    assert '<html lang="vi">' in response.content.decode()


def test_search_query_count(client, django_assert_num_queries, birth, copy_certification):
    # match count, page rows, their processing times
    with django_assert_num_queries(3):
        client.get(reverse("portal:procedure_search"), {"q": "thu tuc"})


def test_search_results_link_to_the_detail_page(client, birth):
    response = client.get(reverse("portal:procedure_search"), {"q": "khai sinh"})

    assert DETAIL_LINK.findall(response.content.decode()) == [
        (str(birth.pk), "Thủ tục đăng ký khai sinh")
    ]
    assert "Tìm thấy 1 thủ tục." in response.content.decode()
    assert 'value="khai sinh"' in response.content.decode()


def test_search_without_a_query_shows_the_hint_and_no_results(client, birth):
    response = client.get(reverse("portal:procedure_search"))

    assert response.status_code == 200
    assert result_names(response) == []
    assert "Nhập tên thủ tục hoặc việc cần làm" in response.content.decode()


def test_search_with_only_spaces_is_no_query(client, birth):
    response = client.get(reverse("portal:procedure_search"), {"q": "   "})

    assert response.status_code == 200
    assert result_names(response) == []


def test_search_with_no_match_says_so(client, birth):
    response = client.get(reverse("portal:procedure_search"), {"q": "tau vu tru"})

    assert response.status_code == 200
    assert "Không tìm thấy thủ tục phù hợp." in response.content.decode()


def test_a_10_kb_query_answers_400_with_the_vietnamese_message(client, birth):
    response = client.get(reverse("portal:procedure_search"), {"q": "a" * 10_000})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Từ khóa tìm kiếm dài quá 200 ký tự." in html
    assert result_names(response) == []
    # the box gives back no more than it accepts
    assert 'value="' + "a" * 200 + '"' in html


def test_a_query_without_letters_or_digits_answers_400(client, birth):
    response = client.get(reverse("portal:procedure_search"), {"q": "!!!"})

    assert response.status_code == 400
    assert "Từ khóa tìm kiếm cần có ít nhất một chữ cái hoặc chữ số." in (response.content.decode())


def test_htmx_search_gets_only_the_results_fragment(client, birth):
    response = client.get(
        reverse("portal:procedure_search"), {"q": "khai sinh"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "<form" not in html
    assert result_names(response) == ["Thủ tục đăng ký khai sinh"]
    assert "HX-Request" in response["Vary"]


def test_htmx_search_error_is_a_400_fragment(client, birth):
    response = client.get(
        reverse("portal:procedure_search"), {"q": "x" * 201}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "<html" not in html
    assert '<p class="alert" role="alert">Từ khóa tìm kiếm dài quá 200 ký tự.</p>' in html


def test_htmx_history_restore_gets_the_whole_page(client, birth):
    response = client.get(
        reverse("portal:procedure_search"),
        {"q": "khai sinh"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    assert "<html" in response.content.decode()


def test_search_page_wires_search_as_you_type_to_the_results(client, fields):
    html = client.get(reverse("portal:procedure_search")).content.decode()

    assert 'hx-get="/thu-tuc/tim-kiem/"' in html
    assert 'hx-target="#results"' in html
    assert '<div id="results" class="results" aria-live="polite">' in html


# Detail


def test_detail_shows_what_a_citizen_needs(client, birth):
    response = client.get(reverse("portal:procedure_detail", args=[birth.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Thủ tục đăng ký khai sinh</h1>" in html
    assert "<dt>Mã thủ tục</dt><dd>1.001193</dd>" in html
    assert "<dt>Lĩnh vực</dt><dd>Hộ tịch</dd>" in html
    assert "<dt>Cấp thực hiện</dt><dd>Cấp xã</dd>" in html
    assert "Ủy ban nhân dân cấp xã nơi cư trú của người cha hoặc người mẹ." in html
    assert "<dt>Mức độ dịch vụ công trực tuyến</dt><dd>Toàn trình</dd>" in html
    assert "<dt>Thủ tục liên thông</dt><dd>Không</dd>" in html
    times = re.findall(r'<th scope="row">([^<]+)</th><td class="nowrap"[^>]*>([^<]+)</td>', html)
    assert times == [("Trực tiếp", "Trong ngày"), ("Trực tuyến", "8 giờ làm việc")]
    documents = re.findall(
        r'<td class="num index">\d+</td>\s*<td class="lead-cell">([^<]+).*?</td>\s*'
        r'<td class="num" data-label="Bản chính">(\d+)</td>\s*'
        r'<td class="num" data-label="Bản sao">(\d+)</td>\s*'
        r'<td data-label="Mẫu đơn, tờ khai">([^<]+)</td>',
        html,
        flags=re.S,
    )
    assert documents == [
        ("Tờ khai đăng ký khai sinh", "1", "0", "Mẫu tờ khai (Thông tư số 04/2024/TT-BTP)"),
        ("Giấy chứng sinh ", "1", "2", "—"),
    ]
    assert '<span class="badge badge--optional">Nếu có</span>' in html
    assert (
        '<th scope="row">Lệ phí đăng ký khai sinh</th>'
        '<td class="num nowrap" data-label="Mức thu">Miễn phí</td>' in html
    )
    assert "<p>Bước 1: Nộp hồ sơ.<br>Bước 2: Nhận Giấy khai sinh.</p>" in html
    assert "<p>Cha, mẹ của trẻ.</p>" in html
    assert "<p>Giấy khai sinh (bản chính).</p>" in html
    assert re.findall(r"<li>([^<]+)</li>", html.split('class="legal-basis"')[1]) == [
        "Luật Hộ tịch số 60/2014/QH13",
        "Nghị định số 123/2015/NĐ-CP",
    ]
    assert "data-print hidden>In trang này</button>" in html
    assert "Thủ tục liên thông</span>" not in html


def test_detail_formats_fees_in_dong_and_marks_lien_thong(client, copy_certification):
    html = client.get(
        reverse("portal:procedure_detail", args=[copy_certification.pk])
    ).content.decode()

    assert '<td class="num nowrap" data-label="Mức thu">2.000\u00a0đ</td>' in html
    assert '<span class="badge badge--lien-thong">Thủ tục liên thông</span>' in html
    assert "<dt>Thủ tục liên thông</dt><dd>Có</dd>" in html
    assert '<td class="nowrap" data-label="Thời hạn">3 ngày làm việc</td>' in html


def test_detail_without_fees_or_documents_says_so(client, environment_licence):
    html = client.get(
        reverse("portal:procedure_detail", args=[environment_licence.pk])
    ).content.decode()

    assert "Chưa có thông tin về phí, lệ phí." in html
    assert html.count("Chưa có thông tin.") == 2  # processing times, documents


def test_detail_of_the_demo_lien_thong_shows_the_parallel_steps(client, demo_catalog):
    procedure = Procedure.objects.get(code="MC.LT.01")

    html = client.get(reverse("portal:procedure_detail", args=[procedure.pk])).content.decode()

    assert html.count('<span class="badge">Song song</span>') == 2
    assert "Công an xã" in html
    assert '<td class="nowrap" data-label="Thời hạn">3 ngày làm việc</td>' in html


def test_every_demo_procedure_page_renders(client, demo_catalog):
    for procedure in Procedure.objects.all():
        response = client.get(reverse("portal:procedure_detail", args=[procedure.pk]))

        assert response.status_code == 200, procedure.code
        assert f"<h1>{procedure.name}</h1>" in response.content.decode(), procedure.code


def test_detail_query_count(client, django_assert_num_queries, birth):
    # procedure with field and agency, then times, documents, fees, workflow steps
    with django_assert_num_queries(5):
        client.get(reverse("portal:procedure_detail", args=[birth.pk]))


def test_unknown_procedure_is_a_vietnamese_404(client, fields):
    response = client.get(reverse("portal:procedure_detail", args=[999_999]))

    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Không tìm thấy trang</h1>" in html
    assert "Hệ thống một cửa" in html


def test_unpublished_procedure_is_a_404(client, birth):
    birth.is_published = False
    birth.save(update_fields=["is_published"])

    response = client.get(reverse("portal:procedure_detail", args=[birth.pk]))

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_unpublished_procedure_is_not_listed_nor_found(client, birth):
    birth.is_published = False
    birth.save(update_fields=["is_published"])

    assert result_names(client.get(reverse("portal:procedure_list"))) == []
    assert result_names(client.get(reverse("portal:procedure_search"), {"q": "khai sinh"})) == []


def test_unknown_path_is_the_vietnamese_404(client, fields):
    response = client.get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert "Trang hoặc thủ tục bạn tìm không tồn tại" in response.content.decode()


def test_500_page_renders_without_a_request_context():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert "Hệ thống đang gặp sự cố" in html
    assert 'href="/static/portal/portal.css"' in html
