"""Queries behind the district, province and commune dashboards.

Every number comes from the stored evaluation (Assessment totals, CriterionResult rows,
EvaluationSnapshot rows) and the plans app's rows, fetched in a fixed number of queries
whatever the number of communes: aggregates are computed in SQL with conditional counts,
per-commune details are fetched for all communes of the scope at once.

Regression flags compare the current stored evaluation (CriterionResult) with the latest
snapshot of an earlier ISO week: a criterion met in that snapshot and not met now is flagged
from the moment it drops, and stays flagged until the next week's snapshot records the drop.
The current week's own snapshot is ignored so that taking it (Friday morning) does not hide a
drop that happened earlier in the week.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, Village
from criteria.evaluation import Band, Status
from criteria.models import Assessment, CriteriaSet, Criterion, CriterionResult

from .dashboard_plans import Compliance, PlanProgress, plan_progress_by_commune, total_compliance
from .models import EvaluationSnapshot, ProvinceTarget
from .snapshots import regressions

# SQL conditions of the official bands, in display order (same cut-offs as evaluation.band).
BAND_CONDITIONS: list[tuple[str, str, Q]] = [
    ("all", "19", Q(criteria_total__gt=0, criteria_met__gte=F("criteria_total"))),
    ("15-18", "15-18", Q(criteria_met__gte=15, criteria_met__lt=F("criteria_total"))),
    ("10-14", "10-14", Q(criteria_met__gte=10, criteria_met__lt=15)),
    ("5-9", "5-9", Q(criteria_met__gte=5, criteria_met__lt=10)),
    ("under5", _("dưới 5"), Q(criteria_met__lt=5)),
]
BAND_CODES = [code for code, _label, _q in BAND_CONDITIONS]
UNDER_15 = 15


@dataclass
class Cell:
    criterion: Criterion
    status: str
    regressed: bool = False


@dataclass
class CommuneRow:
    commune: Commune
    assessment: Assessment | None
    cells: list[Cell]
    title: CriteriaSet | None = None
    regressed: list[Criterion] = field(default_factory=list)
    progress: PlanProgress | None = None
    compliance: Compliance | None = None

    @property
    def band(self) -> Band | None:
        return self.assessment.band if self.assessment else None

    @property
    def status(self) -> str:
        return self.assessment.status if self.assessment else "none"

    @property
    def off_track(self) -> bool:
        return bool(self.progress and self.progress.track == "off_track")


@dataclass
class Figures:
    """Headline figures of one group of communes (a district, or the whole scope)."""

    communes: int = 0
    assessed: int = 0
    bands: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    average: Decimal | None = None
    under_15: int = 0
    titles: dict[int, int] = field(default_factory=dict)
    villages: int = 0
    village_titles: dict[int, int] = field(default_factory=dict)

    @property
    def not_assessed(self) -> int:
        return self.communes - self.assessed


def commune_sets(province_id: int) -> list[CriteriaSet]:
    """Commune-level sets that apply in a province, basic sets before the ones requiring them."""
    return province_sets(province_id)[0]


def province_sets(province_id: int) -> tuple[list[CriteriaSet], list[CriteriaSet]]:
    """The commune-level sets (basic sets before the ones requiring them) and the village-level
    sets that apply in a province, each annotated with `latest`, the latest year assessed
    against it. One query."""
    latest = Assessment.objects.filter(criteria_set=OuterRef("pk")).order_by("-year").values("year")[:1]
    level = CriteriaSet.UnitLevel
    rows = list(
        CriteriaSet.objects.filter(
            Q(province__isnull=True) | Q(province_id=province_id),
            unit_level__in=[level.COMMUNE, level.VILLAGE],
        ).annotate(latest=Subquery(latest))
    )
    communes = [item for item in rows if item.unit_level == level.COMMUNE]
    communes.sort(key=lambda item: (item.prerequisite_id is not None, item.code))
    return communes, [item for item in rows if item.unit_level == level.VILLAGE]


@dataclass
class Scope:
    """The matrix of a scope: the set's criteria, one row per commune, and every assessment
    of the year of its communes (all sets)."""

    criteria: list[Criterion]
    rows: list[CommuneRow]
    assessments: list[Assessment]
    planned: set[tuple[int, int]]


def scope_rows(
    communes: QuerySet,
    criteria_set: CriteriaSet,
    year: int,
    sets: list[CriteriaSet],
    today: datetime.date,
    plan_years: set[int] | None = None,
) -> Scope:
    """One row per commune with its stored evaluation of `criteria_set` in `year`, the highest
    title it reached that year, its regressions and its plan's progress; `planned` also holds
    which communes have a plan in `plan_years` (for report_compliance). Six queries."""
    communes = list(communes.select_related("district").order_by("name"))
    ids = [commune.pk for commune in communes]
    assessments = list(Assessment.objects.filter(commune_id__in=ids, year=year).order_by())
    selected = {a.commune_id: a for a in assessments if a.criteria_set_id == criteria_set.pk}
    titles = _titles_reached(assessments, sets)
    criteria = list(criteria_set.criteria.order_by("order"))
    statuses = _criterion_statuses([a.pk for a in assessments])
    previous = previous_snapshot_statuses([a.pk for a in selected.values()], today)
    commune_of = {a.pk: a.commune_id for a in assessments}
    met = {
        (commune_of[assessment_id], int(criterion_id))
        for assessment_id, by_criterion in statuses.items()
        for criterion_id, status in by_criterion.items()
        if status == Status.MET.value
    }
    progress, planned = plan_progress_by_commune(ids, year, assessments, today, met, plan_years)
    rows = []
    for commune in communes:
        assessment = selected.get(commune.pk)
        current = statuses.get(assessment.pk, {}) if assessment else {}
        dropped = set(regressions(previous.get(assessment.pk, {}), current)) if assessment else set()
        cells = [
            Cell(c, current.get(str(c.pk), Status.NO_VALUE.value), str(c.pk) in dropped) for c in criteria
        ]
        rows.append(
            CommuneRow(
                commune=commune,
                assessment=assessment,
                cells=cells,
                title=titles.get(commune.pk),
                regressed=[cell.criterion for cell in cells if cell.regressed],
                progress=progress.get(commune.pk),
            )
        )
    return Scope(criteria, rows, assessments, planned)


def _titles_reached(assessments: list[Assessment], sets: list[CriteriaSet]) -> dict[int, CriteriaSet]:
    """The highest title each commune qualified for: a set that requires another set outranks it."""
    rank = {item.pk: (item.prerequisite_id is not None, index) for index, item in enumerate(sets)}
    by_pk = {item.pk: item for item in sets}
    best: dict[int, CriteriaSet] = {}
    for assessment in assessments:
        if not assessment.title_qualified or assessment.criteria_set_id not in by_pk:
            continue
        current = best.get(assessment.commune_id)
        if current is None or rank[assessment.criteria_set_id] > rank[current.pk]:
            best[assessment.commune_id] = by_pk[assessment.criteria_set_id]
    return best


def _criterion_statuses(assessment_ids: list[int]) -> dict[int, dict[str, str]]:
    statuses: dict[int, dict[str, str]] = defaultdict(dict)
    rows = CriterionResult.objects.filter(assessment_id__in=assessment_ids).values_list(
        "assessment_id", "criterion_id", "status"
    )
    for assessment_id, criterion_id, status in rows:
        statuses[assessment_id][str(criterion_id)] = status
    return statuses


def week_monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def previous_snapshot_statuses(assessment_ids: list[int], today: datetime.date) -> dict[int, dict[str, str]]:
    """Each assessment's criterion statuses in its latest snapshot before the current week."""
    monday = week_monday(today)
    latest = (
        EvaluationSnapshot.objects.filter(assessment_id=OuterRef("assessment_id"), week_start__lt=monday)
        .order_by("-week_start")
        .values("pk")[:1]
    )
    rows = EvaluationSnapshot.objects.filter(
        assessment_id__in=assessment_ids, pk=Subquery(latest)
    ).values_list("assessment_id", "criterion_statuses")
    return dict(rows)


