"""Citizens' accounts, drafts and online submission: every write of the citizen pages.

Keyword-only functions raising motcua.common.errors with Vietnamese messages; the pages only parse
the form, call one of these and render.
"""

import re
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import OnlineLevel, Procedure, RequiredDocument
from motcua.common.errors import Forbidden, InvalidInput, NotFound
from motcua.common.ratelimit import RateLimitDecision, client_ip, rate_limit_hit
from motcua.dossiers.models import Dossier, ReturnMethod
from motcua.dossiers.services import dossier_attach_file, dossier_submit, upload_inspect
from motcua.notifications.services import notification_language_set
from motcua.organizations.models import Agency, AgencyKind, User
from motcua.portal.models import CitizenProfile, DossierDraft

EMAIL_TOKEN_SALT = "motcua.portal.citizen-email"  # noqa: S105 (a namespace, not a secret)
EMAIL_TOKEN_MAX_AGE = timedelta(days=3)
MAX_DOSSIER_SIZE = 50 * 1024 * 1024  # all files of one online dossier together
LOGIN_FAILURE_LIMIT = 5
LOGIN_FAILURE_WINDOW = 15 * 60  # seconds
DRAFT_KEYS = frozenset(
    {"name", "id_number", "birth_date", "address", "phone", "email", "desk", "return_method"}
)
_PHONE = re.compile(r"^0\d{9}$")


# -- accounts ------------------------------------------------------------------------------------


def citizen_identifier_normalize(*, identifier: str) -> tuple[str, str]:
    """("email" | "phone", the normalized value): the account's username."""
    value = (identifier or "").strip()
    if "@" in value:
        value = value.lower()
        try:
            validate_email(value)
        except ValidationError:
            raise InvalidInput(
                _("Địa chỉ thư điện tử không hợp lệ."), code="invalid_email"
            ) from None
        return "email", value
    digits = re.sub(r"[\s.\-()]", "", value)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not _PHONE.match(digits):
        raise InvalidInput(
            _("Nhập thư điện tử hoặc số điện thoại di động 10 chữ số (ví dụ 0912345678)."),
            code="invalid_identifier",
        )
    return "phone", digits


def registration_rate_limit_hit(*, request) -> RateLimitDecision:
    return rate_limit_hit(
        scope="citizen_register",
        key=client_ip(request),
        limit=int(getattr(settings, "MOTCUA_REGISTER_RATE", 10)),
        window=3600,
    )


def citizen_email_token(*, user: User) -> str:
    signer = signing.TimestampSigner(salt=EMAIL_TOKEN_SALT)
    return signer.sign(f"{user.pk}:{user.email}")


def _send_verification(user: User, base_url: str) -> None:
    link = base_url.rstrip("/") + reverse(
        "portal:citizen_verify_email", args=[citizen_email_token(user=user)]
    )
    send_mail(
        subject=_("Xác minh địa chỉ thư điện tử — Hệ thống một cửa"),
        message=_(
            "Chào %(name)s,\n\nĐể hoàn tất đăng ký tài khoản nộp hồ sơ trực tuyến, vui lòng mở "
            "đường dẫn sau (có hiệu lực trong 3 ngày):\n\n%(link)s\n\nNếu bạn không đăng ký, "
            "hãy bỏ qua thư này."
        )
        % {"name": user.full_name or user.email, "link": link},
        from_email=None,
        recipient_list=[user.email],
    )


def _password_messages(error: ValidationError) -> str:
    # Django's Vietnamese catalogue lacks some validator messages: say them ourselves, by code.
    own = {
        "password_too_short": _("Mật khẩu phải có ít nhất 8 ký tự."),
        "password_too_common": _("Mật khẩu này quá phổ biến."),
        "password_entirely_numeric": _("Mật khẩu không được chỉ gồm chữ số."),
        "password_too_similar": _("Mật khẩu quá giống thông tin tài khoản."),
    }
    return " ".join(own.get(item.code, " ".join(item.messages)) for item in error.error_list)


