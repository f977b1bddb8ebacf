"""Forms of the entry page and the workflow actions. Forms only read and check input; the
services write."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .evaluation import Kind
from .models import Indicator
from .parsing import ParseError, check_number, parse_number
from .services import SetCatalogue, comparable, input_text

# The radio of a field both users changed: "theirs" takes the other user's value.
KEEP_THEIRS = "theirs"
PARTS = (("value", "v"), ("note", "n"))

# The longest reason a workflow step or a save note takes; the entry page's inputs carry the
# same limits (templates/criteria/entry.html), and history keeps reasons as text. An
# indicator's note takes the same length here and in the Excel import.
MAX_REASON = 2000
MAX_SAVE_NOTE = 300
MAX_NOTE = 2000
REASON_TOO_LONG = _("Lý do quá dài (tối đa %(limit_value)d ký tự, đang có %(show_value)d).")

BOOL_CHOICES = [("", "—"), ("1", _("Có / Đạt")), ("0", _("Không / Chưa đạt"))]


class NumberField(forms.CharField):
    """A number typed the Vietnamese or English way, checked against the indicator's kind."""

    def __init__(self, *, kind: Kind, **kwargs):
        self.kind = kind
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            number = parse_number(text, percent=self.kind.is_percent)
        except ParseError as error:
            raise forms.ValidationError(str(error)) from error
        problem = check_number(self.kind, number)
        if problem:
            raise forms.ValidationError(problem)
        return number


class BoolField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=BOOL_CHOICES, coerce=lambda value: value == "1", empty_value=None, **kwargs)


def value_field(indicator: Indicator) -> forms.Field:
    kind = Kind(indicator.kind)
    attrs = {"data-indicator": indicator.pk, "class": "form-control form-control-sm value-input"}
    label = f"{indicator.code} {indicator.name}"
    if kind is Kind.BOOL:
        attrs["class"] = "form-select form-select-sm value-input"
        return BoolField(required=False, label=label, widget=forms.Select(attrs=attrs))
    if kind is Kind.LEVEL:
        attrs["class"] = "form-select form-select-sm value-input"
        choices = [("", "—")] + [(level, level) for level in indicator.levels]
        return forms.TypedChoiceField(
            choices=choices, required=False, empty_value=None, label=label, widget=forms.Select(attrs=attrs)
        )
    attrs |= {"inputmode": "decimal", "autocomplete": "off"}
    return NumberField(kind=kind, required=False, label=label, widget=forms.TextInput(attrs=attrs))


class EntryForm(forms.Form):
    """One value and one note per indicator of the set, plus the version the page was opened at."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    # The stored values the page started from, so that a save applies only what the user changed.
    base = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Ghi chú cho lần lưu này"),
        required=False,
        max_length=MAX_SAVE_NOTE,
        error_messages={
            "max_length": _("Ghi chú quá dài (tối đa %(limit_value)d ký tự, đang có %(show_value)d).")
        },
    )

    def __init__(self, *args, catalogue: SetCatalogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = catalogue.indicators
        for indicator in self.indicators:
            self.fields[f"v_{indicator.pk}"] = value_field(indicator)
            self.fields[f"n_{indicator.pk}"] = forms.CharField(
                label=_("Ghi chú"),
                required=False,
                max_length=MAX_NOTE,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm note-input"}),
            )

    def values(self) -> dict[int, dict]:
        return {
            indicator.pk: {
                "value": self.cleaned_data.get(f"v_{indicator.pk}"),
                "note": self.cleaned_data.get(f"n_{indicator.pk}", ""),
            }
            for indicator in self.indicators
        }

    def base_values(self) -> dict[int, dict] | None:
        """Indicator id → {"value", "note"} the page was opened with; None if not sent (or
        not readable), when every value of the page counts as typed."""
        return decode_base(self.cleaned_data.get("base", ""), self.indicators)

    def mine_values(self) -> dict[int, dict]:
        """The typed values, where the user took the other user's value put back to it (the
        other user's value is what the page started from after a refused save)."""
        base, values = self.base_values(), self.values()
        if base is None:
            return values
        for indicator in self.indicators:
            for part, prefix in PARTS:
                if self.data.get(f"keep_{prefix}_{indicator.pk}") == KEEP_THEIRS:
                    values[indicator.pk][part] = base.get(indicator.pk, EMPTY)[part]
        return values

    def changed_values(self) -> dict[int, dict]:
        """Only the values and notes the user changed since the page was opened."""
        base, values = self.base_values(), self.mine_values()
        if base is None:
            return values
        changed = {}
        for indicator in self.indicators:
            kind, started = Kind(indicator.kind), base.get(indicator.pk, EMPTY)
            entry = values[indicator.pk]
            parts = {}
            if comparable(kind, entry["value"]) != started["value"]:
                parts["value"] = entry["value"]
            if (entry["note"] or "").strip() != started["note"]:
                parts["note"] = entry["note"]
            if parts:
                changed[indicator.pk] = parts
        return changed


