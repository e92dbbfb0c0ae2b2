"""Reads of the catalog: search, one procedure, fields with counts, the export document."""

from __future__ import annotations

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from motcua.catalog import exchange
from motcua.catalog.models import Field, Procedure, ProcedureLevel
from motcua.common.errors import InvalidInput, NotFound
from motcua.common.text import search_key
from motcua.organizations.models import Agency

MAX_QUERY_LENGTH = 200
# Official names mostly start with "Thủ tục …"; a query rarely does, so a name starting with the
# query after that prefix counts as starting with it.
NAME_PREFIX = "thu tuc "


class Rank:
    NAME_STARTS = 0  # the name starts with the whole query
    NAME_CONTAINS = 1  # the name contains the whole query
    NAME_HAS_TOKENS = 2  # every token occurs in the name, in any order
    ELSEWHERE = 3  # some token only in the code, field, documents, result or applicants


def search_query_key(query: str | None) -> str | None:
    """The folded query, None for "no text filter"; raises InvalidInput for a bad query."""
    if query is None or query == "":
        return None
    query = query.strip()
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidInput(
            _("Từ khóa tìm kiếm dài quá %(max)s ký tự.") % {"max": MAX_QUERY_LENGTH},
            code="query_too_long",
        )
    key = search_key(query)
    if not key:
        raise InvalidInput(
            _("Từ khóa tìm kiếm cần có ít nhất một chữ cái hoặc chữ số."), code="query_empty"
        )
    return key


def _code(value: str) -> str:
    """A code from the outside, safe as a query parameter: PostgreSQL rejects NUL characters in
    strings, and no code contains one, so it becomes a character no code contains either."""
    return value.replace("\x00", "\ufffd")


def _agency(agency: Agency | str) -> Agency:
    if isinstance(agency, Agency):
        return agency
    found = Agency.objects.filter(code=_code(agency)).first()
    if found is None:
        raise NotFound(
            _("Không tìm thấy cơ quan có mã %(code)s.") % {"code": agency}, code="not_found"
        )
    return found


def _applicable_to(agency: Agency) -> Q:
    """The common catalog plus what the agency or one of its ancestors published."""
    return Q(agency__isnull=True) | Q(agency_id__in=agency.ancestors_path_ids())


def procedure_search(
    *,
    query: str | None = "",
    field: str | None = None,
    level: str | None = None,
    agency: Agency | str | None = None,
) -> QuerySet[Procedure]:
    """Published procedures matching every query token (diacritics, case, đ/d and i/y folded,
    partial words), best match first; without a query, in catalog order.

    field is a Field code; agency (an Agency or its code) limits to what applies there.
    """
    key = search_query_key(query)
    procedures = Procedure.objects.filter(is_published=True).select_related("field", "agency")
    if level:
        if level not in ProcedureLevel.values:
            raise InvalidInput(
                _("Cấp thực hiện %(level)s không hợp lệ; chọn một trong: %(choices)s.")
                % {"level": level, "choices": ", ".join(ProcedureLevel.values)},
                code="invalid_level",
            )
        procedures = procedures.filter(level=level)
    if field:
        procedures = procedures.filter(field__code=_code(field))
    if agency is not None:
        procedures = procedures.filter(_applicable_to(_agency(agency)))
    procedures = procedures.prefetch_related("processing_times")
    if key is None:
        return procedures.order_by("field__order", "field__code", "name_key", "code", "pk")

    tokens = list(dict.fromkeys(key.split()))
    for token in tokens:
        procedures = procedures.filter(search_key__contains=token)
    rank = Case(
        When(
            Q(name_key__startswith=key) | Q(name_key__startswith=NAME_PREFIX + key),
            then=Value(Rank.NAME_STARTS),
        ),
        When(name_key__contains=key, then=Value(Rank.NAME_CONTAINS)),
        When(
            Q(*[Q(name_key__contains=token) for token in tokens]),
            then=Value(Rank.NAME_HAS_TOKENS),
        ),
        default=Value(Rank.ELSEWHERE),
        output_field=IntegerField(),
    )
    return procedures.annotate(rank=rank, name_length=Length("name")).order_by(
        "rank", "name_length", "name_key", "code", "pk"
    )


def procedure_get(*, code: str, agency: Agency | str | None = None) -> Procedure:
    """One published procedure with its children.

    With an agency: its own version first, then the nearest ancestor's, then the common one.
    Without: the common catalog's, else the version of the agency highest in the tree.
    """
    procedures = exchange.with_children(
        Procedure.objects.filter(code=_code(code), is_published=True)
    )
    if agency is not None:
        procedures = procedures.filter(_applicable_to(_agency(agency))).order_by(
            F("agency__path").desc(nulls_last=True)
        )
    else:
        procedures = procedures.order_by(
            Length("agency__path").asc(nulls_first=True), "agency__path"
        )
    procedure = procedures.first()
    if procedure is None:
        raise NotFound(
            _("Không tìm thấy thủ tục có mã %(code)s.") % {"code": code}, code="not_found"
        )
    return procedure


def procedure_get_by_pk(*, pk: int) -> Procedure:
    """One published procedure by its database id, with its children (for page URLs)."""
    procedure = exchange.with_children(Procedure.objects.filter(pk=pk, is_published=True)).first()
    if procedure is None:
        raise NotFound(_("Không tìm thấy thủ tục."), code="not_found")
    return procedure


def field_list_with_counts() -> QuerySet[Field]:
    """Every field in catalog order, each with procedure_count = its published procedures."""
    return Field.objects.annotate(
        procedure_count=Count("procedures", filter=Q(procedures__is_published=True))
    ).order_by("order", "code")


def catalog_export() -> dict:
    """The whole catalog (published or not) as a motcua-catalog/1 document, sorted."""
    return exchange.export_document(
        list(Field.objects.all()), list(exchange.with_children(Procedure.objects.all()))
    )
