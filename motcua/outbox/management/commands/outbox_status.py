from django.utils.translation import gettext as _

from motcua.common.commands import PlainErrorCommand
from motcua.outbox.models import MessageState
from motcua.outbox.selectors import outbox_counts, outbox_oldest_undelivered
from motcua.outbox.transport import endpoint_configured
from motcua.workdays.engine import OFFICE_TZ


class Command(PlainErrorCommand):
    help = _("In số tin đồng bộ lên Cổng dịch vụ công theo tình trạng gửi.")

    def handle(self, *args, **options):
        counts = outbox_counts()
        for state, label in MessageState.choices:
            self.stdout.write(f"{label}: {counts[state]}")
        oldest = outbox_oldest_undelivered()
        if oldest is not None:
            self.stdout.write(
                _("Tin chưa gửi được cũ nhất tạo lúc %(at)s.")
                % {"at": f"{oldest.astimezone(OFFICE_TZ):%H:%M %d/%m/%Y}"}
            )
        if not endpoint_configured():
            self.stdout.write(_("Chưa cấu hình MOTCUA_NATIONAL_ENDPOINT: các tin đang chờ gửi."))
