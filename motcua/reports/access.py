"""Who may read statistics, and of which agencies: the one place that decides it for reports.

Reports are read by the reporting officer, the leaders, department heads and administrators of an
agency; each sees the subtree of the agencies where they hold such a role. Another agency's code
answers like an unknown one (NotFound), so codes cannot be probed.
"""

from django.db.models import QuerySet

from motcua.common.errors import NotFound
from motcua.organizations.access import agencies_where, is_system_admin
from motcua.organizations.models import Agency, Role

REPORT_ROLES = (Role.REPORTER, Role.LEADER, Role.DEPARTMENT_HEAD, Role.AGENCY_ADMIN)


def report_agencies(user) -> QuerySet[Agency]:
    """Agencies whose statistics the user may read (lazy; one query when evaluated)."""
    if is_system_admin(user):
        return Agency.objects.all()
    agencies = Agency.objects.none()
    for role in REPORT_ROLES:
        agencies = agencies | agencies_where(user, role)
    return agencies.distinct()


def may_read_reports(user) -> bool:
    return report_agencies(user).exists()


def access_report_agency(*, user, code: str) -> Agency:
    """The agency with this code if the user may read its statistics, else NotFound."""
    agency = report_agencies(user).filter(code=code).first()
    if agency is None:
        raise NotFound(code="agency_not_found")
    return agency


def default_report_agency(user) -> Agency | None:
    """The highest agency the user may report on (the shortest path), for a page's first view."""
    return report_agencies(user).order_by("path").first()
