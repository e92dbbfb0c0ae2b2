"""The intake desk's forms: procedure search, the applicant block and the receipt decision."""

import re
from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Channel
from motcua.dossiers.forms_web.common import MAX_ITEMS, MAX_TEXT, _lines, office_zone
from motcua.dossiers.models import ReturnMethod

MAX_UPLOADS = 20

_ID_NUMBER = re.compile(r"^\d{12}$")
_PHONE_JUNK = re.compile(r"[\s.\-()]")
_PHONE = re.compile(r"^\+?\d{8,15}$")


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
