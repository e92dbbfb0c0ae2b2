import datetime

from django import forms
from django.utils import translation


class _DateForm(forms.Form):
    day = forms.DateField()


def test_vietnamese_dates_are_read_day_first():
    with translation.override("vi"):
        form = _DateForm(data={"day": "02/01/2026"})

        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == datetime.date(2026, 1, 2)
