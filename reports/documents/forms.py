from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DocumentKind, DocumentSettings, RecognitionFile


class DocumentSettingsForm(forms.ModelForm):
    class Meta:
        model = DocumentSettings
        fields = [
            "parent_body",
            "body",
            "place",
            "number_suffix",
            "signing_mode",
            "on_behalf_of",
            "signer_position",
            "signer_name",
            "addressees",
            "recipients",
        ]
        widgets = {
            "addressees": forms.Textarea(attrs={"rows": 3}),
            "recipients": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        data = super().clean()
        mode, on_behalf_of = data.get("signing_mode"), (data.get("on_behalf_of") or "").strip()
        if mode and not on_behalf_of:
            self.add_error(
                "on_behalf_of", _("Với TM., KT. hoặc Q., ghi tên tập thể hoặc chức vụ người đứng đầu.")
            )
        return data


class IssueForm(forms.Form):
    number = forms.CharField(label=_("Số văn bản"), max_length=60, help_text=_("Ví dụ: 15/BC-UBND"))
    issued_on = forms.DateField(label=_("Ngày ban hành"), widget=forms.DateInput(attrs={"type": "date"}))
    scan = forms.FileField(
        label=_("Bản đã ký, đóng dấu (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


class TemplateUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại văn bản"), choices=DocumentKind.choices, widget=forms.HiddenInput)
    file = forms.FileField(
        label=_("Mẫu của tỉnh (.docx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
        ),
    )


class RecognitionFileFacts(forms.ModelForm):
    """What only the commune knows: its meeting's vote and the residents' satisfaction."""

    class Meta:
        model = RecognitionFile
        fields = [
            "meeting_date",
            "members_total",
            "members_present",
            "votes_for",
            "satisfaction_percent",
            "satisfaction_note",
        ]
        widgets = {"meeting_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean(self):
        data = super().clean()
        total, present, votes = data.get("members_total"), data.get("members_present"), data.get("votes_for")
        if total is not None and present is not None and present > total:
            self.add_error("members_present", _("Số thành viên tham dự lớn hơn tổng số thành viên."))
        if present is not None and votes is not None and votes > present:
            self.add_error("votes_for", _("Số thành viên đồng ý lớn hơn số thành viên tham dự."))
        percent = data.get("satisfaction_percent")
        if percent is not None and not 0 <= percent <= 100:
            self.add_error("satisfaction_percent", _("Tỷ lệ phải từ 0 đến 100 %."))
        return data


class RecognitionFileStart(forms.Form):
    criteria_set = forms.ModelChoiceField(label=_("Danh hiệu đề nghị"), queryset=None, empty_label=None)
    year = forms.TypedChoiceField(label=_("Năm"), coerce=int)

    def __init__(self, *args, sets, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = sets
        self.fields["criteria_set"].label_from_instance = lambda item: (
            f"{item.title or item.name} ({item.name})"
        )
        self.fields["year"].choices = [(year, year) for year in years]
