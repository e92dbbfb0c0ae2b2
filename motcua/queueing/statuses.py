"""Ticket statuses and the table of allowed actions (DOMAIN §8).

A ticket waits in the line of its service area, is called to a counter, is served and finished;
or the citizen does not come (no-show), steps aside for a moment (on hold, resumed by a new call
to the same counter), or is sent to another service area or counter (transferred: it waits there,
keeping its number and its place by number). The TRANSITIONS table is the only place that says
which action moves a ticket from which status to which; the services check it, so the admin, the
pages and commands cannot bypass it.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Đang chờ")  # in the line of its service area
    CALLED = "called", _("Đã gọi")  # called to a counter; the citizen is on the way
    SERVING = "serving", _("Đang phục vụ")  # the citizen is at the counter
    DONE = "done", _("Đã xong")  # served; the ticket is closed
    NO_SHOW = "no_show", _("Vắng mặt")  # called and did not come; closed (take a new ticket)
    ON_HOLD = "on_hold", _("Tạm dừng")  # stepped aside (a copy, a missing paper); same counter
    TRANSFERRED = "transferred", _("Đã chuyển")  # waits in another service area or at a counter


class TicketPriority(models.TextChoices):
    NONE = "none", _("Không ưu tiên")  # first come, first served
    ELDERLY = "elderly", _("Người cao tuổi")
    DISABLED = "disabled", _("Người khuyết tật")
    PREGNANT = "pregnant", _("Phụ nữ mang thai")
    INFANT = "infant", _("Người đang bế con nhỏ")


class TicketAction(models.TextChoices):
    ISSUE = "issue", _("Lấy số")
    CALL = "call", _("Gọi số")
    RECALL = "recall", _("Gọi lại")
    START = "start", _("Bắt đầu phục vụ")
    NO_SHOW = "no_show", _("Vắng mặt")
    HOLD = "hold", _("Tạm dừng")
    RESUME = "resume", _("Tiếp tục")
    TRANSFER = "transfer", _("Chuyển")
    FINISH = "finish", _("Kết thúc")
    LINK_DOSSIER = "link_dossier", _("Gắn hồ sơ đã tiếp nhận")


NEW = ""  # the source "status" of the action that creates the ticket

# Statuses in a line, waiting for a counter's "call next".
IN_LINE = frozenset({TicketStatus.WAITING, TicketStatus.TRANSFERRED})
# Statuses that occupy a counter: it calls no other number while it has one of these.
AT_COUNTER = frozenset({TicketStatus.CALLED, TicketStatus.SERVING})
# Closed: nothing more happens to the ticket.
CLOSED = frozenset({TicketStatus.DONE, TicketStatus.NO_SHOW})
# Calls the display board announces.
ANNOUNCED = frozenset({TicketAction.CALL, TicketAction.RECALL, TicketAction.RESUME})


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]  # statuses the action may start from (NEW: creates the ticket)
    target: str | None  # the status it leads to; None: the status stays


TRANSITIONS: dict[str, Transition] = {
    TicketAction.ISSUE: Transition((NEW,), TicketStatus.WAITING),
    TicketAction.CALL: Transition(
        (TicketStatus.WAITING, TicketStatus.TRANSFERRED), TicketStatus.CALLED
    ),
    TicketAction.RECALL: Transition((TicketStatus.CALLED,), TicketStatus.CALLED),
    TicketAction.START: Transition((TicketStatus.CALLED,), TicketStatus.SERVING),
    TicketAction.NO_SHOW: Transition((TicketStatus.CALLED,), TicketStatus.NO_SHOW),
    TicketAction.HOLD: Transition(
        (TicketStatus.CALLED, TicketStatus.SERVING), TicketStatus.ON_HOLD
    ),
    TicketAction.RESUME: Transition((TicketStatus.ON_HOLD,), TicketStatus.CALLED),
    TicketAction.TRANSFER: Transition(
        (TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.ON_HOLD),
        TicketStatus.TRANSFERRED,
    ),
    TicketAction.FINISH: Transition((TicketStatus.SERVING,), TicketStatus.DONE),
    # The dossier received from this ticket at the counter (the intake page links it).
    TicketAction.LINK_DOSSIER: Transition(
        (TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.ON_HOLD, TicketStatus.DONE), None
    ),
}


def allowed_actions(status: str) -> list[str]:
    """The actions a ticket in `status` may take, in the table's order."""
    return [action for action, rule in TRANSITIONS.items() if status in rule.sources]
