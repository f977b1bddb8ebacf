"""Forms of the recognition pages: the list's filter, recording a decision, revoking one.
They only read and check input; `criteria.recognitions` writes."""

from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, Village

from .models import CriteriaSet, Recognition

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _date_field(label) -> forms.DateField:
    # A date picker sends ISO dates; typed dates are read the Vietnamese way (day first).
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    return forms.DateField(label=label, input_formats=DATE_FORMATS, widget=widget)


def _not_in_future(day: date) -> date:
    if day > timezone.localdate():
        raise forms.ValidationError(_("Ngày quyết định không được sau ngày hôm nay."))
    return day


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Village) -> str:
        return f"{obj.commune.name} — {obj.name}"


class RecognitionFilterForm(forms.Form):
    STATES = [("", _("Tất cả")), ("active", _("Còn hiệu lực")), ("revoked", _("Đã thu hồi"))]

    set = forms.ModelChoiceField(
        label=_("Bộ tiêu chí"),
        queryset=CriteriaSet.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    year = forms.IntegerField(
        label=_("Năm quyết định"),
        min_value=2000,
        max_value=2100,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )
    state = forms.ChoiceField(
        label=_("Tình trạng"),
        choices=STATES,
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def filter(self, recognitions):
        if not self.is_valid():
            return recognitions
        data = self.cleaned_data
        if data["set"]:
            recognitions = recognitions.filter(criteria_set=data["set"])
        if data["year"]:
            recognitions = recognitions.filter(decision_date__year=data["year"])
        if data["state"] == "active":
            recognitions = recognitions.active()
        elif data["state"] == "revoked":
            recognitions = recognitions.revoked()
        return recognitions


class RecognitionForm(forms.Form):
    """One decision: a commune or a village of the office's province, the set whose title it
    recognises, the level, number and date."""

    # Units and sets go by their codes, as in the other forms of the app.
    commune = forms.ModelChoiceField(
        label=_("Xã"), queryset=Commune.objects.none(), to_field_name="code", required=False
    )
    village = VillageChoiceField(
        label=_("hoặc thôn"), queryset=Village.objects.none(), to_field_name="code", required=False
    )
    criteria_set = forms.ModelChoiceField(
        label=_("Danh hiệu (bộ tiêu chí)"), queryset=CriteriaSet.objects.none(), to_field_name="code"
    )
    level = forms.ChoiceField(label=_("Cấp công nhận"), choices=Recognition.Level.choices)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60)
    decision_date = _date_field(_("Ngày quyết định"))
    signer = forms.CharField(label=_("Người ký / cơ quan ban hành"), max_length=200, required=False)

    def __init__(self, *args, province_ids: list[int] | None, **kwargs):
        super().__init__(*args, **kwargs)
        communes = Commune.objects.all()
        villages = Village.objects.select_related("commune")
        sets = CriteriaSet.objects.all()
        if province_ids is not None:
            communes = communes.filter(province_id__in=province_ids)
            villages = villages.filter(commune__province_id__in=province_ids)
            sets = sets.filter(Q(province__isnull=True) | Q(province_id__in=province_ids))
        self.fields["commune"].queryset = communes
        self.fields["village"].queryset = villages.order_by("commune__name", "name")
        self.fields["criteria_set"].queryset = sets.order_by("unit_level", "code")

    def clean_decision_date(self) -> date:
        return _not_in_future(self.cleaned_data["decision_date"])

    def clean(self):
        data = super().clean()
        commune, village, criteria_set = data.get("commune"), data.get("village"), data.get("criteria_set")
        if bool(commune) == bool(village):
            raise forms.ValidationError(_("Chọn một xã hoặc một thôn (không chọn cả hai)."))
        if criteria_set is None:
            return data
        unit = commune or village
        field = "commune" if commune else "village"
        if criteria_set.unit_level != field:
            message = (
                _("Bộ tiêu chí này dành cho thôn, không dùng cho xã.")
                if commune
                else _("Bộ tiêu chí này dành cho xã, không dùng cho thôn.")
            )
            self.add_error("criteria_set", message)
            return data
        province_id = commune.province_id if commune else village.commune.province_id
        if criteria_set.province_id not in (None, province_id):
            self.add_error("criteria_set", _("Bộ tiêu chí này là của tỉnh khác."))
        elif Recognition.objects.active().filter(criteria_set=criteria_set, **{field: unit}).exists():
            self.add_error(
                "criteria_set",
                _("%(unit)s đã có quyết định công nhận còn hiệu lực cho danh hiệu này.") % {"unit": unit},
            )
        data["unit"] = unit
        return data


class RevocationForm(forms.Form):
    revoked_on = _date_field(_("Ngày quyết định thu hồi"))
    revocation_number = forms.CharField(label=_("Số quyết định thu hồi"), max_length=60)
    reason = forms.CharField(label=_("Lý do thu hồi"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, recognition: Recognition, **kwargs):
        super().__init__(*args, **kwargs)
        self.recognition = recognition

    def clean_revoked_on(self) -> date:
        day = _not_in_future(self.cleaned_data["revoked_on"])
        if day < self.recognition.decision_date:
            raise forms.ValidationError(_("Ngày thu hồi không được trước ngày quyết định công nhận."))
        return day
