"""Writes of ratings and feedback: one transaction each, one dossier event for a rating."""

from datetime import datetime

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.common.errors import Conflict, Forbidden, InvalidInput
from motcua.dossiers.access import Reach
from motcua.dossiers.models import Dossier
from motcua.dossiers.services._common import clean_text, record_event
from motcua.dossiers.statuses import Action, DossierStatus
from motcua.organizations.models import Role
from motcua.ratings.models import (
    Criterion,
    Feedback,
    FeedbackStatus,
    Rating,
    RatingChannel,
    SatisfactionLevel,
)
from motcua.workdays.engine import DAYS, due_at_after
from motcua.workdays.selectors import calendar_for_agency

RATE_ACTION = Action.RATE
RATING_LINK_SALT = "motcua.ratings.link"
# Roles that answer a feedback of their desk (the desk itself, its leaders and administrators).
ANSWER_ROLES = (Role.RECEPTION, Role.LEADER, Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN)


def rating_token(dossier: Dossier) -> str:
    """Signed, without expiry: the same link every time; the single rating makes it single use."""
    return signing.Signer(salt=RATING_LINK_SALT).sign_object(dossier.pk)


def rating_link(dossier: Dossier) -> str:
    """The public address where the applicant rates `dossier` (sent with the result)."""
    base = settings.MOTCUA_PUBLIC_BASE_URL.rstrip("/")
    return base + reverse("ratings:rate", args=[rating_token(dossier)])


def feedback_answer_days() -> int:
    return int(getattr(settings, "MOTCUA_FEEDBACK_ANSWER_DAYS", 5))


def _clean_level(value) -> str:
    if value not in SatisfactionLevel.values:
        raise InvalidInput(
            _("Vui lòng chọn mức độ hài lòng: Rất hài lòng, Hài lòng hoặc Không hài lòng."),
            code="invalid_level",
        )
    return value


def _clean_criteria(value) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput(_("Đánh giá theo tiêu chí không hợp lệ."), code="invalid_criteria")
    criteria = {}
    for criterion, level in value.items():
        if criterion not in Criterion.values:
            raise InvalidInput(
                _("Tiêu chí «%(criterion)s» không có trong danh sách.") % {"criterion": criterion},
                code="invalid_criteria",
            )
        if level in (None, ""):
            continue
        if level not in SatisfactionLevel.values:
            raise InvalidInput(
                _("Mức đánh giá của tiêu chí «%(criterion)s» không hợp lệ.")
                % {"criterion": Criterion(criterion).label},
                code="invalid_criteria",
            )
        criteria[criterion] = level
    return criteria


def rating_submit(
    *,
    dossier: Dossier,
    level: str,
    channel: str,
    criteria: dict | None = None,
    comment: str = "",
    reason: str = "",
) -> Rating:
    """The applicant rates a returned dossier, once. "Không hài lòng" needs a reason and opens a
    feedback that the receiving desk answers within MOTCUA_FEEDBACK_ANSWER_DAYS working days."""
    level = _clean_level(level)
    if channel not in RatingChannel.values:
        raise InvalidInput(_("Hình thức đánh giá không hợp lệ."), code="invalid_channel")
    criteria = _clean_criteria(criteria)
    comment = clean_text(comment, field=_("góp ý"), max_length=2000)
    reason = clean_text(
        reason,
        field=_("lý do không hài lòng"),
        max_length=2000,
        required=level == SatisfactionLevel.NOT_SATISFIED,
    )
    if level != SatisfactionLevel.NOT_SATISFIED:
        reason = ""
    with transaction.atomic():
        locked = (
            Dossier.objects.select_for_update(of=("self",))  # not the agency row it joins
            .select_related("receiving_agency")
            .get(pk=dossier.pk)
        )
        if locked.status != DossierStatus.RETURNED:
            raise Conflict(
                _("Hồ sơ chưa trả kết quả nên chưa thể đánh giá."), code="dossier_not_returned"
            )
        if Rating.objects.filter(dossier=locked).exists():
            raise _already_rated()
        at = timezone.now()
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    dossier=locked,
                    level=level,
                    criteria=criteria,
                    comment=comment,
                    reason=reason,
                    channel=channel,
                    agency=locked.receiving_agency,
                    created_at=at,
                )
        except IntegrityError:
            raise _already_rated() from None
        if level == SatisfactionLevel.NOT_SATISFIED:
            Feedback.objects.create(
                rating=rating,
                agency=locked.receiving_agency,
                created_at=at,
                due_at=feedback_due_at(start=at, agency=locked.receiving_agency),
            )
        record_event(
            locked,
            action=RATE_ACTION,
            from_status=locked.status,
            actor=None,
            at=at,
            agency=locked.receiving_agency,
            note=reason,
            data={"level": level, "channel": channel},
        )
    return rating


def _already_rated() -> Conflict:
    return Conflict(
        _("Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ được đánh giá một lần."),
        code="already_rated",
    )


def feedback_due_at(*, start: datetime, agency) -> datetime:
    return due_at_after(
        start, feedback_answer_days(), DAYS, calendar_for_agency(agency), cutoff=None
    )


def feedback_answer(*, actor, feedback: Feedback, answer: str) -> Feedback:
    """An officer of the receiving desk (or above it) answers an open feedback. The caller got
    `feedback` through selectors.feedback_access, which already answers 404 for other agencies."""
    answer = clean_text(answer, field=_("nội dung trả lời"), max_length=4000, required=True)
    reach = Reach.of(actor)
    if not any(reach.holds(role, feedback.agency) for role in ANSWER_ROLES) and not (
        actor is not None and actor.is_superuser
    ):
        raise Forbidden(
            _("Vai trò của bạn không được trả lời phản ánh của «%(agency)s».")
            % {"agency": feedback.agency.name},
            code="role_not_allowed",
        )
    with transaction.atomic():
        locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if locked.status != FeedbackStatus.OPEN:
            raise Conflict(_("Phản ánh này đã được trả lời."), code="feedback_answered")
        locked.status = FeedbackStatus.ANSWERED
        locked.answer = answer
        locked.answered_by = actor
        locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    for name in ("status", "answer", "answered_by_id", "answered_at"):
        setattr(feedback, name, getattr(locked, name))
    return feedback
