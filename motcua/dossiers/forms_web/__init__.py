"""Django forms of the officers' pages: they parse and shape input for the services, nothing more.

Whether a dossier may be received, by whom, and what it leads to is decided by
motcua.dossiers.services; a form only turns text into typed values with a Vietnamese message when
the text cannot be read.
"""

from motcua.dossiers.forms_web.actions import (
    ActionForm,
    ApologizeForm,
    AssignForm,
    AttachFileForm,
    ConfirmForm,
    NoteForm,
    ReasonForm,
    ReturnResultForm,
    SendBackForm,
    SendPartnerForm,
    SupplementRequestForm,
)
from motcua.dossiers.forms_web.common import first_error
from motcua.dossiers.forms_web.intake import IntakeDecision, IntakeForm

__all__ = [
    "ActionForm",
    "ApologizeForm",
    "AssignForm",
    "AttachFileForm",
    "ConfirmForm",
    "IntakeDecision",
    "IntakeForm",
    "NoteForm",
    "ReasonForm",
    "ReturnResultForm",
    "SendBackForm",
    "SendPartnerForm",
    "SupplementRequestForm",
    "first_error",
]
