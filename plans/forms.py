"""Forms of the plans app. Numbers are typed the Vietnamese way ("3.200", "0,38") and read by
the one number parser, criteria/parsing.py."""

from __future__ import annotations

import json
from decimal import ROUND_FLOOR, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from communes.models import Village
from criteria.evaluation import format_number
from criteria.merge import FieldMerge, Side, changed_by
from criteria.models import CriteriaSet, Criterion
from criteria.parsing import NUMBER_MAX, ParseError, parse_number, rounded

from .models import (
    Allocation,
    CampaignWave,
    CountedObject,
    CriterionDeadline,
    FundActual,
    FundLine,
    Plan,
    Programme,
    ProgrammeTitleTarget,
    ProgrammeUnitTarget,
    ReportLine,
    SocioTarget,
    VillageTarget,
    WeeklyReport,
    WorkItem,
)

NUMBER_HELP = _("Ví dụ: 3.200 hoặc 0,38")
# A week's result above this many times the village's allocation is a typing slip, refused;
# above the allocation itself it is saved with a warning.
ABSURD_FACTOR = 1000


def column_digits(model, name: str) -> dict[str, int]:
    """The digits of a decimal column, for a number field of a plain form."""
    field = model._meta.get_field(name)
    return {"max_digits": field.max_digits, "decimal_places": field.decimal_places}


