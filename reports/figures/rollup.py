"""The figures of a weekly roll-up, frozen as codes and numbers.

`rollup_figures` reads one unit's week through the same scope figures as the dashboards (the
week's snapshot where there is one, so a rebuilt old week shows that week), adds what only a
week has (criteria gained and lost since last week, edits after approval, the plan's work
done by the end of the week, deadlines due, the week's reports), and returns plain JSON:
codes, numbers and names, never sentences, so the roll-up reads in any language, with the
local day of the build (`built_on`) that the workbook is dated.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from communes.models import Commune
from criteria import evaluation
from criteria.models import Assessment, CriteriaSet, Criterion, CriterionResult, IndicatorValue, Transition
from plans import deadlines
from plans.models import CriterionDeadline, Plan, ReportLine, WeeklyReport, WorkItem

from ..models import EvaluationSnapshot, RollUp
from ..weeks import week_bounds
from .plans import due_commune_weeks, scope_plans, week_years
from .scope import CommuneRow, average, commune_sets, main_set, scope_rows


def unit_communes(rollup: RollUp) -> QuerySet:
    if rollup.district_id:
        return Commune.objects.filter(district_id=rollup.district_id)
    return Commune.objects.filter(province_id=rollup.province_id, district__isnull=True)


def rollup_figures(*, rollup: RollUp, today: datetime.date) -> dict:
    """All figures of a roll-up as plain JSON values, in the same number of queries for a
    district of 5 or of 500 communes: the communes and their scope figures, the snapshots of
    the week and the week before, edits after approval, plans, work items, quantities done,
    criterion deadlines, their results, villages and the week's reports."""
    communes_qs = unit_communes(rollup)
    monday, sunday = week_bounds(rollup.iso_year, rollup.iso_week)
    as_of = min(sunday, max(today, monday))
    sets = commune_sets(rollup.province_id)
    criteria_set = main_set(sets, rollup.iso_year)
    rows: list[CommuneRow] = []
    criteria: list[Criterion] = []
    if criteria_set is not None:
        scope = scope_rows(
            communes_qs,
            criteria_set,
            rollup.iso_year,
            sets,
            as_of,
            weeks=[monday],
            carry_forward=True,
            as_of_week=monday,
        )
        rows, criteria, due = scope.rows, scope.criteria, scope.due
    else:
        communes_all = communes_qs.with_village_counts().order_by("name", "code")
        rows = [CommuneRow(commune, None, []) for commune in communes_all]
        due = due_commune_weeks(scope_plans([row.commune.pk for row in rows], week_years([monday])), [monday])
    shown = [row.assessment for row in rows if row.assessment]
    changes = _changes([a.pk for a in shown], monday, criteria)
    edits = _edits_after_approval(shown, monday)
    plans = _plan_figures(communes_qs, rollup.iso_year, sunday, as_of)
    reports = _report_figures(communes_qs, rows, due, monday)
    # Every other commune set in force in the year (the advanced set beside the basic one in
    # 2021-2025, the pilot beside the 2026-2030 set): each commune's assessment of the year.
    others = [item for item in sets if item != criteria_set and item.is_in_force(rollup.iso_year)]
    other_results = _other_set_figures(communes_qs, others, rollup.iso_year)
    communes = []
    for row in rows:
        line = _commune_json(row)
        key = row.assessment.pk if row.assessment else None
        line["gained"], line["lost"] = changes.get(key, (None, None))
        line["edited_after_approval"] = edits.get(row.commune.pk, [])
        line["plan"] = plans.get(row.commune.pk)
        line["reports"] = reports.get(row.commune.pk, {"expected": 0, "on_time": 0, "late": 0, "missing": 0})
        line["other_sets"] = other_results.get(row.commune.pk, {})
        communes.append(line)
    totals = rollup_totals(communes, criteria_set.bands if criteria_set else [])
    totals["other_sets"] = {
        item.code: {
            "assessed": sum(1 for line in communes if item.code in line["other_sets"]),
            "qualified": sum(
                1 for line in communes if line["other_sets"].get(item.code, {}).get("qualified")
            ),
        }
        for item in others
    }
    return {
        "unit": _unit_json(rollup),
        "week": {
            "iso_year": rollup.iso_year,
            "iso_week": rollup.iso_week,
            "label": rollup.week_label,
            "start": monday.isoformat(),
            "end": sunday.isoformat(),
            "as_of": as_of.isoformat(),
        },
        "criteria_set": _set_json(criteria_set),
        "criteria": [{"id": c.pk, "code": c.code, "name": c.name_vi, "name_en": c.name_en} for c in criteria],
        "communes": communes,
        "other_sets": [_set_json(item) for item in others],
        "totals": totals,
        "built_at": timezone.now().isoformat(timespec="seconds"),
        # The local day of the build, which the workbook is dated (`today` is that day).
        "built_on": today.isoformat(),
    }


