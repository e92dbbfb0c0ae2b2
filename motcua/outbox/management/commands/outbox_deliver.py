from django.utils.translation import gettext as _

from motcua.common.commands import PlainErrorCommand, bad_argument
from motcua.outbox.models import MessageState
from motcua.outbox.services import outbox_deliver_due


class Command(PlainErrorCommand):
    help = _(
        "Gửi lên Cổng dịch vụ công các tin đồng bộ đã đến lượt (chạy định kỳ, ví dụ mỗi 5 phút "
        "bằng cron hoặc systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=None, help=_("Gửi tối đa N tin trong lần chạy này.")
        )

    def handle(self, *args, **options):
        limit = options["limit"]
        if limit is not None and limit < 1:
            raise bad_argument(_("--limit phải là số nguyên dương."))
        run = outbox_deliver_due(limit=limit)
        if not run.configured:
            self.stderr.write(
                _(
                    "Chưa cấu hình MOTCUA_NATIONAL_ENDPOINT: các tin đồng bộ vẫn chờ gửi, "
                    "không tin nào bị mất."
                )
            )
            return
        self.stdout.write(
            _(
                "Đã gửi %(attempted)d tin: %(delivered)d thành công, %(failed)d lỗi (sẽ thử lại), "
                "%(rejected)d bị từ chối."
            )
            % {
                "attempted": run.attempted,
                "delivered": run.by_state.get(MessageState.DELIVERED, 0),
                "failed": run.by_state.get(MessageState.FAILED, 0),
                "rejected": run.by_state.get(MessageState.REJECTED, 0),
            }
        )
