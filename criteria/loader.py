"""Loads criteria sets from the versioned YAML files in `criteria/catalogue/`.

Idempotent, keyed by natural keys (set code, group code, criterion code, indicator code). The
national thresholds of a loaded indicator are replaced by the file's; what provinces entered is
never touched: their thresholds (rows with a province), their own indicators (rows with a
province: no lookup here reads them, and nothing is ever deleted), the indicators added to a set
outside its file, and a criterion they detailed that the file leaves undetailed. Unknown (null)
thresholds create no row, so such an indicator evaluates as "threshold not set".
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from communes.models import AdminMap, Province, Region

from .evaluation import Kind, looser_than_national
from .models import CriteriaSet, Criterion, CriterionGroup, Indicator, Threshold, looser_message
from .reevaluation import assessments_reevaluation_request

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
ANY = "*"

# The stand-in indicator of a criterion whose indicators the sources do not give.
PLACEHOLDER_NAME_VI = "Đạt theo quyết định hướng dẫn của tỉnh"
PLACEHOLDER_NAME_EN = "Meets the province's implementing decision"


class CatalogueError(ValueError):
    pass


def catalogue_files(directory: Path = CATALOGUE_DIR) -> list[Path]:
    return sorted(directory.glob("*.yaml"))


@transaction.atomic
def load_catalogue_file(path: Path) -> list[CriteriaSet | str]:
    """Load every set of one file. A province-scoped set whose province is not among the
    administrative units yet is skipped and returned as its code, to be loaded later. The
    assessments of a set whose evaluation inputs changed are re-evaluated after commit."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for code, names in (data.get("regions") or {}).items():
        Region.objects.update_or_create(
            code=code, defaults={"name_vi": names["name_vi"], "name_en": names["name_en"]}
        )
    loaded, changed = [], []
    for spec in data.get("criteria_sets", []):
        existing = CriteriaSet.objects.filter(code=spec["code"]).first()
        before = evaluation_inputs(existing) if existing else None
        criteria_set = _load_set(spec, path.name)
        if before is not None and isinstance(criteria_set, CriteriaSet):
            if evaluation_inputs(criteria_set) != before:
                changed.append(criteria_set.pk)
        loaded.append(criteria_set)
    if changed:
        assessments_reevaluation_request(criteria_set_ids=changed)
    return loaded


def evaluation_inputs(criteria_set: CriteriaSet) -> tuple:
    """Everything of a set its evaluations read, in three queries: equal before and after a
    load when the load changed no result (names and notes do not count)."""
    criteria = Criterion.objects.filter(criteria_set=criteria_set).order_by("pk")
    indicators = Indicator.objects.filter(criterion__criteria_set=criteria_set).order_by("pk")
    thresholds = Threshold.objects.filter(indicator__criterion__criteria_set=criteria_set).order_by(
        "indicator_id", "province_id", "classifier_value", "year"
    )
    return (
        (
            criteria_set.classifier,
            criteria_set.flag_rules,
            criteria_set.title_rule,
            criteria_set.prerequisite_id,
            criteria_set.unit_level,
        ),
        list(criteria.values_list("pk", "order", "is_detailed", "province_defined")),
        list(indicators.values_list("pk", "criterion_id", "order", "kind", "levels")),
        list(
            thresholds.values_list(
                "indicator_id", "province_id", "classifier_value", "year", "value", "level", "flag"
            )
        ),
    )


