"""'Hồ sơ của tôi': the list with status, due time and what to do; one dossier; file downloads.
Another citizen (or anonymous visitor) gets the same 404 as for an unknown code."""

import re
from pathlib import Path

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive, dossier_request_supplement
from motcua.dossiers.tests.factories import build_office, demo_procedure, local
from motcua.portal.tests.citizen_helpers import (
    MARRIAGE,
    PDF,
    as_user,
    make_citizen,
    submission_post,
)

pytestmark = pytest.mark.django_db

MONDAY_MORNING = local(2026, 3, 2, 8, 0)


@pytest.fixture
def office():
    return build_office()


@pytest.fixture
def marriage():
    return demo_procedure(MARRIAGE)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def citizen():
    return make_citizen()


@pytest.fixture
def submitted(office, marriage, citizen, clock) -> Dossier:
    as_user(citizen).post(
        reverse("portal:citizen_submit", args=[marriage.pk]),
        submission_post(marriage, office.desk),
    )
    return Dossier.objects.get()


def test_my_dossiers_lists_the_new_dossier_as_moi_dang_ky(citizen, submitted):
    page = as_user(citizen).get(reverse("portal:my_dossiers")).content.decode()

    assert submitted.code in page
    assert "Mới đăng ký" in page
    assert "Đã nộp trực tuyến, chờ tiếp nhận" in page
    assert "Thủ tục đăng ký kết hôn" in page
    assert "Việc cần làm" not in page


def test_my_dossiers_shows_only_my_own(citizen, submitted):
    other = make_citizen("binh@example.vn")

    page = as_user(other).get(reverse("portal:my_dossiers")).content.decode()

    assert submitted.code not in page
    assert "Bạn chưa nộp hồ sơ nào." in page


def test_my_dossiers_costs_a_fixed_number_of_queries(
    office, marriage, citizen, clock, django_assert_num_queries
):
    client = as_user(citizen)
    for _number in range(3):
        client.post(
            reverse("portal:citizen_submit", args=[marriage.pk]),
            submission_post(marriage, office.desk),
        )
    # session, user, the profile (verified?), the dossiers, their open supplement requests
    with django_assert_num_queries(5):
        response = client.get(reverse("portal:my_dossiers"))
    assert response.content.decode().count("Mới đăng ký") == 3


def test_a_supplement_request_tells_the_citizen_what_to_bring(office, citizen, submitted, clock):
    dossier_receive(
        actor=office.reception,
        receiving_agency=office.desk,
        procedure=None,
        channel="online",
        applicant={},
        documents=[],
        dossier=submitted,
    )
    submitted.refresh_from_db()
    dossier_request_supplement(
        actor=office.reception,
        dossier=submitted,
        items=["Bản chính giấy xác nhận tình trạng hôn nhân"],
        reason="Thiếu giấy xác nhận tình trạng hôn nhân",
    )

    page = as_user(citizen).get(reverse("portal:my_dossiers")).content.decode()

    assert "Cần bổ sung giấy tờ" in page
    assert "Việc cần làm:" in page
    assert "Bản chính giấy xác nhận tình trạng hôn nhân" in page
    assert "Hạn bổ sung:" in page


