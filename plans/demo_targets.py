"""Demo numeric targets from the seed documents, with their directions.

- Seed 002 (a 2021 plan "xây dựng nông thôn mới nâng cao gắn với giảm nghèo bền vững"): the seed
  does not name its commune, so its plan is placed on Dương Đức (old map; it has no 2021 plan)
  and labelled illustrative, saying so in its note. Its targets are the seed's: 1 model village
  and 5 model gardens (counted targets), poverty down by at least 1 (percentage point) in 2021,
  trained labour, health insurance, voluntary social insurance and cultural villages above a
  share ("trên x %" is read as at least x %). The 2020 poverty baseline, the actual values and
  the counted objects are not in the seed: ILLUSTRATIVE, labelled so.
- Seed 001 (Dương Đức 2024): the poverty rate 2,21 % is a ceiling (at most); the other targets
  are floors; health insurance reads its actual from the commune's assessment (indicator 15.1
  of the 2021-2025 set).
- Seed 000 (Liên Minh's 2021-2025 programme): its numeric targets for 2025, owned by the
  programme. Multidimensional poverty falls 1-1,5 % a year: the floor, 1 point a year, from an
  ILLUSTRATIVE 2020 baseline (the seed gives none); "1-3 OCOP products of 3 stars or more" is a
  counted target of at least 1, with no product listed (the seed names none).

Idempotent: a plan or programme that exists is reused, a target that exists (by owner and
name) is left as it is, except Dương Đức 2024's directions, which are set each time.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from communes.models import Commune
from criteria.models import CriteriaSet, Indicator

from .models import CountedObject, Plan, Programme, SocioTarget, TargetActual

DUONG_DUC = "legacy-07408"
LIEN_MINH = "legacy-18247"
NTM_SET = "xa_ntm_2021_2025"
ADVANCED_SET = "xa_ntm_nang_cao_2021_2025"
HEALTH_INSURANCE = "15.1"

SEED_002 = "Tài liệu nguồn 002: Kế hoạch số 17/KH-UBND ngày 12/01/2021"
SEED_002_NOTE = (
    "Minh họa: tài liệu nguồn 002 không nêu tên xã; dữ liệu mẫu đặt kế hoạch này cho xã Dương Đức. "
    "Mốc năm 2020, số liệu thực hiện và danh sách vườn mẫu là số minh họa. "
    "Giám sát, đánh giá hằng quý, 6 tháng, năm."
)
ILLUSTRATIVE_BASELINE = "mốc năm 2020 là số minh họa (tài liệu không nêu)"

Counted = tuple[str, bool, date | None]
# (name, kind, direction, value, change, unit, baseline (value, year) or None, source, linked
# to the health insurance indicator, illustrative, illustrative actuals (as of, value, label),
# illustrative counted objects (name, meets, recognised on))
SEED_002_TARGETS: list[tuple[Any, ...]] = [
    (
        "Thôn đạt chuẩn nông thôn mới kiểu mẫu",
        SocioTarget.Kind.COUNTED,
        SocioTarget.Direction.AT_LEAST,
        "1",
        "",
        "thôn",
        None,
        f"{SEED_002}: “Xây dựng từ 01 thôn đạt Nông thôn mới kiểu mẫu”",
        False,
        True,
        [],
        [("Thôn 1 (minh họa)", True, date(2021, 11, 20))],
    ),
    (
        "Vườn mẫu",
        SocioTarget.Kind.COUNTED,
        SocioTarget.Direction.AT_LEAST,
        "5",
        "",
        "vườn",
        None,
        f"{SEED_002}: “05 vườn mẫu”",
        False,
        True,
        [],
        [
            ("Vườn hộ ông A (minh họa)", True, date(2021, 8, 15)),
            ("Vườn hộ bà B (minh họa)", True, date(2021, 9, 30)),
            ("Vườn hộ ông C (minh họa)", True, date(2021, 12, 10)),
            ("Vườn hộ bà D (minh họa)", False, None),
        ],
    ),
    (
        "Tỷ lệ hộ nghèo",
        SocioTarget.Kind.NUMERIC,
        SocioTarget.Direction.REDUCE_BY,
        "1",
        SocioTarget.Change.POINTS,
        "%",
        ("5.2", 2020),
        f"{SEED_002}: “giảm tỷ lệ hộ nghèo năm 2021 từ 1% trở lên”; {ILLUSTRATIVE_BASELINE}",
        False,
        True,
        [(date(2021, 6, 30), "4.9", "6 tháng đầu năm 2021"), (date(2021, 12, 31), "4.1", "Năm 2021")],
        [],
    ),
    (
        "Tỷ lệ lao động qua đào tạo",
        SocioTarget.Kind.NUMERIC,
        SocioTarget.Direction.AT_LEAST,
        "90",
        "",
        "%",
        None,
        f"{SEED_002}: “trên 90% lao động trong độ tuổi có việc làm”",
        False,
        False,
        [(date(2021, 12, 31), "91.5", "Năm 2021")],
        [],
    ),
    (
        "Tỷ lệ người dân tham gia bảo hiểm y tế",
        SocioTarget.Kind.NUMERIC,
        SocioTarget.Direction.AT_LEAST,
        "98",
        "",
        "%",
        None,
        f"{SEED_002}: “bảo hiểm y tế đạt trên 98%”",
        False,
        False,
        [],
        [],
    ),
    (
        "Tỷ lệ người dân tham gia bảo hiểm xã hội tự nguyện",
        SocioTarget.Kind.NUMERIC,
        SocioTarget.Direction.AT_LEAST,
        "5",
        "",
        "%",
        None,
        f"{SEED_002}: “BHXH tự nguyện trên 5%”",
        False,
        False,
        [(date(2021, 12, 31), "4.2", "Năm 2021")],
        [],
    ),
    (
        "Tỷ lệ thôn, cơ quan đạt chuẩn văn hóa",
        SocioTarget.Kind.NUMERIC,
        SocioTarget.Direction.AT_LEAST,
        "80",
        "",
        "%",
        None,
        f"{SEED_002}: “trên 80% thôn, cơ quan đạt chuẩn văn hóa”",
        False,
        False,
        [],
        [],
    ),
]

SEED_000 = "Tài liệu nguồn 000: Chương trình hành động 2021-2025 của xã Liên Minh"
LIEN_MINH_TARGETS: list[tuple[Any, ...]] = [
    ("Thu nhập bình quân đầu người", SocioTarget.Kind.NUMERIC, SocioTarget.Direction.AT_LEAST, "60", "",
     "triệu đồng/người/năm", None, f"{SEED_000}: “trên 60 triệu đồng/người” năm 2025", False, False),
    ("Tỷ lệ hộ nghèo đa chiều", SocioTarget.Kind.NUMERIC, SocioTarget.Direction.REDUCE_BY, "1",
     SocioTarget.Change.POINTS, "%", ("4.5", 2020),
     f"{SEED_000}: “giảm 1-1,5%/năm” (tính mức thấp nhất, 1 điểm %); {ILLUSTRATIVE_BASELINE}", False, True),
    ("Tỷ lệ người dân tham gia bảo hiểm y tế", SocioTarget.Kind.NUMERIC, SocioTarget.Direction.AT_LEAST,
     "95", "", "%", None, f"{SEED_000}: “trên 95%”", True, False),
    ("Sản phẩm OCOP đạt 3 sao trở lên", SocioTarget.Kind.COUNTED, SocioTarget.Direction.AT_LEAST, "1", "",
     "sản phẩm", None, f"{SEED_000}: “1-3 sản phẩm OCOP 3 sao trở lên” (tính mức thấp nhất)", False, False),
    ("Tỷ lệ hộ gia đình xử lý nước thải sinh hoạt", SocioTarget.Kind.NUMERIC,
     SocioTarget.Direction.AT_LEAST, "50", "", "%", None, f"{SEED_000}: “≥ 50%”", False, False),
    ("Tỷ lệ hộ phân loại rác thải tại nguồn", SocioTarget.Kind.NUMERIC, SocioTarget.Direction.AT_LEAST,
     "95", "", "%", None, f"{SEED_000}: “trên 95%”", False, False),
]  # fmt: skip

LIEN_MINH_PROGRAMME = (
    "Chương trình hành động xây dựng xã nông thôn mới nâng cao, kiểu mẫu giai đoạn 2021-2025"
)


def _health_insurance() -> Indicator | None:
    return Indicator.objects.filter(
        criterion__criteria_set__code=NTM_SET, code=HEALTH_INSURANCE, province__isnull=True
    ).first()


def _target(owner: dict, order: int, row: tuple, indicator: Indicator | None) -> tuple[SocioTarget, bool]:
    name, kind, direction, value, change, unit, baseline, source, linked, illustrative = row[:10]
    return SocioTarget.objects.get_or_create(
        **owner,
        name=name,
        defaults={
            "kind": kind,
            "direction": direction,
            "value": Decimal(value),
            "change": change,
            "unit": unit,
            "baseline_value": Decimal(baseline[0]) if baseline else None,
            "baseline_year": baseline[1] if baseline else None,
            "source": source,
            "indicator": indicator if linked else None,
            "is_illustrative": illustrative,
            "order": order,
        },
    )


@transaction.atomic
def load_demo_targets(communes: list[tuple[Commune, dict[str, Any]]], today: date | None = None) -> None:
    by_key = {commune.key: commune for commune, _spec in communes}
    indicator = _health_insurance()
    if DUONG_DUC in by_key:
        _seed_002(by_key[DUONG_DUC])
        _duong_duc_directions(by_key[DUONG_DUC], indicator)
    if LIEN_MINH in by_key:
        _lien_minh(by_key[LIEN_MINH], indicator)


def _seed_002(commune: Commune) -> None:
    plan, _created = Plan.objects.get_or_create(
        commune=commune,
        year=2021,
        defaults={
            "name": "Kế hoạch triển khai thực hiện chương trình trọng điểm xây dựng nông thôn mới nâng cao "
            "gắn với giảm nghèo bền vững năm 2021",
            "document_number": "17/KH-UBND",
            "document_date": date(2021, 1, 12),
            "target_title": Plan.Title.ADVANCED,
            "target_set": CriteriaSet.objects.filter(code=ADVANCED_SET).first(),
            "note": SEED_002_NOTE,
        },
    )
    for order, row in enumerate(SEED_002_TARGETS, start=1):
        target, created = _target({"plan": plan}, order, row, None)
        if not created:
            continue
        actuals, objects = row[10], row[11]
        TargetActual.objects.bulk_create(
            TargetActual(
                target=target,
                as_of=as_of,
                value=Decimal(value),
                period_label=label,
                note="Số liệu minh họa",
                is_illustrative=True,
            )
            for as_of, value, label in actuals
        )
        CountedObject.objects.bulk_create(
            CountedObject(target=target, name=name, meets=meets, recognised_on=day, is_illustrative=True)
            for name, meets, day in objects
        )


def _duong_duc_directions(commune: Commune, indicator: Indicator | None) -> None:
    """Seed 001's poverty rate 2,21 % is a ceiling; health insurance is read from the assessment."""
    targets = SocioTarget.objects.filter(plan__commune=commune, plan__year=2024)
    targets.filter(name__startswith="Tỷ lệ hộ nghèo").update(direction=SocioTarget.Direction.AT_MOST)
    if indicator is not None:
        targets.filter(name="Tỷ lệ người dân có bảo hiểm y tế").update(indicator=indicator)


def _lien_minh(commune: Commune, indicator: Indicator | None) -> None:
    programme, _created = Programme.objects.get_or_create(
        commune=commune,
        start_year=2021,
        end_year=2025,
        defaults={
            "name": LIEN_MINH_PROGRAMME,
            "note": "Tài liệu nguồn 000: mục tiêu đạt chuẩn NTM nâng cao năm 2022, NTM kiểu mẫu năm 2024.",
        },
    )
    for order, row in enumerate(LIEN_MINH_TARGETS, start=1):
        _target({"programme": programme}, order, row, indicator)
