"""Demo plans from the seed documents: Sơn Bằng's 2023 campaign (seed 004) with its work items,
village allocations and a few weeks of village reports, and Dương Đức's 2024 plan (seed 001);
and, on the new map, an illustrative plan of this year for each successor commune, with a
campaign wave around today and the recent weeks' village reports, so that this week's report
is open for the demo village heads on the day the demo is loaded.

Idempotent and non-destructive: a plan that already exists (perhaps edited in the running
demo) is left as it is.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from communes.models import Commune, Role
from criteria.models import CriteriaSet, Criterion

from . import deadlines
from .demo_funds import load_demo_funds
from .demo_programmes import load_demo_programmes
from .demo_targets import load_demo_targets
from .models import (
    CampaignWave,
    CriterionDeadline,
    DailyReport,
    Plan,
    PlanReporter,
    SocioTarget,
    VillageTarget,
    WeeklyReport,
    WorkItem,
)
from .photos import ProcessedPhoto, photo_process
from .services import allocation_save, daily_report_post, weekly_report_submit

# Unit keys (`Commune.key`): the seeds' communes are on the old map.
SON_BANG = "legacy-18190"
DUONG_DUC = "legacy-07408"
NTM_SET = "xa_ntm_2021_2025"
ADVANCED_SET = "xa_ntm_nang_cao_2021_2025"
NTM_2026_SET = "xa_ntm_2026_2030"

# Seed 004, section II.1: item, unit, total, criterion of the NTM set. The seed's per-village
# table ("bảng chỉ tiêu cụ thể giao cho từng thôn") is not attached, so the split across
# Thịnh Bằng, Thôn 2, Thôn 3, Thôn 4, Thôn 5 below is ILLUSTRATIVE: it only adds up to each
# total (road widening is one road per village, as the seed says).
SON_BANG_ITEMS: list[tuple[str, str, str, str | None, list[str]]] = [
    ("Trồng hàng rào xanh", "m", "3200", "17", ["800", "600", "600", "600", "600"]),
    ("Vận động thu gom, xử lý rác thải", "hộ", "883", "17", ["195", "172", "170", "176", "170"]),
    ("Hệ thống xử lý nước thải theo quy định", "hộ", "88", "17", ["20", "17", "17", "17", "17"]),
    ("Cứng hóa giao thông", "km", "0.38", "2", ["0.10", "0.07", "0.07", "0.07", "0.07"]),
    (
        "Giải tỏa, mở rộng nền đường (5 tuyến, mỗi thôn 1 tuyến)",
        "km",
        "0.7",
        "2",
        ["0.14", "0.14", "0.14", "0.14", "0.14"],
    ),
    ("Phá bỏ nhà vệ sinh 1, 2 ngăn, xây nhà vệ sinh tự hoại", "cái", "25", "17", ["5", "5", "5", "5", "5"]),
    ("Xây hố ủ phân công trình chăn nuôi", "công trình", "24", "17", ["6", "5", "5", "4", "4"]),
    ("Cải tạo vườn hộ", "vườn", "35", None, ["7", "7", "7", "7", "7"]),
    ("Chỉnh trang vườn hộ", "vườn", "121", None, ["25", "24", "24", "24", "24"]),
]
SON_BANG_VILLAGES = ["Thịnh Bằng", "Thôn 2", "Thôn 3", "Thôn 4", "Thôn 5"]

# Illustrative weekly reports in the first wave: per village, for ISO weeks 12-15 of 2023, the
# day offset from Monday and the local time of submission, or None for a missing report. The
# deadline is Thursday (offset 3) 14:30.
SON_BANG_REPORTS: dict[str, list[tuple[int, time] | None]] = {
    "Thịnh Bằng": [(2, time(16, 0)), (3, time(9, 15)), (2, time(17, 30)), (3, time(14, 29))],
    "Thôn 2": [(3, time(10, 0)), (3, time(17, 45)), (1, time(20, 0)), (3, time(11, 0))],
    "Thôn 3": [(2, time(8, 30)), None, (4, time(8, 10)), (3, time(13, 0))],
    "Thôn 4": [(3, time(15, 5)), (2, time(19, 0)), (3, time(8, 0)), None],
    "Thôn 5": [None, None, (3, time(14, 0)), (5, time(9, 40))],
}
REPORT_WEEKS = [12, 13, 14, 15]


@transaction.atomic
def load_demo_plans(communes: list[tuple[Commune, dict[str, Any]]], today: date | None = None) -> None:
    by_key = {commune.key: commune for commune, _spec in communes}
    if SON_BANG in by_key:
        _son_bang_2023(by_key[SON_BANG])
        _son_bang_daily(Plan.objects.get(commune=by_key[SON_BANG], year=2023))
    if DUONG_DUC in by_key:
        _duong_duc_2024(by_key[DUONG_DUC])
    today = today or timezone.localdate()
    for key, items in CURRENT_ITEMS.items():
        if key in by_key:
            _current_plan(by_key[key], items, today)
            plan = Plan.objects.filter(commune=by_key[key], year=today.isocalendar().year)
            for current in plan:
                _current_daily(current, today)
    current = [by_key[key] for key in CURRENT_ITEMS if key in by_key]
    year = (today - timedelta(days=today.weekday())).isocalendar().year
    plans = Plan.objects.filter(commune__in=current, year=year, note__startswith=ILLUSTRATIVE)
    son_bang = (
        Plan.objects.filter(commune=by_key[SON_BANG], year=2023).first() if SON_BANG in by_key else None
    )
    load_demo_funds(son_bang, list(plans), today)
    load_demo_targets(communes, today)
    load_demo_programmes(communes, today)


# --- This year's plans of the successor communes (ILLUSTRATIVE: no source gives them) ---------

ILLUSTRATIVE = "Kế hoạch minh họa của dữ liệu mẫu (không phải văn bản thật của xã)."
# Per new commune: (work item, unit, total, criterion of the 2026-2030 set or None). Hương Sơn
# carries on the kind of work of Sơn Bằng's 2023 campaign (seed 004).
CURRENT_ITEMS: dict[str, list[tuple[str, str, str, str | None]]] = {
    "18133": [
        ("Trồng hàng rào xanh", "m", "2400", "8"),
        ("Cứng hóa đường ngõ xóm", "km", "1.5", "2"),
        ("Xây hố ủ phân hữu cơ hộ gia đình", "cái", "60", "8"),
        ("Chỉnh trang vườn hộ", "vườn", "80", None),
    ],
    "18244": [
        ("Lắp đèn chiếu sáng đường thôn", "bóng", "120", "2"),
        ("Vận động phân loại rác tại nguồn", "hộ", "400", "8"),
        ("Hướng dẫn người dân dùng dịch vụ công trực tuyến", "người", "600", "7"),
    ],
    "07420": [
        ("Nạo vét kênh mương nội đồng", "km", "3", "2"),
        ("Trồng cây xanh đường làng", "cây", "540", "8"),
        ("Hướng dẫn người dân dùng dịch vụ công trực tuyến", "người", "900", "7"),
    ],
}
# The weeks before this one that have reports, and per village in order the (day offset from
# Monday, local time) of each report, or None for a missing one; the deadline is Thursday 14:30.
CURRENT_REPORTS: list[list[tuple[int, time] | None]] = [
    [(3, time(9, 0)), (2, time(16, 30)), (3, time(13, 45))],
    [(3, time(11, 20)), (3, time(15, 10)), (1, time(20, 5))],
    [(2, time(10, 0)), None, (3, time(14, 20))],
    [(4, time(8, 30)), (3, time(9, 40)), (3, time(14, 0))],
    [None, (2, time(17, 0)), (3, time(10, 15))],
    [(3, time(8, 15)), (3, time(12, 0)), None],
]


def _current_plan(commune: Commune, items: list[tuple[str, str, str, str | None]], today: date) -> None:
    criteria_set = CriteriaSet.objects.get(code=NTM_2026_SET)
    monday = today - timedelta(days=today.weekday())
    # Weekly reports belong to the ISO year of their week (the first days of January may
    # still be the last week of the year before).
    year = monday.isocalendar().year
    if not criteria_set.is_in_force(year):
        return
    plan, created = Plan.objects.get_or_create(
        commune=commune,
        year=year,
        defaults={
            "name": f"Kế hoạch xây dựng xã nông thôn mới năm {year}",
            "document_number": "…/KH-UBND",
            "document_date": min(date(year, 3, 2), monday),
            "target_title": Plan.Title.REACH_NTM,
            "target_set": criteria_set,
            "target_criteria_met": criteria_set.criteria.count(),
            "note": ILLUSTRATIVE
            + " Đợt cao điểm quanh ngày nạp dữ liệu; báo cáo tuần trước 14 giờ 30 thứ Năm.",
        },
    )
    if not created:
        return
    # The wave runs from three weeks before this one to four weeks after it, within the year.
    start = max(monday - timedelta(weeks=3), deadlines.iso_week_monday(year, 1))
    CampaignWave.objects.create(
        plan=plan, name="Đợt cao điểm (minh họa)", start=start, end=monday + timedelta(weeks=4, days=6)
    )
    villages = list(commune.villages.order_by("code"))
    cells = {}
    for order, (name, unit, quantity, criterion) in enumerate(items, start=1):
        item = WorkItem.objects.create(
            plan=plan,
            name=name,
            unit=unit,
            quantity=Decimal(quantity),
            criterion=_criterion(NTM_2026_SET, criterion) if criterion else None,
            order=order,
        )
        for village, part in zip(villages, _split(Decimal(quantity), len(villages)), strict=True):
            cells[(item.pk, village.pk)] = part
    allocation_save(plan=plan, cells=cells)
    _current_reports(plan, villages, start, monday)


def _split(total: Decimal, parts: int) -> list[Decimal]:
    """`total` in `parts` near-equal shares (two decimals below 10, whole numbers above), the
    rounding left on the first share."""
    places = Decimal("0.01") if total < 10 else Decimal(1)
    share = (total / parts).quantize(places)
    return [total - share * (parts - 1)] + [share] * (parts - 1)


def _current_reports(plan: Plan, villages: list, start: date, monday: date) -> None:
    items = list(plan.work_items.prefetch_related("allocations"))
    heads = {role.village_id: role.user for role in Role.objects.filter(village__in=villages)}
    officer = Role.objects.filter(commune=plan.commune).select_related("user").first()
    weeks = [monday - timedelta(weeks=n) for n in (3, 2, 1)]
    for index, village in enumerate(villages):
        moments = CURRENT_REPORTS[index % len(CURRENT_REPORTS)]
        for number, (week, moment) in enumerate(zip(weeks, moments, strict=True)):
            if moment is None or week < start:
                continue
            quantities = _week_quantities(items, village.pk, number + 1)
            weekly_report_submit(
                plan=plan,
                village=village,
                week=week,
                quantities=quantities,
                notes=f"{ILLUSTRATIVE} Tuần {deadlines.iso_label(week)}: thực hiện theo kế hoạch đợt cao điểm.",
                next_week_plan="Tiếp tục các hạng mục được giao.",
                user=heads.get(village.pk) or (officer.user if officer else None),
                now=datetime.combine(week + timedelta(days=moment[0]), moment[1], tzinfo=deadlines.VN_TZ),
            )


def _criterion(set_code: str, code: str) -> Criterion:
    return Criterion.objects.get(criteria_set__code=set_code, code=code)


def _son_bang_2023(commune: Commune) -> None:
    plan, created = Plan.objects.get_or_create(
        commune=commune,
        year=2023,
        defaults={
            "name": "Kế hoạch phát động phong trào xây dựng nông thôn mới năm 2023",
            "document_number": "01/KH-BCĐ",
            "document_date": date(2023, 3, 9),
            "target_title": Plan.Title.KEEP_NTM,
            "target_set": CriteriaSet.objects.get(code=NTM_SET),
            "target_criteria_met": 19,
            "note": "Cao điểm 90 ngày, 2 đợt; báo cáo tuần trước 14 giờ 30 thứ Năm.",
        },
    )
    if not created:
        return
    villages = {village.name: village for village in commune.villages.all()}
    CampaignWave.objects.bulk_create(
        [
            CampaignWave(plan=plan, name="Đợt 1", start=date(2023, 3, 15), end=date(2023, 5, 15)),
            CampaignWave(plan=plan, name="Đợt 2", start=date(2023, 7, 1), end=date(2023, 8, 1)),
        ]
    )
    VillageTarget.objects.bulk_create(
        [
            VillageTarget(
                plan=plan,
                village=villages[name],
                kind=VillageTarget.Kind.KEEP_MODEL,
                note="Giữ vững 10 tiêu chí (QĐ 33), đạt theo QĐ 39/2022/QĐ-UBND",
            )
            for name in SON_BANG_VILLAGES[1:]
        ]
        + [
            VillageTarget(
                plan=plan,
                village=villages["Thịnh Bằng"],
                kind=VillageTarget.Kind.REACH_MODEL,
                note="Khu dân cư NTM kiểu mẫu",
            )
        ]
    )
    cells = {}
    for order, (name, unit, quantity, criterion, split) in enumerate(SON_BANG_ITEMS, start=1):
        item = WorkItem.objects.create(
            plan=plan,
            name=name,
            unit=unit,
            quantity=Decimal(quantity),
            criterion=_criterion(NTM_SET, criterion) if criterion else None,
            order=order,
        )
        for village_name, part in zip(SON_BANG_VILLAGES, split, strict=True):
            cells[(item.pk, villages[village_name].pk)] = Decimal(part)
    allocation_save(plan=plan, cells=cells)
    _son_bang_reports(plan, villages)


def _son_bang_reports(plan: Plan, villages: dict) -> None:
    items = list(plan.work_items.prefetch_related("allocations"))
    heads = {role.village_id: role.user for role in Role.objects.filter(village__in=villages.values())}
    officer = Role.objects.filter(commune=plan.commune).select_related("user").first()
    for village_name, moments in SON_BANG_REPORTS.items():
        village = villages[village_name]
        for number, moment in zip(REPORT_WEEKS, moments, strict=True):
            if moment is None:
                continue
            monday = deadlines.iso_week_monday(2023, number)
            submitted = datetime.combine(
                monday + timedelta(days=moment[0]), moment[1], tzinfo=deadlines.VN_TZ
            )
            quantities = _week_quantities(items, village.pk, number)
            user = heads.get(village.pk) or (officer.user if officer else None)
            weekly_report_submit(
                plan=plan,
                village=village,
                week=monday,
                quantities=quantities,
                notes=f"Tuần {number}: ra quân theo kế hoạch đợt 1.",
                next_week_plan="Tiếp tục trồng hàng rào xanh, vận động thu gom rác thải.",
                user=user,
                now=submitted,
            )
    # One report corrected the day after its deadline, so the demo shows a late edit.
    correction = _week_quantities(items, villages["Thôn 2"].pk, 12)
    correction[items[0].pk] += 20
    weekly_report_submit(
        plan=plan,
        village=villages["Thôn 2"],
        week=deadlines.iso_week_monday(2023, 12),
        quantities=correction,
        notes="Tuần 12: ra quân theo kế hoạch đợt 1. Bổ sung 20 m hàng rào xanh.",
        next_week_plan="Tiếp tục trồng hàng rào xanh, vận động thu gom rác thải.",
        user=officer.user if officer else None,
        now=datetime(2023, 3, 24, 9, 0, tzinfo=deadlines.VN_TZ),
    )


def _week_quantities(items: list[WorkItem], village_id: int, week: int) -> dict[int, Decimal]:
    """About a tenth of each allocation a week, varying with the week (illustrative)."""
    share = Decimal(8 + week % 4 * 2) / 100
    quantities = {}
    for item in items:
        allocation = next((a for a in item.allocations.all() if a.village_id == village_id), None)
        if allocation and allocation.quantity:
            places = Decimal("0.01") if allocation.quantity < 1 else Decimal(1)
            quantities[item.pk] = (allocation.quantity * share).quantize(places)
    return quantities


DUONG_DUC_SOCIO = [
    ("Tỷ lệ hộ nghèo (chuẩn Nghị định 07/2021/NĐ-CP)", "2.21", "%"),
    ("Tỷ lệ lao động qua đào tạo", "76", "%"),
    ("Tỷ lệ dân số nông thôn sử dụng nước hợp vệ sinh", "100", "%"),
    ("Trường học đạt chuẩn quốc gia (duy trì)", "3", "trường"),
    ("Tỷ lệ gia đình đạt tiêu chuẩn gia đình văn hóa", "96", "%"),
    ("Tỷ lệ làng đạt danh hiệu làng văn hóa", "80", "%"),
    ("Tỷ lệ người dân có bảo hiểm y tế", "99.7", "%"),
    ("Sản phẩm OCOP 4 sao", "1", "sản phẩm"),
]


def _duong_duc_2024(commune: Commune) -> None:
    plan, created = Plan.objects.get_or_create(
        commune=commune,
        year=2024,
        defaults={
            "name": "Kế hoạch triển khai thực hiện Chương trình MTQG xây dựng nông thôn mới năm 2024",
            # The seed is the issued text with its number and day left blank ("Số: /KH-UBND",
            # "ngày tháng 3 năm 2024").
            "document_number": "…/KH-UBND",
            "document_date": None,
            "target_title": Plan.Title.KEEP_NTM,
            "target_set": CriteriaSet.objects.get(code=ADVANCED_SET),
            "target_criteria_met": 13,
            "note": "Ban hành tháng 3/2024; báo cáo hằng quý, 6 tháng.",
        },
    )
    if not created:
        return
    CriterionDeadline.objects.create(plan=plan, criterion=_criterion(ADVANCED_SET, "8"), quarter=4)
    villages = {village.name: village for village in commune.villages.all()}
    VillageTarget.objects.bulk_create(
        [
            VillageTarget(plan=plan, village=villages[name], kind=VillageTarget.Kind.KEEP_MODEL)
            for name in ("Thượng", "Cầu Đàm", "Cầu Ván", "Đồng Than")
        ]
        + [VillageTarget(plan=plan, village=villages["Cống Phên"], kind=VillageTarget.Kind.REACH_MODEL)]
    )
    SocioTarget.objects.bulk_create(
        [
            SocioTarget(plan=plan, name=name, value=Decimal(value), unit=unit, order=order)
            for order, (name, value, unit) in enumerate(DUONG_DUC_SOCIO, start=1)
        ]
    )


# --- Daily photo reports (seed 004: "báo cáo kết quả hằng ngày bằng hình ảnh") -------------------

# The reporters the seed names for Sơn Bằng besides the village development boards; the names
# of the committee members are not given, so they are generic role labels, illustrative.
SON_BANG_ORGANISATIONS: list[tuple[str, str, bool]] = [
    ("Ủy ban Mặt trận Tổ quốc xã", "Tuyên truyền, vận động hội viên, đoàn viên và nhân dân", False),
    ("Ban quản lý xây dựng nông thôn mới xã", "", False),
    ("Hội Phụ nữ xã", "", True),
    ("Đoàn Thanh niên xã", "", True),
    ("Hội Nông dân xã", "", True),
    ("Hội Cựu chiến binh xã", "", True),
]
DAILY_NOTE = "Ảnh minh họa của dữ liệu mẫu."


def demo_photo(label: str, shade: int) -> ProcessedPhoto:
    """A small generated JPEG standing for a photo (illustrative), through the same processing
    as an upload."""
    image = Image.new("RGB", (320, 240), (40 + shade * 37 % 120, 110 + shade * 13 % 80, 60))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 150, 300, 220), fill=(120, 90, 60))
    draw.text((24, 20), "Minh hoa / illustrative", fill="white")
    draw.text((24, 40), label.encode("ascii", "replace").decode(), fill="white")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return photo_process(buffer, label="Ảnh")


def _son_bang_daily(plan: Plan) -> None:
    """Reporters of seed 004, and daily reports of the first wave's weeks whose quantities add
    up to each village's weekly report lines (one post per line, on a day up to the report's)."""
    if plan.daily_reports.exists():
        return
    villages = {village.name: village for village in plan.commune.villages.all()}
    reporters = [
        PlanReporter.objects.get_or_create(
            plan=plan,
            kind=PlanReporter.Kind.ORGANISATION,
            name=name,
            defaults={"topic": topic, "is_illustrative": illustrative},
        )[0]
        for name, topic, illustrative in SON_BANG_ORGANISATIONS
    ]
    members = []
    for name in SON_BANG_VILLAGES:
        member, _created = PlanReporter.objects.get_or_create(
            plan=plan,
            kind=PlanReporter.Kind.COMMITTEE_MEMBER,
            name=f"Thành viên BCĐ phụ trách thôn {name} (minh họa)",
            defaults={"is_illustrative": True},
        )
        member.villages.set([villages[name]])
        members.append((member, villages[name]))
    heads = {role.village_id: role.user for role in Role.objects.filter(village__in=villages.values())}
    reports = (
        WeeklyReport.objects.filter(plan=plan).select_related("village").prefetch_related("lines__work_item")
    )
    for report in reports:
        last = deadlines.local_today(report.submitted_at)
        for index, line in enumerate(sorted(report.lines.all(), key=lambda line: line.work_item.order)):
            day = min(report.week + timedelta(days=index % 3), last)
            _demo_post(
                plan, report.village, None, day, line.work_item, line.quantity, heads.get(report.village_id)
            )
    for number in REPORT_WEEKS:
        monday = deadlines.iso_week_monday(2023, number)
        for member, village in members:
            _demo_post(
                plan,
                village,
                member,
                monday + timedelta(days=1),
                None,
                None,
                None,
                "Kiểm tra, đôn đốc thôn ra quân.",
            )
        _demo_post(
            plan,
            None,
            reporters[0],
            monday + timedelta(days=2),
            None,
            None,
            None,
            "Tuyên truyền, vận động hội viên.",
        )


def _demo_post(plan, village, reporter, day, item, quantity, user, note: str = "") -> DailyReport:
    label = f"{day:%d/%m/%Y} {getattr(village, 'code', '')} {getattr(item, 'pk', '')}"
    return daily_report_post(
        plan=plan,
        village=village,
        reporter=reporter,
        day=day,
        work_item=item,
        quantity=quantity,
        note=f"{note} {DAILY_NOTE}".strip(),
        photo=demo_photo(label, (village.pk if village else 0) + day.day),
        keep_location=False,
        user=user,
        now=min(datetime.combine(day, time(17, 0), tzinfo=deadlines.VN_TZ), timezone.now()),
        is_illustrative=True,
    )


def _current_daily(plan: Plan, today: date) -> None:
    """Yesterday's and today's posts of a current plan (illustrative), so the feed and "Hôm nay"
    show something on the day the demo is loaded: all villages but the last yesterday, the
    first half today. A day that already has posts is left as it is."""
    span = plan.reporting_span()
    villages = list(plan.commune.villages.order_by("code"))
    heads = {role.village_id: role.user for role in Role.objects.filter(village__in=villages)}
    member, _created = PlanReporter.objects.get_or_create(
        plan=plan,
        kind=PlanReporter.Kind.COMMITTEE_MEMBER,
        name="Thành viên Ban chỉ đạo xã (minh họa)",
        defaults={"is_illustrative": True},
    )
    items = list(plan.work_items.prefetch_related("allocations"))
    for day, count in ((today - timedelta(days=1), len(villages) - 1), (today, (len(villages) + 1) // 2)):
        if not span.covers_day(day) or plan.daily_reports.filter(day=day).exists():
            continue
        for index, village in enumerate(villages[:count]):
            item = items[index % len(items)]
            allocation = next((a for a in item.allocations.all() if a.village_id == village.pk), None)
            if allocation is None or not allocation.quantity:
                continue
            places = Decimal("0.01") if allocation.quantity < 10 else Decimal(1)
            quantity = max((allocation.quantity / 50).quantize(places), places)
            _demo_post(plan, village, None, day, item, quantity, heads.get(village.pk), "Ra quân trong ngày.")
        if day == today:
            _demo_post(plan, None, member, day, None, None, None, "Kiểm tra các thôn ra quân.")
