"""Transparency: does each catalog procedure publish the content Decree 63/2010 art. 8 requires?

Checked, from what the catalog holds: steps (trình tự), method (cách thức: at least one channel),
documents (thành phần hồ sơ), processing time, who may apply, implementing agency, result and
legal basis. Fees are not checked: a free procedure has no fee row, so a missing row cannot be
told from "miễn phí".
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure, ProcessingTime, RequiredDocument

_BLANK = r"^\s*$"

# (key, label, Q of a procedure that LACKS the item)
CHECKS = (
    ("steps", _("Trình tự thực hiện"), Q(steps__regex=_BLANK)),
    (
        "methods",
        _("Cách thức thực hiện"),
        Q(accepts_direct=False, accepts_online=False, accepts_postal=False),
    ),
    ("documents", _("Thành phần hồ sơ"), Q(has_documents=False)),
    ("time", _("Thời hạn giải quyết"), Q(has_time=False)),
    ("applicants", _("Đối tượng thực hiện"), Q(applicants__regex=_BLANK)),
    ("implementing_agency", _("Cơ quan thực hiện"), Q(implementing_agency__regex=_BLANK)),
    ("result", _("Kết quả thực hiện"), Q(result__regex=_BLANK)),
    ("legal_basis", _("Căn cứ pháp lý"), Q(legal_basis__regex=_BLANK)),
)


def with_checks(procedures: QuerySet[Procedure]) -> QuerySet[Procedure]:
    return procedures.annotate(
        has_documents=Exists(RequiredDocument.objects.filter(procedure=OuterRef("pk"))),
        has_time=Exists(ProcessingTime.objects.filter(procedure=OuterRef("pk"))),
    )


def incomplete_q() -> Q:
    missing = Q()
    for _key, _label, lacks in CHECKS:
        missing |= lacks
    return missing


def complete(procedures: QuerySet[Procedure]) -> QuerySet[Procedure]:
    return with_checks(procedures).exclude(incomplete_q())


def incomplete_with_missing(procedures: QuerySet[Procedure], limit: int) -> list[dict]:
    """The first `limit` incomplete procedures with the items each lacks."""
    checked = with_checks(procedures)
    rows = []
    for procedure in checked.filter(incomplete_q()).order_by("code")[:limit]:
        lacking = _lacking_keys(procedure)
        missing = [str(label) for key, label, _lacks in CHECKS if key in lacking]
        rows.append({"code": procedure.code, "name": procedure.name, "missing": missing})
    return rows


def _lacking_keys(procedure: Procedure) -> set[str]:
    blank = {
        key
        for key in ("steps", "applicants", "implementing_agency", "result", "legal_basis")
        if not getattr(procedure, key).strip()
    }
    if not (procedure.accepts_direct or procedure.accepts_online or procedure.accepts_postal):
        blank.add("methods")
    if not procedure.has_documents:
        blank.add("documents")
    if not procedure.has_time:
        blank.add("time")
    return blank
