"""The forms of the actions on a dossier's page: notes and reasons, supplement requests,
assignment, sending back, consulting a partner, apology, returning the result, attaching a file."""

from datetime import datetime, time

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import TimeUnit
from motcua.dossiers.forms_web.common import MAX_ITEMS, MAX_TEXT, _lines, office_zone
from motcua.dossiers.models import FileKind, ReturnMethod

OFFICE_CLOSING = time(17, 0)


class ActionForm(forms.Form):
    """Base of the small forms on the dossier page; service_kwargs() feeds the service."""

    def __init__(self, *args, dossier=None, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        self.setup(choices or {})

    def setup(self, choices: dict) -> None:
        """Fill the choices that depend on the dossier (assignees, steps, partners)."""

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


def _reason_field(label=None):
    return forms.CharField(
        label=label or _("Lý do"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy ghi lý do.")},
    )


def _note_field():
    return forms.CharField(
        label=_("Ghi chú"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConfirmForm(ActionForm):
    """No input: the button is the decision."""


class NoteForm(ActionForm):
    note = _note_field()


class ReasonForm(ActionForm):
    reason = _reason_field()


class SupplementRequestForm(ActionForm):
    items = forms.CharField(
        label=_("Giấy tờ, nội dung cần bổ sung"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi dòng một nội dung; ghi đủ mọi nội dung cần bổ sung trong một lần."),
        error_messages={"required": _("Hãy ghi giấy tờ, nội dung cần bổ sung.")},
    )
    reason = _reason_field()

    def clean_items(self) -> list[str]:
        items = _lines(self.cleaned_data["items"])
        if not items:
            raise ValidationError(_("Hãy ghi giấy tờ, nội dung cần bổ sung."), code="required")
        if len(items) > MAX_ITEMS:
            raise ValidationError(
                _("Nhiều nhất %(max)d nội dung cần bổ sung.") % {"max": MAX_ITEMS},
                code="too_many_items",
            )
        return items


class AssignForm(ActionForm):
    step = forms.TypedChoiceField(
        label=_("Bước xử lý"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Bước được chọn không thuộc hồ sơ này.")},
    )
    assignee = forms.TypedChoiceField(
        label=_("Giao cho"),
        coerce=int,
        error_messages={
            "required": _("Hãy chọn cán bộ xử lý."),
            "invalid_choice": _("Cán bộ được chọn không thuộc đơn vị đang xử lý hồ sơ."),
        },
    )

    def setup(self, choices: dict) -> None:
        self.users = {user.pk: user for user in choices.get("assignees", [])}
        self.fields["assignee"].choices = [("", "—")] + [
            (user.pk, str(user)) for user in self.users.values()
        ]
        self.steps = {step.pk: step for step in choices.get("steps", [])}
        self.fields["step"].choices = [("", "—")] + [
            (step.pk, f"{step.order}. {step.name} — {step.agency}") for step in self.steps.values()
        ]
        if len(self.steps) <= 1:
            # One step to assign: the service takes it; nothing to choose.
            self.fields["step"].widget = forms.HiddenInput()

    def service_kwargs(self) -> dict:
        step = self.cleaned_data.get("step")
        return {
            "assignee": self.users[self.cleaned_data["assignee"]],
            "step": self.steps.get(step) if step else None,
        }


class SendBackForm(ActionForm):
    to_step = forms.TypedChoiceField(
        label=_("Trả lại bước"),
        coerce=int,
        error_messages={
            "required": _("Hãy chọn bước nhận lại hồ sơ."),
            "invalid_choice": _("Bước được chọn không phải bước trước của hồ sơ."),
        },
    )
    reason = _reason_field()

    def setup(self, choices: dict) -> None:
        self.steps = {step.pk: step for step in choices.get("earlier_steps", [])}
        self.fields["to_step"].choices = [("", "—")] + [
            (step.pk, f"{step.order}. {step.name} — {step.agency}") for step in self.steps.values()
        ]

    def service_kwargs(self) -> dict:
        return {
            "to_step": self.steps[self.cleaned_data["to_step"]],
            "reason": self.cleaned_data["reason"],
        }


class SendPartnerForm(ActionForm):
    partner_agency = forms.TypedChoiceField(
        label=_("Cơ quan phối hợp"),
        coerce=int,
        error_messages={
            "required": _("Hãy chọn cơ quan phối hợp."),
            "invalid_choice": _("Cơ quan được chọn không phải cơ quan phối hợp."),
        },
    )
    amount = forms.DecimalField(
        label=_("Thời gian"),
        min_value=0,
        max_value=365,
        max_digits=6,
        decimal_places=2,
        required=False,
        error_messages={"invalid": _("Thời gian là một số, ví dụ 2 hoặc 0,5.")},
    )
    time_unit = forms.ChoiceField(
        label=_("Đơn vị"), choices=TimeUnit.choices, initial=TimeUnit.DAYS
    )
    note = forms.CharField(
        label=_("Nội dung đề nghị phối hợp"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy ghi nội dung đề nghị phối hợp.")},
    )

    def setup(self, choices: dict) -> None:
        self.partners = {agency.pk: agency for agency in choices.get("partners", [])}
        self.fields["partner_agency"].choices = [("", "—")] + [
            (agency.pk, agency.name) for agency in self.partners.values()
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "partner_agency": self.partners[data["partner_agency"]],
            "note": data["note"],
            "amount": data["amount"],
            "time_unit": data["time_unit"],
        }


class ApologizeForm(ActionForm):
    """Form 04: the reason and the new appointment (office time, Asia/Ho_Chi_Minh)."""

    reason = _reason_field(_("Lý do chậm trả kết quả"))
    new_due_date = forms.DateField(
        label=_("Ngày hẹn trả mới"),
        help_text=_("Ngày/tháng/năm."),
        error_messages={
            "required": _("Hãy ghi ngày hẹn trả mới."),
            "invalid": _("Ngày hẹn cần ghi theo dạng ngày/tháng/năm, ví dụ 20/03/2026."),
        },
    )
    new_due_time = forms.TimeField(
        label=_("Giờ hẹn"),
        initial=OFFICE_CLOSING,
        required=False,
        error_messages={"invalid": _("Giờ hẹn cần ghi theo dạng giờ:phút, ví dụ 16:30.")},
    )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        moment = datetime.combine(
            data["new_due_date"], data["new_due_time"] or OFFICE_CLOSING, tzinfo=office_zone()
        )
        return {"reason": data["reason"], "new_due_at": moment}


class ReturnResultForm(ActionForm):
    returned_to = forms.CharField(
        label=_("Người nhận kết quả"),
        max_length=200,
        error_messages={"required": _("Hãy ghi họ tên người nhận kết quả.")},
    )
    method = forms.ChoiceField(
        label=_("Hình thức trả"), choices=ReturnMethod.choices, initial=ReturnMethod.AT_DESK
    )
    note = _note_field()

    def setup(self, choices: dict) -> None:
        if self.dossier is not None and not self.is_bound:
            self.initial.setdefault(
                "returned_to", self.dossier.representative or self.dossier.applicant_name
            )
            self.initial.setdefault("method", self.dossier.return_method)


class AttachFileForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại tệp"),
        choices=FileKind.choices,
        initial=FileKind.ATTACHMENT,
        required=False,
    )
    upload = forms.FileField(
        label=_("Tệp (PDF, JPEG, PNG; tối đa 20 MB)"),
        error_messages={
            "required": _("Hãy chọn tệp cần tải lên."),
            "empty": _("Tệp tải lên rỗng."),
        },
    )
    document = forms.TypedChoiceField(
        label=_("Thuộc giấy tờ"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Giấy tờ được chọn không thuộc hồ sơ này.")},
    )

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = {document.pk: document for document in dossier.documents.all()}
        self.fields["document"].choices = [("", _("(Không chọn)"))] + [
            (document.pk, document.name) for document in self.documents.values()
        ]

    def service_kwargs(self) -> dict:
        document = self.cleaned_data.get("document")
        return {
            "kind": self.cleaned_data["kind"] or FileKind.ATTACHMENT,
            "upload": self.cleaned_data["upload"],
            "document": self.documents.get(document) if document else None,
        }
