"""The form of a province's own indicator: code, name, kind of value, unit, levels, a
threshold for each value of the set's classifier, and the decision that sets them. It reads and
checks input only; `criteria.province_indicators` writes."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .evaluation import Kind
from .forms_recognition import DATE_FORMATS
from .models import CriteriaSet, Indicator
from .parsing import ParseError, check_number, parse_number, rounded
from .province_indicators import IndicatorSpec
from .thresholds import classifier_choices

CODE_SHAPE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-_]*$")
MAX_LEVELS = 20


def decision_fields() -> dict[str, forms.Field]:
    return {
        "decision_number": forms.CharField(label=_("Số quyết định"), max_length=60),
        "decision_date": forms.DateField(
            label=_("Ngày quyết định"),
            input_formats=DATE_FORMATS,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        ),
    }


def _clean_decision_date(form: forms.Form) -> date:
    day = form.cleaned_data["decision_date"]
    if day > timezone.localdate():
        raise forms.ValidationError(_("Ngày quyết định không được sau ngày hôm nay."))
    return day


class ProvinceIndicatorForm(forms.Form):
    code = forms.CharField(
        label=_("Mã chỉ tiêu"),
        max_length=12,
        help_text=_("Chữ, số và dấu chấm, ví dụ 1.1; không trùng mã khác trong bộ tiêu chí."),
    )
    name_vi = forms.CharField(label=_("Tên chỉ tiêu"), max_length=500)
    name_en = forms.CharField(label=_("Tên tiếng Anh (không bắt buộc)"), max_length=500, required=False)
    kind = forms.ChoiceField(label=_("Loại giá trị"), choices=Indicator._meta.get_field("kind").choices)
    unit = forms.CharField(label=_("Đơn vị tính"), max_length=60, required=False)
    levels = forms.CharField(
        label=_("Các mức (mỗi dòng một mức, từ thấp đến cao)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Chỉ với loại “Mức chọn từ danh sách”."),
    )

    def __init__(self, *args, criteria_set: CriteriaSet, **kwargs):
        super().__init__(*args, **kwargs)
        self.classifier = classifier_choices(criteria_set)
        for value, label in self.classifier:
            self.fields[self.threshold_name(value)] = forms.CharField(
                label=_("Ngưỡng — %(where)s") % {"where": label},
                max_length=100,
                required=False,
                help_text=_("Để trống: chưa có ngưỡng.")
                if value
                else _("Áp dụng khi nhóm không có ngưỡng riêng."),
            )
        self.fields.update(decision_fields())

    @classmethod
    def for_indicator(
        cls, indicator: Indicator, criteria_set: CriteriaSet, data=None
    ) -> ProvinceIndicatorForm:
        from .evaluation import format_number

        initial = {
            "code": indicator.code,
            "name_vi": indicator.name_vi,
            "name_en": indicator.name_en,
            "kind": indicator.kind,
            "unit": indicator.unit,
            "levels": "\n".join(indicator.levels),
        }
        for row in indicator.own_thresholds:
            if row.year is None:
                value = format_number(row.value) if row.value is not None else row.level
                initial[cls.threshold_name(row.classifier_value)] = value
        return cls(data, initial=initial, criteria_set=criteria_set)

    @staticmethod
    def threshold_name(classifier_value: str) -> str:
        return f"t_{classifier_value or 'all'}"

    def threshold_fields(self) -> list[forms.BoundField]:
        return [self[self.threshold_name(value)] for value, _label in self.classifier]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not CODE_SHAPE.match(code):
            raise forms.ValidationError(_("Mã chỉ tiêu chỉ gồm chữ, số, dấu chấm, gạch nối."))
        return code

    def clean_levels(self) -> list[str]:
        levels = [line.strip() for line in self.cleaned_data["levels"].splitlines() if line.strip()]
        if len(levels) != len(set(levels)):
            raise forms.ValidationError(_("Các mức không được trùng nhau."))
        if len(levels) > MAX_LEVELS or any(len(level) > 100 for level in levels):
            raise forms.ValidationError(
                _("Tối đa %(count)s mức, mỗi mức tối đa 100 ký tự.") % {"count": MAX_LEVELS}
            )
        return levels

    def clean_decision_date(self) -> date:
        return _clean_decision_date(self)

    def clean(self):
        data = super().clean()
        if "kind" not in data or "levels" not in data:
            return data
        kind = Kind(data["kind"])
        if kind is Kind.LEVEL and len(data["levels"]) < 2:
            self.add_error("levels", _("Loại “Mức chọn từ danh sách” cần ít nhất hai mức."))
            return data
        if kind is not Kind.LEVEL:
            data["levels"] = []
        data["thresholds"] = self._thresholds(kind, data["levels"])
        return data

    def _thresholds(self, kind: Kind, levels: list[str]) -> dict:
        """The typed threshold of each classifier value entered. A yes/no indicator requires
        "yes" by its nature: its threshold is that, for every value."""
        if kind is Kind.BOOL:
            return {"": True}
        typed = {}
        for value, _label in self.classifier:
            name = self.threshold_name(value)
            text = (self.cleaned_data.get(name) or "").strip()
            if not text:
                continue
            if kind is Kind.LEVEL:
                if text not in levels:
                    self.add_error(name, _("Mức không có trong danh sách."))
                    continue
                typed[value] = text
                continue
            try:
                number = parse_number(text, percent=kind.is_percent)
            except ParseError as error:
                self.add_error(name, str(error))
                continue
            if problem := check_number(kind, number):
                self.add_error(name, problem)
                continue
            typed[value] = rounded(number)
        return typed

    def spec(self) -> IndicatorSpec:
        data = self.cleaned_data
        return IndicatorSpec(
            code=data["code"],
            name_vi=data["name_vi"].strip(),
            name_en=data["name_en"].strip(),
            kind=Kind(data["kind"]),
            unit=data["unit"].strip(),
            levels=data["levels"],
            thresholds=data["thresholds"],
        )


class DecisionForm(forms.Form):
    """The decision that deactivates (or activates again) a province's own indicator."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(decision_fields())

    def clean_decision_date(self) -> date:
        return _clean_decision_date(self)
