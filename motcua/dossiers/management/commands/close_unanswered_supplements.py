from django.utils.translation import gettext as _

from motcua.common.commands import PlainErrorCommand
from motcua.dossiers.services import dossiers_close_unanswered_supplements


class Command(PlainErrorCommand):
    help = _(
        "Dừng xử lý các hồ sơ có yêu cầu bổ sung đã quá hạn mà công dân không bổ sung (mặc định "
        "15 ngày làm việc, theo quy định áp dụng) và gửi thông báo cho người nộp. Chạy hằng ngày."
    )

    def handle(self, *args, **options):
        count = dossiers_close_unanswered_supplements()
        self.stdout.write(_("Đã dừng xử lý %(count)d hồ sơ quá hạn bổ sung.") % {"count": count})
