"""Reads of ratings: the dossier behind a rating link, the desk tablet's list, officers'
feedback lists, and the satisfaction summary for reports."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core import signing
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.common.errors import Forbidden, NotFound
from motcua.dossiers.access import Reach
from motcua.dossiers.models import Dossier
from motcua.dossiers.statuses import DossierStatus
from motcua.organizations.access import visible_agencies
from motcua.organizations.models import Agency, Role, subtree_q
from motcua.ratings.models import Feedback, FeedbackStatus, Rating, SatisfactionLevel
from motcua.ratings.services import RATING_LINK_SALT
from motcua.workdays.engine import OFFICE_TZ

COUNTER_LIST_SIZE = 20


def dossier_for_rating_token(*, token: str) -> Dossier:
    """The dossier a rating link points to; NotFound for a forged or damaged token."""
    try:
        pk = signing.Signer(salt=RATING_LINK_SALT).unsign_object(token or "")
    except (signing.BadSignature, ValueError):
        raise NotFound(_("Liên kết đánh giá không hợp lệ."), code="rating_link_invalid") from None
    dossier = (
        Dossier.objects.select_related("receiving_agency").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    if dossier is None:
        raise NotFound(_("Liên kết đánh giá không hợp lệ."), code="rating_link_invalid")
    return dossier


def rating_of(*, dossier: Dossier) -> Rating | None:
    return Rating.objects.filter(dossier=dossier).first()


def _local_day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    start = datetime.combine(first, time.min, tzinfo=OFFICE_TZ)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=OFFICE_TZ)
    return start, end


def counter_desk(*, user, code: str) -> Agency:
    """The desk whose tablet `user` runs: they must hold the reception role there."""
    desk = Agency.objects.filter(code=(code or "").strip(), is_active=True).first()
    if desk is None:
        raise NotFound(code="desk_not_found")
    if not Reach.of(user).holds(Role.RECEPTION, desk):
        raise Forbidden(
            _("Chỉ cán bộ tiếp nhận của «%(desk)s» được mở trang đánh giá tại quầy.")
            % {"desk": desk.name},
            code="role_not_allowed",
        )
    return desk


def counter_dossiers_to_rate(*, desk: Agency) -> QuerySet[Dossier]:
    """Dossiers this desk returned today (office day) and not yet rated, the latest first."""
    today = timezone.now().astimezone(OFFICE_TZ).date()
    start, end = _local_day_bounds(today, today)
    return (
        Dossier.objects.filter(
            receiving_agency=desk,
            status=DossierStatus.RETURNED,
            returned_at__gte=start,
            returned_at__lt=end,
            rating__isnull=True,
        )
        .only("code", "procedure_name", "applicant_name", "returned_at", "returned_to")
        .order_by("-returned_at", "-id")[:COUNTER_LIST_SIZE]
    )


def counter_dossier(*, desk: Agency, code: str) -> Dossier:
    """A dossier of this desk returned today, to rate on the tablet; NotFound otherwise."""
    today = timezone.now().astimezone(OFFICE_TZ).date()
    start, end = _local_day_bounds(today, today)
    dossier = (
        Dossier.objects.filter(
            receiving_agency=desk,
            status=DossierStatus.RETURNED,
            returned_at__gte=start,
            returned_at__lt=end,
            code=(code or "").strip(),
        )
        .select_related("receiving_agency")
        .first()
    )
    if dossier is None:
        raise NotFound(code="dossier_not_found")
    return dossier


def feedback_list(*, user, status: str | None = FeedbackStatus.OPEN) -> QuerySet[Feedback]:
    """Feedback of the agencies the officer sees, the nearest deadline first."""
    feedback = Feedback.objects.filter(agency__in=visible_agencies(user))
    if status:
        feedback = feedback.filter(status=status)
    return feedback.select_related("rating", "rating__dossier", "agency").order_by("due_at", "id")


def feedback_access(*, user, pk) -> Feedback:
    """One feedback the officer may see; NotFound for another agency's and for a missing one."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(code="feedback_not_found") from None
    found = feedback_list(user=user, status=None).filter(pk=pk).first()
    if found is None:
        raise NotFound(code="feedback_not_found")
    return found


@dataclass(frozen=True)
class SatisfactionSummary:
    very_satisfied: int
    satisfied: int
    not_satisfied: int
    total: int
    satisfied_rate: Decimal | None  # (very + satisfied) ÷ total, 4 places; None without ratings


def satisfaction_summary(*, agency: Agency, date_from: date, date_to: date) -> SatisfactionSummary:
    """Ratings of dossiers received at `agency` or below it, rated on office days date_from to
    date_to inclusive (one query)."""
    start, end = _local_day_bounds(date_from, date_to)
    counts = Rating.objects.filter(
        subtree_q(agency, "agency__"), created_at__gte=start, created_at__lt=end
    ).aggregate(
        very=Count("id", filter=Q(level=SatisfactionLevel.VERY_SATISFIED)),
        satisfied=Count("id", filter=Q(level=SatisfactionLevel.SATISFIED)),
        not_satisfied=Count("id", filter=Q(level=SatisfactionLevel.NOT_SATISFIED)),
    )
    total = counts["very"] + counts["satisfied"] + counts["not_satisfied"]
    rate = None
    if total:
        rate = (Decimal(counts["very"] + counts["satisfied"]) / Decimal(total)).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_UP
        )
    return SatisfactionSummary(
        very_satisfied=counts["very"],
        satisfied=counts["satisfied"],
        not_satisfied=counts["not_satisfied"],
        total=total,
        satisfied_rate=rate,
    )