def _load_set(spec: dict[str, Any], source_file: str) -> CriteriaSet | str:
    province = None
    if spec.get("province"):
        province = _province_of(spec)
        if province is None:
            return spec["code"]
    prerequisite = None
    if spec.get("prerequisite"):
        prerequisite = CriteriaSet.objects.get(code=spec["prerequisite"]["criteria_set"])
    criteria_set, _ = CriteriaSet.objects.update_or_create(
        code=spec["code"],
        defaults={
            "name_vi": spec["name_vi"],
            "name_en": spec.get("name_en") or "",
            "unit_level": spec["unit_level"],
            "classifier": spec.get("classifier", CriteriaSet.Classifier.REGION),
            "title_vi": spec.get("title_vi", ""),
            "title_en": spec.get("title_en", ""),
            "legal_basis": spec.get("legal_basis", ""),
            "effective_from": _date(spec.get("effective_from")),
            **_period(spec),
            "is_pilot": bool(spec.get("pilot", False)),
            "province": province,
            "prerequisite": prerequisite,
            "bands": _bands(spec),
            "title_rule": _title_rule(spec),
            "flag_rules": [
                {"flags": rule["applies_when_commune_flag_any"], "use": rule["use_region"]}
                for rule in spec.get("special_rules", [])
                if "use_region" in rule
            ],
            "status_note": spec.get("status_note") or spec.get("status", ""),
            "source_file": source_file,
        },
    )
    group_of = {}
    for order, group in enumerate(spec.get("groups", []), start=1):
        obj, _ = CriterionGroup.objects.update_or_create(
            criteria_set=criteria_set,
            code=group["code"],
            defaults={"name_vi": group["name_vi"], "name_en": group.get("name_en", ""), "order": order},
        )
        for criterion_code in group.get("criteria", []):
            group_of[str(criterion_code)] = obj
    for order, criterion_spec in enumerate(spec["criteria"], start=1):
        group = group_of.get(str(criterion_spec["code"]))
        _load_criterion(criteria_set, criterion_spec, order, group, spec.get("stand_in") or {})
    return criteria_set


def _province_of(spec: dict[str, Any]) -> Province | None:
    """The province a province's set belongs to. Codes repeat across the two administrative
    maps: where both hold the code, the province that existed on 1 January of the set's first
    year (Hà Tĩnh's 2022 set: the old map's), else the current map's."""
    candidates = list(Province.objects.filter(code=str(spec["province"])).order_by("pk"))
    start = _period(spec)["valid_from_year"]
    if len(candidates) > 1 and start is not None:
        day = datetime.date(start, 1, 1)
        alive = [
            item
            for item in candidates
            if (item.valid_from is None or item.valid_from <= day)
            and (item.valid_to is None or day <= item.valid_to)
        ]
        candidates = alive or candidates
    current = [item for item in candidates if item.map == AdminMap.CURRENT]
    return (candidates if len(candidates) == 1 else current or candidates or [None])[0]


def _period(spec: dict[str, Any]) -> dict[str, int | None]:
    """The years the set is in force (`years_in_force: {from: 2021, to: 2025}`; a missing bound
    is open)."""
    period = spec.get("years_in_force") or {}
    bounds = {"valid_from_year": period.get("from"), "valid_to_year": period.get("to")}
    for year in bounds.values():
        if year is not None and not (isinstance(year, int) and 2000 <= year <= 2100):
            raise CatalogueError(f"bộ {spec['code']}: 'years_in_force' phải là năm (2000-2100)")
    start, end = bounds.values()
    if start is not None and end is not None and start > end:
        raise CatalogueError(f"bộ {spec['code']}: 'years_in_force.from' sau 'years_in_force.to'")
    return bounds


