"""The tracking book (sổ theo dõi hồ sơ, form 07) of a desk for a period: on the page, as PDF and
as Excel."""

import datetime as dt

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.audit.services import personal_data_book_accessed
from motcua.common.errors import Forbidden, InvalidInput, NotFound
from motcua.dossiers.forms import tracking_book_pdf, tracking_book_xlsx
from motcua.dossiers.forms.book import book_dossiers
from motcua.dossiers.forms.formatting import office_zone
from motcua.dossiers.forms_web import first_error
from motcua.dossiers.views._common import officer_view
from motcua.organizations.access import access_agency, agencies_where, officer_roles
from motcua.organizations.models import Agency, AgencyKind, Role

PAGE_SIZE = 50
# Who keeps or reads a desk's book: the desk itself, the leader who answers for it, statistics.
BOOK_ROLES = (Role.RECEPTION, Role.LEADER, Role.REPORTER)
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOADS = {
    "pdf": ("application/pdf", tracking_book_pdf),
    "xlsx": (XLSX, tracking_book_xlsx),
}


def _date_field(label):
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={
            "invalid": gettext_lazy("Ngày cần ghi theo dạng ngày/tháng/năm, ví dụ 01/03/2026.")
        },
    )


class TrackingBookForm(forms.Form):
    # A code, not a choice: whether the officer may open that agency's book is for the access
    # check to answer (404 out of reach, 403 without a book role), not for a form error.
    desk = forms.CharField(label=gettext_lazy("Bộ phận tiếp nhận"), max_length=64)
    date_from = _date_field(gettext_lazy("Từ ngày"))
    date_to = _date_field(gettext_lazy("Đến ngày"))

    def __init__(self, *args, desks: list[Agency], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desk"].widget = forms.Select(choices=[(d.code, d.name) for d in desks])


def _book_reach(user) -> QuerySet[Agency]:
    """The agencies whose book the user may open: the subtrees where they hold a book role."""
    reach = Agency.objects.none()
    for role in BOOK_ROLES:
        reach = reach | agencies_where(user, role)
    return reach


def _desk_choices(user) -> list[Agency]:
    """The agencies where the user holds a book role, and the reception desks below them."""
    held = {agency.pk: agency for agency, role in officer_roles(user) if role in BOOK_ROLES}
    if not held:
        raise Forbidden(
            _("Tài khoản của bạn không có vai trò tiếp nhận, lãnh đạo hoặc báo cáo thống kê."),
            code="role_not_allowed",
        )
    desks = _book_reach(user).filter(kind=AgencyKind.SERVICE_CENTER, is_active=True)
    for desk in desks:
        held.setdefault(desk.pk, desk)
    # A desk first, as the officer most often wants it: the desk's own book.
    return sorted(held.values(), key=lambda a: (a.kind != AgencyKind.SERVICE_CENTER, a.path))


def _book_agency(user, code: str) -> Agency:
    try:
        agency = access_agency(user=user, code=code)
    except NotFound:
        # The same words for an unknown code and one out of reach.
        raise NotFound(
            _("Không tìm thấy bộ phận tiếp nhận có mã «%(code)s».") % {"code": code},
            code="agency_not_found",
        ) from None
    if not _book_reach(user).filter(pk=agency.pk).exists():
        raise Forbidden(
            _("Bạn không có vai trò tiếp nhận, lãnh đạo hoặc báo cáo thống kê tại «%(agency)s».")
            % {"agency": agency.name},
            code="role_not_allowed",
        )
    return agency


def _defaults(desks: list[Agency]) -> dict[str, str]:
    """This month so far, at the first desk."""
    today = dt.datetime.now(tz=office_zone()).date()
    return {
        "desk": desks[0].code,
        "date_from": f"{today.replace(day=1):%d/%m/%Y}",
        "date_to": f"{today:%d/%m/%Y}",
    }


def _filename(agency: Agency, date_from: dt.date, date_to: dt.date, extension: str) -> str:
    return f"so-theo-doi-{agency.code}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.{extension}"


@officer_view
def tracking_book(request: HttpRequest) -> HttpResponse:
    desks = _desk_choices(request.user)
    data = {**_defaults(desks), **{key: value for key, value in request.GET.items() if value}}
    form = TrackingBookForm(data, desks=desks)
    download = request.GET.get("format", "")
    if download and download not in DOWNLOADS:
        raise InvalidInput(
            _("Chỉ tải sổ theo dõi dạng PDF hoặc Excel (xlsx)."), code="invalid_format"
        )
    if not form.is_valid():
        return _render(request, form, error=first_error(form), status=400)
    agency = _book_agency(request.user, form.cleaned_data["desk"])
    date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    period = {"agency": agency, "date_from": date_from, "date_to": date_to}
    try:
        if download:
            content_type, build = DOWNLOADS[download]
            response = HttpResponse(build(**period), content_type=content_type)
            personal_data_book_accessed(
                request=request, dossiers=[d.pk for d in book_dossiers(**period)], detail=download
            )
            response["Content-Disposition"] = content_disposition_header(
                True, _filename(agency, date_from, date_to, download)
            )
            return response
        rows = book_dossiers(**period)
    except InvalidInput as error:
        return _render(request, form, error=error.message, status=error.status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    personal_data_book_accessed(request=request, dossiers=page.object_list)
    query = {
        "desk": agency.code,
        "date_from": f"{date_from:%d/%m/%Y}",
        "date_to": f"{date_to:%d/%m/%Y}",
    }
    return _render(
        request,
        form,
        agency=agency,
        page=page,
        first_number=page.start_index(),
        query=urlencode(query),
    )


def _render(request: HttpRequest, form, *, status: int = 200, **context) -> HttpResponse:
    return render(
        request,
        "dossiers/tracking_book.html",
        {"form": form, "nav": "tracking_book", **context},
        status=status,
    )
