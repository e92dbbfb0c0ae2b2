"""The rating pages: public link, desk tablet, officers' feedback; the dossier page's block."""

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from motcua.dossiers.tests.factories import HKD, build_office, demo_procedure, local
from motcua.organizations.models import Role
from motcua.ratings.models import Feedback, FeedbackStatus, Rating
from motcua.ratings.services import rating_submit, rating_token
from motcua.ratings.tests.factories import result_ready, returned

RETURNED_AT = local(2026, 3, 6, 15, 0)
LATER = local(2026, 3, 6, 15, 30)


@pytest.fixture(autouse=True)
def _clean_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def office(db):
    return build_office()


@pytest.fixture
def hkd(db):
    return demo_procedure(HKD)


@pytest.fixture
def dossier(office, hkd):
    return returned(office, hkd, at=RETURNED_AT)


@pytest.fixture
def clock():
    with time_machine.travel(LATER, tick=False):
        yield


def link(dossier):
    return reverse("ratings:rate", args=[rating_token(dossier)])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# -- the public link -----------------------------------------------------------------------------


def test_link_page_is_light_and_rates_once(client, dossier, clock):
    page = client.get(link(dossier))

    assert page.status_code == 200
    body = page.content.decode()
    assert len(page.content) < 50_000
    assert dossier.code in body
    assert "Đăng ký thành lập hộ kinh doanh" in body
    assert "csrfmiddlewaretoken" in body
    assert "Rất hài lòng" in body
    assert "Không hài lòng" in body
    assert "://" not in body
    assert "<link" not in body
    assert "<script" not in body

    sent = client.post(link(dossier), {"level": "satisfied", "criterion_attitude": "satisfied"})

    assert sent.status_code == 302
    assert sent["Location"] == link(dossier)
    rating = Rating.objects.get()
    assert (rating.level, rating.channel, rating.criteria) == (
        "satisfied",
        "online",
        {"attitude": "satisfied"},
    )
    thanks = client.get(link(dossier))
    assert thanks.status_code == 200
    assert "đã được đánh giá: Hài lòng" in thanks.content.decode()

    again = client.post(link(dossier), {"level": "very_satisfied"})

    assert again.status_code == 409
    assert "chỉ được đánh giá một lần" in again.content.decode()
    assert Rating.objects.get().level == "satisfied"


def test_a_bad_token_answers_404(client, dossier):
    for token in ["abc", rating_token(dossier) + "x"]:
        for method in (client.get, client.post):
            response = method(reverse("ratings:rate", args=[token]), {"level": "satisfied"})
            assert response.status_code == 404
            assert "Liên kết đánh giá không hợp lệ." in response.content.decode()
    assert not Rating.objects.exists()


def test_a_dossier_not_yet_returned_cannot_be_rated(client, office, hkd):
    dossier = result_ready(office, hkd)

    page = client.get(link(dossier))
    sent = client.post(link(dossier), {"level": "satisfied"})

    assert (page.status_code, sent.status_code) == (409, 409)
    assert "Hồ sơ chưa trả kết quả nên chưa thể đánh giá." in sent.content.decode()
    assert not Rating.objects.exists()


def test_not_satisfied_without_a_reason_shows_the_form_again(client, dossier, clock):
    sent = client.post(link(dossier), {"level": "not_satisfied", "comment": "Chậm"})

    assert sent.status_code == 400
    body = sent.content.decode()
    assert "Trường «lý do không hài lòng» không được để trống." in body
    assert 'value="not_satisfied" required checked' in body
    assert ">Chậm</textarea>" in body
    assert not Rating.objects.exists()

    sent = client.post(link(dossier), {"level": "not_satisfied", "reason": "Chờ 2 tiếng"})

    assert sent.status_code == 302
    assert Feedback.objects.get().due_at == local(2026, 3, 13, 15, 30)


def test_the_rating_form_needs_the_csrf_token(dossier):
    client = Client(enforce_csrf_checks=True)

    sent = client.post(link(dossier), {"level": "satisfied"})

    assert sent.status_code == 403
    assert not Rating.objects.exists()


def test_submissions_are_rate_limited_per_client(client, settings, dossier, clock):
    settings.MOTCUA_RATING_RATE = 2
    url = link(dossier)

    statuses = [client.post(url, {"level": ""}).status_code for _ in range(3)]

    assert statuses == [400, 400, 429]
    limited = client.post(url, {"level": "satisfied"})
    assert limited.status_code == 429
    assert "Bạn đã gửi quá nhiều đánh giá" in limited.content.decode()
    assert int(limited["Retry-After"]) >= 1
    assert not Rating.objects.exists()
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(url, {"level": "satisfied"}).status_code == 302


# -- the desk tablet -----------------------------------------------------------------------------


def counter_url(office, desk=None):
    return reverse("ratings:counter", args=[(desk or office.desk).code])


def test_counter_page_lists_todays_returned_dossiers_of_the_desk(office, hkd, dossier):
    yesterday = returned(office, hkd, at=local(2026, 3, 5, 15, 0))
    tablet = signed_in(office.reception)

    with time_machine.travel(LATER, tick=False):
        page = tablet.get(counter_url(office))

    assert page.status_code == 200
    body = page.content.decode()
    assert dossier.code in body
    assert yesterday.code not in body
    assert reverse("ratings:counter_rate", args=[office.desk.code, dossier.code]) in body


