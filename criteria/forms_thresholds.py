"""The form of a province's own threshold: the value, for which classifier value and year, and
the decision that sets it. It reads and checks input only; `criteria.thresholds` writes (and
`Threshold.clean` refuses a value looser than the national one)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .evaluation import Kind
from .forms_recognition import DATE_FORMATS
from .models import CriteriaSet, Indicator
from .thresholds import classifier_choices


class ProvinceThresholdForm(forms.Form):
    classifier_value = forms.ChoiceField(label=_("Áp dụng cho"), required=False)
    year = forms.IntegerField(
        label=_("Năm (để trống: mọi năm)"), min_value=2000, max_value=2100, required=False
    )
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60)
    decision_date = forms.DateField(
        label=_("Ngày quyết định"),
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, criteria_set: CriteriaSet, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classifier_value"].choices = classifier_choices(criteria_set)
        self.fields["classifier_value"].label = criteria_set.get_classifier_display()
        self.fields["threshold"] = _threshold_field(indicator)
        # The value first, as the page reads: what, for whom, by which decision.
        self.order_fields(["threshold", "classifier_value", "year", "decision_number", "decision_date"])

    def clean_decision_date(self) -> date:
        day = self.cleaned_data["decision_date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Ngày quyết định không được sau ngày hôm nay."))
        return day


def _threshold_field(indicator: Indicator) -> forms.Field:
    kind = Kind(indicator.kind)
    label = _("Ngưỡng của tỉnh")
    if kind is Kind.BOOL:
        return forms.TypedChoiceField(
            label=label,
            choices=[("true", _("Đạt")), ("false", _("Không"))],
            coerce=lambda value: value == "true",
        )
    if kind is Kind.LEVEL:
        return forms.ChoiceField(
            label=label, choices=[(str(level), str(level)) for level in indicator.levels]
        )
    unit = "%" if kind.is_percent else indicator.unit
    help_text = _("Tối đa (≤)") if kind.is_ceiling else _("Tối thiểu (≥)")
    return forms.DecimalField(
        label=f"{label} ({unit})" if unit else label,
        max_digits=14,
        decimal_places=4,
        min_value=0,
        max_value=100 if kind.is_percent else None,
        help_text=help_text,
        localize=True,
    )