def rollup_built_on(data: dict, finished_at: datetime.datetime | None = None) -> datetime.date:
    """The local day a roll-up was built, from its frozen figures. Figures frozen before the
    day was stored give the local day of their build time (`built_at`), else of the roll-up's
    finish, else the last day of the week."""
    if data.get("built_on"):
        return datetime.date.fromisoformat(data["built_on"])
    if data.get("built_at"):
        return timezone.localdate(datetime.datetime.fromisoformat(data["built_at"]))
    if finished_at is not None:
        return timezone.localdate(finished_at)
    return datetime.date.fromisoformat(data["week"]["end"])


def _other_set_figures(communes: QuerySet, sets: list[CriteriaSet], year: int) -> dict[int, dict[str, dict]]:
    """Commune id → set code → its assessment of `year` against that set (criteria met of the
    total, status, whether its own data qualifies for the title). One query; none without sets."""
    if not sets:
        return {}
    codes = {item.pk: item.code for item in sets}
    found: dict[int, dict[str, dict]] = {}
    rows = Assessment.objects.filter(commune__in=communes, criteria_set_id__in=codes, year=year).values_list(
        "commune_id", "criteria_set_id", "criteria_met", "criteria_total", "status", "title_qualified"
    )
    for commune_id, set_id, met, total, status, qualified in rows:
        found.setdefault(commune_id, {})[codes[set_id]] = {
            "criteria_met": met,
            "criteria_total": total,
            "status": status,
            "qualified": qualified,
        }
    return found


def _unit_json(rollup: RollUp) -> dict:
    return {
        "level": rollup.level,
        "code": rollup.unit_code,
        "name": rollup.unit.name,
        "province": rollup.province.name,
    }


def _set_json(criteria_set: CriteriaSet | None) -> dict:
    """The set's identity and what it implies, frozen with the roll-up (bands with both
    languages' labels, the title names)."""
    if criteria_set is None:
        return {"code": "", "name": "", "name_en": "", "title": "", "title_en": "", "bands": []}
    return {
        "code": criteria_set.code,
        "name": criteria_set.name_vi,
        "name_en": criteria_set.name_en,
        "title": criteria_set.title_vi,
        "title_en": criteria_set.title_en,
        "bands": criteria_set.bands,
    }


def _commune_json(row: CommuneRow) -> dict:
    line = {"code": row.commune.code, "name": row.commune.name, "year": None, "status": "none"}
    line |= {"criteria_met": None, "criteria_total": None, "indicators_met": None, "band": "", "title": None}
    assessment = row.assessment
    if assessment is None:
        return line
    line |= {
        "year": assessment.year,
        "status": assessment.status,
        "criteria_met": assessment.criteria_met,
        "criteria_total": assessment.criteria_total,
        "indicators_met": assessment.indicators_met,
        "band": row.band.code if row.band else "",
    }
    if row.title is not None:
        mark = row.title.criteria_set
        line["title"] = {
            "set": mark.code,
            "state": row.title.state.value,
            "name": mark.title_vi or mark.name_vi,
            "name_en": mark.title_en or mark.name_en,
        }
    return line


