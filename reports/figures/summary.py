"""The figures of a district's or a province's summary table: the scope's rows for one set
and year, ordered as the table lists them, and the counts over them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from communes.models import Commune, District, Province
from criteria.models import CriteriaSet, Criterion

from .scope import CommuneRow, Figures, commune_sets, group_figures, scope_rows, total_figures


@dataclass
class SummaryData:
    unit: District | Province
    criteria_set: CriteriaSet
    year: int
    criteria: list[Criterion]
    lines: list[CommuneRow]
    figures: Figures
    with_district: bool
    today: datetime.date

    @property
    def assessed(self) -> list[CommuneRow]:
        return [line for line in self.lines if line.assessment is not None]


def summary_data(
    *, unit: District | Province, criteria_set: CriteriaSet, year: int, today: datetime.date | None = None
) -> SummaryData:
    """The scope figures of the unit's communes (a fixed number of queries, see scope_rows),
    listed by district then name."""
    today = today or datetime.date.today()
    scope_filter = Q(district=unit) if isinstance(unit, District) else Q(province=unit)
    communes = Commune.objects.filter(scope_filter)
    province_id = unit.province_id if isinstance(unit, District) else unit.pk
    scope = scope_rows(communes, criteria_set, year, commune_sets(province_id), today)
    figures = total_figures(group_figures(communes, scope, year, "province_id"))
    lines = sorted(
        scope.rows,
        key=lambda row: (row.commune.district.name if row.commune.district else "", row.commune.name),
    )
    return SummaryData(
        unit=unit,
        criteria_set=criteria_set,
        year=year,
        criteria=scope.criteria,
        lines=lines,
        figures=figures,
        with_district=isinstance(unit, Province) and any(row.commune.district_id for row in lines),
        today=today,
    )
