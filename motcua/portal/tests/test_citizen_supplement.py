"""The citizen answers a supplement request online on /ho-so-cua-toi/<code>/: one file per
requested item and a note; every file is checked first, then the files and the answer are written
together and the dossier goes back to the desk. Another citizen gets 404 and changes nothing."""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from motcua.dossiers.models import Dossier, DossierEvent, SupplementRequest
from motcua.dossiers.services import dossier_receive, dossier_request_supplement
from motcua.dossiers.statuses import Action, DossierStatus
from motcua.dossiers.tests.factories import build_office, demo_procedure, local
from motcua.portal.tests.citizen_helpers import (
    MARRIAGE,
    PNG,
    as_user,
    make_citizen,
    pdf,
    submission_post,
)

pytestmark = pytest.mark.django_db

MONDAY_MORNING = local(2026, 3, 2, 8, 0)
ITEMS = [
    "Bản chính giấy xác nhận tình trạng hôn nhân",
    "Bản sao căn cước của người kia",
]
REASON = "Thiếu giấy xác nhận tình trạng hôn nhân và căn cước"


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
def waiting(office, marriage, citizen, clock) -> Dossier:
    """Submitted Monday 08:00, received at 08:00, two documents asked for at 09:00."""
    as_user(citizen).post(
        reverse("portal:citizen_submit", args=[marriage.pk]),
        submission_post(marriage, office.desk),
    )
    dossier = Dossier.objects.get()
    dossier_receive(
        actor=office.reception,
        receiving_agency=office.desk,
        procedure=None,
        channel="online",
        applicant={},
        documents=[],
        dossier=dossier,
    )
    clock.move_to(MONDAY_MORNING + timedelta(hours=1))
    dossier_request_supplement(actor=office.reception, dossier=dossier, items=ITEMS, reason=REASON)
    dossier.refresh_from_db()
    return dossier


def page_url(dossier) -> str:
    return reverse("portal:my_dossier", args=[dossier.code])


def answer_url(dossier) -> str:
    return reverse("portal:my_dossier_supplement", args=[dossier.code])


def state(dossier) -> tuple:
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.due_at,
        dossier.files.count(),
        dossier.documents.count(),
        dossier.events.count(),
        SupplementRequest.objects.filter(dossier=dossier, answered_at=None).count(),
    )


def stored_files(media: Path) -> list[Path]:
    return sorted(p for p in media.rglob("*") if p.is_file())


def test_the_page_shows_the_items_the_reason_and_one_input_per_item(citizen, waiting):
    page = as_user(citizen).get(page_url(waiting)).content.decode()

    assert "Bổ sung hồ sơ trực tuyến" in page
    assert REASON in page
    assert ITEMS[0] in page
    assert ITEMS[1] in page
    assert f'action="{answer_url(waiting)}"' in page
    assert page.count('type="file" name="item_') == 2
    assert 'name="note"' in page


def test_no_form_when_nothing_is_asked(office, marriage, citizen, clock):
    as_user(citizen).post(
        reverse("portal:citizen_submit", args=[marriage.pk]),
        submission_post(marriage, office.desk),
    )
    dossier = Dossier.objects.get()

    page = as_user(citizen).get(page_url(dossier)).content.decode()

    assert "Bổ sung hồ sơ trực tuyến" not in page
    assert "item_0" not in page