def _changes(assessment_ids: list[int], monday: datetime.date, criteria: list[Criterion]) -> dict:
    """Per assessment: criteria gained and lost between last week's snapshot and this
    week's (None when either snapshot is missing). One query."""
    previous_monday = monday - datetime.timedelta(weeks=1)
    snapshots: dict[tuple[int, datetime.date], dict] = {}
    rows = EvaluationSnapshot.objects.filter(
        assessment_id__in=assessment_ids, week_start__in=[monday, previous_monday]
    ).values_list("assessment_id", "week_start", "criterion_statuses")
    for assessment_id, start, statuses in rows:
        snapshots[(assessment_id, start)] = statuses
    codes = {str(c.pk): c.code for c in criteria}
    order = {c.code: c.order for c in criteria}
    met = evaluation.Status.MET.value
    changes = {}
    for assessment_id in assessment_ids:
        now, before = snapshots.get((assessment_id, monday)), snapshots.get((assessment_id, previous_monday))
        if now is None or before is None:
            continue
        gained = [codes[k] for k, s in now.items() if s == met and before.get(k) != met and k in codes]
        lost = [codes[k] for k, s in before.items() if s == met and now.get(k) != met and k in codes]
        changes[assessment_id] = (sorted(gained, key=order.get), sorted(lost, key=order.get))
    return changes


def _edits_after_approval(assessments: list[Assessment], monday: datetime.date) -> dict[int, list[str]]:
    """Per commune: indicator codes whose value changed during the week in an assessment that
    had been approved before the change (reopened, then edited). One query."""
    start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time()))
    end = start + datetime.timedelta(weeks=1)
    approved_before = Transition.objects.filter(
        assessment_id=OuterRef("assessment_id"),
        to_status=Assessment.State.APPROVED,
        at__lt=OuterRef("history_date"),
    )
    rows = (
        IndicatorValue.history.filter(
            assessment_id__in=[a.pk for a in assessments], history_date__gte=start, history_date__lt=end
        )
        .filter(Exists(approved_before))
        .values_list("assessment_id", "indicator__code")
        .distinct()
    )
    commune_of = {a.pk: a.commune_id for a in assessments}
    codes: dict[int, set[str]] = defaultdict(set)
    for assessment_id, code in rows:
        codes[commune_of[assessment_id]].add(code)
    return {commune_id: sorted(found, key=_code_key) for commune_id, found in codes.items()}


def _code_key(code: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in code.split("."))


def _plan_figures(communes: QuerySet, iso_year: int, sunday: datetime.date, as_of: datetime.date) -> dict:
    """Per commune, its plan of the week's year (else its latest earlier plan): work items
    done by the end of the week, and its criterion deadlines due this quarter or overdue.
    Five queries."""
    plans: dict[int, Plan] = {}
    for plan in Plan.objects.filter(commune__in=communes, year__lte=iso_year).order_by("commune_id", "-year"):
        plans.setdefault(plan.commune_id, plan)
    plan_ids = [plan.pk for plan in plans.values()]
    items = list(WorkItem.objects.filter(plan_id__in=plan_ids).values("pk", "plan_id", "quantity"))
    done = dict(
        ReportLine.objects.filter(work_item__plan_id__in=plan_ids, report__week__lte=sunday)
        .order_by()
        .values("work_item_id")
        .annotate(total=Sum("quantity"))
        .values_list("work_item_id", "total")
    )
    due = _deadline_figures(plans, as_of)
    figures = {}
    for commune_id, plan in plans.items():
        own = [item for item in items if item["plan_id"] == plan.pk]
        figures[commune_id] = _plan_json(plan, own, done) | {"deadlines": due.get(plan.pk, [])}
    return figures


def _plan_json(plan: Plan, items: list[dict], done: dict) -> dict:
    percents = [min(Decimal(100), (done.get(i["pk"]) or 0) * 100 / i["quantity"]) for i in items]
    mean = (sum(percents) / len(percents)).quantize(Decimal("0.1")) if percents else None
    return {
        "year": plan.year,
        "items": len(items),
        "items_done": sum(1 for i in items if (done.get(i["pk"]) or 0) >= i["quantity"]),
        "percent": float(mean) if mean is not None else None,
    }


