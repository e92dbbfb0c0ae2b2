from pathlib import Path

from django.utils.translation import gettext as _

from motcua.audit.backup import backup_create, default_output
from motcua.common.commands import PlainErrorCommand, bad_argument
from motcua.common.errors import DomainError


class Command(PlainErrorCommand):
    help = _(
        "Sao lưu cơ sở dữ liệu và tệp đính kèm vào một tệp .tar.gz (chạy được khi hệ thống "
        "đang hoạt động)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help=_("Tệp .tar.gz sẽ ghi (mặc định: var/backups/motcua-<thời điểm>.tar.gz)."),
        )

    def handle(self, *args, output: Path | None = None, **options):
        target = output or default_output()
        if target.is_dir():
            raise bad_argument(
                _("%(path)s là một thư mục; hãy ghi tên tệp, ví dụ %(path)s/motcua.tar.gz.")
                % {"path": target}
            )
        try:
            result = backup_create(output=target)
        except DomainError as error:
            raise bad_argument(str(error.message)) from error
        manifest = result.manifest
        size = result.path.stat().st_size
        self.stdout.write(
            _(
                "Đã sao lưu vào %(path)s (%(size)s byte): cơ sở dữ liệu %(engine)s, "
                "%(files)d tệp đính kèm, %(apps)d ứng dụng với %(migrations)d bước chuyển đổi."
            )
            % {
                "path": result.path,
                "size": f"{size:,}".replace(",", "."),
                "engine": manifest["engine"],
                "files": result.media_files,
                "apps": len(manifest["migrations"]),
                "migrations": sum(len(names) for names in manifest["migrations"].values()),
            }
        )
        for warning in result.warnings:
            self.stderr.write(warning)