def test_answering_returns_the_dossier_to_the_desk_with_the_clock_restarted(
    citizen, waiting, clock
):
    received_due = waiting.due_at
    clock.move_to(local(2026, 3, 3, 10, 0))

    response = as_user(citizen).post(
        answer_url(waiting),
        {
            "item_0": pdf("xac-nhan-hon-nhan.pdf"),
            "item_1": pdf("can-cuoc.png", PNG),
            "note": "Gửi bổ sung hai giấy tờ",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == page_url(waiting) + "?da-bo-sung=1"
    waiting.refresh_from_db()
    assert waiting.status == DossierStatus.RECEIVED  # where it was when the desk asked
    assert waiting.clock_started_at == local(2026, 3, 3, 10, 0)
    assert waiting.due_at > received_due
    request = SupplementRequest.objects.get(dossier=waiting)
    assert request.answered_at == local(2026, 3, 3, 10, 0)
    names = list(waiting.files.order_by("id").values_list("original_name", "uploaded_by"))
    assert names[-2:] == [("xac-nhan-hon-nhan.pdf", citizen.pk), ("can-cuoc.png", citizen.pk)]
    assert list(waiting.documents.order_by("-order").values_list("name", flat=True)[:2]) == [
        ITEMS[1],
        ITEMS[0],
    ]
    event = DossierEvent.objects.get(dossier=waiting, action=Action.SUPPLEMENT)
    assert (event.actor, event.note, event.data["documents"]) == (
        citizen,
        "Gửi bổ sung hai giấy tờ",
        ITEMS,
    )

    page = as_user(citizen).get(response["Location"]).content.decode()
    assert "Đã gửi giấy tờ bổ sung." in page
    assert "Bổ sung hồ sơ trực tuyến" not in page


def test_a_missing_item_is_named_and_nothing_is_written(citizen, waiting, media):
    before, files_before = state(waiting), stored_files(media)

    response = as_user(citizen).post(answer_url(waiting), {"item_0": pdf(), "note": ""})

    assert response.status_code == 400
    assert f"Chưa tải lên giấy tờ cần bổ sung: {ITEMS[1]}." in response.content.decode()
    assert state(waiting) == before
    assert stored_files(media) == files_before


def test_a_bad_file_refuses_the_whole_answer_before_anything_is_stored(citizen, waiting, media):
    before, files_before = state(waiting), stored_files(media)

    response = as_user(citizen).post(
        answer_url(waiting),
        {"item_0": pdf(), "item_1": pdf("ghi-chu.pdf", b"<html>not a pdf</html>")},
    )

    assert response.status_code == 400
    assert f"«{ITEMS[1]}»: Chỉ nhận tệp PDF, JPEG hoặc PNG." in response.content.decode()
    assert state(waiting) == before
    assert stored_files(media) == files_before


def test_a_note_with_a_control_character_is_refused(citizen, waiting, media):
    before, files_before = state(waiting), stored_files(media)

    response = as_user(citizen).post(
        answer_url(waiting), {"item_0": pdf(), "item_1": pdf(), "note": "a\x01b"}
    )

    assert response.status_code == 400
    assert "Trường «ghi chú» chứa ký tự không hợp lệ." in response.content.decode()
    assert state(waiting) == before
    assert stored_files(media) == files_before


def test_answering_twice_is_a_conflict(citizen, waiting):
    client = as_user(citizen)
    client.post(answer_url(waiting), {"item_0": pdf(), "item_1": pdf()})
    before = state(waiting)

    response = client.post(answer_url(waiting), {"item_0": pdf(), "item_1": pdf()})

    assert response.status_code == 409
    assert "Hồ sơ không có yêu cầu bổ sung nào đang chờ trả lời." in response.content.decode()
    assert state(waiting) == before


def test_another_citizen_gets_404_and_changes_nothing(waiting, media):
    other = as_user(make_citizen("binh@example.vn"))
    before, files_before = state(waiting), stored_files(media)

    page = other.get(page_url(waiting))
    answer = other.post(answer_url(waiting), {"item_0": pdf(), "item_1": pdf()})

    assert (page.status_code, answer.status_code) == (404, 404)
    assert ITEMS[0].encode() not in answer.content
    assert state(waiting) == before
    assert stored_files(media) == files_before


def test_anonymous_visitors_are_sent_to_log_in(waiting):
    before = state(waiting)

    response = Client().post(answer_url(waiting), {"item_0": pdf(), "item_1": pdf()})

    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap-cong-dan/")
    assert state(waiting) == before


def test_answering_needs_a_post(citizen, waiting):
    assert as_user(citizen).get(answer_url(waiting)).status_code == 405


def test_a_dossier_brought_to_the_desk_is_completed_at_the_desk(office, marriage, citizen, clock):
    from motcua.dossiers.tests.factories import receive

    dossier = receive(office, marriage)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_user=citizen)
    dossier_request_supplement(actor=office.reception, dossier=dossier, items=ITEMS, reason=REASON)
    before = state(dossier)
    client = as_user(citizen)

    page = client.get(page_url(dossier)).content.decode()
    answer = client.post(answer_url(dossier), {"item_0": pdf(), "item_1": pdf()})

    assert "Bổ sung hồ sơ trực tuyến" not in page
    assert ITEMS[0] in page  # still told what to bring to the desk
    assert answer.status_code == 403
    assert "Bạn không được đính kèm tệp vào hồ sơ này." in answer.content.decode()
    assert "Bổ sung hồ sơ trực tuyến" not in answer.content.decode()
    assert state(dossier) == before