@transaction.atomic
def citizen_register(*, identifier: str, password: str, full_name: str, base_url: str) -> User:
    """A citizen account (username: the normalized email or phone) with its profile; an email
    account gets a verification link by mail and may submit only once verified."""
    kind, value = citizen_identifier_normalize(identifier=identifier)
    full_name = (full_name or "").strip()
    if not full_name or len(full_name) > 200 or not full_name.isprintable():
        raise InvalidInput(_("Vui lòng nhập họ và tên (tối đa 200 ký tự)."), code="invalid_name")
    user = User(
        username=value,
        full_name=full_name,
        email=value if kind == "email" else "",
        phone=value if kind == "phone" else "",
    )
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(_password_messages(exc), code="weak_password") from None
    if User.objects.filter(username__iexact=value).exists():
        raise InvalidInput(
            _("Đã có tài khoản với thư điện tử hoặc số điện thoại này."), code="account_exists"
        )
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise InvalidInput(
            _("Đã có tài khoản với thư điện tử hoặc số điện thoại này."), code="account_exists"
        ) from None
    CitizenProfile.objects.create(
        user=user,
        full_name=full_name,
        phone=value if kind == "phone" else "",
    )
    if kind == "email":
        transaction.on_commit(lambda: _send_verification(user, base_url))
    return user


