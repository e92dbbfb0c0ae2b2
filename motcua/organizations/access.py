"""What an officer may see and do in the agency tree: the one place that decides it.

A role held on an agency reaches that agency's whole subtree (the materialized `path` prefix), so
every check here is one SQL query whatever the depth of the tree. A superuser or a holder of the
system_admin role sees every agency. Citizens, anonymous and inactive users see none.

Other apps filter their own rows through these, e.g.
`Dossier.objects.filter(receiving_agency__in=visible_agencies(user))`.
"""

from collections.abc import Iterable

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import StartsWith

from motcua.common.errors import NotFound
from motcua.organizations.models import Agency, Membership, Role


def _may_hold_roles(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _reach(user, roles: Iterable[str] | None = None) -> Exists:
    """True for an agency that lies in the subtree of an agency where the user holds one of
    `roles` (any role when None). Correlated on the outer Agency's path."""
    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return Exists(memberships.filter(StartsWith(OuterRef("path"), F("agency__path"))))


def _system_admin_q(user) -> Q:
    # The membership test stays inside the agency query, so a system admin costs no extra query.
    return Q(Exists(Membership.objects.filter(user=user, role=Role.SYSTEM_ADMIN)))


def officer_roles(user) -> set[tuple[Agency, str]]:
    """The (agency, role) pairs the user holds directly; empty for a citizen or anonymous user."""
    if not _may_hold_roles(user):
        return set()
    return {
        (membership.agency, membership.role)
        for membership in Membership.objects.filter(user=user).select_related("agency")
    }


def is_system_admin(user) -> bool:
    if not _may_hold_roles(user):
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role=Role.SYSTEM_ADMIN).exists()


def visible_agencies(user) -> QuerySet[Agency]:
    """Agencies the user may see: the subtrees of the agencies where they hold any role.

    Lazy: one query when evaluated, usable as a subquery (`agency__in=visible_agencies(user)`).
    """
    if not _may_hold_roles(user):
        return Agency.objects.none()
    if user.is_superuser:
        return Agency.objects.all()
    return Agency.objects.filter(_system_admin_q(user) | Q(_reach(user)))


def access_agency(*, user, code: str) -> Agency:
    """The agency with this code if the user may see it; NotFound both when it does not exist and
    when it is outside the user's reach, so a code cannot be probed."""
    agency = visible_agencies(user).filter(code=code).first()
    if agency is None:
        raise NotFound(code="agency_not_found")
    return agency


def user_has_role(*, user, agency: Agency, role: str) -> bool:
    """Whether the user holds `role` on the agency or on one of its ancestors (one query).

    Only the role itself counts: a superuser is a system admin, not a signing leader.
    """
    if not _may_hold_roles(user):
        return False
    if role == Role.SYSTEM_ADMIN:
        return is_system_admin(user)
    return Membership.objects.filter(
        user=user, role=role, agency_id__in=agency.ancestors_path_ids()
    ).exists()


def agencies_where(user, role: str) -> QuerySet[Agency]:
    """The agencies where the user acts in `role`: the subtrees of the agencies where they hold it.

    For the system_admin role: every agency for a system admin, none otherwise.
    """
    if not _may_hold_roles(user):
        return Agency.objects.none()
    if role == Role.SYSTEM_ADMIN:
        if user.is_superuser:
            return Agency.objects.all()
        return Agency.objects.filter(_system_admin_q(user))
    return Agency.objects.filter(_reach(user, [role]))
