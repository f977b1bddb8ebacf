"""Demo thresholds and assessments. Idempotent and non-destructive: an assessment that already
exists (perhaps edited in the running demo) is left as it is."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from communes.models import Commune, Province

from . import evaluation
from .evaluation import Kind
from .models import Assessment, CriteriaSet, Indicator, IndicatorValue, Threshold
from .services import SetCatalogue, assessment_reevaluate, regions_by_code, set_catalogue, unit_context

ILLUSTRATIVE_FILE = Path(__file__).resolve().parent / "catalogue" / "demo" / "illustrative-thresholds.yaml"
NTM_SET = "xa_ntm_2021_2025"
ADVANCED_SET = "xa_ntm_nang_cao_2021_2025"


def load_illustrative_thresholds(
    path: Path = ILLUSTRATIVE_FILE, province_codes: list[str] | None = None
) -> None:
    """Store the illustrative thresholds for the demo provinces (or for `province_codes`)."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    indicators = {
        indicator.code: indicator
        for indicator in Indicator.objects.filter(criterion__criteria_set__code=spec["criteria_set"])
    }
    for province in Province.objects.filter(code__in=province_codes or spec["provinces"]):
        for code, value in spec["thresholds"].items():
            by_year = value if isinstance(value, dict) else {None: value}
            for year, number in by_year.items():
                Threshold.objects.update_or_create(
                    indicator=indicators[str(code)],
                    classifier_value="",
                    year=year,
                    province=province,
                    defaults={
                        "value": Decimal(str(number)),
                        "source": spec["source"],
                        "is_illustrative": True,
                    },
                )


@transaction.atomic
def load_demo_assessments(communes: list[tuple[Commune, dict[str, Any]]]) -> None:
    regions = regions_by_code()
    for set_code, key in ((NTM_SET, "ntm_unmet"), (ADVANCED_SET, "advanced_unmet")):
        criteria_set = CriteriaSet.objects.get(code=set_code)
        catalogue = set_catalogue(criteria_set)
        for commune, spec in communes:
            for year, unmet in (spec.get(key) or {}).items():
                _demo_assessment(catalogue, commune, int(year), {str(code) for code in unmet}, regions)


def _demo_assessment(catalogue: SetCatalogue, commune: Commune, year: int, unmet: set[str], regions) -> None:
    assessment, created = Assessment.objects.get_or_create(
        commune=commune, criteria_set=catalogue.criteria_set, year=year
    )
    if not created:
        return
    context = unit_context(catalogue.criteria_set, commune, regions)
    rows = []
    for criterion in catalogue.criteria:
        for position, indicator in enumerate(criterion.indicator_list):
            threshold = evaluation.pick_threshold(
                catalogue.thresholds.get(indicator.pk, ()),
                context.classifier_value,
                year,
                context.province_id,
            )
            fail = criterion.code in unmet and position == 0
            rows.append(
                _demo_value(assessment, indicator, threshold, fail, f"{commune.code}:{indicator.code}")
            )
    IndicatorValue.objects.bulk_create(rows)
    assessment_reevaluate(assessment=assessment)


def _demo_value(assessment, indicator: Indicator, threshold, fail: bool, seed: str) -> IndicatorValue:
    """A value that meets (or, with `fail`, misses) the threshold, varied per commune."""
    kind = Kind(indicator.kind)
    row = IndicatorValue(assessment=assessment, indicator=indicator)
    if kind is Kind.BOOL:
        row.flag = not fail
        return row
    if kind is Kind.LEVEL:
        levels = indicator.levels
        row.level = levels[0] if fail else levels[-1]
        return row
    spread = Decimal(int(hashlib.sha256(seed.encode()).hexdigest()[:4], 16) % 70 + 20) / 100
    target = threshold.value if threshold and threshold.value is not None else Decimal(50)
    row.number = _numeric(kind, target, spread, fail).quantize(Decimal("0.1"))
    return row


def _numeric(kind: Kind, target: Decimal, spread: Decimal, fail: bool) -> Decimal:
    if kind.is_ceiling:
        return target + 3 if fail else target * (1 - spread / 2)
    if fail:
        return max(Decimal(0), target - 7 if kind.is_percent else target * Decimal("0.85"))
    if kind.is_percent:
        return target + (100 - target) * spread
    return target * (1 + spread / 2)