def citizen_verify_email(*, token: str) -> User:
    """Mark the email of the account in `token` verified; a bad or expired link → InvalidInput."""
    signer = signing.TimestampSigner(salt=EMAIL_TOKEN_SALT)
    try:
        value = signer.unsign(token or "", max_age=EMAIL_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise InvalidInput(
            _(
                "Đường dẫn xác minh đã hết hạn (quá 3 ngày). Vui lòng đăng ký lại hoặc yêu cầu "
                "gửi lại thư."
            ),
            code="token_expired",
        ) from None
    except signing.BadSignature:
        raise InvalidInput(_("Đường dẫn xác minh không hợp lệ."), code="token_invalid") from None
    pk, _sep, email = value.partition(":")
    user = User.objects.filter(pk=pk, email=email).first() if pk.isdigit() else None
    if user is None:
        raise InvalidInput(_("Đường dẫn xác minh không hợp lệ."), code="token_invalid")
    profile = citizen_profile_get(user=user)
    if profile.email_verified_at is None:
        profile.email_verified_at = timezone.now()
        profile.save(update_fields=["email_verified_at", "updated_at"])
    return user


def _failure_keys(request, username: str) -> list[str]:
    return [
        f"motcua:citizen_login_failures:account:{username}",
        f"motcua:citizen_login_failures:client:{client_ip(request)}",
    ]


def _locked_out(keys: list[str]) -> bool:
    return any((cache.get(key) or 0) >= LOGIN_FAILURE_LIMIT for key in keys)


def _count_failure(keys: list[str]) -> None:
    for key in keys:
        # The window opens at the first failure and lasts 15 minutes.
        cache.add(key, 0, timeout=LOGIN_FAILURE_WINDOW)
        try:
            cache.incr(key)
        except ValueError:
            cache.add(key, 1, timeout=LOGIN_FAILURE_WINDOW)


def citizen_authenticate(*, request, identifier: str, password: str) -> User:
    """The account for these credentials; after 5 failures in 15 minutes for the account or the
    client, every attempt is refused (Forbidden) until the window ends."""
    try:
        _kind, username = citizen_identifier_normalize(identifier=identifier)
    except InvalidInput:
        username = (identifier or "").strip().lower()[:254]
    keys = _failure_keys(request, username)
    if _locked_out(keys):
        raise Forbidden(
            _("Bạn đã đăng nhập sai quá 5 lần. Vui lòng thử lại sau 15 phút."),
            code="login_locked",
        )
    user = authenticate(request, username=username, password=password or "")
    if user is None:
        _count_failure(keys)
        raise InvalidInput(
            _("Thư điện tử/số điện thoại hoặc mật khẩu không đúng."), code="login_failed"
        )
    return user


# -- profile -------------------------------------------------------------------------------------


def citizen_profile_get(*, user: User) -> CitizenProfile:
    profile, _created = CitizenProfile.objects.get_or_create(
        user=user, defaults={"full_name": user.full_name, "phone": user.phone}
    )
    return profile


def citizen_profile_update(
    *, user: User, full_name: str, id_number: str, birth_date, address: str, phone: str
) -> CitizenProfile:
    profile = citizen_profile_get(user=user)
    id_number = (id_number or "").strip()
    if id_number and (not id_number.isdigit() or len(id_number) > 20):
        raise InvalidInput(_("Số định danh/CCCD chỉ gồm chữ số."), code="invalid_id_number")
    values = {
        "full_name": (full_name or "").strip()[:200],
        "id_number": id_number,
        "birth_date": birth_date,
        "address": (address or "").strip()[:500],
        "phone": (phone or "").strip()[:20],
    }
    for field, value in values.items():
        if isinstance(value, str) and not value.isprintable():
            raise InvalidInput(_("Thông tin chứa ký tự không hợp lệ."), code="invalid_characters")
        setattr(profile, field, value)
    profile.save(update_fields=[*values, "updated_at"])
    return profile


def citizen_may_submit(*, user: User) -> bool:
    """Email accounts submit once the email is verified; phone accounts may submit (no SMS yet)."""
    if not user.email:
        return True
    return citizen_profile_get(user=user).email_verified_at is not None


# -- procedures offered online -------------------------------------------------------------------


def online_procedure_get(*, pk: int) -> Procedure:
    procedure = (
        Procedure.objects.filter(
            pk=pk,
            is_published=True,
            accepts_online=True,
            online_level__in=[OnlineLevel.FULL, OnlineLevel.PARTIAL],
        )
        .select_related("field")
        .first()
    )
    if procedure is None:
        raise NotFound(_("Thủ tục này không nhận hồ sơ trực tuyến."), code="not_online")
    return procedure


def desks_list():
    return Agency.objects.filter(kind=AgencyKind.SERVICE_CENTER, is_active=True).order_by("name")


# -- drafts --------------------------------------------------------------------------------------


def draft_get(*, user: User, procedure: Procedure) -> DossierDraft | None:
    return DossierDraft.objects.filter(user=user, procedure=procedure).first()


def _clean_draft_data(data: dict) -> dict:
    cleaned = {}
    for key in DRAFT_KEYS:
        value = data.get(key)
        if value is None:
            continue
        text = str(value).strip()[:500]
        if not text.isprintable():
            raise InvalidInput(_("Thông tin chứa ký tự không hợp lệ."), code="invalid_characters")
        cleaned[key] = text
    return cleaned


def _documents_of(procedure: Procedure) -> list[RequiredDocument]:
    return list(procedure.documents.order_by("order", "id"))


def _inspect_all(procedure, uploads: dict, kept: dict) -> list[tuple]:
    """Each (document, file, size, content type, extension) to keep, every file inspected before
    anything is stored."""
    chosen = []
    total = 0
    for document in _documents_of(procedure):
        upload = uploads.get(document.pk)
        if upload is None:
            upload = kept.get(document.pk)
        if upload is None:
            continue
        try:
            content_type, extension, size, _sha = upload_inspect(upload=upload)
        except InvalidInput as exc:
            raise InvalidInput(
                _("«%(document)s»: %(message)s")
                % {"document": document.name[:120], "message": exc.message},
                code=exc.code,
            ) from None
        total += size
        chosen.append((document, upload, size, content_type, extension))
    if total > MAX_DOSSIER_SIZE:
        raise InvalidInput(
            _("Tổng dung lượng các tệp của hồ sơ lớn hơn 50 MB."), code="dossier_too_large"
        )
    return chosen


def _draft_files(draft: DossierDraft | None) -> dict:
    """The draft's stored files opened for reading, keyed by required document pk."""
    if draft is None:
        return {}
    prefix = f"drafts/{draft.user_id}/"
    opened = {}
    for key, entry in (draft.files or {}).items():
        name = entry.get("name", "")
        # The row is ours, but a stored name outside the owner's folder is never opened.
        if not name.startswith(prefix) or ".." in name or not key.isdigit():
            continue
        if not default_storage.exists(name):
            continue
        opened[int(key)] = File(default_storage.open(name, "rb"), name=entry.get("original_name"))
    return opened


def _close_all(files: dict) -> None:
    for handle in files.values():
        handle.close()


def _delete_later(names: list[str]) -> None:
    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def draft_save(*, user: User, procedure: Procedure, data: dict, uploads: dict) -> DossierDraft:
    """Keep what the citizen has entered and uploaded so far (the files under drafts/<user>/)."""
    procedure = online_procedure_get(pk=procedure.pk)
    draft = DossierDraft.objects.select_for_update().filter(user=user, procedure=procedure).first()
    kept = _draft_files(draft)
    try:
        chosen = _inspect_all(procedure, uploads, kept)
    finally:
        _close_all(kept)
    if draft is None:
        draft = DossierDraft(user=user, procedure=procedure, files={})
    files = dict(draft.files or {})
    replaced = []
    for document, upload, size, content_type, extension in chosen:
        if document.pk not in uploads:
            continue
        stored = default_storage.save(
            f"drafts/{user.pk}/{uuid.uuid4().hex}{extension}", File(upload)
        )
        old = files.get(str(document.pk))
        if old:
            replaced.append(old["name"])
        files[str(document.pk)] = {
            "name": stored,
            "original_name": _display_name(upload, extension),
            "size": size,
            "content_type": content_type,
        }
    draft.data = _clean_draft_data(data)
    draft.files = files
    draft.save()
    _delete_later(replaced)
    return draft


def _display_name(upload, extension: str) -> str:
    from motcua.dossiers.services.files import _original_name

    return _original_name(getattr(upload, "name", ""), extension)


def draft_discard(*, draft: DossierDraft) -> None:
    names = [entry["name"] for entry in (draft.files or {}).values() if entry.get("name")]
    draft.delete()
    _delete_later(names)


# -- submission ----------------------------------------------------------------------------------


def citizen_dossier_submit(
    *,
    user: User,
    procedure: Procedure,
    desk: Agency,
    applicant: dict,
    return_method: str = ReturnMethod.AT_DESK,
    uploads: dict,
    language: str = "vi",
) -> Dossier:
    """Submit online (status Mới đăng ký, a code at once) with one file per document.

    All files (new uploads and the draft's) are inspected before anything is written: a bad file
    refuses the submission with no dossier and no code used up. Then the dossier, its documents
    and its files are written in one transaction, and the draft is discarded."""
    procedure = online_procedure_get(pk=procedure.pk)
    if not citizen_may_submit(user=user):
        raise Forbidden(
            _(
                "Vui lòng xác minh địa chỉ thư điện tử (mở đường dẫn trong thư đã gửi) trước khi "
                "nộp hồ sơ."
            ),
            code="email_not_verified",
        )
    draft = draft_get(user=user, procedure=procedure)
    kept = _draft_files(draft)
    try:
        chosen = _inspect_all(procedure, uploads, kept)
        provided = {item[0].pk for item in chosen}
        missing = [
            document.name
            for document in _documents_of(procedure)
            if document.is_required and document.pk not in provided
        ]
        if missing:
            raise InvalidInput(
                _("Chưa tải lên giấy tờ bắt buộc: %(names)s.") % {"names": "; ".join(missing)},
                code="documents_missing",
            )
        with transaction.atomic():
            dossier = dossier_submit(
                actor=user,
                receiving_agency=desk,
                procedure=procedure,
                applicant=applicant,
                documents=[
                    {
                        "name": document.name[:500],
                        "originals": document.originals,
                        "copies": document.copies,
                    }
                    for document, *_rest in chosen
                ],
                return_method=return_method,
            )
            # Notifications about this dossier speak the language the citizen submitted in.
            notification_language_set(dossier=dossier, language=language)
            recorded = list(dossier.documents.order_by("order", "id"))
            for (_document, upload, *_rest), record in zip(chosen, recorded, strict=True):
                dossier_attach_file(actor=user, dossier=dossier, upload=upload, document=record)
            if draft is not None:
                draft_discard(draft=draft)
    finally:
        _close_all(kept)
    return dossier
