"""Forms of the citizen pages: they parse and check the shape of input; the rules live in
motcua.portal.citizen_services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import ReturnMethod

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class RegistrationForm(forms.Form):
    identifier = forms.CharField(
        label=_("Thư điện tử hoặc số điện thoại"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "email"}),
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("password1")
            and cleaned.get("password2")
            and cleaned["password1"] != cleaned["password2"]
        ):
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        return cleaned


class LoginForm(forms.Form):
    identifier = forms.CharField(
        label=_("Thư điện tử hoặc số điện thoại"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200, required=False)
    id_number = forms.CharField(label=_("Số định danh/CCCD"), max_length=20, required=False)
    birth_date = forms.DateField(
        label=_("Ngày sinh"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)


class SubmissionForm(forms.Form):
    """Applicant, desk, result channel and one file per document of the procedure."""

    name = forms.CharField(label=_("Họ và tên người nộp"), max_length=200, required=False)
    id_number = forms.CharField(label=_("Số định danh/CCCD"), max_length=20, required=False)
    birth_date = forms.DateField(
        label=_("Ngày sinh"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False)
    desk = forms.ModelChoiceField(
        label=_("Nơi tiếp nhận hồ sơ"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("Nơi tiếp nhận không hợp lệ.")},
    )
    return_method = forms.ChoiceField(
        label=_("Hình thức nhận kết quả"),
        choices=ReturnMethod.choices,
        initial=ReturnMethod.AT_DESK,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, desks, documents, kept_files=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desk"].queryset = desks
        options = list(desks)
        if len(options) == 1:
            self.fields["desk"].initial = options[0].pk
            self.fields["desk"].widget = forms.HiddenInput()
        self.documents = documents
        kept_files = kept_files or {}
        for document in documents:
            kept = kept_files.get(str(document.pk))
            self.fields[self.file_field(document)] = forms.FileField(
                label=document.name,
                required=False,
                allow_empty_file=True,  # the service says "Tệp rỗng." itself
                widget=forms.ClearableFileInput(
                    attrs={"accept": "application/pdf,image/jpeg,image/png"}
                ),
            )
            self.fields[self.file_field(document)].document = document
            self.fields[self.file_field(document)].kept = kept

    @staticmethod
    def file_field(document) -> str:
        return f"doc_{document.pk}"

    def applicant_fields(self):
        return [
            self[name] for name in ("name", "id_number", "birth_date", "address", "phone", "email")
        ]

    def document_fields(self):
        return [self[self.file_field(document)] for document in self.documents]

    def uploads(self) -> dict:
        return {
            document.pk: self.cleaned_data[self.file_field(document)]
            for document in self.documents
            if self.cleaned_data.get(self.file_field(document))
        }

    def applicant(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data.get("name", ""),
            "id_number": data.get("id_number", ""),
            "birth_date": data.get("birth_date"),
            "address": data.get("address", ""),
            "phone": data.get("phone", ""),
            "email": data.get("email", ""),
        }

    def draft_data(self) -> dict:
        keys = ("name", "id_number", "birth_date", "address", "phone", "email", "desk")
        return {key: self.data.get(key, "") for key in (*keys, "return_method")}


class SupplementAnswerForm(forms.Form):
    """One file per item of the supplement request and a note; the service checks the files."""

    note = forms.CharField(
        label=_("Ghi chú gửi bộ phận một cửa"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for position, item in enumerate(self.items):
            self.fields[self.file_field(position)] = forms.FileField(
                label=item,
                required=False,  # the service names every missing item in one message
                allow_empty_file=True,  # the service says "Tệp rỗng." itself
                widget=forms.ClearableFileInput(
                    attrs={"accept": "application/pdf,image/jpeg,image/png"}
                ),
            )

    @staticmethod
    def file_field(position: int) -> str:
        return f"item_{position}"

    def item_fields(self):
        return [self[self.file_field(position)] for position in range(len(self.items))]

    def uploads(self) -> dict:
        return {
            position: self.cleaned_data[self.file_field(position)]
            for position in range(len(self.items))
            if self.cleaned_data.get(self.file_field(position))
        }
