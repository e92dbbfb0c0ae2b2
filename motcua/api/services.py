"""API tokens: create, revoke, and check the secret a caller presents."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.api.models import PREFIX_LENGTH, ApiToken
from motcua.common.errors import Conflict, InvalidInput
from motcua.organizations.models import User

# last_used_at is for people ("is this integration still running?"): minute precision is enough,
# and a write on every call would serialize a busy integration on its token row.
LAST_USED_PRECISION = timedelta(minutes=1)
_MAX_SECRET_LENGTH = 200


def _digest(secret: str) -> str:
    # The secret carries 256 random bits: a plain SHA-256 cannot be reversed by guessing, so
    # no slow password hash is needed (and verifying stays cheap on every call).
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_check(*, user, name, expires_at: datetime | None) -> str:
    """Check what a new token is made of; returns the cleaned name."""
    if not isinstance(user, User) or user.pk is None:
        raise InvalidInput(_("Tài khoản không hợp lệ."), code="invalid_user")
    if not user.is_active:
        raise InvalidInput(
            _("Tài khoản %(username)s đã bị khóa.") % {"username": user.get_username()},
            code="user_inactive",
        )
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name:
        raise InvalidInput(_("Hãy đặt tên gợi nhớ cho mã truy cập."), code="name_required")
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise InvalidInput(_("Tên gợi nhớ dài quá 100 ký tự."), code="name_too_long")
    if expires_at is not None:
        if not isinstance(expires_at, datetime) or timezone.is_naive(expires_at):
            raise InvalidInput(_("Thời điểm hết hạn không hợp lệ."), code="invalid_expires_at")
        if expires_at <= timezone.now():
            raise InvalidInput(_("Thời điểm hết hạn phải ở tương lai."), code="invalid_expires_at")
    return name


@transaction.atomic
def api_token_create(*, user, name: str, expires_at: datetime | None = None):
    """A new token for `user`: returns (token, secret). The secret exists only in this return
    value; show it to the person once."""
    name = api_token_check(user=user, name=name, expires_at=expires_at)
    secret = secrets.token_urlsafe(32)
    while secret.startswith("-"):
        # Its prefix names the token on the command line (`api_token revoke PREFIX`), where a
        # leading dash would read as an option.
        secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_prefix=secret[:PREFIX_LENGTH],
        key_hash=_digest(secret),
        created_at=timezone.now(),
        expires_at=expires_at,
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke for good (a revoked token is never valid again; make a new one instead)."""
    at = timezone.now()
    # Conditional update: two operators revoking at once record one revocation time.
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=at)
    if not updated:
        raise Conflict(
            _("Mã truy cập %(prefix)s… đã bị thu hồi trước đó.") % {"prefix": token.key_prefix},
            code="token_already_revoked",
        )
    token.revoked_at = at
    return token


def api_token_verify(*, secret: str) -> ApiToken | None:
    """The valid token whose secret this is (with its user), or None: unknown, revoked,
    expired, or its user deactivated. Records the use, at most once a minute."""
    if (
        not isinstance(secret, str)
        or not secret
        or len(secret) > _MAX_SECRET_LENGTH
        or not secret.isprintable()  # PostgreSQL refuses a NUL even in a query parameter
    ):
        return None
    digest = _digest(secret)
    at = timezone.now()
    candidates = ApiToken.objects.select_related("user").filter(key_prefix=secret[:PREFIX_LENGTH])
    token = next(
        (c for c in candidates if hmac.compare_digest(c.key_hash, digest)),
        None,
    )
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    if token.expires_at is not None and token.expires_at <= at:
        return None
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=at - LAST_USED_PRECISION)
    ).update(last_used_at=at)
    return token
