"""What an officer may see and do in the agency tree: the one place that decides it.

A role held on an agency reaches that agency's whole subtree (the materialized `path` prefix), so
every check here is one SQL query whatever the depth of the tree. A superuser or a holder of the
system_admin role sees every agency. Citizens, anonymous and inactive users see none.

Other apps filter their own rows through these, e.g.
`Dossier.objects.filter(receiving_agency__in=visible_agencies(user))`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

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


# Up to this many agencies a scope hands out plain ids; a larger reach (a province's whole tree)
# stays a subquery, so a statement never carries thousands of parameters.
SCOPE_ID_LIMIT = 300


@dataclass(frozen=True)
class AgencyScope:
    """An officer's reach read once (two small queries): the agencies of each role held, as ids.

    Lists filter on `agency_id IN (ids)` instead of re-deriving the reach in correlated
    subqueries in every statement: cheaper to build, and PostgreSQL plans with the real ids —
    worth its two queries for a page of several lists. Same answers as `agencies_where` and
    `visible_agencies`, which it hands out instead (`as_subqueries`) for a reach over
    SCOPE_ID_LIMIT agencies, and for one list read alone (`AgencyScope.lazy`: no query).
    """

    user: object
    everything: bool  # a superuser or system admin sees every agency
    by_role: dict[str, frozenset[int]]
    as_subqueries: bool

    @classmethod
    def lazy(cls, user) -> "AgencyScope":
        return cls(user, False, {}, True)

    @classmethod
    def of(cls, user) -> "AgencyScope":
        if not _may_hold_roles(user):
            return cls(user, False, {}, False)
        held = list(Membership.objects.filter(user=user).values_list("role", "agency__path"))
        everything = user.is_superuser or any(role == Role.SYSTEM_ADMIN for role, _ in held)
        paths = sorted({path for role, path in held if role != Role.SYSTEM_ADMIN})
        if not paths:
            return cls(user, everything, {}, False)
        under = reduce(or_, (Q(path__startswith=path) for path in paths))
        agencies = list(
            Agency.objects.filter(under).values_list("id", "path")[: SCOPE_ID_LIMIT + 1]
        )
        if len(agencies) > SCOPE_ID_LIMIT:
            return cls(user, everything, {}, True)
        by_role: dict[str, set[int]] = {}
        for role, held_path in held:
            ids = by_role.setdefault(role, set())
            ids.update(pk for pk, path in agencies if path.startswith(held_path))
        return cls(user, everything, {r: frozenset(ids) for r, ids in by_role.items()}, False)

    def where(self, *roles: str) -> list[int] | QuerySet[Agency]:
        """The agencies where the user acts in any of `roles` (not SYSTEM_ADMIN)."""
        if self.as_subqueries:
            return reduce(or_, (agencies_where(self.user, role) for role in roles))
        return sorted(set().union(*(self.by_role.get(role, ()) for role in roles)))

    def visible(self) -> list[int] | QuerySet[Agency] | None:
        """The agencies the user may see; None for every agency."""
        if self.everything:
            return None
        if self.as_subqueries:
            return visible_agencies(self.user)
        return sorted(set().union(*self.by_role.values()))
