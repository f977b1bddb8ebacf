"""Forms of the periodic reports: the written sections, the reviewer's return reason and the
province office's due dates. They validate and return typed values; services save."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .periodic import SECTION_MAX_LENGTH
from .periods import KIND_CHOICES, MAX_YEAR, MIN_YEAR, NUMBERS, Period, is_valid

REASON_MAX_LENGTH = 2000


class PeriodicReportForm(forms.Form):
    difficulties = forms.CharField(
        label=_("Khó khăn, vướng mắc"),
        required=False,
        max_length=SECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    next_tasks = forms.CharField(
        label=_("Nhiệm vụ, giải pháp kỳ tới"),
        required=False,
        max_length=SECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    other_results = forms.CharField(
        label=_("Kết quả khác"),
        required=False,
        max_length=SECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Các kết quả khác trong kỳ mà số liệu của hệ thống chưa có."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def clean(self):
        data = super().clean()
        if self.data.get("action") == "submit" and not (data.get("difficulties") or "").strip():
            self.add_error("difficulties", _("Khó khăn, vướng mắc: cần nhập trước khi nộp."))
        if self.data.get("action") == "submit" and not (data.get("next_tasks") or "").strip():
            self.add_error("next_tasks", _("Nhiệm vụ, giải pháp kỳ tới: cần nhập trước khi nộp."))
        return data


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do trả lại"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Lý do trả lại: bắt buộc nhập.")},
    )


class DueForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=KIND_CHOICES)
    year = forms.IntegerField(label=_("Năm"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    number = forms.IntegerField(
        label=_("Số kỳ"),
        min_value=1,
        max_value=max(NUMBERS.values()),
        initial=1,
        help_text=_(
            "Quý 1-4; 6 tháng: 1 (đầu năm) hoặc 2 (cuối năm); năm, 3 năm, 5 năm: 1 (năm là năm cuối kỳ)."
        ),
    )
    due_date = forms.DateField(
        label=_("Hạn nộp"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        data = super().clean()
        kind, year, number = data.get("kind"), data.get("year"), data.get("number")
        if kind and year and number and not is_valid(kind, year, number, province=True):
            self.add_error("number", _("Số kỳ: không có kỳ này trong năm."))
        if self.data.get("action") != "clear" and "due_date" in data and data["due_date"] is None:
            self.add_error("due_date", _("Hạn nộp: bắt buộc nhập."))
        return data

    @property
    def period(self) -> Period:
        data = self.cleaned_data
        return Period(data["kind"], data["year"], data["number"])
