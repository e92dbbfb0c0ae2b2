"""Every write to a dossier: one transaction, the ACTIONS table and the actor's role checked,
one event row per change (motcua.dossiers.statuses, DOMAIN §2–§4).

Callers (views, the API, the admin, commands, tasks) use these and nothing else to change a
dossier; they raise motcua.common.errors with stable codes and leave nothing half-written.
"""

from motcua.dossiers.services.due import dossiers_recompute_due
from motcua.dossiers.services.files import dossier_attach_file, upload_inspect
from motcua.dossiers.services.holds import (
    dossier_apologize,
    dossier_pause_payment,
    dossier_request_supplement,
    dossier_resume_payment,
    dossier_stop,
    dossier_supplement_received,
    dossier_withdraw,
    dossiers_close_unanswered_supplements,
)
from motcua.dossiers.services.intake import (
    dossier_code_next,
    dossier_intake_incomplete,
    dossier_intake_refuse,
    dossier_receive,
    dossier_refuse_intake,
    dossier_submit,
)
from motcua.dossiers.services.route import (
    dossier_approve,
    dossier_assign,
    dossier_forward,
    dossier_partner_result,
    dossier_refuse,
    dossier_return_result,
    dossier_send_back,
    dossier_send_partner,
)

__all__ = [
    "dossier_apologize",
    "dossier_approve",
    "dossier_assign",
    "dossier_attach_file",
    "dossier_code_next",
    "dossier_forward",
    "dossier_intake_incomplete",
    "dossier_intake_refuse",
    "dossier_partner_result",
    "dossier_pause_payment",
    "dossier_receive",
    "dossier_refuse",
    "dossier_refuse_intake",
    "dossier_request_supplement",
    "dossier_resume_payment",
    "dossier_return_result",
    "dossier_send_back",
    "dossier_send_partner",
    "dossier_stop",
    "dossier_submit",
    "dossier_supplement_received",
    "dossier_withdraw",
    "dossiers_close_unanswered_supplements",
    "dossiers_recompute_due",
    "upload_inspect",
]
