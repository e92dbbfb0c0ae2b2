"""Django forms of the officers' pages: they parse and shape input for the services, nothing more.

Whether a dossier may be received, by whom, and what it leads to is decided by
motcua.dossiers.services; a form only turns text into typed values with a Vietnamese message when
the text cannot be read.
"""

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Channel, TimeUnit
from motcua.dossiers.models import FileKind, ReturnMethod

MAX_TEXT = 2000
MAX_ITEMS = 50
MAX_UPLOADS = 20
OFFICE_CLOSING = time(17, 0)

_ID_NUMBER = re.compile(r"^\d{12}$")
_PHONE_JUNK = re.compile(r"[\s.\-()]")
_PHONE = re.compile(r"^\+?\d{8,15}$")


def office_zone() -> ZoneInfo:
    return ZoneInfo(getattr(settings, "MOTCUA_OFFICE_TIME_ZONE", settings.TIME_ZONE))


def _lines(text: str) -> list[str]:
    return [line.strip(" \t-•*") for line in text.splitlines() if line.strip(" \t-•*")]


class ProcedureSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm thủ tục"), required=False, max_length=200, strip=True, empty_value=""
    )


class ApplicantForm(forms.Form):
    """The applicant block of the receipt (form 01)."""

    applicant_name = forms.CharField(label=_("Họ và tên người nộp"), max_length=200)
    applicant_id_number = forms.CharField(
        label=_("Số định danh cá nhân / CCCD"),
        max_length=20,
        required=False,
        help_text=_("12 chữ số."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_birth_date = forms.DateField(
        label=_("Ngày sinh"),
        required=False,
        help_text=_("Ngày/tháng/năm, ví dụ 05/09/1985."),
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={
            "invalid": _("Ngày sinh cần ghi theo dạng ngày/tháng/năm, ví dụ 05/09/1985.")
        },
    )
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    applicant_phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    applicant_email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
    )
    representative = forms.CharField(
        label=_("Người được ủy quyền / đại diện"), max_length=300, required=False
    )

    def clean_applicant_id_number(self) -> str:
        value = self.cleaned_data["applicant_id_number"].replace(" ", "")
        if value and not _ID_NUMBER.match(value):
            raise ValidationError(
                _("Số định danh cá nhân gồm đúng 12 chữ số."), code="invalid_id_number"
            )
        return value

    def clean_applicant_birth_date(self) -> date | None:
        value = self.cleaned_data["applicant_birth_date"]
        if value is None:
            return None
        today = datetime.now(tz=office_zone()).date()
        if value > today:
            raise ValidationError(_("Ngày sinh không thể sau ngày hôm nay."), code="future_birth")
        if value.year < 1900:
            raise ValidationError(_("Ngày sinh không hợp lệ."), code="invalid_birth")
        return value

    def clean_applicant_phone(self) -> str:
        value = _PHONE_JUNK.sub("", self.cleaned_data["applicant_phone"])
        if value and not _PHONE.match(value):
            raise ValidationError(
                _("Số điện thoại chỉ gồm chữ số (8 đến 15 số), có thể bắt đầu bằng +."),
                code="invalid_phone",
            )
        return value

    def applicant(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["applicant_name"],
            "id_number": data["applicant_id_number"],
            "birth_date": data["applicant_birth_date"],
            "address": data["applicant_address"],
            "phone": data["applicant_phone"],
            "email": data["applicant_email"],
            "representative": data["representative"],
        }


class IntakeDecision:
    RECEIVE = "receive"  # complete: receipt and appointment (form 01)
    INCOMPLETE = "incomplete"  # supplement request listing everything missing (form 02)
    REFUSE = "refuse"  # refusal with reason (form 03)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if data in (None, "", []):
            return []
        files = data if isinstance(data, list | tuple) else [data]
        if len(files) > MAX_UPLOADS:
            raise ValidationError(
                _("Chỉ tải lên tối đa %(max)d tệp một lần.") % {"max": MAX_UPLOADS},
                code="too_many_files",
            )
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class IntakeForm(ApplicantForm):
    """Intake at the desk of one procedure: applicant, the documents checklist and the decision.

    The checklist has one row per document of the procedure: doc_<id> (ticked = brought),
    doc_<id>_originals and doc_<id>_copies.
    """

    receiving_agency = forms.TypedChoiceField(label=_("Nơi tiếp nhận"), coerce=int)
    request_summary = forms.CharField(
        label=_("Nội dung yêu cầu"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    set_count = forms.IntegerField(
        label=_("Số bộ hồ sơ"),
        min_value=1,
        max_value=99,
        initial=1,
        error_messages={
            "invalid": _("Số bộ hồ sơ là một số nguyên."),
            "min_value": _("Số bộ hồ sơ ít nhất là 1."),
            "max_value": _("Số bộ hồ sơ nhiều nhất là 99."),
        },
    )
    channel = forms.ChoiceField(
        label=_("Hình thức nộp"),
        choices=[(Channel.DIRECT, Channel.DIRECT.label), (Channel.POSTAL, Channel.POSTAL.label)],
        initial=Channel.DIRECT,
        widget=forms.RadioSelect,
    )
    return_method = forms.ChoiceField(
        label=_("Hình thức nhận kết quả"),
        choices=ReturnMethod.choices,
        initial=ReturnMethod.AT_DESK,
    )
    other_items = forms.CharField(
        label=_("Nội dung khác cần bổ sung"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một nội dung; dùng khi yêu cầu bổ sung."),
    )
    reason = forms.CharField(
        label=_("Lý do"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bắt buộc khi từ chối tiếp nhận."),
    )
    files = MultipleFileField(label=_("Tệp hồ sơ (PDF, JPEG, PNG)"), required=False)
    # The queue ticket the applicant was called with: the counter page opens intake with it.
    ticket = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("Số thứ tự không hợp lệ."),
            "min_value": _("Số thứ tự không hợp lệ."),
        },
    )
    decision = forms.ChoiceField(
        choices=[
            (IntakeDecision.RECEIVE, _("Tiếp nhận")),
            (IntakeDecision.INCOMPLETE, _("Yêu cầu bổ sung")),
            (IntakeDecision.REFUSE, _("Từ chối tiếp nhận")),
        ],
        error_messages={"required": _("Hãy chọn Tiếp nhận, Yêu cầu bổ sung hoặc Từ chối.")},
    )

    def __init__(self, *args, procedure, desks, ticket=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.catalog_documents = list(procedure.documents.all())
        self.fields["receiving_agency"].choices = [(desk.pk, desk.name) for desk in desks]
        self.desks = {desk.pk: desk for desk in desks}
        if len(desks) == 1:
            # One desk: nothing to choose.
            self.fields["receiving_agency"].initial = desks[0].pk
            self.fields["receiving_agency"].required = False
            self.fields["receiving_agency"].empty_value = desks[0].pk
            self.fields["receiving_agency"].widget = forms.HiddenInput()
        if ticket is not None:
            self.initial["ticket"] = ticket.pk
            if ticket.desk_id in self.desks:
                # The dossier is received where the number was called.
                self.initial["receiving_agency"] = ticket.desk_id
        allowed_channels = {Channel.DIRECT: procedure.accepts_direct}
        allowed_channels[Channel.POSTAL] = procedure.accepts_postal
        self.fields["channel"].choices = [
            (value, label)
            for value, label in self.fields["channel"].choices
            if allowed_channels.get(value, False)
        ] or [(Channel.DIRECT, Channel.DIRECT.label)]
        count_errors = {
            "invalid": _("Số bản là một số nguyên."),
            "min_value": _("Số bản không thể âm."),
            "max_value": _("Số bản nhiều nhất là 99."),
        }
        for document in self.catalog_documents:
            prefix = f"doc_{document.pk}"
            self.fields[prefix] = forms.BooleanField(
                label=document.name, required=False, initial=False
            )
            self.fields[f"{prefix}_originals"] = forms.IntegerField(
                label=_("Bản chính"),
                min_value=0,
                max_value=99,
                initial=document.originals,
                required=False,
                error_messages=count_errors,
            )
            self.fields[f"{prefix}_copies"] = forms.IntegerField(
                label=_("Bản sao"),
                min_value=0,
                max_value=99,
                initial=document.copies,
                required=False,
                error_messages=count_errors,
            )

    def checklist(self) -> list[dict]:
        """The rows of the checklist for the template, bound fields included."""
        return [
            {
                "document": document,
                "ticked": self[f"doc_{document.pk}"],
                "originals": self[f"doc_{document.pk}_originals"],
                "copies": self[f"doc_{document.pk}_copies"],
            }
            for document in self.catalog_documents
        ]

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == IntakeDecision.REFUSE and not data.get("reason", "").strip():
            self.add_error(
                "reason",
                ValidationError(
                    _("Hãy ghi lý do từ chối tiếp nhận hồ sơ."), code="reason_required"
                ),
            )
        if decision == IntakeDecision.INCOMPLETE and not self.supplement_items():
            self.add_error(
                "other_items",
                ValidationError(
                    _(
                        "Không có nội dung cần bổ sung: bỏ chọn giấy tờ còn thiếu hoặc ghi nội "
                        "dung cần bổ sung."
                    ),
                    code="items_required",
                ),
            )
        if len(_lines(data.get("other_items", ""))) > MAX_ITEMS:
            self.add_error(
                "other_items",
                ValidationError(
                    _("Nhiều nhất %(max)d nội dung cần bổ sung.") % {"max": MAX_ITEMS},
                    code="too_many_items",
                ),
            )
        return data

    def receiving_desk(self):
        return self.desks[self.cleaned_data["receiving_agency"]]

    def _count(self, name: str, default: int) -> int:
        value = self.cleaned_data.get(name)
        return default if value is None else value

    def documents(self) -> list[dict]:
        """The ticked documents with their counts, as the services take them."""
        return [
            {
                "name": document.name,
                "originals": self._count(f"doc_{document.pk}_originals", document.originals),
                "copies": self._count(f"doc_{document.pk}_copies", document.copies),
            }
            for document in self.catalog_documents
            if self.cleaned_data.get(f"doc_{document.pk}")
        ]

    def supplement_items(self) -> list[str]:
        """Everything missing in one go: the unticked required documents, then the other lines."""
        data = self.cleaned_data
        missing = [
            document.name
            for document in self.catalog_documents
            if document.is_required and not data.get(f"doc_{document.pk}")
        ]
        return missing + _lines(data.get("other_items", ""))

    def supplement_reason(self) -> str:
        return self.cleaned_data.get("reason", "").strip() or str(
            _("Hồ sơ chưa đầy đủ thành phần theo quy định.")
        )


# --- actions on a dossier -------------------------------------------------------------------


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


def first_error(form: forms.Form) -> str:
    """The first message of a form for the page's alert, with the field it belongs to."""
    for name, errors in form.errors.items():
        for message in errors:
            field = form.fields.get(name)
            if field is None or field.widget.is_hidden or not field.label:
                return str(message)
            return f"{field.label}: {message}"
    return str(_("Dữ liệu nhập chưa hợp lệ."))
