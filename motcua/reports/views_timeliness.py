"""/bao-cao/dung-han/: the timeliness report (Biểu II.06a) on the web, its Excel and PDF, and the
list of dossiers behind every number. For report readers only (motcua.reports.access): anyone
else, and any agency out of the reader's reach, gets the same 404 as an unknown code."""

import datetime as dt
from functools import wraps

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.common.errors import DomainError, InvalidInput, NotFound
from motcua.dossiers.views._common import error_page
from motcua.organizations.models import Agency
from motcua.reports.access import access_report_agency, default_report_agency, report_agencies
from motcua.reports.exports import export_name, table_rows, timeliness_pdf, timeliness_xlsx
from motcua.reports.timeliness import (
    EXTRA_COLUMNS,
    GROUP_BY,
    GROUP_LABELS,
    check_column,
    timeliness_dossiers,
    timeliness_report,
)
from motcua.workdays.engine import OFFICE_TZ

PAGE_SIZE = 100
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOADS = {"xlsx": (XLSX, timeliness_xlsx), "pdf": ("application/pdf", timeliness_pdf)}
COLUMN_LABELS = {
    "received_total": gettext_lazy("Số hồ sơ nhận giải quyết"),
    "carried_over": gettext_lazy("Số kỳ trước chuyển qua"),
    "received_online": gettext_lazy("Số mới tiếp nhận trực tuyến"),
    "received_direct": gettext_lazy("Số mới tiếp nhận trực tiếp, bưu chính"),
    "resolved_total": gettext_lazy("Số hồ sơ đã giải quyết"),
    "resolved_early": gettext_lazy("Đã giải quyết, trả trước hạn"),
    "resolved_on_time": gettext_lazy("Đã giải quyết, trả đúng hạn"),
    "resolved_late": gettext_lazy("Đã giải quyết, trả quá hạn"),
    "in_progress_total": gettext_lazy("Số hồ sơ đang giải quyết"),
    "in_progress_within": gettext_lazy("Đang giải quyết, chưa đến hạn"),
    "in_progress_overdue": gettext_lazy("Đang giải quyết, quá hạn"),
    "supplement_requested": gettext_lazy("Có yêu cầu bổ sung hồ sơ"),
    "awaiting_payment": gettext_lazy("Chờ thực hiện nghĩa vụ tài chính"),
    "refused": gettext_lazy("Từ chối giải quyết"),
    "withdrawn": gettext_lazy("Công dân rút hồ sơ"),
    "stopped": gettext_lazy("Dừng xử lý"),
}