def _bands(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The set's reporting bands, highest first, as the file declares them."""
    bands = []
    for item in spec.get("bands") or []:
        if "code" not in item or "label_vi" not in item:
            raise CatalogueError(f"bộ {spec['code']}: mỗi nhóm báo cáo cần 'code' và 'label_vi'")
        min_met = item.get("min_met", "all")
        if min_met != "all" and not (isinstance(min_met, int) and min_met >= 0):
            raise CatalogueError(f"bộ {spec['code']}: 'min_met' phải là số hoặc 'all'")
        bands.append(
            {
                "code": str(item["code"]),
                "min_met": None if min_met == "all" else min_met,
                "label_vi": str(item["label_vi"]),
                "label_en": str(item.get("label_en") or ""),
            }
        )
    return bands


def _title_rule(spec: dict[str, Any]) -> dict[str, Any]:
    """What the set's title requires ({"min_met": None} = all criteria); a set with a title
    must say it, a set without one confers no title."""
    rule = spec.get("title_requires")
    if rule is None:
        if spec.get("title_vi"):
            raise CatalogueError(f"bộ {spec['code']}: có danh hiệu nhưng thiếu 'title_requires'")
        return {}
    min_met = rule.get("criteria_met", "all")
    if min_met != "all" and not (isinstance(min_met, int) and min_met > 0):
        raise CatalogueError(f"bộ {spec['code']}: 'title_requires.criteria_met' phải là số hoặc 'all'")
    return {"min_met": None if min_met == "all" else min_met}


def _load_criterion(criteria_set, spec, order, group, stand_in: dict[str, str]) -> None:
    is_detailed = spec.get("is_detailed", True)
    existing = Criterion.objects.filter(criteria_set=criteria_set, code=str(spec["code"])).first()
    if existing is not None and existing.is_detailed and not is_detailed:
        # The file does not detail it, but the province office has (in the admin): keep theirs.
        is_detailed = True
    criterion, _ = Criterion.objects.update_or_create(
        criteria_set=criteria_set,
        code=str(spec["code"]),
        defaults={
            "name_vi": spec["name_vi"],
            "name_en": spec.get("name_en", ""),
            "order": order,
            "group": group,
            "is_detailed": is_detailed,
            "province_defined": bool(spec.get("province_defined", False)),
            "note": spec.get("note", "") or "",
        },
    )
    indicators = spec.get("indicators") or []
    if not indicators and is_detailed:
        indicators = [_placeholder(spec, spec.get("stand_in") or stand_in)]
    for order_in, indicator_spec in enumerate(indicators, start=1):
        _load_indicator(criterion, indicator_spec, order_in)


def _placeholder(criterion_spec, stand_in: dict[str, str]) -> dict[str, Any]:
    """The yes/no stand-in of a criterion listing no indicators: "Đạt" is what a yes/no
    indicator requires by its nature. A set may word it (`stand_in`: name_vi, name_en, note)."""
    # A criterion whose content each province sets (`province_defined`) has no content until
    # the province enters it: its stand-in only says so and has no threshold.
    thresholds = {} if criterion_spec.get("province_defined") else {ANY: True}
    return {
        "code": str(criterion_spec["code"]),
        "name_vi": stand_in.get("name_vi") or PLACEHOLDER_NAME_VI,
        "name_en": stand_in.get("name_en") or PLACEHOLDER_NAME_EN,
        "kind": "bool",
        "thresholds": thresholds,
        "is_placeholder": True,
        "note": stand_in.get("note") or "Chỉ tiêu tạm: nguồn chưa nêu các chỉ tiêu của tiêu chí này.",
    }


def _load_indicator(criterion, spec, order) -> None:
    code = str(spec["code"])
    try:
        kind = Kind(spec["kind"])
    except ValueError as error:
        raise CatalogueError(f"chỉ tiêu {code}: loại giá trị không hợp lệ {spec['kind']!r}") from error
    confidence = spec.get("confidence") or {}
    indicator = _save_national_indicator(
        criterion,
        code,
        {
            "name_vi": spec["name_vi"],
            "name_en": spec.get("name_en", "") or "",
            "kind": kind.value,
            "unit": spec.get("unit") or "",
            "levels": spec.get("levels") or [],
            "order": order,
            "is_placeholder": spec.get("is_placeholder", False),
            "confidence": "; ".join(f"{k}: {v}" for k, v in confidence.items()),
            "provisional": _provisional(spec),
            "note": _note(spec),
        },
    )
    if kind is Kind.LEVEL and not indicator.levels:
        raise CatalogueError(f"chỉ tiêu {code}: loại 'level' cần danh sách 'levels'")
    _replace_national_thresholds(indicator, kind, _threshold_specs(spec))


def _save_national_indicator(criterion: Criterion, code: str, values: dict[str, Any]) -> Indicator:
    """The national indicator `code` of the criterion as the file says. Only national rows are
    looked up: a province's own indicator of the same code is never read or written. A row
    already as the file says is not written again (no history row)."""
    indicator = Indicator.objects.national().filter(criterion=criterion, code=code).first()
    if indicator is None:
        indicator = Indicator(criterion=criterion, code=code, province=None)
    elif all(getattr(indicator, name) == value for name, value in values.items()):
        return indicator
    for name, value in values.items():
        setattr(indicator, name, value)
    indicator._change_reason = "load_catalogue"
    indicator.save()
    return indicator


def looser_province_thresholds(criteria_set: CriteriaSet) -> list[str]:
    """What a province entered that a national threshold is now stricter than (the file changed):
    the loader keeps the province's row and says so, for the province office to raise it."""
    national: dict[int, list] = {}
    rows = Threshold.objects.filter(indicator__criterion__criteria_set=criteria_set).select_related(
        "indicator", "province"
    )
    rows = list(rows.order_by("indicator__criterion__order", "indicator__order", "pk"))
    for row in rows:
        if row.province_id is None:
            national.setdefault(row.indicator_id, []).append(row.as_row())
    found = []
    for row in rows:
        if row.province_id is None or row.indicator_id not in national:
            continue
        indicator = row.indicator
        kind = Kind(indicator.kind)
        if kind is Kind.LEVEL and row.level not in indicator.levels:
            continue
        stricter = looser_than_national(kind, row.as_row(), national[indicator.pk], indicator.levels)
        if stricter is not None:
            message = looser_message(indicator, criteria_set, row.as_row(), stricter)
            found.append(f"{row.province.name}: {message}")
    return found


def _threshold_specs(spec) -> list[tuple[int | None, str, Any]]:
    rows = [(None, key, value) for key, value in (spec.get("thresholds") or {}).items()]
    for year, by_value in (spec.get("thresholds_by_year") or {}).items():
        rows += [(int(year), key, value) for key, value in (by_value or {}).items()]
    return [(year, "" if key == ANY else str(key), value) for year, key, value in rows if value is not None]


def _replace_national_thresholds(indicator, kind: Kind, specs) -> None:
    """Make the indicator's national thresholds those of the file; rows already as the file
    says are not written again (no history row, no re-evaluation for an unchanged catalogue)."""
    existing = {
        (row.classifier_value, row.year): row for row in indicator.thresholds.filter(province__isnull=True)
    }
    keep = []
    for year, classifier_value, raw in specs:
        values = _threshold_value(indicator.code, kind, raw)
        threshold = existing.get((classifier_value, year)) or Threshold(
            indicator=indicator, classifier_value=classifier_value, year=year, province=None
        )
        if threshold.pk is None or any(getattr(threshold, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(threshold, name, value)
            threshold._change_reason = "load_catalogue"
            threshold.save()
        keep.append(threshold.pk)
    indicator.thresholds.filter(province__isnull=True).exclude(pk__in=keep).delete()


def _threshold_value(code: str, kind: Kind, raw) -> dict[str, Any]:
    if kind is Kind.BOOL:
        if not isinstance(raw, bool):
            raise CatalogueError(f"chỉ tiêu {code}: ngưỡng có/không phải là true/false")
        return {"flag": raw, "value": None, "level": ""}
    if kind is Kind.LEVEL:
        return {"level": str(raw), "value": None, "flag": None}
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise CatalogueError(f"chỉ tiêu {code}: ngưỡng số không hợp lệ {raw!r}")
    return {"value": Decimal(str(raw)), "flag": None, "level": ""}


def _provisional(spec) -> dict[str, Any]:
    provisional = {}
    if spec.get("provisional"):
        provisional["all_years"] = spec["provisional"]
    if spec.get("provisional_by_year"):
        provisional["by_year"] = {str(k): v for k, v in spec["provisional_by_year"].items()}
    return provisional


def _note(spec) -> str:
    parts = [spec.get("note") or ""] + list(spec.get("evidence") or [])
    return "\n".join(str(part) for part in parts if part)


def _date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))
