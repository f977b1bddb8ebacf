"""Demo thresholds and assessments. Idempotent and non-destructive: an assessment that already
exists (perhaps edited in the running demo) is left as it is."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction

from communes.models import AdminMap, Commune, Province, Village

from . import evaluation
from .evaluation import Kind
from .models import Assessment, CriteriaSet, Criterion, Indicator, IndicatorValue, Recognition, Threshold
from .services import SetCatalogue, assessment_reevaluate, regions_by_code, set_catalogue, unit_context

ILLUSTRATIVE_FILE = Path(__file__).resolve().parent / "catalogue" / "demo" / "illustrative-thresholds.yaml"
NTM_SET = "xa_ntm_2021_2025"
ADVANCED_SET = "xa_ntm_nang_cao_2021_2025"
NTM_2026_SET = "xa_ntm_2026_2030"
LEGACY = AdminMap.LEGACY


def load_illustrative_thresholds(
    path: Path = ILLUSTRATIVE_FILE, province_codes: list[str] | None = None
) -> None:
    """Store the illustrative thresholds for the demo provinces (or for `province_codes`),
    each checked as the province office's own entries are (never looser than a national
    value); illustrative rows of the same source that the file no longer holds are removed."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    indicators = {
        indicator.code: indicator
        for indicator in Indicator.objects.filter(criterion__criteria_set__code=spec["criteria_set"])
    }
    for province in Province.objects.filter(code__in=province_codes or spec["provinces"]):
        keep = []
        for code, value in spec["thresholds"].items():
            for classifier_value, year, number in _illustrative_rows(value):
                threshold = Threshold.objects.filter(
                    indicator=indicators[str(code)],
                    classifier_value=classifier_value,
                    year=year,
                    province=province,
                ).first() or Threshold(
                    indicator=indicators[str(code)],
                    classifier_value=classifier_value,
                    year=year,
                    province=province,
                )
                wanted = (Decimal(str(number)), spec["source"], True)
                if (
                    threshold.pk is None
                    or (threshold.value, threshold.source, threshold.is_illustrative) != wanted
                ):
                    threshold.value, threshold.source, threshold.is_illustrative = wanted
                    threshold.clean()
                    threshold._change_reason = "illustrative demo value"
                    threshold.save()
                keep.append(threshold.pk)
        Threshold.objects.filter(
            indicator__in=indicators.values(), province=province, is_illustrative=True, source=spec["source"]
        ).exclude(pk__in=keep).delete()


def _illustrative_rows(value) -> list[tuple[str, int | None, Any]]:
    """(classifier value, year, number) rows of one entry: a number for every year and
    classifier value, {year: number}, or {"by_classifier": {value: number}}."""
    if isinstance(value, dict) and "by_classifier" in value:
        return [(str(key), None, number) for key, number in value["by_classifier"].items()]
    if isinstance(value, dict):
        return [("", int(year), number) for year, number in value.items()]
    return [("", None, value)]


@transaction.atomic
def load_demo_assessments(communes: list[tuple[Commune, dict[str, Any]]]) -> None:
    regions = regions_by_code()
    for set_code, key in (
        (NTM_SET, "ntm_unmet"),
        (ADVANCED_SET, "advanced_unmet"),
        (NTM_2026_SET, "ntm_2026_unmet"),
    ):
        criteria_set = CriteriaSet.objects.get(code=set_code)
        catalogue = set_catalogue(criteria_set)
        for commune, spec in communes:
            for year, unmet in (spec.get(key) or {}).items():
                _demo_assessment(catalogue, commune, int(year), {str(code) for code in unmet}, regions)
    load_demo_workflow(communes)
    load_demo_recognitions()


