"""Intake input: the dossier code of the day, and the applicant, documents, channel and desk as
given at the counter or through the portal, checked with Vietnamese messages."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from motcua.catalog.models import Channel, Procedure
from motcua.common.errors import InvalidInput
from motcua.dossiers.models import (
    DailySequence,
    Dossier,
    DossierDocument,
)
from motcua.dossiers.services._common import (
    clean_text,
    local_date,
)
from motcua.organizations.models import Agency, AgencyKind

APPLICANT_KEYS = frozenset(
    {"name", "id_number", "birth_date", "address", "phone", "email", "representative"}
)
_MAX_DOCUMENTS = 200
_MAX_COPIES = 1000


# -- the dossier code ----------------------------------------------------------------------------


def _next_number(agency: Agency, day: date) -> int:
    """The next number of the day at this desk, in one atomic statement (no read-then-write):
    concurrent intakes wait on the row and each gets its own number; a rolled-back intake gives
    its number back. Works on SQLite ≥ 3.35 and PostgreSQL."""
    table = connection.ops.quote_name(DailySequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last_value) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING last_value",
            [agency.pk, connection.ops.adapt_datefield_value(day)],
        )
        return int(cursor.fetchone()[0])


def dossier_code_next(*, agency: Agency, at: datetime) -> str:
    """`<desk e-ID code>-<YYMMDD>-<number of the day, ≥ 4 digits>` (DOMAIN §2)."""
    day = local_date(at)
    while True:
        code = f"{agency.code}-{day:%y%m%d}-{_next_number(agency, day):04d}"
        # Only a dossier imported from an older system can hold a code of ours already.
        if not Dossier.objects.filter(code=code).exists():
            return code


# -- input ---------------------------------------------------------------------------------------


def clean_applicant(applicant) -> dict:
    if not isinstance(applicant, dict):
        raise InvalidInput(_("Thông tin người nộp hồ sơ không hợp lệ."), code="invalid_applicant")
    unknown = set(applicant) - APPLICANT_KEYS
    if unknown:
        raise InvalidInput(
            _("Thông tin người nộp có trường không hợp lệ: %(keys)s.")
            % {"keys": ", ".join(sorted(map(str, unknown)))},
            code="invalid_applicant",
        )
    values = {
        "applicant_name": clean_text(
            applicant.get("name"), field=_("họ tên người nộp"), max_length=200, required=True
        ),
        "applicant_id_number": clean_text(
            applicant.get("id_number"), field=_("số định danh/CCCD"), max_length=20
        ),
        "applicant_address": clean_text(
            applicant.get("address"), field=_("địa chỉ"), max_length=500
        ),
        "applicant_phone": clean_text(
            applicant.get("phone"), field=_("số điện thoại"), max_length=20
        ),
        "applicant_email": clean_text(
            applicant.get("email"), field=_("thư điện tử"), max_length=254
        ),
        "representative": clean_text(
            applicant.get("representative"), field=_("người đại diện"), max_length=300
        ),
        "applicant_birth_date": _clean_birth_date(applicant.get("birth_date")),
    }
    if values["applicant_id_number"] and not values["applicant_id_number"].isdigit():
        raise InvalidInput(_("Số định danh/CCCD chỉ gồm chữ số."), code="invalid_id_number")
    if values["applicant_email"]:
        try:
            validate_email(values["applicant_email"])
        except ValidationError:
            raise InvalidInput(
                _("Địa chỉ thư điện tử không hợp lệ."), code="invalid_email"
            ) from None
    return values


def _clean_birth_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        raise InvalidInput(_("Ngày sinh không hợp lệ."), code="invalid_birth_date")
    if isinstance(value, date):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = parse_date(value.strip())
        except ValueError:
            parsed = None
    else:
        parsed = None
    if parsed is None or parsed.year < 1900:
        raise InvalidInput(
            _("Ngày sinh không hợp lệ (định dạng YYYY-MM-DD)."), code="invalid_birth_date"
        )
    return parsed


def _clean_count(value, *, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_COPIES:
        raise InvalidInput(
            _("Số «%(field)s» phải là số nguyên từ 0 đến %(max)d.")
            % {"field": field, "max": _MAX_COPIES},
            code="invalid_document",
        )
    return value


def clean_documents(documents) -> list[dict]:
    if documents is None:
        return []
    if not isinstance(documents, list | tuple) or len(documents) > _MAX_DOCUMENTS:
        raise InvalidInput(_("Danh sách thành phần hồ sơ không hợp lệ."), code="invalid_document")
    cleaned = []
    for item in documents:
        if not isinstance(item, dict) or set(item) - {"name", "originals", "copies"}:
            raise InvalidInput(
                _("Mỗi giấy tờ gồm: tên, số bản chính, số bản sao."), code="invalid_document"
            )
        cleaned.append(
            {
                "name": clean_text(
                    item.get("name"), field=_("tên giấy tờ"), max_length=500, required=True
                ),
                "originals": _clean_count(item.get("originals", 0), field=_("bản chính")),
                "copies": _clean_count(item.get("copies", 0), field=_("bản sao")),
            }
        )
    return cleaned


def add_documents(dossier: Dossier, documents: list[dict], *, new: bool = False) -> None:
    """Append the documents to the dossier's list (`new`: the dossier was just created, its
    list is empty)."""
    start = 0 if new else DossierDocument.objects.filter(dossier=dossier).count()
    DossierDocument.objects.bulk_create(
        DossierDocument(dossier=dossier, order=start + position, **values)
        for position, values in enumerate(documents)
    )


def clean_channel(procedure: Procedure, channel) -> str:
    if channel not in Channel.values:
        raise InvalidInput(
            _("Hình thức nộp không hợp lệ: «%(channel)s».") % {"channel": channel},
            code="invalid_channel",
        )
    if channel not in procedure.methods:
        raise InvalidInput(
            _("Thủ tục «%(procedure)s» không nhận hồ sơ theo hình thức «%(channel)s».")
            % {"procedure": procedure.name, "channel": Channel(channel).label},
            code="channel_not_accepted",
        )
    return channel


def clean_desk(agency) -> Agency:
    if not isinstance(agency, Agency) or agency.kind != AgencyKind.SERVICE_CENTER:
        raise InvalidInput(
            _("Nơi tiếp nhận phải là bộ phận một cửa hoặc trung tâm phục vụ hành chính công."),
            code="not_a_desk",
        )
    return agency


def clean_procedure(procedure) -> Procedure:
    if not isinstance(procedure, Procedure):
        raise InvalidInput(_("Thủ tục không hợp lệ."), code="invalid_procedure")
    if not procedure.is_published:
        raise InvalidInput(
            _("Thủ tục «%(procedure)s» không còn được áp dụng.") % {"procedure": procedure.name},
            code="procedure_unpublished",
        )
    return procedure


def clean_items(items) -> list[str]:
    if not isinstance(items, list | tuple) or not items or len(items) > _MAX_DOCUMENTS:
        raise InvalidInput(
            _("Cần liệt kê đầy đủ, một lần, các giấy tờ phải bổ sung."), code="items_required"
        )
    return [
        clean_text(item, field=_("giấy tờ cần bổ sung"), max_length=500, required=True)
        for item in items
    ]
