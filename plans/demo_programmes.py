"""Demo programmes from the seeds: Liên Minh's 2021-2025 action programme (seed 000) with its
2022 and 2024 title targets and its 4/4 model residential areas; an illustrative 2021-2025
frame around Dương Đức's 2024 plan (seed 001 is a yearly plan); and seed 003's province
programme to 2025 with its 2030 horizon, placed on old Hà Tĩnh, which carries the seed's
targets as illustrative (the seed does not name its province; reports.demo attaches them).

Idempotent and non-destructive: a programme, target or plan link already there is kept.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from communes.models import AdminMap, Commune, Province
from criteria.models import CriteriaSet

from .demo_funds import load_demo_programme_funds
from .models import Plan, Programme, ProgrammeTitleTarget, ProgrammeUnitTarget

LIEN_MINH = "legacy-18247"
DUONG_DUC = "legacy-07408"
ADVANCED_SET = "xa_ntm_nang_cao_2021_2025"
MODEL_SET = "xa_ntm_kieu_mau_2021_2025"
VILLAGE_SET = "ha_tinh_kdc_kieu_mau_2022"
SEED_003_PROVINCE = "42"  # old Hà Tĩnh: the demo province carrying seed 003's targets

LIEN_MINH_NAME = "Chương trình hành động xây dựng xã nông thôn mới nâng cao, kiểu mẫu giai đoạn 2021-2025"
LIEN_MINH_NOTE = (
    "Thực hiện Nghị quyết 03-NQ/HU ngày 28/9/2021 của Ban Chấp hành Đảng bộ huyện Đức Thọ "
    "(tài liệu nguồn 000). Văn bản không ghi số và ngày ban hành."
)
SEED_003_NAME = (
    "Chương trình hành động thực hiện Nghị quyết số 16-NQ/TU ngày 13/01/2022 về xây dựng nông "
    "thôn mới đến năm 2025, định hướng đến năm 2030"
)
SEED_003_NOTE = (
    "Minh họa: tài liệu nguồn 003 không nêu tên tỉnh; chương trình và các chỉ tiêu được đặt trên "
    "tỉnh Hà Tĩnh (trước sắp xếp) của dữ liệu mẫu, không phải chỉ tiêu thật của Hà Tĩnh. Chỉ "
    "tiêu đến năm 2030 là định hướng của chương trình."
)
DUONG_DUC_NAME = "Chương trình xây dựng nông thôn mới giai đoạn 2021-2025 (khung minh họa)"
DUONG_DUC_NOTE = (
    "Minh họa: tài liệu nguồn 001 là kế hoạch năm 2024 của xã; chương trình giai đoạn của xã không "
    "có trong tài liệu, khung này chỉ để gắn kế hoạch năm 2024 và không có mục tiêu riêng."
)


def load_demo_programmes(communes: list[tuple[Commune, dict[str, Any]]], today: date) -> None:
    by_key = {commune.key: commune for commune, _spec in communes}
    if LIEN_MINH in by_key:
        _lien_minh(by_key[LIEN_MINH])
    if DUONG_DUC in by_key:
        _duong_duc(by_key[DUONG_DUC])
    _seed_003_province()


def _lien_minh(commune: Commune) -> None:
    programme, _created = Programme.objects.get_or_create(
        commune=commune,
        start_year=2021,
        end_year=2025,
        defaults={"name": LIEN_MINH_NAME, "note": LIEN_MINH_NOTE},
    )
    advanced = CriteriaSet.objects.filter(code=ADVANCED_SET).first()
    villages = CriteriaSet.objects.filter(code=VILLAGE_SET).first()
    # Seed 000, II.2: "Phấn đấu năm 2022 xã đạt chuẩn xã nông thôn mới nâng cao, năm 2024, xã đạt
    # chuẩn nông thôn mới kiểu mẫu", checked against the model-commune set (QĐ 319/QĐ-TTg).
    model = CriteriaSet.objects.filter(code=MODEL_SET).first()
    ProgrammeTitleTarget.objects.get_or_create(
        programme=programme, year=2022, criteria_set=advanced, defaults={"title": Plan.Title.ADVANCED}
    )
    if not programme.title_targets.filter(year=2024, title=Plan.Title.MODEL).exists():
        ProgrammeTitleTarget.objects.create(
            programme=programme, year=2024, criteria_set=model, title=Plan.Title.MODEL
        )
    # "4/4 Khu dân cư giữ vững đạt chuẩn Khu dân cư nông thôn mới kiểu mẫu": the seed gives no
    # year, so it is held for the programme's last year.
    if not programme.unit_targets.filter(kind=ProgrammeUnitTarget.COUNT).exists():
        ProgrammeUnitTarget.objects.create(
            programme=programme,
            year=programme.end_year,
            kind=ProgrammeUnitTarget.COUNT,
            value=4,
            criteria_set=villages,
            note="4/4 khu dân cư giữ vững đạt chuẩn khu dân cư NTM kiểu mẫu (văn bản không nêu năm).",
        )
    load_demo_programme_funds(programme)


def _duong_duc(commune: Commune) -> None:
    programme, _created = Programme.objects.get_or_create(
        commune=commune,
        start_year=2021,
        end_year=2025,
        defaults={"name": DUONG_DUC_NAME, "note": DUONG_DUC_NOTE, "is_illustrative": True},
    )
    Plan.objects.filter(commune=commune, year=2024, programme__isnull=True).update(programme=programme)


def _seed_003_province() -> None:
    province = Province.objects.filter(map=AdminMap.LEGACY, code=SEED_003_PROVINCE).first()
    if province is None:
        return
    Programme.objects.get_or_create(
        province=province,
        start_year=2021,
        end_year=2025,
        defaults={
            "name": SEED_003_NAME,
            "document_date": date(2022, 1, 13),
            "note": SEED_003_NOTE,
            "is_illustrative": True,
        },
    )
