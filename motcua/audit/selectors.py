"""Reads of the audit and access logs, scoped to who asks.

A system admin reads everything. An agency admin reads the entries of their subtree (the audit
log by the entry's agency; the access log by the dossier's receiving or competent agency);
nationwide entries (national calendar, fields, imports) are for system admins. Anyone else: 403.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.audit.models import AuditEntry, PersonalDataAccess
from motcua.common.errors import Forbidden
from motcua.organizations.access import agencies_where, is_system_admin
from motcua.organizations.models import Role
from motcua.workdays.engine import OFFICE_TZ

OBJECT_TYPES = {
    "catalog.field": gettext_lazy("Lĩnh vực"),
    "catalog.procedure": gettext_lazy("Thủ tục hành chính"),
    "catalog.import": gettext_lazy("Nhập danh mục"),
    "workdays.calendarentry": gettext_lazy("Ngày nghỉ, ngày làm bù"),
    "workdays.officehours": gettext_lazy("Giờ làm việc"),
    "organizations.agency": gettext_lazy("Cơ quan"),
    "organizations.counter": gettext_lazy("Quầy tiếp nhận"),
    "organizations.user": gettext_lazy("Tài khoản"),
    "organizations.membership": gettext_lazy("Vai trò cán bộ"),
}
EXTRA_LABELS = {
    "agencies": gettext_lazy("cơ quan áp dụng"),
    "roles": gettext_lazy("vai trò"),
    "password_changed": gettext_lazy("đổi mật khẩu"),
    "processing_times": gettext_lazy("thời hạn giải quyết"),
    "documents": gettext_lazy("thành phần hồ sơ"),
    "fees": gettext_lazy("phí, lệ phí"),
    "workflow_steps": gettext_lazy("quy trình xử lý"),
}


@dataclass(frozen=True)
class Period:
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def q(self, prefix: str = "at") -> Q:
        """Whole office days: from 00:00 of date_from to 24:00 of date_to, Vietnam time."""
        q = Q()
        if self.date_from is not None:
            start = dt.datetime.combine(self.date_from, dt.time.min, tzinfo=OFFICE_TZ)
            q &= Q(**{f"{prefix}__gte": start})
        if self.date_to is not None:
            end = dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min, OFFICE_TZ)
            q &= Q(**{f"{prefix}__lt": end})
        return q


def _forbidden() -> Forbidden:
    return Forbidden(
        _("Chỉ quản trị cơ quan hoặc quản trị hệ thống mới xem được nhật ký."),
        code="audit_forbidden",
    )


def audit_reader_scope(user) -> Q:
    """The Q an audit entry must match for this user to read it; Forbidden for a non-admin."""
    if is_system_admin(user):
        return Q()
    reach = agencies_where(user, Role.AGENCY_ADMIN)
    if not reach.exists():
        raise _forbidden()
    return Q(agency__in=reach)


def _person_q(prefix: str, text: str) -> Q:
    return (
        Q(**{f"{prefix}__username__iexact": text})
        | Q(**{f"{prefix}__full_name__icontains": text})
        | (Q(actor_name__iexact=text) if prefix == "actor" else Q())
    )


def audit_entries(
    *, user, object_type: str = "", actor: str = "", period: Period = Period()
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(audit_reader_scope(user)).filter(period.q())
    if object_type:
        entries = entries.filter(object_type=object_type)
    if actor:
        entries = entries.filter(_person_q("actor", actor.strip()))
    return entries.select_related("actor", "agency")


def access_reader_scope(user) -> Q:
    if is_system_admin(user):
        return Q()
    reach = agencies_where(user, Role.AGENCY_ADMIN)
    if not reach.exists():
        raise _forbidden()
    return Q(dossier__receiving_agency__in=reach) | Q(dossier__competent_agency__in=reach)


def personal_data_accesses(
    *, user, dossier_code: str = "", officer: str = "", period: Period = Period()
) -> QuerySet[PersonalDataAccess]:
    rows = PersonalDataAccess.objects.filter(access_reader_scope(user)).filter(period.q())
    if dossier_code:
        rows = rows.filter(dossier__code__iexact=dossier_code.strip())
    if officer:
        rows = rows.filter(_person_q("officer", officer.strip()))
    return rows.select_related("officer", "dossier")


def _field_label(object_type: str, key: str) -> str:
    if key in EXTRA_LABELS:
        return str(EXTRA_LABELS[key])
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return key
    name = key.removesuffix("_id")
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return key


def shown(value: object) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: object
    after: object

    @property
    def before_text(self) -> str:
        return shown(self.before)

    @property
    def after_text(self) -> str:
        return shown(self.after)


def entry_changes(entry: AuditEntry) -> list[Change]:
    """Field by field: what the entry changed (create: only after; delete: only before)."""
    before, after = entry.before or {}, entry.after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return [
        Change(
            field=key,
            label=_field_label(entry.object_type, key),
            before=before.get(key),
            after=after.get(key),
        )
        for key in keys
        if entry.action != "update" or before.get(key) != after.get(key)
    ]