def filter_rows(rows: list[CommuneRow], params) -> list[CommuneRow]:
    """Apply the dashboard's GET filters: band, status, title, track=off, regressed, due."""
    if params.get("band") in BAND_CODES:
        rows = [row for row in rows if row.band and row.band.code == params["band"]]
    if params.get("status"):
        rows = [row for row in rows if row.status == params["status"]]
    if params.get("title"):
        rows = [row for row in rows if (row.title.code if row.title else "none") == params["title"]]
    if params.get("track") == "off":
        rows = [row for row in rows if row.off_track]
    if params.get("regressed"):
        rows = [row for row in rows if row.regressed]
    if params.get("due"):
        rows = [row for row in rows if row.progress and row.progress.due_now]
    if params.get("under15"):
        rows = [row for row in rows if row.assessment and row.assessment.criteria_met < UNDER_15]
    return rows


SORTS = {
    "name": lambda row: row.commune.name,
    "met": lambda row: (row.assessment.criteria_met if row.assessment else -1, row.commune.name),
    "-met": lambda row: (-(row.assessment.criteria_met if row.assessment else -1), row.commune.name),
    "status": lambda row: (row.status, row.commune.name),
}


def sort_rows(rows: list[CommuneRow], key: str) -> list[CommuneRow]:
    return sorted(rows, key=SORTS.get(key, SORTS["name"]))