def test_counter_rating_has_the_counter_channel(office, dossier):
    tablet = signed_in(office.reception)
    url = reverse("ratings:counter_rate", args=[office.desk.code, dossier.code])

    with time_machine.travel(LATER, tick=False):
        form = tablet.get(url)
        sent = tablet.post(url, {"level": "very_satisfied"})
        after = tablet.get(counter_url(office), follow=False)

    assert form.status_code == 200
    assert "Gửi đánh giá" in form.content.decode()
    assert sent.status_code == 302
    assert sent["Location"] == counter_url(office)
    rating = Rating.objects.get()
    assert (rating.level, rating.channel) == ("very_satisfied", "counter")
    body = after.content.decode()
    assert "Cảm ơn ông/bà đã đánh giá!" in body
    assert dossier.code not in body


def test_counter_page_access(client, office, dossier):
    url = counter_url(office)
    with time_machine.travel(LATER, tick=False):
        anonymous = client.get(url)
        other_desk = signed_in(office.other[Role.RECEPTION]).get(url)
        specialist = signed_in(office.specialist).get(url)
        unknown = signed_in(office.reception).get(reverse("ratings:counter", args=["nope"]))
        not_today = signed_in(office.reception).get(
            reverse("ratings:counter_rate", args=[office.desk.code, "000.01.51.H62-260306-0099"])
        )
        foreign = signed_in(office.other[Role.RECEPTION]).get(
            reverse("ratings:counter_rate", args=[office.other_desk.code, dossier.code])
        )

    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"/dang-nhap/?next={url}"
    assert (other_desk.status_code, specialist.status_code) == (403, 403)
    assert (unknown.status_code, not_today.status_code, foreign.status_code) == (404, 404, 404)


# -- officers' feedback --------------------------------------------------------------------------


@pytest.fixture
def feedback(dossier):
    with time_machine.travel(LATER, tick=False):
        rating_submit(dossier=dossier, level="not_satisfied", channel="online", reason="Chờ lâu")
    return Feedback.objects.get()


def test_feedback_list_shows_open_items_overdue_in_red(office, feedback):
    with time_machine.travel(local(2026, 3, 16, 8, 0), tick=False):
        page = signed_in(office.reception).get(reverse("ratings:feedback_list"))
        elsewhere = signed_in(office.other[Role.RECEPTION]).get(reverse("ratings:feedback_list"))

    body = page.content.decode()
    assert page.status_code == 200
    assert feedback.rating.dossier.code in body
    assert 'class="overdue"' in body
    assert "Quá hạn" in body
    assert feedback.rating.dossier.code not in elsewhere.content.decode()


def test_answer_by_an_officer_of_the_agency(office, feedback):
    url = reverse("ratings:feedback", args=[feedback.pk])
    with time_machine.travel(local(2026, 3, 9, 9, 0), tick=False):
        other = signed_in(office.other[Role.RECEPTION]).post(url, {"answer": "Không phải tôi"})
        reporter = signed_in(office.officers[Role.REPORTER]).post(url, {"answer": "Đã xem"})
        empty = signed_in(office.reception).post(url, {"answer": ""})
        feedback.refresh_from_db()
        assert feedback.status == FeedbackStatus.OPEN
        answered = signed_in(office.reception).post(url, {"answer": "Xin lỗi ông/bà."})

    assert (other.status_code, reporter.status_code, empty.status_code) == (404, 403, 400)
    assert "không được để trống" in empty.content.decode()
    assert answered.status_code == 302
    feedback.refresh_from_db()
    assert (feedback.status, feedback.answer, feedback.answered_by) == (
        FeedbackStatus.ANSWERED,
        "Xin lỗi ông/bà.",
        office.reception,
    )


# -- the officers' dossier page ------------------------------------------------------------------


def test_dossier_page_shows_the_link_then_the_rating(office, dossier):
    officer = signed_in(office.reception)
    url = reverse("dossiers:detail", args=[dossier.code])

    before = officer.get(url).content.decode()
    with time_machine.travel(LATER, tick=False):
        rating_submit(dossier=dossier, level="not_satisfied", channel="counter", reason="Chậm")
    after = officer.get(url).content.decode()

    assert link(dossier) in before
    assert "Chưa đánh giá" in before
    assert "Không hài lòng" in after
    assert "Tại quầy" in after
    assert "Chậm" in after
    assert reverse("ratings:feedback", args=[Feedback.objects.get().pk]) in after


def test_feedback_list_costs_the_same_queries_for_one_item_or_three(
    office, hkd, feedback, django_assert_num_queries
):
    officer = signed_in(office.reception)
    url = reverse("ratings:feedback_list")
    # session, user, officer check, the list with its relations
    with django_assert_num_queries(4):
        officer.get(url)
    for hour in (16, 17):
        extra = returned(office, hkd, at=local(2026, 3, 6, hour, 0))
        with time_machine.travel(local(2026, 3, 6, hour, 30), tick=False):
            rating_submit(dossier=extra, level="not_satisfied", channel="online", reason="Chờ")

    with django_assert_num_queries(4):
        page = officer.get(url)

    assert len(page.context["items"]) == 3
