"""`motcua api_token create --user USERNAME --name NAME [--expires 2027-01-01]` prints the
secret, once; `motcua api_token revoke PREFIX`; `motcua api_token list [--user USERNAME]`.

A bad argument prints one line in Vietnamese on stderr and exits with status 2.
"""

from datetime import datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.api.models import ApiToken
from motcua.api.services import api_token_create, api_token_revoke
from motcua.common.commands import PlainErrorCommand, bad_argument
from motcua.common.errors import DomainError
from motcua.organizations.models import User
from motcua.workdays.engine import OFFICE_TZ

_bad = bad_argument


def _local(value: datetime | None) -> str:
    return value.astimezone(OFFICE_TZ).strftime("%Y-%m-%d %H:%M") if value else "-"


class Command(PlainErrorCommand):
    help = gettext_lazy(
        "Quản lý mã truy cập API: tạo (in mã bí mật một lần duy nhất), thu hồi, liệt kê."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(
            dest="command", required=True, metavar="create|revoke|list"
        )
        create = commands.add_parser("create", help=str(_("Tạo mã truy cập cho một tài khoản.")))
        create.add_argument("--user", required=True, help=str(_("Tên đăng nhập của tài khoản.")))
        create.add_argument("--name", required=True, help=str(_("Tên gợi nhớ của mã.")))
        create.add_argument(
            "--expires",
            help=str(
                _("Hết hạn lúc: YYYY-MM-DD (hết ngày đó) hoặc ISO 8601; bỏ trống: không hết hạn.")
            ),
        )
        revoke = commands.add_parser("revoke", help=str(_("Thu hồi một mã theo tiền tố.")))
        revoke.add_argument("prefix", help=str(_("Tiền tố 8 ký tự của mã.")))
        listing = commands.add_parser("list", help=str(_("Liệt kê các mã truy cập.")))
        listing.add_argument("--user", help=str(_("Chỉ các mã của tài khoản này.")))
        for sub in (create, revoke, listing):
            sub.error = self.parser_error

    def handle(self, *args, command: str, **options):
        try:
            if command == "create":
                self._create(options["user"], options["name"], options["expires"])
            elif command == "revoke":
                self._revoke(options["prefix"])
            else:
                self._list(options["user"])
        except DomainError as error:
            raise _bad(str(error.message)) from error

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username.strip()).first()
        if user is None:
            raise _bad(_("Không tìm thấy tài khoản «%(username)s».") % {"username": username})
        return user

    def _create(self, username: str, name: str, expires: str | None) -> None:
        user = self._user(username)
        token, secret = api_token_create(user=user, name=name, expires_at=_expiry(expires))
        self.stdout.write(secret)
        self.stderr.write(
            _("Đã tạo mã %(prefix)s… cho %(username)s. Mã bí mật chỉ in ra một lần: hãy lưu ngay.")
            % {"prefix": token.key_prefix, "username": user.get_username()}
        )

    def _revoke(self, prefix: str) -> None:
        tokens = list(ApiToken.objects.filter(key_prefix=prefix.strip())[:2])
        if not tokens:
            raise _bad(_("Không có mã truy cập nào có tiền tố «%(prefix)s».") % {"prefix": prefix})
        if len(tokens) > 1:
            raise _bad(
                _("Có nhiều mã cùng tiền tố «%(prefix)s»: hãy thu hồi trong trang quản trị.")
                % {"prefix": prefix}
            )
        token = api_token_revoke(token=tokens[0])
        self.stdout.write(
            _("Đã thu hồi mã %(prefix)s… (%(name)s) của %(username)s.")
            % {"prefix": token.key_prefix, "name": token.name, "username": token.user.username}
        )

    def _list(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("created_at", "id")
        if username is not None:
            tokens = tokens.filter(user=self._user(username))
        for token in tokens:
            self.stdout.write(
                "\t".join(
                    [
                        token.key_prefix,
                        token.user.get_username(),
                        token.name,
                        _local(token.created_at),
                        _local(token.last_used_at),
                        _local(token.expires_at),
                        _state(token),
                    ]
                )
            )


def _state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return _("đã thu hồi")
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return _("hết hạn")
    return _("còn hiệu lực")


def _expiry(value: str | None) -> datetime | None:
    if value is None:
        return None
    text = value.strip()
    try:
        day = parse_date(text) if len(text) == 10 else None
        moment = None if day is not None else parse_datetime(text)
    except ValueError:
        day = moment = None
    if day is not None:
        return datetime.combine(day, time(23, 59, 59), tzinfo=OFFICE_TZ)
    if moment is None:
        raise _bad(
            _("Thời điểm hết hạn không hợp lệ: «%(value)s». Dùng dạng 2027-01-31.")
            % {"value": value}
        )
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=OFFICE_TZ)
