from pathlib import Path

from django.utils.dateparse import parse_datetime
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from motcua.audit.restore import backup_read_manifest, backup_restore
from motcua.common.commands import PlainErrorCommand, bad_argument
from motcua.common.errors import DomainError


class Command(PlainErrorCommand):
    help = _(
        "Khôi phục một bản sao lưu của motcua backup: GHI ĐÈ toàn bộ cơ sở dữ liệu và tệp "
        "đính kèm hiện có."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help=_("Tệp .tar.gz do motcua backup tạo."))
        parser.add_argument(
            "--yes",
            action="store_true",
            help=_("Đồng ý ghi đè dữ liệu hiện có (bắt buộc)."),
        )

    def handle(self, *args, archive: Path, yes: bool = False, **options):
        try:
            manifest = backup_read_manifest(archive)
            created = parse_datetime(manifest.get("created_at") or "")
            when = f"{localtime(created):%H:%M %d/%m/%Y}" if created else "?"
            if not yes:
                raise bad_argument(
                    _(
                        "Bản sao lưu tạo lúc %(when)s (cơ sở dữ liệu %(engine)s). Khôi phục sẽ "
                        "GHI ĐÈ toàn bộ dữ liệu và tệp đính kèm hiện có; chạy lại với --yes để "
                        "đồng ý."
                    )
                    % {"when": when, "engine": manifest.get("engine")}
                )
            result = backup_restore(path=archive)
        except DomainError as error:
            raise bad_argument(str(error.message)) from error
        from motcua.dossiers.models import Dossier
        from motcua.organizations.models import User

        self.stdout.write(
            _(
                "Đã khôi phục bản sao lưu tạo lúc %(when)s: cơ sở dữ liệu %(engine)s "
                "(%(dossiers)d hồ sơ, %(users)d tài khoản), %(files)d tệp đính kèm "
                "(%(removed)d tệp không có trong bản sao lưu đã được xoá)."
            )
            % {
                "when": when,
                "engine": result.manifest["engine"],
                "dossiers": Dossier.objects.count(),
                "users": User.objects.count(),
                "files": result.media_files,
                "removed": result.media_removed,
            }
        )
        if result.migrations_behind:
            self.stdout.write(
                _(
                    "Bản sao lưu cũ hơn mã nguồn (%(count)d bước chuyển đổi dữ liệu chưa áp "
                    "dụng): hãy chạy motcua migrate."
                )
                % {"count": len(result.migrations_behind)}
            )
