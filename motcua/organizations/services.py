"""Writes to the agency tree, counters and officers. The materialized path is kept here, not in
save(); the admin and the commands create agencies, counters and officers through these."""

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from motcua.audit.services import audit_deleted, audit_record, audit_saved
from motcua.common.errors import Conflict, InvalidInput
from motcua.organizations.models import Agency, AgencyKind, Counter, Membership, Role, User


def _invalid(error: ValidationError, *, code: str) -> InvalidInput:
    messages = error.messages
    details = {"errors": error.message_dict} if hasattr(error, "error_dict") else {}
    return InvalidInput(" ".join(messages), code=code, details=details)


@transaction.atomic
def agency_create(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Agency | None = None,
    **fields,
) -> Agency:
    agency = Agency(code=code, name=name, kind=kind, parent=parent, path="", **fields)
    try:
        agency.full_clean(exclude=["path"])
    except ValidationError as error:
        raise _invalid(error, code="agency_invalid") from error
    agency.save()
    agency.path = f"{parent.path if parent else '/'}{agency.pk}/"
    agency.save(update_fields=["path"])
    audit_saved(instance=agency, before=None, agency=agency)
    return agency


def agency_check_parent(*, agency: Agency, new_parent: Agency | None) -> None:
    """Refuse a parent that would put the agency under itself (a cycle in the tree)."""
    if agency.pk is not None and new_parent is not None and new_parent.path.startswith(agency.path):
        raise InvalidInput(
            _("Không thể chuyển cơ quan vào chính nó hoặc cơ quan cấp dưới của nó."),
            code="agency_cycle",
        )


@transaction.atomic
def agency_move(*, agency: Agency, new_parent: Agency | None) -> Agency:
    """Re-attach an agency (with its whole subtree) under another parent."""
    if new_parent is not None:
        # The parent's path may have been read before another move; take it fresh.
        new_parent.refresh_from_db(fields=["path"])
    agency_check_parent(agency=agency, new_parent=new_parent)
    old_path = Agency.objects.values_list("path", flat=True).get(pk=agency.pk)
    new_path = f"{new_parent.path if new_parent else '/'}{agency.pk}/"
    Agency.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1))
    )
    agency.parent = new_parent
    agency.save(update_fields=["parent", "updated_at"])
    agency.refresh_from_db(fields=["path"])
    old_parent = [None, *old_path.strip("/").split("/")][-2]
    audit_record(
        action="update",
        instance=agency,
        agency=agency,
        before={"parent_id": int(old_parent) if old_parent else None},
        after={"parent_id": agency.parent_id},
    )
    return agency


@transaction.atomic
def counter_create(*, desk: Agency, number: int, name: str = "", is_active: bool = True) -> Counter:
    """A counter (quầy) of a reception desk; numbers are unique per desk."""
    if desk.kind != AgencyKind.SERVICE_CENTER:
        raise InvalidInput(
            _("Chỉ bộ phận một cửa hoặc trung tâm phục vụ hành chính công mới có quầy tiếp nhận."),
            code="counter_desk_kind",
        )
    if number is None or number < 1:
        raise InvalidInput(_("Số quầy phải là số nguyên dương."), code="counter_number")
    if Counter.objects.filter(desk=desk, number=number).exists():
        raise Conflict(
            _("Bộ phận %(desk)s đã có quầy số %(number)s.") % {"desk": desk.name, "number": number},
            code="counter_exists",
        )
    counter = Counter(desk=desk, number=number, name=name, is_active=is_active)
    try:
        counter.full_clean(validate_unique=False)
    except ValidationError as error:
        raise _invalid(error, code="counter_invalid") from error
    counter.save()
    audit_saved(instance=counter, before=None, agency=desk)
    return counter


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise InvalidInput(
            _("Vai trò không hợp lệ: %(role)s.") % {"role": role}, code="role_invalid"
        )


def membership_check(*, agency: Agency, role: str) -> None:
    """Whether a role may be granted on this agency at all (forms call it to show the message)."""
    _check_role(role)
    if not agency.is_active:
        raise InvalidInput(
            _("Cơ quan %(agency)s đã ngừng hoạt động.") % {"agency": agency.name},
            code="agency_inactive",
        )


@transaction.atomic
def membership_grant(*, user: User, agency: Agency, role: str) -> Membership:
    """Give the user a role on the agency (and so its subtree). Granting a held role is a no-op."""
    membership_check(agency=agency, role=role)
    membership, created = Membership.objects.get_or_create(user=user, agency=agency, role=role)
    if created:
        audit_saved(instance=membership, before=None, agency=agency)
    return membership


@transaction.atomic
def membership_revoke(*, user: User, agency: Agency, role: str) -> bool:
    """Take the role away; False when the user did not hold it there."""
    _check_role(role)
    deleted, _rows = Membership.objects.filter(user=user, agency=agency, role=role).delete()
    if deleted:
        revoked = Membership(user=user, agency=agency, role=role)
        audit_deleted(
            instance=revoked,
            before={"user_id": user.pk, "agency_id": agency.pk, "role": role},
            agency=agency,
            object_id="",
        )
    return deleted > 0


@transaction.atomic
def officer_create(
    *,
    username: str,
    full_name: str,
    password: str,
    agency: Agency,
    roles: Iterable[str],
    email: str = "",
    phone: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """An officer: the user account and its roles on one agency, all or nothing."""
    roles = list(dict.fromkeys(roles))
    if not roles:
        raise InvalidInput(_("Cán bộ phải có ít nhất một vai trò."), code="roles_empty")
    for role in roles:
        _check_role(role)
    username = (username or "").strip()
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(
            _("Tên đăng nhập %(username)s đã được dùng.") % {"username": username},
            code="username_taken",
        )
    user = User(
        username=username,
        full_name=full_name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        is_staff=is_staff or is_superuser,
        is_superuser=is_superuser,
    )
    try:
        user.full_clean(exclude=["password"], validate_unique=False)
        validate_password(password, user)
    except ValidationError as error:
        raise _invalid(error, code="officer_invalid") from error
    user.set_password(password)
    user.save()
    for role in roles:
        membership_grant(user=user, agency=agency, role=role)
    audit_saved(instance=user, before=None, agency=agency, roles=roles)
    return user
