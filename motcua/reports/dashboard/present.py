"""The dashboard as the page shows it: charts (inline SVG), the same numbers for the tables in
Vietnamese format, and the links to the lists behind the workload counts."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.reports.charts import (
    Series,
    bar_chart,
    grouped_bar_chart,
    line_chart,
    vn_number,
    vn_percent,
)
from motcua.reports.dashboard.ontime import MonthRate
from motcua.reports.dashboard.selectors import Dashboard
from motcua.reports.dashboard.workload import DUE_SOON, OVERDUE


def _percent_axis(value) -> str:
    return vn_percent(value, 0) if value is not None else "—"


def workload_link(data: Dashboard, kind: str, **filters: str) -> str:
    query = {"agency": data.agency.code, "kind": kind, **filters}
    return f"{reverse('reports:overdue')}?{urlencode(query)}"


def _period_query(data: Dashboard) -> dict[str, str]:
    return {
        "agency": data.agency.code,
        "from": data.period.date_from.isoformat(),
        "to": data.period.date_to.isoformat(),
    }


def received_link(data: Dashboard, **filters: str) -> str:
    return f"{reverse('reports:received')}?{urlencode({**_period_query(data), **filters})}"


def timeliness_link(data: Dashboard, month: MonthRate, column: str | None = None) -> str:
    """The official report (or its list behind `column`) for one month."""
    query = {
        "agency": data.agency.code,
        "date_from": f"{month.first:%d/%m/%Y}",
        "date_to": f"{month.last:%d/%m/%Y}",
        "group_by": "field",
    }
    if column is None:
        return f"{reverse('reports:timeliness')}?{urlencode(query)}"
    return f"{reverse('reports:timeliness_dossiers')}?{urlencode({**query, 'column': column})}"


def ratings_link(data: Dashboard, part: str) -> str:
    query = {**_period_query(data), "indicator": "satisfied_rate", "part": part}
    return f"{reverse('reports:quality_list')}?{urlencode(query)}"


def dashboard_page(data: Dashboard) -> dict:
    months = data.months or []
    page: dict = {
        "months": [
            {
                "label": month.label,
                "link": timeliness_link(data, month),
                "resolved_link": timeliness_link(data, month, "resolved_total"),
                "late_link": timeliness_link(data, month, "resolved_late"),
                "resolved": vn_number(month.resolved),
                "on_time": vn_number(month.on_time),
                "late": vn_number(month.late),
                "rate": vn_percent(month.rate),
            }
            for month in months
        ],
        "months_chart": line_chart(
            title=_("Tỷ lệ giải quyết đúng hạn theo tháng"),
            labels=[month.label for month in months],
            series=[Series(_("Đúng hạn"), [month.rate for month in months])],
            fmt=_percent_axis,
            top=1.0,
        )
        if data.months is not None
        else None,
        "received": vn_number(data.received),
        "received_link": received_link(data),
        "channels": [
            (item.label, vn_number(item.count), received_link(data, channel=item.key))
            for item in data.by_channel
        ],
        "channels_chart": bar_chart(
            title=_("Hồ sơ tiếp nhận theo hình thức nộp"),
            labels=[item.label for item in data.by_channel],
            values=[item.count for item in data.by_channel],
        ),
        "fields": [
            (item.label, vn_number(item.count), received_link(data, field=item.key))
            for item in data.by_field
        ],
        "fields_chart": bar_chart(
            title=_("Hồ sơ tiếp nhận theo lĩnh vực"),
            labels=[item.label for item in data.by_field],
            values=[item.count for item in data.by_field],
        ),
        "overdue": vn_number(data.workload.overdue),
        "due_soon": vn_number(data.workload.due_soon),
        "overdue_link": workload_link(data, OVERDUE),
        "due_soon_link": workload_link(data, DUE_SOON),
        "departments": [
            {
                "label": row.label,
                "overdue": vn_number(row.overdue),
                "due_soon": vn_number(row.due_soon),
                "overdue_link": workload_link(data, OVERDUE, department=row.key),
                "due_soon_link": workload_link(data, DUE_SOON, department=row.key),
            }
            for row in data.workload.departments
        ],
        "officers": [
            {
                "label": row.label,
                "overdue": vn_number(row.overdue),
                "due_soon": vn_number(row.due_soon),
                "overdue_link": workload_link(data, OVERDUE, officer=row.key),
                "due_soon_link": workload_link(data, DUE_SOON, officer=row.key),
            }
            for row in data.workload.officers
        ],
        "departments_chart": grouped_bar_chart(
            title=_("Hồ sơ quá hạn và sắp đến hạn theo đơn vị"),
            labels=[row.label for row in data.workload.departments],
            series=[
                Series(_("Quá hạn"), [row.overdue for row in data.workload.departments]),
                Series(
                    _("Đến hạn trong 1 ngày làm việc"),
                    [row.due_soon for row in data.workload.departments],
                ),
            ],
            stacked=True,
        ),
        "satisfaction": {
            "very": vn_number(data.satisfaction.very_satisfied),
            "satisfied": vn_number(data.satisfaction.satisfied),
            "satisfied_count": vn_number(
                data.satisfaction.very_satisfied + data.satisfaction.satisfied
            ),
            "not_satisfied": vn_number(data.satisfaction.not_satisfied),
            "total": vn_number(data.satisfaction.total),
            "rate": vn_percent(data.satisfaction.satisfied_rate),
            "satisfied_link": ratings_link(data, "numerator"),
            "not_satisfied_link": ratings_link(data, "not_satisfied"),
            "total_link": ratings_link(data, "denominator"),
        },
        "satisfaction_chart": bar_chart(
            title=_("Đánh giá mức độ hài lòng"),
            labels=[_("Rất hài lòng"), _("Hài lòng"), _("Không hài lòng")],
            values=[
                data.satisfaction.very_satisfied,
                data.satisfaction.satisfied,
                data.satisfaction.not_satisfied,
            ]
            if data.satisfaction.total
            else [],
        ),
        "queue": [
            {
                "day": f"{day.day:%d/%m}",
                "tickets": vn_number(day.tickets),
                "average": vn_number(day.average_wait, 1),
                "p90": vn_number(day.p90_wait, 1),
            }
            for day in data.queue
        ],
        "queue_chart": line_chart(
            title=_("Thời gian chờ tại quầy theo ngày (phút)"),
            labels=[f"{day.day:%d/%m}" for day in data.queue],
            series=[
                Series(_("Trung bình"), [day.average_wait for day in data.queue]),
                Series(
                    _("90 phần trăm công dân chờ không quá"), [day.p90_wait for day in data.queue]
                ),
            ],
        ),
    }
    return page
