"""What the commune table shows, loaded in a fixed number of queries: the commune's current
values evaluated exactly as its page evaluates them (the summary tables take their figures
from `reports.figures.summary`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from communes.models import Commune
from criteria import evaluation
from criteria.models import Assessment, CriteriaSet
from criteria.services import Evaluation, evaluate, set_catalogue, unit_context
from reports.documents.letterhead import DocumentType, Letterhead, letterhead_for


@dataclass
class CommuneTableData:
    commune: Commune
    criteria_set: CriteriaSet
    year: int
    assessment: Assessment | None
    outcome: Evaluation
    notes: dict[int, str]
    classifier_label: str
    today: datetime.date
    letterhead: Letterhead


def commune_table_data(*, commune: Commune, criteria_set: CriteriaSet, year: int) -> CommuneTableData:
    """Queries: criteria, indicators, thresholds (the catalogue); the assessment; its values;
    the regions; the commune's letterhead settings. `commune` comes with its province,
    district and region selected."""
    today = timezone.localdate()
    catalogue = set_catalogue(criteria_set, commune.province_id)
    assessment = Assessment.objects.filter(commune=commune, criteria_set=criteria_set, year=year).first()
    rows = {row.indicator_id: row for row in assessment.values.all()} if assessment else {}
    context = unit_context(criteria_set, commune)
    values = {
        indicator.pk: _stored(indicator.kind, rows.get(indicator.pk)) for indicator in catalogue.indicators
    }
    return CommuneTableData(
        commune=commune,
        criteria_set=criteria_set,
        year=year,
        assessment=assessment,
        outcome=evaluate(catalogue, context, year, values),
        notes={indicator_id: row.note for indicator_id, row in rows.items()},
        classifier_label=context.classifier_label,
        today=today,
        letterhead=letterhead_for(
            commune, doc_type=DocumentType.REPORT, summary=commune_table_title(year), on=today
        ),
    )


def commune_table_title(year: int) -> str:
    return _("BIỂU CHI TIẾT KẾT QUẢ TỰ ĐÁNH GIÁ MỨC ĐỘ ĐẠT CÁC TIÊU CHÍ NĂM %(year)s") % {"year": year}


def _stored(kind: str, row) -> object:
    return None if row is None else evaluation.stored_value(kind, row)