def _deadline_figures(plans: dict[int, Plan], as_of: datetime.date) -> dict[int, list[dict]]:
    """Criterion deadlines due this quarter (at risk) or overdue, per plan. Two queries."""
    by_plan = {plan.pk: plan for plan in plans.values()}
    items = list(
        CriterionDeadline.objects.filter(plan_id__in=list(by_plan))
        .select_related("criterion")
        .order_by("quarter", "criterion__order")
    )
    met = set(
        CriterionResult.objects.filter(
            criterion_id__in={item.criterion_id for item in items},
            status=evaluation.Status.MET.value,
            assessment__commune_id__in=list(plans),
        ).values_list("assessment__commune_id", "assessment__year", "criterion_id")
    )
    result: dict[int, list[dict]] = defaultdict(list)
    for item in items:
        plan = by_plan[item.plan_id]
        is_met = (plan.commune_id, plan.year, item.criterion_id) in met
        status = deadlines.criterion_deadline_status(is_met, plan.year, item.quarter, as_of)
        if status in (deadlines.DeadlineStatus.AT_RISK, deadlines.DeadlineStatus.OVERDUE):
            result[plan.pk].append(
                {"criterion": item.criterion.code, "quarter": item.quarter, "status": status.value}
            )
    return result


def _report_figures(
    communes: QuerySet, rows: list[CommuneRow], due: set[tuple[int, datetime.date]], monday: datetime.date
) -> dict[int, dict]:
    """Per commune: villages expected to report this week (communes whose plan owed a report
    for it, `due`: the same rule as the dashboards' compliance), reports on time and late,
    and the missing rest. One query."""
    planned = {commune_id for commune_id, week in due if week == monday}
    figures: dict[int, dict] = {}
    for row in rows:
        if row.commune.village_count:
            expected = row.commune.village_count if row.commune.pk in planned else 0
            figures[row.commune.pk] = {"expected": expected, "on_time": 0, "late": 0, "missing": expected}
    reports = (
        WeeklyReport.objects.filter(village__commune__in=communes, week=monday)
        .order_by()
        .values("village__commune_id")
        .annotate(
            on_time=Count("pk", filter=Q(submitted_at__lt=F("deadline"))),
            late=Count("pk", filter=Q(submitted_at__gte=F("deadline"))),
        )
    )
    for row in reports:
        if row["village__commune_id"] not in planned:
            continue
        item = figures.setdefault(
            row["village__commune_id"], {"expected": 0, "on_time": 0, "late": 0, "missing": 0}
        )
        item["on_time"], item["late"] = row["on_time"], row["late"]
        item["missing"] = max(0, item["expected"] - item["on_time"] - item["late"])
    return figures


def rollup_totals(rows: list[dict], bands: list[dict]) -> dict:
    """The unit's totals from its commune rows (pure): communes per band of the set (every
    band listed, none when the set declares none), per title state, and the sums."""
    assessed = [row for row in rows if row["criteria_met"] is not None]
    band_counts = {band["code"]: 0 for band in bands}
    for row in assessed:
        if row["band"] in band_counts:
            band_counts[row["band"]] += 1
    titles: dict[str, int] = {}
    for row in rows:
        if row["title"]:
            titles[row["title"]["state"]] = titles.get(row["title"]["state"], 0) + 1
    mean = average([row["criteria_met"] for row in assessed])
    reports = {
        key: sum(row["reports"][key] for row in rows) for key in ("expected", "on_time", "late", "missing")
    }
    deadline_rows = [d for row in rows if row["plan"] for d in row["plan"]["deadlines"]]
    percents = [row["plan"]["percent"] for row in rows if row["plan"] and row["plan"]["percent"] is not None]
    return {
        "communes": len(rows),
        "assessed": len(assessed),
        "bands": band_counts,
        "all_met": sum(1 for row in assessed if 0 < row["criteria_total"] <= row["criteria_met"]),
        "average": float(mean) if mean is not None else None,
        "titles": titles,
        "gained": sum(len(row["gained"] or []) for row in rows),
        "lost": sum(len(row["lost"] or []) for row in rows),
        "edited": sum(len(row["edited_after_approval"]) for row in rows),
        "deadlines_due": sum(1 for d in deadline_rows if d["status"] == deadlines.DeadlineStatus.AT_RISK),
        "deadlines_overdue": sum(1 for d in deadline_rows if d["status"] == deadlines.DeadlineStatus.OVERDUE),
        "plan_percent": round(sum(percents) / len(percents), 1) if percents else None,
        "reports": reports,
    }
