"""What a body names by code (an agency, a procedure, an officer, a step), found or refused
with a 400: the URL exists, the body is wrong."""

from django.utils.translation import gettext as _

from motcua.api.dossiers.schemas import ApplicantIn, DossierDocumentIn
from motcua.catalog.models import Procedure
from motcua.catalog.selectors import procedure_get
from motcua.common.errors import InvalidInput, NotFound
from motcua.dossiers.models import Dossier, DossierStep
from motcua.organizations.models import Agency, User


def agency_by_code(code: str, *, field: str) -> Agency:
    agency = Agency.objects.filter(code=code.strip()).first() if code.strip() else None
    if agency is None:
        raise InvalidInput(
            _("Không tìm thấy cơ quan có mã «%(code)s» (trường %(field)s).")
            % {"code": code, "field": field},
            code="agency_unknown",
        )
    return agency


def procedure_by_code(code: str, agency: Agency) -> Procedure:
    try:
        return procedure_get(code=code.strip(), agency=agency)
    except NotFound:
        raise InvalidInput(
            _("Không tìm thấy thủ tục có mã «%(code)s» áp dụng tại «%(agency)s».")
            % {"code": code, "agency": agency.name},
            code="procedure_unknown",
        ) from None


def step_by_order(dossier: Dossier, order: int | None) -> DossierStep | None:
    if order is None:
        return None
    step = dossier.steps.filter(order=order).first()
    if step is None:
        raise InvalidInput(
            _("Hồ sơ không có bước xử lý thứ %(order)s.") % {"order": order},
            code="step_unknown",
        )
    return step


def officer_by_username(username: str) -> User:
    user = User.objects.filter(username=username.strip()).first() if username.strip() else None
    if user is None:
        raise InvalidInput(
            _("Không tìm thấy cán bộ có tên đăng nhập «%(username)s».") % {"username": username},
            code="assignee_unknown",
        )
    return user


def documents_in(documents: list[DossierDocumentIn]) -> list[dict]:
    return [document.model_dump() for document in documents]


def applicant_in(applicant: ApplicantIn) -> dict:
    return applicant.model_dump()
