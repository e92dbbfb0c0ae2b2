"""Rating pages: the public link (phone first), the desk tablet, officers' feedback answers.
Views parse the form, call one selector or service and render; domain errors become pages."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from motcua.common.errors import Conflict, DomainError
from motcua.common.ratelimit import client_ip, rate_limit_hit
from motcua.dossiers.statuses import DossierStatus
from motcua.dossiers.views._common import officer_view
from motcua.ratings.models import Criterion, FeedbackStatus, RatingChannel, SatisfactionLevel
from motcua.ratings.selectors import (
    counter_desk,
    counter_dossier,
    counter_dossiers_to_rate,
    dossier_for_rating_token,
    feedback_access,
    feedback_list,
    rating_of,
)
from motcua.ratings.services import feedback_answer, rating_submit

ERROR_TITLES = {
    400: gettext_lazy("Yêu cầu không hợp lệ"),
    403: gettext_lazy("Không có quyền"),
    404: gettext_lazy("Không tìm thấy"),
    409: gettext_lazy("Không thực hiện được"),
    429: gettext_lazy("Quá nhiều yêu cầu"),
}


class TooManyRatings(DomainError):
    status = 429
    default_code = "rate_limited"


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    status = error.status if error.status in ERROR_TITLES else 400
    response = render(
        request,
        "ratings/error.html",
        {"title": ERROR_TITLES[status], "message": error.message, "status": status},
        status=status,
    )
    if isinstance(error, TooManyRatings):
        response["Retry-After"] = str(error.details.get("retry_after", 60))
    return response


def public_view(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return _error_page(request, error)

    return wrapper


def _check_rate(request: HttpRequest) -> None:
    decision = rate_limit_hit(
        scope="rating",
        key=client_ip(request),
        limit=int(getattr(settings, "MOTCUA_RATING_RATE", 10)),
        window=60,
    )
    if not decision.allowed:
        raise TooManyRatings(
            _("Bạn đã gửi quá nhiều đánh giá; vui lòng thử lại sau %(seconds)d giây.")
            % {"seconds": decision.retry_after},
            details={"retry_after": decision.retry_after},
        )


def _form_context(post=None) -> dict:
    post = post or {}
    return {
        "levels": SatisfactionLevel.choices,
        "criteria": [
            (value, label, post.get(f"criterion_{value}", "")) for value, label in Criterion.choices
        ],
        "chosen": post.get("level", ""),
        "comment": post.get("comment", ""),
        "reason": post.get("reason", ""),
        "not_satisfied": SatisfactionLevel.NOT_SATISFIED,
    }


def _submit(request: HttpRequest, dossier, channel: str):
    """Rate from the posted form; on bad input the form again with the message (400)."""
    try:
        rating_submit(
            dossier=dossier,
            level=request.POST.get("level", ""),
            channel=channel,
            criteria={
                value: request.POST.get(f"criterion_{value}", "") for value in Criterion.values
            },
            comment=request.POST.get("comment", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as error:
        if error.status != 400:
            raise
        return error
    return None


@public_view
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    """The link sent with the result: the applicant rates the dossier once."""
    dossier = dossier_for_rating_token(token=token)
    context = {"dossier": dossier, "action": request.path}
    if request.method == "POST":
        _check_rate(request)
        error = _submit(request, dossier, RatingChannel.ONLINE)
        if error is None:
            return redirect(request.path)
        return render(
            request,
            "ratings/rate.html",
            {**context, **_form_context(request.POST), "error": error.message},
            status=400,
        )
    rating = rating_of(dossier=dossier)
    if rating is not None:
        return render(request, "ratings/thanks.html", {"dossier": dossier, "rating": rating})
    if dossier.status != DossierStatus.RETURNED:
        raise _not_returned()
    return render(request, "ratings/rate.html", {**context, **_form_context()})


def _not_returned() -> DomainError:
    return Conflict(_("Hồ sơ chưa trả kết quả nên chưa thể đánh giá."), code="dossier_not_returned")


@officer_view
@require_GET
def counter_home(request: HttpRequest, code: str) -> HttpResponse:
    """The tablet at the desk: today's returned dossiers still to rate."""
    desk = counter_desk(user=request.user, code=code)
    return render(
        request,
        "ratings/counter.html",
        {"desk": desk, "dossiers": counter_dossiers_to_rate(desk=desk), "now": timezone.now()},
    )


@officer_view
@require_http_methods(["GET", "POST"])
def counter_rate(request: HttpRequest, code: str, dossier_code: str) -> HttpResponse:
    desk = counter_desk(user=request.user, code=code)
    dossier = counter_dossier(desk=desk, code=dossier_code)
    back = reverse("ratings:counter", args=[desk.code])
    context = {"dossier": dossier, "desk": desk, "back": back, "action": request.path}
    if request.method == "POST":
        _check_rate(request)
        error = _submit(request, dossier, RatingChannel.COUNTER)
        if error is None:
            messages.success(request, _("Cảm ơn ông/bà đã đánh giá!"))
            return redirect(back)
        return render(
            request,
            "ratings/rate.html",
            {**context, **_form_context(request.POST), "error": error.message},
            status=400,
        )
    if rating_of(dossier=dossier) is not None:
        return redirect(back)
    return render(request, "ratings/rate.html", {**context, **_form_context()})


@officer_view
@require_GET
def feedback_index(request: HttpRequest) -> HttpResponse:
    answered = request.GET.get("trang-thai") == "da-tra-loi"
    status = FeedbackStatus.ANSWERED if answered else FeedbackStatus.OPEN
    items = list(feedback_list(user=request.user, status=status)[:200])
    return render(
        request,
        "ratings/feedback_list.html",
        {"items": items, "answered": answered, "now": timezone.now(), "nav": "feedback"},
    )


@officer_view
@require_http_methods(["GET", "POST"])
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = feedback_access(user=request.user, pk=pk)
    error = None
    if request.method == "POST":
        try:
            feedback_answer(
                actor=request.user, feedback=feedback, answer=request.POST.get("answer")
            )
        except DomainError as exc:
            if exc.status != 400:
                raise
            error = exc.message
        else:
            messages.success(request, _("Đã lưu câu trả lời phản ánh."))
            return redirect("ratings:feedback_list")
    return render(
        request,
        "ratings/feedback_detail.html",
        {
            "feedback": feedback,
            "rating": feedback.rating,
            "dossier": feedback.rating.dossier,
            "error": error,
            "answer": request.POST.get("answer", "") if error else "",
            "now": timezone.now(),
            "nav": "feedback",
        },
        status=400 if error else 200,
    )
