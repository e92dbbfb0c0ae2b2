"""The queue's write side: every change of a ticket goes through one of these."""

from motcua.queueing.services.setup import (
    board_notice_delete,
    board_notice_save,
    board_refresh,
    service_area_create,
    service_area_set_counters,
)
from motcua.queueing.services.tickets import (
    ticket_call_next,
    ticket_finish,
    ticket_hold,
    ticket_issue,
    ticket_link_dossier,
    ticket_no_show,
    ticket_recall,
    ticket_resume,
    ticket_start_serving,
    ticket_transfer,
)

__all__ = [
    "board_notice_delete",
    "board_notice_save",
    "board_refresh",
    "service_area_create",
    "service_area_set_counters",
    "ticket_call_next",
    "ticket_finish",
    "ticket_hold",
    "ticket_issue",
    "ticket_link_dossier",
    "ticket_no_show",
    "ticket_recall",
    "ticket_resume",
    "ticket_start_serving",
    "ticket_transfer",
]
