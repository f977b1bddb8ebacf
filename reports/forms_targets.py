"""The form a province office reports a target's actual value with, from its own reports and
decisions. It validates and returns typed values; reports.target_actuals saves."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from criteria.parsing import ParseError, parse_number

from .figures.targets import is_counted_by_app
from .models import ProvinceTarget, ProvinceTargetActual

# The largest value the column keeps (8 digits, 2 of them decimals).
VALUE_MAX = Decimal("999999.99")
CENTS = Decimal("0.01")


class TargetActualForm(forms.Form):
    value = forms.CharField(label=_("Giá trị thực tế"), max_length=40)
    as_of = forms.DateField(
        label=_("Số liệu tính đến ngày"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    source = forms.CharField(
        label=_("Nguồn"),
        max_length=300,
        required=False,
        help_text=_("Báo cáo, quyết định … của tỉnh mà số liệu lấy từ đó."),
    )

    def __init__(self, *args, target: ProvinceTarget, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.target, self.today = target, today
        self.fields["value"].widget.attrs["inputmode"] = "decimal"
        self.fields["value"].error_messages["required"] = _("Giá trị thực tế: cần nhập.")
        self.fields["as_of"].error_messages["required"] = _("Nhập ngày tính số liệu.")
        self.fields["as_of"].error_messages["invalid"] = _("Ngày tính số liệu không hợp lệ.")
        self.fields["source"].error_messages["max_length"] = _("Nguồn: tối đa 300 ký tự.")

    def clean_value(self) -> Decimal:
        text = self.cleaned_data["value"]
        try:
            number = parse_number(text, percent=self.target.is_percent)
        except ParseError as error:
            raise ValidationError(_("Giá trị thực tế: %(error)s") % {"error": error}) from error
        if number < 0:
            raise ValidationError(_("Giá trị thực tế: không được là số âm."))
        if self.target.is_percent and number > 100:
            raise ValidationError(_("Giá trị thực tế: tỷ lệ phải nằm trong khoảng 0 đến 100."))
        if number > VALUE_MAX:
            raise ValidationError(_("Giá trị thực tế: số phải nằm trong khoảng 0 đến 999.999,99."))
        return number.quantize(CENTS, rounding=ROUND_HALF_UP)

    def clean_as_of(self) -> date:
        as_of = self.cleaned_data["as_of"]
        if as_of > self.today:
            raise ValidationError(_("Ngày tính số liệu không được sau hôm nay."))
        if ProvinceTargetActual.objects.filter(target=self.target, as_of=as_of).exists():
            raise ValidationError(ProvinceTargetActual.DUPLICATE_DAY)
        return as_of

    def clean(self):
        data = super().clean()
        if is_counted_by_app(self.target):
            raise ValidationError(_("Ứng dụng tự đếm chỉ tiêu này: không nhập số liệu thực tế."))
        return data
