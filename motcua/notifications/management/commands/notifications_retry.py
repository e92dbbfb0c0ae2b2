from django.utils.translation import gettext as _

from motcua.common.commands import PlainErrorCommand
from motcua.notifications.services import notifications_retry_due


class Command(PlainErrorCommand):
    help = _(
        "Gửi lại các thông báo lỗi đã đến giờ thử lại và các thông báo bị dừng giữa chừng "
        "(chạy định kỳ, ví dụ mỗi 5 phút)."
    )

    def handle(self, *args, **options):
        count = notifications_retry_due()
        self.stdout.write(_("Đã xếp lịch gửi lại %(count)d thông báo.") % {"count": count})
