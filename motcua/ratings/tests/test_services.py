"""Rating a returned dossier once, the feedback of an unsatisfied rating and its answer, and the
satisfaction summary."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core import signing

from motcua.common.errors import Conflict, Forbidden, InvalidInput, NotFound
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.tests.factories import HKD, build_office, demo_procedure, local
from motcua.organizations.models import Role
from motcua.ratings.models import Feedback, FeedbackStatus, Rating, SatisfactionLevel
from motcua.ratings.selectors import (
    dossier_for_rating_token,
    feedback_access,
    feedback_list,
    satisfaction_summary,
)
from motcua.ratings.services import feedback_answer, rating_link, rating_submit, rating_token
from motcua.ratings.tests.factories import result_ready, returned

FRIDAY_3PM = local(2026, 3, 6, 15, 0)


@pytest.fixture
def office(db):
    return build_office()


@pytest.fixture
def hkd(db):
    return demo_procedure(HKD)


@pytest.fixture
def dossier(office, hkd):
    return returned(office, hkd, at=FRIDAY_3PM)


def rate(dossier, when=FRIDAY_3PM, **kwargs):
    kwargs.setdefault("level", SatisfactionLevel.SATISFIED)
    kwargs.setdefault("channel", "online")
    with time_machine.travel(when, tick=False):
        return rating_submit(dossier=dossier, **kwargs)


def rate_events(dossier):
    return list(DossierEvent.objects.filter(dossier=dossier, action="rate"))


# -- the link ------------------------------------------------------------------------------------


def test_rating_link_points_to_the_public_page_of_this_dossier(settings, dossier):
    settings.MOTCUA_PUBLIC_BASE_URL = "https://motcua.tuyenquang.gov.vn/"

    link = rating_link(dossier)

    token = rating_token(dossier)
    assert link == f"https://motcua.tuyenquang.gov.vn/danh-gia/{token}/"
    assert dossier_for_rating_token(token=token) == dossier


@pytest.mark.parametrize(
    "token",
    ["", "abc", "signed-for-another-purpose", "missing-dossier"],
)
def test_a_bad_token_is_not_found(dossier, token):
    if token == "signed-for-another-purpose":
        token = signing.Signer(salt="motcua.other").sign_object(dossier.pk)
    elif token == "missing-dossier":
        token = signing.Signer(salt="motcua.ratings.link").sign_object(dossier.pk + 1000)

    with pytest.raises(NotFound) as error:
        dossier_for_rating_token(token=token)

    assert error.value.code == "rating_link_invalid"


# -- rating --------------------------------------------------------------------------------------


def test_rate_once_records_the_rating_and_one_event(dossier):
    rating = rate(
        dossier,
        level=SatisfactionLevel.VERY_SATISFIED,
        criteria={"attitude": "very_satisfied", "total_time": "satisfied", "publicity": ""},
        comment="  Cán bộ nhiệt tình.  ",
        reason="ignored when satisfied",
    )

    rating.refresh_from_db()
    assert (rating.level, rating.channel, rating.comment, rating.reason) == (
        "very_satisfied",
        "online",
        "Cán bộ nhiệt tình.",
        "",
    )
    assert rating.criteria == {"attitude": "very_satisfied", "total_time": "satisfied"}
    assert rating.agency_id == dossier.receiving_agency_id
    assert rating.created_at == FRIDAY_3PM
    assert not Feedback.objects.exists()
    [event] = rate_events(dossier)
    assert (event.from_status, event.to_status, event.at) == ("returned", "returned", FRIDAY_3PM)
    assert event.data == {"level": "very_satisfied", "channel": "online"}


def test_a_second_rating_is_a_conflict_and_changes_nothing(dossier):
    rate(dossier, level=SatisfactionLevel.SATISFIED)

    with pytest.raises(Conflict) as error:
        rate(dossier, level=SatisfactionLevel.NOT_SATISFIED, reason="Chờ lâu", channel="counter")

    assert error.value.code == "already_rated"
    assert "chỉ được đánh giá một lần" in str(error.value.message)
    assert list(Rating.objects.values_list("level", "channel")) == [("satisfied", "online")]
    assert not Feedback.objects.exists()
    assert len(rate_events(dossier)) == 1


def test_only_a_returned_dossier_can_be_rated(office, hkd):
    dossier = result_ready(office, hkd)

    with pytest.raises(Conflict) as error:
        rate(dossier)

    assert error.value.code == "dossier_not_returned"
    assert not Rating.objects.exists()
    assert rate_events(dossier) == []


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"level": "happy"}, "invalid_level"),
        ({"level": ""}, "invalid_level"),
        ({"channel": "phone"}, "invalid_channel"),
        ({"criteria": {"parking": "satisfied"}}, "invalid_criteria"),
        ({"criteria": {"attitude": "great"}}, "invalid_criteria"),
        ({"criteria": ["attitude"]}, "invalid_criteria"),
        ({"level": "not_satisfied", "reason": "   "}, "required"),
        ({"level": "not_satisfied"}, "required"),
        ({"comment": "x" * 2001}, "too_long"),
        ({"comment": "a\x00b"}, "invalid_characters"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(dossier, kwargs, code):
    with pytest.raises(InvalidInput) as error:
        rate(dossier, **kwargs)

    assert error.value.code == code
    assert not Rating.objects.exists()
    assert rate_events(dossier) == []


def test_not_satisfied_opens_feedback_due_five_working_days_later_across_the_weekend(dossier):
    # Friday 6/3/2026 15:00 + 5 working days (Sat/Sun off) = Friday 13/3/2026 15:00.
    rating = rate(dossier, level=SatisfactionLevel.NOT_SATISFIED, reason="Phải đi lại 3 lần.")

    feedback = Feedback.objects.get()
    assert feedback.rating == rating
    assert rating.reason == "Phải đi lại 3 lần."
    assert feedback.agency == dossier.receiving_agency
    assert feedback.status == FeedbackStatus.OPEN
    assert feedback.due_at == local(2026, 3, 13, 15, 0)
    assert rate_events(dossier)[0].note == "Phải đi lại 3 lần."


def test_the_answer_time_comes_from_the_setting(settings, dossier):
    settings.MOTCUA_FEEDBACK_ANSWER_DAYS = 1

    rate(dossier, level=SatisfactionLevel.NOT_SATISFIED, reason="Chờ lâu")

    assert Feedback.objects.get().due_at == local(2026, 3, 9, 15, 0)  # Monday


# -- answering feedback --------------------------------------------------------------------------


@pytest.fixture
def feedback(dossier):
    rate(dossier, level=SatisfactionLevel.NOT_SATISFIED, reason="Chờ lâu")
    return Feedback.objects.get()


def test_an_officer_of_the_desk_answers(office, feedback):
    when = local(2026, 3, 9, 8, 30)
    with time_machine.travel(when, tick=False):
        feedback_answer(actor=office.reception, feedback=feedback, answer=" Xin lỗi ông/bà. ")

    feedback.refresh_from_db()
    assert (feedback.status, feedback.answer, feedback.answered_by, feedback.answered_at) == (
        FeedbackStatus.ANSWERED,
        "Xin lỗi ông/bà.",
        office.reception,
        when,
    )
    with pytest.raises(Conflict) as error:
        feedback_answer(actor=office.leader, feedback=feedback, answer="Lần hai")
    assert error.value.code == "feedback_answered"
    feedback.refresh_from_db()
    assert feedback.answered_by == office.reception


def test_another_agency_does_not_see_the_feedback(office, feedback):
    other = office.other[Role.RECEPTION]

    assert list(feedback_list(user=other)) == []
    with pytest.raises(NotFound):
        feedback_access(user=other, pk=feedback.pk)
    assert feedback_access(user=office.reception, pk=feedback.pk) == feedback
    assert list(feedback_list(user=office.leader)) == [feedback]


@pytest.mark.parametrize("role", [Role.REPORTER])
def test_a_role_that_does_not_answer_is_forbidden(office, feedback, role):
    officer = office.officers[role]
    assert feedback_access(user=officer, pk=feedback.pk) == feedback

    with pytest.raises(Forbidden):
        feedback_answer(actor=officer, feedback=feedback, answer="Đã xem")

    feedback.refresh_from_db()
    assert (feedback.status, feedback.answer, feedback.answered_by) == ("open", "", None)


def test_an_empty_answer_is_refused(office, feedback):
    with pytest.raises(InvalidInput) as error:
        feedback_answer(actor=office.reception, feedback=feedback, answer="  ")

    assert error.value.code == "required"
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.OPEN


# -- summary -------------------------------------------------------------------------------------


def test_satisfaction_summary_counts_levels_in_the_subtree_and_the_dates(
    office, hkd, django_assert_num_queries
):
    levels = ["very_satisfied", "satisfied", "satisfied", "not_satisfied"]
    for level in levels:
        dossier = returned(office, hkd, at=local(2026, 3, 2, 15, 0))
        rate(dossier, when=local(2026, 3, 2, 16, 0), level=level, reason="Chờ lâu")
    late = returned(office, hkd, at=local(2026, 3, 3, 15, 0))
    rate(late, when=local(2026, 3, 4, 0, 30), level="not_satisfied", reason="Ngoài kỳ")

    with django_assert_num_queries(1):
        summary = satisfaction_summary(
            agency=office.province, date_from=date(2026, 3, 2), date_to=date(2026, 3, 3)
        )

    assert (summary.very_satisfied, summary.satisfied, summary.not_satisfied, summary.total) == (
        1,
        2,
        1,
        4,
    )
    assert summary.satisfied_rate == Decimal("0.7500")
    on_fourth = satisfaction_summary(
        agency=office.desk, date_from=date(2026, 3, 4), date_to=date(2026, 3, 4)
    )
    assert (on_fourth.total, on_fourth.not_satisfied, on_fourth.satisfied_rate) == (
        1,
        1,
        Decimal("0.0000"),
    )
    other = satisfaction_summary(
        agency=office.other_commune, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)
    )
    assert (other.total, other.satisfied_rate) == (0, None)