def band_code(criteria_met: int, criteria_total: int) -> str | None:
    """The band of BAND_CONDITIONS an assessment falls in (the same conditions, in Python)."""
    if criteria_total > 0 and criteria_met >= criteria_total:
        return "all"
    if criteria_met >= UNDER_15:
        return "15-18" if criteria_met < criteria_total else None
    for lower, code in ((10, "10-14"), (5, "5-9")):
        if criteria_met >= lower:
            return code
    return "under5"


def group_figures(communes: QuerySet, scope: Scope, year: int, group: str) -> dict[int | None, Figures]:
    """Headline figures per group of communes (`group` is a Commune field: "district_id"):
    counted over the scope's rows and assessments, which hold every commune of the scope and
    every assessment of the year; the village figures are aggregated in SQL (two queries)."""
    figures: dict[int | None, Figures] = defaultdict(Figures)
    group_of = {row.commune.pk: getattr(row.commune, group) for row in scope.rows}
    for key in group_of.values():
        figures[key].communes += 1
    met_sums: dict[int | None, int] = defaultdict(int)
    for row in scope.rows:
        if row.assessment is None:
            continue
        item, assessment = figures[group_of[row.commune.pk]], row.assessment
        if not item.assessed:
            item.bands = dict.fromkeys(BAND_CODES, 0)
            item.statuses = dict.fromkeys(Assessment.State.values, 0)
        item.assessed += 1
        item.under_15 += assessment.criteria_met < UNDER_15
        met_sums[group_of[row.commune.pk]] += assessment.criteria_met
        code = band_code(assessment.criteria_met, assessment.criteria_total)
        if code is not None:
            item.bands[code] += 1
        if assessment.status in item.statuses:
            item.statuses[assessment.status] += 1
    for key, total in met_sums.items():
        figures[key].average = (Decimal(total) / figures[key].assessed).quantize(Decimal("0.1"))
    for assessment in scope.assessments:
        if assessment.title_qualified:
            titles = figures[group_of[assessment.commune_id]].titles
            titles[assessment.criteria_set_id] = titles.get(assessment.criteria_set_id, 0) + 1
    _village_figures(communes, year, group, figures)
    return figures


def _village_figures(communes: QuerySet, year: int, group: str, figures: dict[int | None, Figures]) -> None:
    """Villages per group, and villages qualified for each village set's title in `year`."""
    villages = Village.objects.filter(commune__in=communes).order_by()
    key = f"commune__{group}"
    for row in villages.values(key).annotate(n=Count("pk")):
        figures[row[key]].villages = row["n"]
    titled = (
        Assessment.objects.filter(village__in=villages, year=year, title_qualified=True)
        .order_by()
        .values(f"village__{key}", "criteria_set_id")
        .annotate(n=Count("village_id", distinct=True))
    )
    for row in titled:
        figures[row[f"village__{key}"]].village_titles[row["criteria_set_id"]] = row["n"]