def _demo_assessment(catalogue: SetCatalogue, commune: Commune, year: int, unmet: set[str], regions) -> None:
    assessment, created = Assessment.objects.get_or_create(
        commune=commune, criteria_set=catalogue.criteria_set, year=year, defaults={"illustrative": True}
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


# --- Workflow demo: dossier checklists, village assessments, approved and submitted states ---

VILLAGE_SET = "ha_tinh_kdc_kieu_mau_2022"
VILLAGE_COMMUNE = "18190"  # Sơn Bằng (old map); Thịnh Bằng is its model village in seed 004
# Criteria of the village set the demo values fail, per village name (others meet all).
VILLAGE_UNMET = {"Thịnh Bằng": set(), "Thôn 2": {"2", "3"}, "Thôn 3": {"2"}, "Thôn 4": {"1", "3", "5"}}
# The sources give no official evidence checklist: these items only illustrate the feature.
ILLUSTRATIVE_CHECKLISTS = {
    NTM_SET: {
        "2": ["Biên bản nghiệm thu công trình giao thông", "Bản đồ hiện trạng đường giao thông"],
        "17": ["Kết quả quan trắc nước sạch", "Biên bản kiểm tra vệ sinh môi trường", "Ảnh hiện trạng"],
        "19": ["Quyết định kiện toàn Ban chỉ huy quân sự xã"],
    },
    VILLAGE_SET: {"1": ["Sơ đồ quy hoạch thôn"], "2": ["Danh sách vườn hộ đạt chuẩn", "Ảnh vườn hộ"]},
}


@transaction.atomic
def load_demo_workflow(communes: list[tuple[Commune, dict[str, Any]]]) -> None:
    _load_checklists()
    _load_village_assessments()
    _load_cong_phen_assessment()
    User = get_user_model()
    users = {user.username: user for user in User.objects.filter(username__in=DEMO_FLOW_USERS)}
    for unit_filter, year, steps in DEMO_FLOWS:
        assessment = Assessment.objects.filter(year=year, **unit_filter).first()
        if (
            assessment is None
            or assessment.transitions.exists()
            or assessment.status != Assessment.State.DRAFT
        ):
            continue
        for action, username in steps:
            if username not in users:
                break
            action(assessment=assessment, user=users[username])


def _submit(*, assessment, user):
    from .services import assessment_submit

    assessment_submit(assessment=assessment, user=user)


def _approve(*, assessment, user):
    from .services import assessment_approve

    assessment_approve(assessment=assessment, user=user)


DEMO_FLOWS = [
    (
        {"commune__map": LEGACY, "commune__code": "18190", "criteria_set__code": NTM_SET},
        2023,
        [(_submit, "canbo.sonbang"), (_approve, "bcd.huongson")],
    ),
    (
        {"commune__map": LEGACY, "commune__code": "07408", "criteria_set__code": NTM_SET},
        2023,
        [(_submit, "canbo.duongduc"), (_approve, "bcd.langgiang")],
    ),
    # Today: Đức Minh has sent its 2026 assessment to the province office, which reviews it.
    (
        {"commune__map": AdminMap.CURRENT, "commune__code": "18244", "criteria_set__code": NTM_2026_SET},
        2026,
        [(_submit, "canbo.ducminh")],
    ),
    (
        {
            "village__commune__map": LEGACY,
            "village__commune__code": VILLAGE_COMMUNE,
            "village__name": "Thịnh Bằng",
            "criteria_set__code": VILLAGE_SET,
        },
        2024,
        [(_submit, "truongthon.thinhbang")],
    ),
]
DEMO_FLOW_USERS = [
    "canbo.sonbang",
    "bcd.huongson",
    "canbo.duongduc",
    "bcd.langgiang",
    "truongthon.thinhbang",
    "canbo.ducminh",
]


def _load_checklists() -> None:
    """Illustrative items, only where the province office has not entered a checklist."""
    for set_code, by_criterion in ILLUSTRATIVE_CHECKLISTS.items():
        for criterion in Criterion.objects.filter(criteria_set__code=set_code, code__in=by_criterion):
            if not criterion.evidence_checklist:
                criterion.evidence_checklist = [
                    {"name": name, "illustrative": True} for name in by_criterion[criterion.code]
                ]
                criterion.save(update_fields=["evidence_checklist"])


def _load_village_assessments() -> None:
    criteria_set = CriteriaSet.objects.filter(code=VILLAGE_SET).first()
    if criteria_set is None:
        return
    catalogue = set_catalogue(criteria_set)
    regions = regions_by_code()
    for village in Village.objects.filter(
        commune__map=LEGACY, commune__code=VILLAGE_COMMUNE, name__in=VILLAGE_UNMET
    ):
        assessment, created = Assessment.objects.get_or_create(
            village=village, criteria_set=criteria_set, year=2024, defaults={"illustrative": True}
        )
        if not created:
            continue
        context = unit_context(criteria_set, village.commune, regions)
        rows = []
        for criterion in catalogue.criteria:
            for position, indicator in enumerate(criterion.indicator_list):
                threshold = evaluation.pick_threshold(
                    catalogue.thresholds.get(indicator.pk, ()),
                    context.classifier_value,
                    2024,
                    context.province_id,
                )
                fail = criterion.code in VILLAGE_UNMET[village.name] and position == 0
                rows.append(
                    _demo_value(assessment, indicator, threshold, fail, f"{village.code}:{indicator.code}")
                )
        IndicatorValue.objects.bulk_create(rows)
        assessment_reevaluate(assessment=assessment)


# Cống Phên (Dương Đức, Bắc Giang) must reach the model-village title in 2024 (seed 001). Its
# assessment is started on Bắc Giang's stand-in set, with no values: the set has no content
# until the province office (vpdp.bacgiang) enters it. Illustrative: the seed gives no data.
CONG_PHEN = ("07408", "Cống Phên", "bac_giang_thon_kieu_mau", 2024)


def _load_cong_phen_assessment() -> None:
    commune_code, village_name, set_code, year = CONG_PHEN
    criteria_set = CriteriaSet.objects.filter(code=set_code).first()
    village = Village.objects.filter(
        commune__map=LEGACY, commune__code=commune_code, name=village_name
    ).first()
    if criteria_set is None or village is None:
        return
    assessment, created = Assessment.objects.get_or_create(
        village=village, criteria_set=criteria_set, year=year, defaults={"illustrative": True}
    )
    if created:
        assessment_reevaluate(assessment=assessment)


# --- Recognitions: the titles the seed documents say a unit already holds ---------------------

# The seeds say which titles are held but give no decision: every row is illustrative, with no
# decision number, the level usual for the title, and the date of the seed document (by which
# the title was held). Titles the seeds only set as targets (Liên Minh: advanced in 2022, model
# in 2024; Dương Đức: 13/19 advanced criteria; Thịnh Bằng and Cống Phên: model village) are not
# recorded. Dương Đức's four model villages are not either: Bắc Giang's village set is only a
# stand-in without content, and the seed names no decision.
SEED_000 = (
    "Minh họa. Chương trình hành động 2021 của xã Liên Minh (tài liệu nguồn 000), thực hiện Nghị "
    "quyết 03-NQ/HU ngày 28/9/2021, đặt mục tiêu đạt chuẩn NTM nâng cao năm 2022: xã đã đạt chuẩn NTM."
)
SEED_000_VILLAGES = (
    "Minh họa. Tài liệu nguồn 000 (2021): “4/4 khu dân cư giữ vững đạt chuẩn khu dân cư nông thôn mới "
    "kiểu mẫu”; danh hiệu được công nhận trước khi có QĐ 39/2022/QĐ-UBND."
)
SEED_004 = (
    "Minh họa. Kế hoạch 01/KH-BCĐ ngày 09/03/2023 của xã Sơn Bằng (tài liệu nguồn 004) củng cố các "
    "tiêu chí để giữ chuẩn xã nông thôn mới: xã đã đạt chuẩn NTM."
)
SEED_004_VILLAGES = (
    "Minh họa. Tài liệu nguồn 004: “4 thôn đã được công nhận đạt chuẩn” khu dân cư NTM kiểu mẫu theo "
    "QĐ 33 của UBND tỉnh, trước QĐ 39/2022/QĐ-UBND; tài liệu không nêu tên 4 thôn (dữ liệu mẫu: "
    "4 thôn ngoài Thịnh Bằng)."
)
SEED_001 = (
    "Minh họa. Kế hoạch NTM năm 2024 của xã Dương Đức (tài liệu nguồn 001, tháng 3/2024) nâng cao "
    "chất lượng các tiêu chí xã nông thôn mới và xây dựng xã NTM nâng cao: xã đã đạt chuẩn NTM."
)
UNKNOWN = " Tài liệu không nêu số, ngày và cấp của quyết định công nhận."
PROVINCE, DISTRICT = Recognition.Level.PROVINCE_CHAIR, Recognition.Level.DISTRICT_CHAIR
# (commune code, village name or None, set, level, date of the seed document, note)
DEMO_RECOGNITIONS = [
    ("18247", None, NTM_SET, PROVINCE, date(2021, 9, 28), SEED_000),
    *[
        ("18247", f"Thôn {n}", VILLAGE_SET, DISTRICT, date(2021, 9, 28), SEED_000_VILLAGES)
        for n in range(1, 5)
    ],
    ("18190", None, NTM_SET, PROVINCE, date(2023, 3, 9), SEED_004),
    *[
        ("18190", f"Thôn {n}", VILLAGE_SET, DISTRICT, date(2023, 3, 9), SEED_004_VILLAGES)
        for n in range(2, 6)
    ],
    ("07408", None, NTM_SET, PROVINCE, date(2024, 3, 1), SEED_001),
]


@transaction.atomic
def load_demo_recognitions() -> None:
    """Record the seeds' titles once; a unit that already has any recognition of the set (one
    the office recorded or revoked in the running demo) is left as it is."""
    sets = {item.code: item for item in CriteriaSet.objects.filter(code__in=[NTM_SET, VILLAGE_SET])}
    for commune_code, village_name, set_code, level, day, note in DEMO_RECOGNITIONS:
        unit = _demo_unit(commune_code, village_name)
        if unit is None or set_code not in sets:
            continue
        if Recognition.objects.filter(criteria_set=sets[set_code], **unit).exists():
            continue
        Recognition.objects.create(
            criteria_set=sets[set_code],
            level=level,
            decision_date=day,
            illustrative=True,
            note=note + UNKNOWN,
            **unit,
        )


def _demo_unit(commune_code: str, village_name: str | None) -> dict[str, Any] | None:
    if village_name is None:
        commune = Commune.objects.filter(map=LEGACY, code=commune_code).first()
        return {"commune": commune} if commune else None
    village = Village.objects.filter(
        commune__map=LEGACY, commune__code=commune_code, name=village_name
    ).first()
    return {"village": village} if village else None