def test_the_dossier_page_shows_status_files_and_timeline(citizen, submitted):
    page = as_user(citizen).get(reverse("portal:my_dossier", args=[submitted.code]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Mới đăng ký" in text
    assert "giay-to-0.pdf" in text
    assert "giay-to-1.pdf" in text
    assert "Nộp hồ sơ trực tuyến" in text  # the timeline's first event
    assert "Trung tâm phục vụ hành chính công xã Hàm Yên" in text


def test_the_file_is_downloaded_as_an_attachment_with_nosniff(citizen, submitted):
    stored = submitted.files.order_by("id").first()

    response = as_user(citizen).get(
        reverse("portal:my_dossier_file", args=[submitted.code, stored.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="giay-to-0.pdf"'
    assert b"".join(response.streaming_content) == PDF


def same_page(content: bytes, code: str) -> bytes:
    content = content.replace(code.encode(), b"CODE")
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def test_another_citizen_gets_the_same_404_as_an_unknown_code(citizen, submitted):
    other = as_user(make_citizen("binh@example.vn"))
    stored = submitted.files.first()

    theirs = other.get(reverse("portal:my_dossier", args=[submitted.code]))
    unknown = other.get(reverse("portal:my_dossier", args=["000.01.51.H62-260302-9999"]))
    their_file = other.get(reverse("portal:my_dossier_file", args=[submitted.code, stored.pk]))
    no_file = other.get(reverse("portal:my_dossier_file", args=[submitted.code, stored.pk + 99]))

    assert [r.status_code for r in (theirs, unknown, their_file, no_file)] == [404] * 4
    # The same page, but for the address echoed in the language switch and its CSRF token.
    assert same_page(theirs.content, submitted.code) == same_page(
        unknown.content, "000.01.51.H62-260302-9999"
    )
    assert b"giay-to-0.pdf" not in theirs.content


def test_a_file_of_my_dossier_under_another_code_is_404(
    office, marriage, citizen, submitted, clock
):
    other_owner = make_citizen("binh@example.vn")
    as_user(other_owner).post(
        reverse("portal:citizen_submit", args=[marriage.pk]),
        submission_post(marriage, office.desk),
    )
    theirs = Dossier.objects.exclude(pk=submitted.pk).get()
    their_file = theirs.files.first()

    response = as_user(citizen).get(
        reverse("portal:my_dossier_file", args=[submitted.code, their_file.pk])
    )

    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_log_in_for_pages_and_files(submitted):
    stored = submitted.files.first()
    client = Client()

    page = client.get(reverse("portal:my_dossier", args=[submitted.code]))
    download = client.get(reverse("portal:my_dossier_file", args=[submitted.code, stored.pk]))

    assert page.status_code == 302
    assert page["Location"].startswith("/dang-nhap-cong-dan/")
    assert download.status_code == 302


def _weight(client: Client, url: str) -> int:
    """Bytes of the page plus every stylesheet and script it references."""
    html = client.get(url).content
    total = len(html)
    for asset in re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html):
        path = finders.find(asset.decode())
        assert path, asset
        total += Path(path).stat().st_size
    return total


def test_citizen_pages_weigh_under_200_kilobytes(office, marriage, citizen, submitted):
    client = as_user(citizen)
    anonymous = Client()
    urls = [
        (anonymous, reverse("portal:citizen_register")),
        (anonymous, reverse("portal:citizen_login")),
        (client, reverse("portal:citizen_profile")),
        (client, reverse("portal:citizen_submit", args=[marriage.pk])),
        (client, reverse("portal:my_dossiers")),
        (client, reverse("portal:my_dossier", args=[submitted.code])),
    ]
    for who, url in urls:
        weight = _weight(who, url)
        assert 50_000 < weight < 200_000, (url, weight)


def test_pages_reference_no_external_assets(office, marriage, citizen, submitted):
    client = as_user(citizen)
    for url in (
        reverse("portal:citizen_submit", args=[marriage.pk]),
        reverse("portal:my_dossier", args=[submitted.code]),
    ):
        html = client.get(url).content.decode()
        assert not re.search(r'(?:href|src)="(?:https?:)?//', html), url


@pytest.mark.parametrize("when", [local(2026, 3, 2, 8, 0)])
def test_due_time_is_shown_once_received(office, citizen, submitted, when):
    with time_machine.travel(when, tick=False):
        dossier_receive(
            actor=office.reception,
            receiving_agency=office.desk,
            procedure=None,
            channel="online",
            applicant={},
            documents=[],
            dossier=submitted,
        )
    submitted.refresh_from_db()
    due = submitted.due_at.astimezone(when.tzinfo)

    page = as_user(citizen).get(reverse("portal:my_dossiers")).content.decode()

    assert f'Hẹn trả kết quả: <time datetime="{due.isoformat()}">{due:%d/%m/%Y %H:%M}' in page


def test_the_applicant_may_attach_only_while_the_dossier_is_newly_submitted(
    office, citizen, submitted
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.common.errors import Forbidden, NotFound
    from motcua.dossiers.services import dossier_attach_file

    stranger = make_citizen("binh@example.vn")
    with pytest.raises(NotFound):
        dossier_attach_file(
            actor=stranger,
            dossier=submitted,
            upload=SimpleUploadedFile("x.pdf", PDF, "application/pdf"),
        )
    dossier_receive(
        actor=office.reception,
        receiving_agency=office.desk,
        procedure=None,
        channel="online",
        applicant={},
        documents=[],
        dossier=submitted,
    )
    submitted.refresh_from_db()

    with pytest.raises(Forbidden):
        dossier_attach_file(
            actor=citizen,
            dossier=submitted,
            upload=SimpleUploadedFile("x.pdf", PDF, "application/pdf"),
        )
    assert submitted.files.count() == 2