EMPTY = {"value": None, "note": ""}


def encode_base(rows: dict) -> str:
    """Stored values as the hidden `base` field carries them: numbers in plain notation, so
    that reading them back never depends on the language of the page."""
    encoded = {}
    for indicator_id, row in rows.items():
        value = row.value
        if value is not None or row.note:
            encoded[str(indicator_id)] = [str(value) if isinstance(value, Decimal) else value, row.note]
    return json.dumps(encoded, ensure_ascii=False, separators=(",", ":"))


def decode_base(text: str, indicators) -> dict[int, dict] | None:
    if not text:
        return None
    try:
        data = json.loads(text)
        base = {}
        for indicator in indicators:
            value, note = data.get(str(indicator.pk), (None, ""))
            kind = Kind(indicator.kind)
            if kind.is_numeric and value is not None:
                value = Decimal(str(value))
                if not value.is_finite():
                    raise ValueError(value)
            base[indicator.pk] = {"value": comparable(kind, value), "note": str(note or "").strip()}
    except (ValueError, TypeError, AttributeError, InvalidOperation):
        return None
    return base


def rebased(form: EntryForm, rows: dict, version: int) -> QueryDict:
    """The refused form's data based on the stored values: what the user did not change shows
    the newer value, what they changed stays as typed, and the next save starts from now."""
    data = form.data.copy()
    mine, base = form.mine_values(), form.base_values()
    for key in [key for key in data if key.startswith("keep_")]:
        del data[key]
    for indicator in form.indicators:
        row, kind = rows.get(indicator.pk), Kind(indicator.kind)
        started = base.get(indicator.pk, EMPTY) if base is not None else None
        entry = mine[indicator.pk]
        if started is not None and comparable(kind, entry["value"]) == started["value"]:
            data[f"v_{indicator.pk}"] = input_text(kind, row.value if row else None)
        if started is not None and (entry["note"] or "").strip() == started["note"]:
            data[f"n_{indicator.pk}"] = row.note if row else ""
    data["version"] = str(version)
    data["base"] = encode_base(rows)
    return data


def initial_for(rows: dict, version: int) -> dict:
    """Initial form data from stored rows, numbers shown the way the active language writes them."""
    from .evaluation import format_number

    initial: dict = {"version": version, "base": encode_base(rows)}
    for indicator_id, row in rows.items():
        kind = Kind(row.indicator.kind)
        value = row.value
        if kind is Kind.BOOL:
            value = "" if value is None else ("1" if value else "0")
        elif kind.is_numeric and value is not None:
            value = format_number(value).replace("\u00a0", "")
        initial[f"v_{indicator_id}"] = value
        initial[f"n_{indicator_id}"] = row.note
    return initial


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"),
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": REASON_TOO_LONG},
    )


class RequiredReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Cần nêu lý do."), "max_length": REASON_TOO_LONG},
    )


class EvidenceForm(forms.Form):
    checklist_item = forms.CharField(required=False, max_length=300)


class CreateForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
