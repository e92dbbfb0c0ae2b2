"""Every write to a dossier: one transaction, the ACTIONS table and the actor's role checked,
one event row per change (motcua.dossiers.statuses, DOMAIN §2–§4).

Callers (views, the API, the admin, commands, tasks) use these and nothing else to change a
dossier; they raise motcua.common.errors with stable codes and leave nothing half-written.
"""

from motcua.dossiers.services.intake import (
    dossier_code_next,
    dossier_intake_incomplete,
    dossier_intake_refuse,
    dossier_receive,
    dossier_refuse_intake,
    dossier_submit,
)

__all__ = [
    "dossier_code_next",
    "dossier_intake_incomplete",
    "dossier_intake_refuse",
    "dossier_receive",
    "dossier_refuse_intake",
    "dossier_submit",
]