def report_reader_view(view):
    """Signed in (else the sign-in page), a report reader (else 404, like an unknown page), and
    domain errors answered with their status and Vietnamese message."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            agencies = list(report_agencies(request.user).order_by("path"))
            if not agencies:
                raise NotFound(code="not_found")
            return view(request, agencies, *args, **kwargs)
        except DomainError as error:
            return error_page(request, error)

    return wrapper


def _date_field(label):
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={
            "invalid": gettext_lazy("Ngày cần ghi theo dạng ngày/tháng/năm, ví dụ 01/03/2026."),
            "required": gettext_lazy("Cần ghi ngày."),
        },
    )


class TimelinessForm(forms.Form):
    # A code, not a choice: an agency out of reach is for the access check (404), not a form error.
    agency = forms.CharField(label=gettext_lazy("Cơ quan"), max_length=64)
    date_from = _date_field(gettext_lazy("Từ ngày"))
    date_to = _date_field(gettext_lazy("Đến ngày"))
    group_by = forms.ChoiceField(
        label=gettext_lazy("Nhóm theo"),
        choices=[(key, GROUP_LABELS[key]) for key in GROUP_BY],
        error_messages={
            "invalid_choice": gettext_lazy("Chọn nhóm theo lĩnh vực, cơ quan hoặc thủ tục.")
        },
    )

    def __init__(self, *args, agencies: list[Agency], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].widget = forms.Select(choices=[(a.code, a.name) for a in agencies])

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(
                _("Ngày bắt đầu (%(start)s) sau ngày kết thúc (%(end)s).")
                % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"}
            )
        return data


def _defaults(user) -> dict[str, str]:
    """The current month so far, for the highest agency the user reports on."""
    today = timezone.now().astimezone(OFFICE_TZ).date()
    agency = default_report_agency(user)
    return {
        "agency": agency.code if agency else "",
        "date_from": f"{today.replace(day=1):%d/%m/%Y}",
        "date_to": f"{today:%d/%m/%Y}",
        "group_by": "field",
    }


def _first_error(form: forms.Form) -> str:
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label}: " if field is not None else ""
        return f"{label}{errors[0]}"
    return _("Dữ liệu nhập chưa hợp lệ.")


def _filters(request: HttpRequest, agencies: list[Agency]):
    """(form, agency, query) from the request; agency None when the form is invalid."""
    given = {k: v for k, v in request.GET.items() if v}
    # The other report pages speak ?from=&to= (ISO dates): the same link works here.
    for alias, name in (("from", "date_from"), ("to", "date_to")):
        if alias in given:
            given.setdefault(name, given.pop(alias))
    data = {**_defaults(request.user), **given}
    form = TimelinessForm(data, agencies=agencies)
    if not form.is_valid():
        return form, None, {}
    agency = access_report_agency(user=request.user, code=form.cleaned_data["agency"].strip())
    cleaned = form.cleaned_data
    query = {
        "agency": agency.code,
        "date_from": f"{cleaned['date_from']:%d/%m/%Y}",
        "date_to": f"{cleaned['date_to']:%d/%m/%Y}",
        "group_by": cleaned["group_by"],
    }
    return form, agency, query


def _period(form) -> dict[str, dt.date | str]:
    data = form.cleaned_data
    return {
        "date_from": data["date_from"],
        "date_to": data["date_to"],
        "group_by": data["group_by"],
    }


@report_reader_view
def timeliness(request: HttpRequest, agencies: list[Agency]) -> HttpResponse:
    download = request.GET.get("format", "")
    form, agency, query = _filters(request, agencies)
    if download and download not in DOWNLOADS:
        return _render(
            request, form, status=400, error=_("Chỉ tải báo cáo dạng Excel (xlsx) hoặc PDF.")
        )
    if agency is None:
        return _render(request, form, status=400, error=_first_error(form))
    report = timeliness_report(agency=agency, **_period(form))
    if download:
        content_type, build = DOWNLOADS[download]
        response = HttpResponse(build(report), content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(
            True, export_name(report, download)
        )
        return response
    rows = table_rows(report)
    list_url = reverse("reports:timeliness_dossiers")
    for row in rows:
        for cell in row["counts"]:
            if cell["value"]:
                link = {**query, "column": cell["column"]}
                if row["key"] is not None:
                    link["key"] = row["key"]
                cell["href"] = f"{list_url}?{urlencode(link)}"
    return _render(
        request,
        form,
        report=report,
        rows=rows,
        group_label=GROUP_LABELS[report.group_by],
        numbers=[f"({n})" for n in range(1, len(rows[0]["counts"]) + 4)],
        extras=[
            {
                "label": COLUMN_LABELS[column],
                "value": report.total[column],
                "href": f"{list_url}?{urlencode({**query, 'column': column})}",
            }
            for column in EXTRA_COLUMNS
        ],
        query=urlencode(query),
    )


def _render(request: HttpRequest, form, *, status: int = 200, **context) -> HttpResponse:
    return render(
        request,
        "reports/timeliness.html",
        {"form": form, "nav": "reports", **context},
        status=status,
    )


@report_reader_view
def timeliness_dossiers_list(request: HttpRequest, agencies: list[Agency]) -> HttpResponse:
    form, agency, query = _filters(request, agencies)
    if agency is None:
        raise InvalidInput(_first_error(form), code="filters_invalid")
    column = check_column(request.GET.get("column", ""))
    key = request.GET.get("key") or None
    dossiers = timeliness_dossiers(agency=agency, key=key, column=column, **_period(form))
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    list_query = {**query, "column": column, **({"key": key} if key else {})}
    return render(
        request,
        "reports/timeliness_dossiers.html",
        {
            "nav": "reports",
            "agency": agency,
            "form": form,
            "column_label": COLUMN_LABELS[column],
            "key": key,
            "group_label": GROUP_LABELS[form.cleaned_data["group_by"]],
            "page": page,
            "first_number": page.start_index(),
            "query": urlencode(list_query),
            "report_query": urlencode(query),
        },
    )
