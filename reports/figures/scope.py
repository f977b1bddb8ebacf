"""The figures of a scope (a commune, a district, a province) for one criteria set and year:
each commune's criterion statuses, criteria met, band, title states, regressions, plan
progress and report compliance, and the counts over them.

Every figure the dashboards, the summary workbooks and the weekly roll-up show is computed
here, once; they only render it. Figures come from the stored evaluation (Assessment totals,
CriterionResult rows, EvaluationSnapshot rows), which the criteria app keeps equal to the live
evaluation, fetched in a fixed number of queries whatever the number of communes.

What a set implies (its bands, its title rule) is data of the set (`CriteriaSet.band_list()`,
`title_qualified` stored by the criteria app from the set's rule); nothing here names a band
or a number of criteria.

Regression flags compare the current stored evaluation with the latest snapshot of an earlier
ISO week: a criterion met in that snapshot and not met now is flagged from the moment it
drops, and stays flagged until the next week's snapshot records the drop. The current week's
own snapshot is ignored so that taking it (Friday morning) does not hide a drop that happened
earlier in the week.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import CharField, Exists, JSONField, OuterRef, QuerySet, Subquery, Value

from communes.models import Commune, Village
from criteria.evaluation import Band, Status, band_of
from criteria.models import Assessment, CriteriaSet, Criterion, CriterionResult, Recognition
from criteria.titles import TitleState, title_state
from plans import deadlines

from ..models import EvaluationSnapshot
from ..snapshots import regressions
from .plans import (
    Compliance,
    PlanProgress,
    compliance_weeks_ending,
    due_commune_weeks,
    last_report_week,
    plan_progress_by_commune,
    reference_day,
    scope_plans,
    total_compliance,
    week_years,
)
from .titles import STATE_CODES, STATE_RANK


@dataclass
class Cell:
    criterion: Criterion
    status: str
    regressed: bool = False


@dataclass(frozen=True)
class TitleMark:
    """A unit's standing for one set's title: eligible, confirmed or recognised."""

    criteria_set: CriteriaSet
    state: TitleState

    @property
    def code(self) -> str:
        return self.criteria_set.code


@dataclass
class CommuneRow:
    commune: Commune
    assessment: Assessment | None
    cells: list[Cell]
    band: Band | None = None
    title: TitleMark | None = None
    titles: dict[int, TitleState] = field(default_factory=dict)
    regressed: list[Criterion] = field(default_factory=list)
    progress: PlanProgress | None = None
    compliance: Compliance | None = None

    @property
    def status(self) -> str:
        return self.assessment.status if self.assessment else "none"

    @property
    def criteria_met(self) -> int | None:
        return self.assessment.criteria_met if self.assessment else None

    @property
    def off_track(self) -> bool:
        return bool(self.progress and self.progress.track == "off_track")


@dataclass
class Figures:
    """Headline figures of one group of communes (a district, or the whole scope). `titles`
    counts communes per set and title state (eligible, confirmed, recognised), each commune
    once per set at its highest state."""

    communes: int = 0
    assessed: int = 0
    bands: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    average: Decimal | None = None
    all_met: int = 0
    met_counts: list[int] = field(default_factory=list)
    # criterion id → communes meeting it
    criteria_met_by: dict[int, int] = field(default_factory=dict)
    titles: dict[int, dict[str, int]] = field(default_factory=dict)
    villages: int = 0
    village_titles: dict[int, dict[str, int]] = field(default_factory=dict)

    @property
    def not_assessed(self) -> int:
        return self.communes - self.assessed

    def below(self, criteria: int) -> int:
        """Communes assessed with fewer than `criteria` criteria met (a target's line)."""
        return sum(1 for met in self.met_counts if met < criteria)

    def title_count(self, set_id: int, state: str) -> int:
        return self.titles.get(set_id, {}).get(state, 0)

    def village_title_count(self, set_id: int, state: str) -> int:
        return self.village_titles.get(set_id, {}).get(state, 0)


def commune_sets(province_id: int) -> list[CriteriaSet]:
    """Commune-level sets that apply in a province, basic sets before the ones requiring them."""
    return province_sets(province_id)[0]


def province_sets(province_id: int) -> tuple[list[CriteriaSet], list[CriteriaSet]]:
    """The commune-level sets (basic sets before the ones requiring them) and the village-level
    sets that apply in a province, each annotated with `latest`, the latest year assessed
    against it. One query."""
    latest = Assessment.objects.filter(criteria_set=OuterRef("pk")).order_by("-year").values("year")[:1]
    level = CriteriaSet.UnitLevel
    # A province's own sets count on either map: Hà Tĩnh's 2022 set of the old province is
    # still the new Hà Tĩnh's.
    rows = list(
        CriteriaSet.objects.for_province(province_id)
        .filter(unit_level__in=[level.COMMUNE, level.VILLAGE])
        .annotate(latest=Subquery(latest))
    )
    communes = [item for item in rows if item.unit_level == level.COMMUNE]
    communes.sort(key=lambda item: (item.prerequisite_id is not None, item.code))
    return communes, [item for item in rows if item.unit_level == level.VILLAGE]


def main_set(sets: list[CriteriaSet], year: int) -> CriteriaSet | None:
    """The set a scope is counted against by default in `year`: among the basic commune sets
    (those requiring no other, pilots aside) in force in that year, the one most recently in
    force by the end of the year, national before a province's own."""
    end = datetime.date(year, 12, 31)
    basic = [
        item
        for item in sets
        if item.prerequisite_id is None
        and not item.is_pilot
        and item.is_in_force(year)
        and (item.effective_from is None or item.effective_from <= end)
    ]
    return max(
        basic,
        key=lambda item: (item.effective_from or datetime.date.min, item.province_id is None, item.code),
        default=None,
    )


@dataclass
class Scope:
    """The figures of a scope: the set's criteria, one row per commune, and every assessment
    of the year of its communes (all sets)."""

    criteria_set: CriteriaSet
    year: int
    criteria: list[Criterion]
    rows: list[CommuneRow]
    assessments: list[Assessment]
    due: set[tuple[int, datetime.date]]
    sets: list[CriteriaSet] = field(default_factory=list)
    # The weeks `due` was read over (with `compliance`, the scope's compliance weeks).
    weeks: list[datetime.date] = field(default_factory=list)

    @property
    def bands(self) -> list[Band]:
        return self.criteria_set.band_list()

    @property
    def reevaluating(self) -> bool:
        """Whether a re-evaluation of any assessment shown is still running."""
        return any(a.reevaluation_requested_at is not None for a in self.assessments)


def scope_rows(
    communes: QuerySet,
    criteria_set: CriteriaSet,
    year: int,
    sets: list[CriteriaSet],
    today: datetime.date,
    weeks: list[datetime.date] | None = None,
    carry_forward: bool = False,
    as_of_week: datetime.date | None = None,
    compliance: bool = False,
) -> Scope:
    """One row per commune with its stored evaluation of `criteria_set` in `year`, its title
    states, its regressions and its plan's progress; `due` holds the (commune, Monday) pairs
    of `weeks` for which a weekly report was due (for report_compliance). Six queries, seven
    when a plan has campaign waves.

    The weekly roll-up reads a week as it was: with `carry_forward`, a commune without an
    assessment in `year` shows its latest earlier one, and with `as_of_week` (a Monday) an
    assessment that has a snapshot of that week shows the snapshot's figures (one query more).
    With `compliance` (and no `weeks`), the weeks are the dashboards' compliance weeks
    (`compliance_weeks_ending`), read with the communes.

    The communes are read with their villages, their recognitions in force (per set) and,
    for a past year's compliance, their last report week, in one query."""
    day = reference_day(year, today)
    in_force = Recognition.objects.in_force(day)
    marks = {
        f"recognised_{item.pk}": Exists(in_force.filter(commune_id=OuterRef("pk"), criteria_set_id=item.pk))
        for item in sets
    }
    compliance = compliance and weeks is None
    if compliance and year < today.year:
        marks["last_report_week"] = last_report_week(year)
    communes = list(
        communes.select_related("district").with_village_counts().annotate(**marks).order_by("name", "code")
    )
    ids = [commune.pk for commune in communes]
    if compliance:
        reported = [getattr(c, "last_report_week", None) for c in communes]
        weeks = compliance_weeks_ending(max(filter(None, reported), default=None), year, today)
    recognised = {
        (commune.pk, item.pk)
        for commune in communes
        for item in sets
        if getattr(commune, f"recognised_{item.pk}")
    }
    fetched = list(
        Assessment.objects.for_scope(ids)
        .in_period(year, carry_forward=carry_forward)
        .annotate(previous_statuses=previous_snapshot_statuses(today))
        .order_by("commune_id", "criteria_set_id", "-year")
    )
    selected: dict[int, Assessment] = {}
    for assessment in fetched:
        if assessment.criteria_set_id == criteria_set.pk:
            selected.setdefault(assessment.commune_id, assessment)
    shown_year = {commune_id: a.year for commune_id, a in selected.items()}
    assessments = [a for a in fetched if a.year == shown_year.get(a.commune_id, year)]
    for assessment in selected.values():
        assessment.criteria_set = criteria_set
    criteria = list(criteria_set.criteria.order_by("order"))
    statuses = _criterion_statuses([a.pk for a in assessments])
    if as_of_week is not None:
        statuses |= _as_of_snapshots(assessments, as_of_week)
    titles = _title_states(assessments, sets, recognised)
    commune_of = {a.pk: a.commune_id for a in assessments}
    met = {
        (commune_of[assessment_id], int(criterion_id))
        for assessment_id, by_criterion in statuses.items()
        for criterion_id, status in by_criterion.items()
        if status == Status.MET.value
    }
    plans = scope_plans(ids, {year} | week_years(weeks or []))
    progress = plan_progress_by_commune(
        [plan for plan, _span in plans if plan.year == year], year, assessments, today, met
    )
    due = due_commune_weeks(plans, weeks or [])
    bands = criteria_set.band_list()
    rows = []
    for commune in communes:
        assessment = selected.get(commune.pk)
        current = statuses.get(assessment.pk, {}) if assessment else {}
        dropped = set(regressions(assessment.previous_statuses or {}, current)) if assessment else set()
        cells = [
            Cell(c, current.get(str(c.pk), Status.NO_VALUE.value), str(c.pk) in dropped) for c in criteria
        ]
        own_titles = titles.get(commune.pk, {})
        rows.append(
            CommuneRow(
                commune=commune,
                assessment=assessment,
                cells=cells,
                band=_band(assessment, bands),
                title=_highest_title(own_titles, sets),
                titles=own_titles,
                regressed=[cell.criterion for cell in cells if cell.regressed],
                progress=progress.get(commune.pk),
            )
        )
    return Scope(criteria_set, year, criteria, rows, assessments, due, sets, weeks or [])


def _as_of_snapshots(assessments: list[Assessment], monday: datetime.date) -> dict[int, dict[str, str]]:
    """Replace the stored figures of the assessments that have a snapshot of the week by the
    snapshot's; returns those assessments' criterion statuses."""
    by_pk = {a.pk: a for a in assessments}
    statuses = {}
    rows = EvaluationSnapshot.objects.filter(assessment_id__in=list(by_pk), week_start=monday).values_list(
        "assessment_id",
        "criteria_met",
        "criteria_total",
        "indicators_met",
        "title_qualified",
        "status",
        "criterion_statuses",
    )
    for pk, met, total, indicators, qualified, status, by_criterion in rows:
        assessment = by_pk[pk]
        assessment.criteria_met, assessment.criteria_total, assessment.indicators_met = met, total, indicators
        assessment.title_qualified, assessment.status = qualified, status or assessment.status
        statuses[pk] = by_criterion
    return statuses


def _band(assessment: Assessment | None, bands: list[Band]) -> Band | None:
    if assessment is None:
        return None
    return band_of(assessment.criteria_met, assessment.criteria_total, bands)


def _title_states(
    assessments: list[Assessment], sets: list[CriteriaSet], recognised: set[tuple[int, int]]
) -> dict[int, dict[int, TitleState]]:
    """Each commune's title state per set: recognised by a decision in force, confirmed by
    its approved assessment, or eligible by its own current data. A recognition counts even
    where the year's assessment is missing."""
    known = {item.pk for item in sets}
    states: dict[int, dict[int, TitleState]] = defaultdict(dict)
    for assessment in assessments:
        if assessment.criteria_set_id not in known:
            continue
        state = title_state(
            qualified=assessment.title_qualified,
            approved=assessment.status == Assessment.State.APPROVED,
            recognised=(assessment.commune_id, assessment.criteria_set_id) in recognised,
        )
        if state is not None:
            states[assessment.commune_id][assessment.criteria_set_id] = state
    for commune_id, set_id in recognised:
        if set_id in known:
            states[commune_id][set_id] = TitleState.RECOGNISED
    return states


def _highest_title(states: dict[int, TitleState], sets: list[CriteriaSet]) -> TitleMark | None:
    """The commune's most advanced standing: the highest state, then a set that requires
    another set outranks it."""
    rank = {item.pk: (item.prerequisite_id is not None, index) for index, item in enumerate(sets)}
    by_pk = {item.pk: item for item in sets}
    best = max(states.items(), key=lambda pair: (STATE_RANK[pair[1]], rank[pair[0]]), default=None)
    return TitleMark(by_pk[best[0]], best[1]) if best else None


def _criterion_statuses(assessment_ids: list[int]) -> dict[int, dict[str, str]]:
    statuses: dict[int, dict[str, str]] = defaultdict(dict)
    rows = CriterionResult.objects.filter(assessment_id__in=assessment_ids).values_list(
        "assessment_id", "criterion_id", "status"
    )
    for assessment_id, criterion_id, status in rows:
        statuses[assessment_id][str(criterion_id)] = status
    return statuses


def previous_snapshot_statuses(today: datetime.date) -> Subquery:
    """An assessment's criterion statuses in its latest snapshot before the current week (an
    annotation of the assessments read)."""
    latest = (
        EvaluationSnapshot.objects.filter(
            assessment_id=OuterRef("pk"), week_start__lt=deadlines.week_monday(today)
        )
        .order_by("-week_start")
        .values("criterion_statuses")[:1]
    )
    return Subquery(latest, output_field=JSONField())


def filter_rows(rows: list[CommuneRow], params, sets: list[CriteriaSet]) -> list[CommuneRow]:
    """Apply the dashboard's GET filters: band, status, title (a set's code, or "none") with
    state (a title state), track=off, regressed, due, below=<criteria met>."""
    if params.get("band"):
        rows = [row for row in rows if row.band and row.band.code == params["band"]]
    if params.get("status"):
        rows = [row for row in rows if row.status == params["status"]]
    if params.get("title") == "none":
        rows = [row for row in rows if row.title is None]
    elif params.get("title"):
        set_id = next((item.pk for item in sets if item.code == params["title"]), None)
        state = params.get("state", "")
        rows = [row for row in rows if set_id in row.titles and state in ("", row.titles[set_id].value)]
    if params.get("track") == "off":
        rows = [row for row in rows if row.off_track]
    if params.get("regressed"):
        rows = [row for row in rows if row.regressed]
    if params.get("due"):
        rows = [row for row in rows if row.progress and row.progress.due_now]
    below = _positive_int(params.get("below"))
    if below is not None:
        rows = [row for row in rows if row.assessment and row.assessment.criteria_met < below]
    return rows


def _positive_int(text) -> int | None:
    try:
        number = int(text)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 1000 else None


SORTS = {
    "name": lambda row: row.commune.name,
    "met": lambda row: (row.assessment.criteria_met if row.assessment else -1, row.commune.name),
    "-met": lambda row: (-(row.assessment.criteria_met if row.assessment else -1), row.commune.name),
    "status": lambda row: (row.status, row.commune.name),
}


def sort_rows(rows: list[CommuneRow], key: str) -> list[CommuneRow]:
    return sorted(rows, key=SORTS.get(key, SORTS["name"]))


def group_figures(communes: QuerySet, scope: Scope, year: int, group: str) -> dict[int | None, Figures]:
    """Headline figures per group of communes (`group` is a Commune field: "district_id"):
    counted over the scope's rows, which hold every commune of the scope with its band and
    title states; the village figures are aggregated in SQL (three queries)."""
    figures: dict[int | None, Figures] = defaultdict(Figures)
    band_codes = [band.code for band in scope.bands]
    for row in scope.rows:
        item = figures[getattr(row.commune, group)]
        item.communes += 1
        if not item.bands:
            item.bands = dict.fromkeys(band_codes, 0)
            item.statuses = dict.fromkeys(Assessment.State.values, 0)
        for set_id, state in row.titles.items():
            counts = item.titles.setdefault(set_id, dict.fromkeys(STATE_CODES, 0))
            counts[state.value] += 1
        if row.assessment is None:
            continue
        item.assessed += 1
        item.met_counts.append(row.assessment.criteria_met)
        item.all_met += 0 < row.assessment.criteria_total <= row.assessment.criteria_met
        for cell in row.cells:
            if cell.status == Status.MET.value:
                item.criteria_met_by[cell.criterion.pk] = item.criteria_met_by.get(cell.criterion.pk, 0) + 1
        if row.band is not None:
            item.bands[row.band.code] += 1
        if row.status in item.statuses:
            item.statuses[row.status] += 1
    for item in figures.values():
        if item.met_counts:
            item.average = average(item.met_counts)
    _village_figures(communes, scope, year, group, figures)
    return figures


def average(numbers: list[int]) -> Decimal | None:
    """The average criteria met, to one decimal."""
    if not numbers:
        return None
    return (Decimal(sum(numbers)) / len(numbers)).quantize(Decimal("0.1"))


def _village_figures(
    communes: QuerySet, scope: Scope, year: int, group: str, figures: dict[int | None, Figures]
) -> None:
    """Villages per group, and villages per village set's title state in `year` (a village
    counted once per set, at its highest state)."""
    for row in scope.rows:
        figures[getattr(row.commune, group)].villages += row.commune.village_count
    key = f"commune__{group}"
    villages = Village.objects.filter(commune__in=communes).order_by()
    seen = village_title_states(villages, year, key)
    for (_village_id, set_id), (group_key, state) in seen.items():
        counts = figures[group_key].village_titles.setdefault(set_id, dict.fromkeys(STATE_CODES, 0))
        counts[state.value] += 1


def village_title_states(
    villages: QuerySet, year: int, key: str
) -> dict[tuple[int, int], tuple[object, TitleState]]:
    """Each (village, village set) standing for the set's title in `year`, with the village's
    `key` (its group): recognised by a decision in force at the year's end, else confirmed or
    eligible by its assessment. One query: the titled assessments and the recognitions in
    force, read together."""
    recognised_code = "recognised"  # a status no assessment has: marks the recognition rows
    titled = (
        Assessment.objects.filter(village__in=villages, year=year, title_qualified=True)
        .order_by()
        .values_list(f"village__{key}", "village_id", "criteria_set_id", "status")
    )
    decisions = (
        Recognition.objects.in_force(datetime.date(year, 12, 31))
        .filter(village__in=villages)
        .order_by()
        .values_list(
            f"village__{key}",
            "village_id",
            "criteria_set_id",
            Value(recognised_code, output_field=CharField()),
        )
    )
    rows = list(titled.union(decisions, all=True))
    recognised = {
        (village_id, set_id): group for group, village_id, set_id, kind in rows if kind == recognised_code
    }
    states: dict[tuple[int, int], tuple[object, TitleState]] = {}
    for group_key, village_id, set_id, status in rows:
        if status == recognised_code:
            continue
        state = title_state(
            qualified=True,
            approved=status == Assessment.State.APPROVED,
            recognised=(village_id, set_id) in recognised,
        )
        states[(village_id, set_id)] = (group_key, state)
    for pair, group_key in recognised.items():
        states.setdefault(pair, (group_key, TitleState.RECOGNISED))
    return states


def village_title_lines(villages: QuerySet, year: int, sets: list[CriteriaSet]) -> list[tuple[Village, list]]:
    """Each village with its title state (or None) for each village set in `year`, the lines
    behind the dashboards' village figures (three queries)."""
    states = village_title_states(villages, year, "commune_id")
    villages = list(villages.select_related("commune").order_by("commune__name", "name"))
    marks = {pair: state for pair, (_group, state) in states.items()}
    return [(village, [marks.get((village.pk, item.pk)) for item in sets]) for village in villages]


def total_figures(figures: dict[int | None, Figures]) -> Figures:
    """The sum of several groups' figures (the province's own line)."""
    total = Figures(statuses=dict.fromkeys(Assessment.State.values, 0))
    for item in figures.values():
        total.communes += item.communes
        total.assessed += item.assessed
        total.villages += item.villages
        total.met_counts += item.met_counts
        total.all_met += item.all_met
        for criterion_id, count in item.criteria_met_by.items():
            total.criteria_met_by[criterion_id] = total.criteria_met_by.get(criterion_id, 0) + count
        for code, count in item.bands.items():
            total.bands[code] = total.bands.get(code, 0) + count
        for state, count in item.statuses.items():
            total.statuses[state] += count
        for target, source in ((total.titles, item.titles), (total.village_titles, item.village_titles)):
            for set_id, counts in source.items():
                into = target.setdefault(set_id, dict.fromkeys(STATE_CODES, 0))
                for state, count in counts.items():
                    into[state] += count
    total.average = average(total.met_counts)
    return total


def village_sets(province_id: int) -> list[CriteriaSet]:
    return province_sets(province_id)[1]


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
    """One district of the province overview: its figures and the counts over its rows."""

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