def total_figures(figures: dict[int | None, Figures]) -> Figures:
    """The sum of several groups' figures (the province's own line)."""
    total = Figures(bands=dict.fromkeys(BAND_CODES, 0), statuses=dict.fromkeys(Assessment.State.values, 0))
    weighted = Decimal(0)
    for item in figures.values():
        total.communes += item.communes
        total.assessed += item.assessed
        total.under_15 += item.under_15
        total.villages += item.villages
        for code, count in item.bands.items():
            total.bands[code] += count
        for state, count in item.statuses.items():
            total.statuses[state] += count
        for set_id, count in item.titles.items():
            total.titles[set_id] = total.titles.get(set_id, 0) + count
        for set_id, count in item.village_titles.items():
            total.village_titles[set_id] = total.village_titles.get(set_id, 0) + count
        weighted += (item.average or 0) * item.assessed
    if total.assessed:
        total.average = (weighted / total.assessed).quantize(Decimal("0.1"))
    return total


def village_sets(province_id: int) -> list[CriteriaSet]:
    return province_sets(province_id)[1]


@dataclass
class TargetLine:
    target: ProvinceTarget
    actual: Decimal | None
    gap: Decimal | None

    @property
    def reached(self) -> bool | None:
        if self.actual is None:
            return None
        return (
            self.actual <= self.target.value if self.target.is_ceiling else self.actual >= self.target.value
        )


# The order province programmes list their targets in: communes, villages, then districts.
TARGET_ORDER = [
    ProvinceTarget.Kind.COMMUNES_NTM,
    ProvinceTarget.Kind.COMMUNES_ADVANCED,
    ProvinceTarget.Kind.COMMUNES_MODEL,
    ProvinceTarget.Kind.COMMUNES_UNDER_15,
    ProvinceTarget.Kind.VILLAGES_NTM_PERCENT,
    ProvinceTarget.Kind.VILLAGES_MODEL_PERCENT,
    ProvinceTarget.Kind.DISTRICTS_NTM,
    ProvinceTarget.Kind.DISTRICTS_ADVANCED,
]


def target_lines(targets: list[ProvinceTarget], total: Figures) -> list[TargetLine]:
    """Each province target with its actual value (from the province's figures) and the gap
    still to close (0 when reached); None where the app does not track that count."""
    lines = []
    for target in sorted(targets, key=lambda item: (item.year, TARGET_ORDER.index(item.kind))):
        actual = _target_actual(target, total)
        gap = None
        if actual is not None:
            missing = actual - target.value if target.is_ceiling else target.value - actual
            gap = max(Decimal(0), missing)
        lines.append(TargetLine(target, actual, gap))
    return lines


def _target_actual(target: ProvinceTarget, total: Figures) -> Decimal | None:
    kind = ProvinceTarget.Kind
    if target.kind == kind.COMMUNES_UNDER_15:
        return Decimal(total.under_15)
    if target.criteria_set_id is None:
        return None
    if target.kind in (kind.COMMUNES_NTM, kind.COMMUNES_ADVANCED, kind.COMMUNES_MODEL):
        return Decimal(total.titles.get(target.criteria_set_id, 0))
    if target.is_percent:
        if not total.villages:
            return Decimal(0)
        share = Decimal(total.village_titles.get(target.criteria_set_id, 0)) * 100 / total.villages
        return share.quantize(Decimal("0.1"))
    return None


def snapshot_history(assessment: Assessment | None, limit: int = 26) -> list[EvaluationSnapshot]:
    """The assessment's weekly snapshots, oldest first (the last `limit` weeks)."""
    if assessment is None:
        return []
    rows = list(
        EvaluationSnapshot.objects.filter(assessment=assessment)
        .order_by("-iso_year", "-iso_week")
        .only("iso_year", "iso_week", "week_start", "criteria_met", "criteria_total", "title_qualified")[
            :limit
        ]
    )
    return rows[::-1]


@dataclass
class DistrictLine:
    """One district of the province overview: its SQL figures and the counts over its rows."""

    district: object
    figures: Figures
    compliance: Compliance
    off_track: int = 0
    due: int = 0
    regressed: int = 0


def district_lines(districts, figures: dict, rows: list[CommuneRow], weeks) -> list[DistrictLine]:
    lines = []
    for district in districts:
        own = [row for row in rows if row.commune.district_id == district.pk]
        lines.append(
            DistrictLine(
                district=district,
                figures=figures.get(district.pk) or total_figures({}),
                compliance=total_compliance(
                    weeks, {row.commune.pk: row.compliance for row in own if row.compliance}
                ),
                off_track=sum(1 for row in own if row.off_track),
                due=sum(1 for row in own if row.progress and row.progress.due_now),
                regressed=sum(1 for row in own if row.regressed),
            )
        )
    return lines
