"""What the entry page shows: sections per criterion with bound fields, results, evidence and
the dossier checklist, plus the data the page script evaluates from. No queries beyond a fixed
few (evidence, transitions, regions), whatever the size of the catalogue."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .access import AssessmentPermissions
from .evaluation import Result, Status
from .forms import EntryForm
from .models import Assessment, Evidence, Indicator
from .services import (
    SetCatalogue,
    assessment_context,
    checklist_items,
    evaluate,
)


@dataclass
class IndicatorRow:
    indicator: Indicator
    value_field: object
    note_field: object
    result: Result
    evidence: list[Evidence]
    messages: list = field(default_factory=list)  # about this indicator (an upload), shown beside it


@dataclass
class Section:
    item: object
    rows: list[IndicatorRow] = field(default_factory=list)
    checklist: list[dict] = field(default_factory=list)

    @property
    def checklist_done(self) -> int:
        return sum(1 for entry in self.checklist if entry["done"])

    @property
    def has_errors(self) -> bool:
        return any(row.value_field.errors or row.note_field.errors for row in self.rows)


def entry_context(
    request,
    assessment: Assessment,
    catalogue: SetCatalogue,
    rows: dict,
    form: EntryForm,
    permissions: AssessmentPermissions,
) -> dict:
    outcome = evaluate(
        catalogue,
        assessment_context(assessment),
        assessment.year,
        {indicator_id: row.value for indicator_id, row in rows.items()},
    )
    evidence = defaultdict(list)
    for item in Evidence.objects.filter(assessment=assessment):
        evidence[item.indicator_id].append(item)
    sections = [_section(item, form, evidence) for item in outcome.criteria]
    transitions = list(assessment.transitions.select_related("by")[:20])
    editable = assessment.is_editable and permissions.can_edit
    if not editable:
        for form_field in form.fields.values():
            form_field.disabled = True
    return {
        "assessment": assessment,
        "unit": assessment.unit,
        "form": form,
        "outcome": outcome,
        "sections": sections,
        "transitions": transitions,
        "last_return": next((t for t in transitions if t.to_status == Assessment.State.RETURNED), None),
        "editable": editable,
        "can_edit": permissions.can_edit,
        "can_review": permissions.can_review,
        # Who reviews (communes.access.is_committee): the district committee on the old map,
        # the province office for a commune without a district (since 1 July 2025).
        "reviewed_by_province": assessment.commune_of_unit.district_id is None,
        "client_data": _client_data(outcome),
        "status_labels": {
            "met": "✓ " + Status.MET.label,
            "not_met": "✗ " + Status.NOT_MET.label,
            "no_threshold": "? " + Status.NO_THRESHOLD.label,
            "no_value": "– " + Status.NO_VALUE.label,
            "invalid": "! " + _("Sai định dạng"),
        },
    }


def _section(item, form: EntryForm, evidence: dict) -> Section:
    section = Section(item)
    tagged = set()
    for indicator, _value, result in item.results:
        files = evidence.get(indicator.pk, [])
        tagged.update(file.checklist_item for file in files if file.checklist_item)
        section.rows.append(
            IndicatorRow(indicator, form[f"v_{indicator.pk}"], form[f"n_{indicator.pk}"], result, files)
        )
    section.checklist = [
        entry | {"done": entry["name"] in tagged} for entry in checklist_items(item.criterion)
    ]
    return section


def _client_data(outcome) -> dict:
    """Per indicator the kind, the applicable threshold and levels: the script evaluates typed
    values exactly as `evaluation.compare` does."""
    indicators = {}
    for item in outcome.criteria:
        for indicator, _value, result in item.results:
            threshold = result.threshold
            indicators[str(indicator.pk)] = {
                "criterion": str(item.criterion.pk),
                "kind": indicator.kind,
                "levels": indicator.levels,
                "value": str(threshold.value) if threshold and threshold.value is not None else None,
                "flag": threshold.flag if threshold else None,
                "level": threshold.level if threshold else "",
            }
    criteria = {str(item.criterion.pk): item.has_content for item in outcome.criteria}
    return {"indicators": indicators, "criteria": criteria}