class VNDecimalField(forms.CharField):
    """A non-negative decimal typed with a thousands dot and a decimal comma (or the English
    way, as the entry form reads it); shown the Vietnamese way."""

    default_error_messages = {
        "invalid": _("Nhập một số, ví dụ 3.200 hoặc 0,38."),
        "too_large": _("Số quá lớn: tối đa %(limit)s."),
    }

    def __init__(self, *args, max_digits: int | None = None, decimal_places: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The largest number the column holds (a model form passes its column's digits).
        self.limit = None
        if max_digits is not None and decimal_places is not None:
            self.limit = Decimal(10) ** (max_digits - decimal_places) - Decimal(10) ** -decimal_places
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value) -> Decimal | None:
        if isinstance(value, Decimal):
            return value
        text = str(value or "").strip()
        if not text:
            return None
        try:
            number = parse_number(text)
        except ParseError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error
        if number < 0:
            # Quantities and targets are never negative; refused as before, with the same words.
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if self.limit is not None and number > self.limit:
            limit = format_number(self.limit.to_integral_value(rounding=ROUND_FLOOR))
            raise ValidationError(self.error_messages["too_large"] % {"limit": limit}, code="too_large")
        return number

    def prepare_value(self, value):
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            # Always the Vietnamese way, whatever the UI language: it is how the input is read
            # back, so an English "3,200" can never come back as 3,2.
            with translation.override("vi"):
                return format_number(value)
        return value


INVALID_CHOICE = _("Lựa chọn này không có trong danh sách của kế hoạch; hãy chọn lại.")


class ObjectChoiceField(forms.TypedChoiceField):
    """A choice among objects loaded once for a whole formset (no query per form)."""

    def __init__(self, objects: dict[int, object], **kwargs):
        choices = [("", "—")] + [(pk, str(obj)) for pk, obj in objects.items()]

        def coerce(pk):
            # An id outside the choices (another set's criterion, another commune's village)
            # is the field's "invalid choice" error, as TypedChoiceField makes of a ValueError.
            try:
                return objects[int(pk)]
            except KeyError:
                raise ValueError(pk) from None

        kwargs.setdefault("error_messages", {"invalid_choice": INVALID_CHOICE})
        super().__init__(choices=choices, coerce=coerce, empty_value=None, **kwargs)

    def prepare_value(self, value):
        return getattr(value, "pk", value)


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "name",
            "year",
            "programme",
            "document_number",
            "document_date",
            "target_title",
            "target_set",
            "target_criteria_met",
            "note",
        ]
        widgets = {
            "document_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune = commune
        self.instance.commune = commune
        self.fields["target_set"].queryset = CriteriaSet.objects.filter(
            unit_level=CriteriaSet.UnitLevel.COMMUNE
        )
        # The commune's programmes, and those of its district and province it takes part in.
        self.fields["programme"].queryset = Programme.objects.filter(
            Q(commune=commune) | Q(district_id=commune.district_id) | Q(province_id=commune.province_id)
        ).order_by("-start_year", "name")
        self.fields["programme"].help_text = _("Chương trình có giai đoạn bao gồm năm của kế hoạch.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("target_criteria_met") is not None and not cleaned.get("target_set"):
            self.add_error("target_set", _("Chọn bộ tiêu chí cho số tiêu chí phấn đấu đạt."))
        year = cleaned.get("year")
        programme = cleaned.get("programme")
        if programme and year and not programme.start_year <= year <= programme.end_year:
            self.add_error(
                "programme",
                _("Chương trình %(name)s chỉ gồm các năm %(start)s-%(end)s, không có năm %(year)s.")
                % {
                    "name": programme.name,
                    "start": programme.start_year,
                    "end": programme.end_year,
                    "year": year,
                },
            )
        if (
            year
            and Plan.objects.filter(commune=self.commune, year=year).exclude(pk=self.instance.pk).exists()
        ):
            self.add_error("year", _("Xã đã có kế hoạch năm %(year)s.") % {"year": year})
        return cleaned


class WorkItemForm(forms.ModelForm):
    class Meta:
        model = WorkItem
        fields = ["name", "unit", "quantity", "criterion", "order"]
        field_classes = {"quantity": VNDecimalField}

    def __init__(self, *args, criteria: dict[int, Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"] = ObjectChoiceField(criteria, required=False, label=_("tiêu chí liên quan"))

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        if quantity is not None and quantity <= 0:
            raise ValidationError(_("Khối lượng phải lớn hơn 0."))
        return quantity


class CriterionDeadlineForm(forms.ModelForm):
    class Meta:
        model = CriterionDeadline
        fields = ["criterion", "quarter"]

    def __init__(self, *args, criteria: dict[int, Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"] = ObjectChoiceField(criteria, label=_("tiêu chí"))


class VillageTargetForm(forms.ModelForm):
    class Meta:
        model = VillageTarget
        fields = ["village", "kind", "note"]

    def __init__(self, *args, villages: dict[int, Village], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"] = ObjectChoiceField(villages, label=_("thôn"))


class SocioTargetForm(forms.ModelForm):
    class Meta:
        model = SocioTarget
        fields = [
            "name",
            "kind",
            "direction",
            "value",
            "change",
            "unit",
            "baseline_value",
            "baseline_year",
            "target_year",
            "source",
            "order",
        ]
        field_classes = {"value": VNDecimalField, "baseline_value": VNDecimalField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A row posted without a kind or a direction (an older page) keeps the defaults.
        self.fields["kind"].required = self.fields["direction"].required = False

    def clean_kind(self):
        return self.cleaned_data.get("kind") or SocioTarget.Kind.NUMERIC

    def clean_direction(self):
        return self.cleaned_data.get("direction") or SocioTarget.Direction.AT_LEAST

    def clean(self):
        cleaned = super().clean()
        direction, kind = cleaned.get("direction"), cleaned.get("kind")
        steps = direction in (SocioTarget.Direction.REDUCE_BY, SocioTarget.Direction.INCREASE_BY)
        has_value, has_year = (
            cleaned.get("baseline_value") is not None,
            cleaned.get("baseline_year") is not None,
        )
        if has_value != has_year:
            field = "baseline_year" if has_value else "baseline_value"
            self.add_error(field, _("Giá trị mốc và năm mốc phải nhập cùng nhau."))
        if steps and not (has_value and has_year):
            self.add_error("baseline_value", _("Chỉ tiêu giảm / tăng mỗi năm cần giá trị mốc và năm mốc."))
        if steps and not cleaned.get("change"):
            self.add_error("change", _("Chọn mức thay đổi tính theo điểm % hay theo %."))
        if not steps and cleaned.get("change"):
            self.add_error("change", _("Mức thay đổi chỉ dùng cho chỉ tiêu giảm / tăng mỗi năm."))
        if kind == SocioTarget.Kind.COUNTED and direction != SocioTarget.Direction.AT_LEAST:
            self.add_error("direction", _("Chỉ tiêu đếm số đối tượng đạt chỉ có chiều ≥."))
        target_year, baseline_year = cleaned.get("target_year"), cleaned.get("baseline_year")
        if target_year and baseline_year and target_year <= baseline_year:
            self.add_error("target_year", _("Năm đạt phải sau năm mốc."))
        return cleaned


class TargetActualForm(forms.Form):
    """An actual value of a target as of a day, no later than today. A percentage is read with
    the percent rule of the one number parser and must lie between 0 and 100."""

    as_of = forms.DateField(
        label=_("Số liệu tính đến ngày"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    value = forms.CharField(label=_("Giá trị thực hiện"), max_length=40)
    period_label = forms.CharField(label=_("Kỳ (ví dụ: Quý III/2026)"), max_length=60, required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args, target: SocioTarget, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.target, self.today = target, today
        self.fields["value"].widget.attrs["inputmode"] = "decimal"
        self.fields["as_of"].error_messages["invalid"] = _("Ngày tính số liệu không hợp lệ.")
        self.fields["as_of"].error_messages["required"] = _("Nhập ngày tính số liệu.")
        self.fields["value"].error_messages["required"] = _("Nhập giá trị thực hiện.")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of > self.today:
            raise ValidationError(_("Ngày tính số liệu không được sau hôm nay."))
        return as_of

    def clean_value(self):
        text = self.cleaned_data["value"]
        try:
            number = parse_number(text, percent=self.target.is_percent)
        except ParseError as error:
            raise ValidationError(_("Giá trị thực hiện: %(error)s") % {"error": error}) from error
        if self.target.is_percent and not (0 <= number <= 100):
            raise ValidationError(_("Giá trị thực hiện: tỷ lệ phải nằm trong khoảng 0 đến 100."))
        if not (0 <= number <= NUMBER_MAX):
            raise ValidationError(_("Giá trị thực hiện: số phải nằm trong khoảng 0 đến 999.999.999."))
        return rounded(number)


class CountedObjectForm(forms.ModelForm):
    class Meta:
        model = CountedObject
        fields = ["name", "meets", "recognised_on", "note"]
        widgets = {"recognised_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        _small_widgets(self)

    def clean(self):
        cleaned = super().clean()
        recognised_on = cleaned.get("recognised_on")
        if recognised_on and recognised_on > self.today:
            self.add_error("recognised_on", _("Ngày công nhận không được sau hôm nay."))
        name = cleaned.get("name")
        if name and CountedObject.objects.filter(target_id=self.instance.target_id, name=name).exists():
            self.add_error("name", _("Tên đối tượng đã có trong danh sách của chỉ tiêu."))
        if recognised_on and not cleaned.get("meets"):
            self.add_error("meets", _("Đối tượng có ngày công nhận phải được đánh dấu đã đạt."))
        return cleaned


class CampaignWaveForm(forms.ModelForm):
    class Meta:
        model = CampaignWave
        fields = ["name", "start", "end"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return cleaned


def _formset(model, form, extra: int = 1, parent=Plan):
    return forms.inlineformset_factory(parent, model, form=form, extra=extra, can_delete=True)


WorkItemFormSet = _formset(WorkItem, WorkItemForm, extra=2)
CriterionDeadlineFormSet = _formset(CriterionDeadline, CriterionDeadlineForm)
VillageTargetFormSet = _formset(VillageTarget, VillageTargetForm)
SocioTargetFormSet = _formset(SocioTarget, SocioTargetForm, extra=2)
CampaignWaveFormSet = _formset(CampaignWave, CampaignWaveForm)


class AllocationGridForm(forms.Form):
    """Work items × villages; one number per cell, named after its row and column."""

    def __init__(
        self, *args, items: list[WorkItem], villages: list[Village], allocations: list[Allocation], **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.items, self.villages = items, villages
        current = {(a.work_item_id, a.village_id): a.quantity for a in allocations}
        for item in items:
            for village in villages:
                message = _("Ô «%(item)s» × «%(village)s»: nhập một số, ví dụ 3.200 hoặc 0,38.") % {
                    "item": item.name,
                    "village": village.name,
                }
                self.fields[self.cell_name(item.pk, village.pk)] = VNDecimalField(
                    required=False,
                    **column_digits(Allocation, "quantity"),
                    label=f"{item.name} — {village.name}",
                    initial=current.get((item.pk, village.pk)),
                    error_messages={"invalid": message},
                    widget=forms.TextInput(
                        attrs={"class": "form-control form-control-sm cell", "data-item": item.pk, "size": 6}
                    ),
                )

    @staticmethod
    def cell_name(item_id: int, village_id: int) -> str:
        return f"c_{item_id}_{village_id}"

    def cells(self) -> dict[tuple[int, int], Decimal | None]:
        return {
            (item.pk, village.pk): self.cleaned_data.get(self.cell_name(item.pk, village.pk))
            for item in self.items
            for village in self.villages
        }

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if value is not None and value < 0:
                self.add_error(
                    name, _("%(cell)s: khối lượng không được âm.") % {"cell": self.fields[name].label}
                )
        return cleaned


class WeeklyReportForm(forms.Form):
    # The report's version and values when the page was opened (0 and nothing: no report yet).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    base = forms.CharField(widget=forms.HiddenInput, required=False)
    notes = forms.CharField(
        label=_("Kết quả, ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_week_plan = forms.CharField(
        label=_("Kế hoạch tuần tới"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, allocations: list[Allocation], **kwargs):
        super().__init__(*args, **kwargs)
        self.allocations = allocations
        for allocation in allocations:
            item = allocation.work_item
            self.fields[f"item_{item.pk}"] = VNDecimalField(
                required=False,
                **column_digits(ReportLine, "quantity"),
                label=f"{item.name} ({item.unit})",
                help_text=_("Giao cho thôn: %(quantity)s %(unit)s")
                % {"quantity": format_number(allocation.quantity), "unit": item.unit},
                error_messages={
                    "invalid": _("«%(item)s»: nhập một số, ví dụ 3.200 hoặc 0,38.") % {"item": item.name}
                },
            )
        self.order_fields([f"item_{a.work_item_id}" for a in allocations] + ["notes", "next_week_plan"])

    def clean(self):
        cleaned = super().clean()
        for allocation in self.allocations:
            value = cleaned.get(f"item_{allocation.work_item_id}")
            if value is not None and value < 0:
                self.add_error(f"item_{allocation.work_item_id}", _("Khối lượng không được âm."))
            elif value is not None and value > allocation.quantity * ABSURD_FACTOR:
                self.add_error(
                    f"item_{allocation.work_item_id}",
                    _(
                        "«%(item)s»: %(value)s %(unit)s là hơn %(factor)s lần khối lượng giao cho thôn "
                        "(%(allocated)s %(unit)s); hãy kiểm tra lại số đã nhập."
                    )
                    % self._line(allocation, value),
                )
        self._keep_theirs(cleaned)
        return cleaned

    def report_fields(self) -> list[str]:
        return [f"item_{allocation.work_item_id}" for allocation in self.allocations] + [*TEXT_FIELDS]

    def base_values(self) -> dict[str, object] | None:
        """The report as the page was opened (field name → value), None if not sent."""
        try:
            data = json.loads(self.cleaned_data.get("base") or "null")
            if data is None:
                return None
            return {name: _report_value(name, data.get(name)) for name in self.report_fields()}
        except (ValueError, TypeError, AttributeError, ArithmeticError):
            return None

    def _keep_theirs(self, cleaned: dict) -> None:
        """After a refused save, a field where the user took the other's value gets the value
        the rebased page started from, which is the other's."""
        base = self.base_values()
        for name in self.report_fields() if base is not None else ():
            if self.data.get(f"keep_{name}") == KEEP_THEIRS:
                cleaned[name] = base[name]

    @staticmethod
    def _line(allocation: Allocation, value: Decimal) -> dict[str, str]:
        item = allocation.work_item
        return {
            "item": item.name,
            "value": format_number(value),
            "unit": item.unit,
            "allocated": format_number(allocation.quantity),
            "factor": format_number(ABSURD_FACTOR),
        }

    def over_allocated(self) -> list[str]:
        """Warnings for the results above what the village was allocated (saved all the same:
        a village may do more than planned)."""
        return [
            _("«%(item)s»: %(value)s %(unit)s vượt khối lượng giao cho thôn (%(allocated)s %(unit)s).")
            % self._line(allocation, value)
            for allocation in self.allocations
            if (value := self.cleaned_data.get(f"item_{allocation.work_item_id}")) is not None
            and value > allocation.quantity
        ]

    def quantities(self) -> dict[int, Decimal]:
        return {
            allocation.work_item_id: self.cleaned_data[f"item_{allocation.work_item_id}"]
            for allocation in self.allocations
            if self.cleaned_data.get(f"item_{allocation.work_item_id}") is not None
        }


KEEP_THEIRS = "theirs"
TEXT_FIELDS = ("notes", "next_week_plan")
MAX_BASE_QUANTITY = Decimal(10) ** 11  # what ReportLine.quantity (14 digits, 3 places) holds


def _report_value(name: str, value) -> Decimal | str | None:
    if name in TEXT_FIELDS:
        return str(value or "").strip()
    if value in (None, ""):
        return None
    number = Decimal(str(value))
    if not number.is_finite() or not 0 <= number < MAX_BASE_QUANTITY:
        raise ValueError(value)  # not a copy of a stored report: the page sent no usable base
    return number


def report_values(report: WeeklyReport | None) -> dict[str, object]:
    """A stored report as field name → value (quantities as Decimals, texts stripped)."""
    if report is None:
        return {}
    values: dict[str, object] = {f"item_{line.work_item_id}": line.quantity for line in report.lines.all()}
    return values | {name: getattr(report, name).strip() for name in TEXT_FIELDS}


def encode_report_base(values: dict[str, object]) -> str:
    """`report_values` as the hidden `base` field carries them."""
    return json.dumps(
        {name: str(value) for name, value in values.items()}, ensure_ascii=False, separators=(",", ":")
    )


def _normal(name: str, value) -> Decimal | str | None:
    if name in TEXT_FIELDS:
        return str(value or "").strip()
    return None if value is None else Decimal(value).normalize()


def report_merge(form: WeeklyReportForm, report: WeeklyReport) -> list[FieldMerge]:
    """The fields of a refused report that another user changed since the page was opened,
    each with the original, the other's value and the user's; both changed: the user chooses."""
    base, theirs = form.base_values(), report_values(report)
    units = {f"item_{allocation.work_item_id}": allocation.work_item for allocation in form.allocations}
    merged = []
    for name in form.report_fields():
        values = [_normal(name, source.get(name)) for source in (base or {}, theirs, form.cleaned_data)]
        original, other, mine = values
        if other == (mine if base is None else original):
            continue  # nobody else changed it (or, the original unknown, both hold the same)
        side = changed_by(object() if base is None else original, mine, other)
        merged.append(
            FieldMerge(
                key=name,
                label=str(form.fields[name].label),
                base=_shown(original, units.get(name)) if base is not None else "—",
                theirs=_shown(other, units.get(name)),
                mine=_shown(mine, units.get(name)),
                theirs_input=_input(other),
                mine_input=_input(mine),
                choose=side is Side.BOTH,
                by=_user_label(report.edits.last(), report),
                at=report.updated_at,
            )
        )
    return merged


def _shown(value, item: WorkItem | None) -> str:
    if value is None or value == "":
        return "—"
    return f"{format_number(value)} {item.unit}" if item is not None else str(value)


def _input(value) -> str:
    if isinstance(value, Decimal):
        with translation.override("vi"):
            return format_number(value).replace("\u00a0", "")
    return value or ""


def _user_label(edit, report: WeeklyReport) -> str:
    user = edit.edited_by if edit is not None else report.submitted_by
    return "—" if user is None else user.get_full_name() or user.get_username()


def report_rebased(form: WeeklyReportForm, report: WeeklyReport) -> dict:
    """The refused form's data on top of the stored report: what the user did not change shows
    the other's value, what they changed stays as typed; the next save starts from now."""
    data = {key: value for key, value in form.data.items() if not key.startswith("keep_")}
    base, theirs = form.base_values(), report_values(report)
    for name in form.report_fields():
        if base is not None and _normal(name, form.cleaned_data.get(name)) == _normal(name, base.get(name)):
            data[name] = theirs.get(name, "")
    return data | {"version": str(report.version), "base": encode_report_base(theirs)}


class PlanEditor:
    """The plan's main form and its five inline tables, validated and saved together."""

    def __init__(self, plan: Plan, data=None):
        self.plan = plan
        criteria = plan_criteria_choices(plan)
        villages = {village.pk: village for village in plan.commune.villages.all()}
        self.form = PlanForm(data, instance=plan, commune=plan.commune, prefix="plan")
        self.formsets = [
            (
                _("Hạng mục công việc"),
                WorkItemFormSet(data, instance=plan, prefix="items", form_kwargs={"criteria": criteria}),
            ),
            (_("Đợt cao điểm"), CampaignWaveFormSet(data, instance=plan, prefix="waves")),
            (
                _("Hạn hoàn thành tiêu chí"),
                CriterionDeadlineFormSet(
                    data, instance=plan, prefix="deadlines", form_kwargs={"criteria": criteria}
                ),
            ),
            (
                _("Mục tiêu của thôn"),
                VillageTargetFormSet(
                    data, instance=plan, prefix="villages", form_kwargs={"villages": villages}
                ),
            ),
            (_("Chỉ tiêu kinh tế - xã hội"), SocioTargetFormSet(data, instance=plan, prefix="socio")),
        ]

        for _title, formset in self.formsets:
            for form in formset.forms:
                _small_widgets(form)

    def is_valid(self) -> bool:
        results = [self.form.is_valid()] + [formset.is_valid() for _title, formset in self.formsets]
        return all(results)


def _small_widgets(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.HiddenInput):
            continue
        css = (
            "form-select form-select-sm"
            if isinstance(widget, forms.Select)
            else "form-control form-control-sm"
        )
        widget.attrs["class"] = css


def plan_criteria_choices(plan: Plan) -> dict[int, Criterion]:
    """The criteria of the plan's target set (or of the national commune sets), plus any
    criterion a work item already points to; loaded once for all the plan's tables."""
    if plan.target_set_id:
        scope = Q(criteria_set_id=plan.target_set_id)
    else:
        scope = Q(criteria_set__unit_level=CriteriaSet.UnitLevel.COMMUNE, criteria_set__province__isnull=True)
    if plan.pk:
        scope |= Q(pk__in=plan.work_items.exclude(criterion=None).values("criterion_id"))
    rows = Criterion.objects.filter(scope).order_by("criteria_set__code", "order")
    return {criterion.pk: criterion for criterion in rows}


class FundLineForm(forms.ModelForm):
    class Meta:
        model = FundLine
        fields = ["source", "detail", "basis", "planned"]
        field_classes = {"planned": VNDecimalField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned"] = VNDecimalField(
            label=_("Kế hoạch (triệu đồng)"),
            required=False,
            help_text=_("Để trống nếu văn bản chưa nêu số tiền."),
            **column_digits(FundLine, "planned"),
        )
        _small_widgets(self)


_FUND_LINE_FORMSETS = {
    owner: forms.inlineformset_factory(owner, FundLine, form=FundLineForm, extra=1, can_delete=True)
    for owner in (Plan, Programme)
}


def fund_line_formset(owner: Plan | Programme, data=None):
    """The table of a plan's or a programme's fund sources."""
    return _FUND_LINE_FORMSETS[type(owner)](data, instance=owner, prefix="lines")


class FundActualForm(forms.ModelForm):
    """What one source mobilised in a period: the amount, and the period's last day."""

    class Meta:
        model = FundActual
        fields = ["line", "period_end", "amount", "note"]
        widgets = {"period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, lines: list[FundLine], today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["line"] = ObjectChoiceField(
            {line.pk: line for line in lines}, label=_("Nguồn vốn"), required=True
        )
        self.fields["amount"] = VNDecimalField(
            label=_("Số vốn huy động trong kỳ (triệu đồng)"), **column_digits(FundActual, "amount")
        )
        _small_widgets(self)

    def clean_period_end(self):
        day = self.cleaned_data["period_end"]
        if day > self.today:
            raise ValidationError(_("Ngày tính đến không được sau hôm nay."))
        return day

    def clean(self):
        cleaned = super().clean()
        line, day = cleaned.get("line"), cleaned.get("period_end")
        if line and day and line.actuals.filter(period_end=day).exists():
            self.add_error(
                "period_end",
                FundActual.DUPLICATE_PERIOD % {"day": day.strftime("%d/%m/%Y")},
            )
        return cleaned


# --- Programmes ------------------------------------------------------------------------------


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["name", "start_year", "end_year", "document_number", "document_date", "note"]
        widgets = {
            "document_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("“Đến năm” phải từ năm %(start)s trở đi.") % {"start": start})
        for name in ("start_year", "end_year"):
            value = cleaned.get(name)
            if value is not None and not 2000 <= value <= 2100:
                self.add_error(name, _("Năm phải trong khoảng 2000-2100."))
        return cleaned


class _InSpanForm(forms.ModelForm):
    """A programme target whose year must fall in the programme's span."""

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme

    def clean_year(self):
        year = self.cleaned_data["year"]
        start = self.data.get("programme-start_year") or self.programme.start_year
        end = self.data.get("programme-end_year") or self.programme.end_year
        try:
            start, end = int(start), int(end)
        except (TypeError, ValueError):
            return year
        if year is not None and not start <= year <= end:
            raise ValidationError(
                _("Năm %(year)s nằm ngoài giai đoạn %(start)s-%(end)s của chương trình.")
                % {"year": year, "start": start, "end": end}
            )
        return year


class ProgrammeTitleTargetForm(_InSpanForm):
    class Meta:
        model = ProgrammeTitleTarget
        fields = ["year", "title", "criteria_set", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = CriteriaSet.objects.filter(
            unit_level=CriteriaSet.UnitLevel.COMMUNE
        )


class ProgrammeUnitTargetForm(_InSpanForm):
    class Meta:
        model = ProgrammeUnitTarget
        fields = ["year", "kind", "village", "value", "criteria_set", "note"]

    def __init__(self, *args, villages: dict[int, Village], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"] = ObjectChoiceField(villages, required=False, label=_("thôn"))
        self.fields["criteria_set"].queryset = CriteriaSet.objects.filter(
            unit_level=CriteriaSet.UnitLevel.VILLAGE
        )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == ProgrammeUnitTarget.COUNT:
            if cleaned.get("value") is None:
                self.add_error("value", _("Nhập số thôn cần có danh hiệu."))
            cleaned["village"] = None
        elif kind:
            if cleaned.get("village") is None:
                self.add_error("village", _("Chọn thôn của mục tiêu."))
            cleaned["value"] = None
        return cleaned


ProgrammeTitleTargetFormSet = _formset(ProgrammeTitleTarget, ProgrammeTitleTargetForm, parent=Programme)
ProgrammeUnitTargetFormSet = _formset(ProgrammeUnitTarget, ProgrammeUnitTargetForm, parent=Programme)


class ProgrammeEditor:
    """The programme's main form and its title and unit targets, validated and saved together."""

    def __init__(self, programme: Programme, data=None):
        self.programme = programme
        self.form = ProgrammeForm(data, instance=programme, prefix="programme")
        kwargs = {"programme": programme}
        villages = (
            {village.pk: village for village in programme.commune.villages.all()}
            if programme.commune_id
            else {}
        )
        self.formsets = [
            (
                _("Mục tiêu danh hiệu theo năm"),
                ProgrammeTitleTargetFormSet(data, instance=programme, prefix="titles", form_kwargs=kwargs),
            ),
        ]
        if programme.commune_id:
            self.formsets.append(
                (
                    _("Mục tiêu của thôn"),
                    ProgrammeUnitTargetFormSet(
                        data, instance=programme, prefix="units", form_kwargs=kwargs | {"villages": villages}
                    ),
                )
            )
        for _title, formset in self.formsets:
            for form in formset.forms:
                _small_widgets(form)

    def is_valid(self) -> bool:
        results = [self.form.is_valid()] + [formset.is_valid() for _title, formset in self.formsets]
        return all(results)
