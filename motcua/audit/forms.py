from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.audit.selectors import OBJECT_TYPES, Period

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Ngày cần ghi theo dạng ngày/tháng/năm, ví dụ 01/03/2026.")},
    )


class _PeriodForm(forms.Form):
    date_from = _date_field(_("Từ ngày"))
    date_to = _date_field(_("Đến ngày"))

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."))
        return data

    def period(self) -> Period:
        return Period(self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to"))


class AuditFilterForm(_PeriodForm):
    object_type = forms.ChoiceField(
        label=_("Loại đối tượng"),
        required=False,
        choices=[("", _("Tất cả"))] + [(key, label) for key, label in OBJECT_TYPES.items()],
    )
    actor = forms.CharField(label=_("Người thực hiện"), required=False, max_length=150)
    field_order = ["object_type", "actor", "date_from", "date_to"]


class AccessFilterForm(_PeriodForm):
    dossier = forms.CharField(label=_("Mã hồ sơ"), required=False, max_length=64)
    officer = forms.CharField(label=_("Cán bộ"), required=False, max_length=150)
    field_order = ["dossier", "officer", "date_from", "date_to"]


def first_error(form: forms.Form) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return ""
