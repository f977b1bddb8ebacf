"""The demo plans come from seeds 004 (Sơn Bằng 2023) and 001 (Dương Đức 2024) and load twice
without change."""

from datetime import datetime
from decimal import Decimal

from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse

from plans import selectors
from plans.deadlines import VN_TZ, Timeliness, iso_week_monday
from plans.models import (
    Allocation,
    CountedObject,
    Plan,
    Programme,
    ReportEdit,
    SocioTarget,
    TargetActual,
    WeeklyReport,
)

SEED_004_ITEMS = {
    "Trồng hàng rào xanh": ("m", Decimal("3200")),
    "Vận động thu gom, xử lý rác thải": ("hộ", Decimal("883")),
    "Hệ thống xử lý nước thải theo quy định": ("hộ", Decimal("88")),
    "Cứng hóa giao thông": ("km", Decimal("0.38")),
    "Giải tỏa, mở rộng nền đường (5 tuyến, mỗi thôn 1 tuyến)": ("km", Decimal("0.7")),
    "Phá bỏ nhà vệ sinh 1, 2 ngăn, xây nhà vệ sinh tự hoại": ("cái", Decimal("25")),
    "Xây hố ủ phân công trình chăn nuôi": ("công trình", Decimal("24")),
    "Cải tạo vườn hộ": ("vườn", Decimal("35")),
    "Chỉnh trang vườn hộ": ("vườn", Decimal("121")),
}


def test_son_bang_2023_campaign_has_the_seed_items_split_over_its_five_villages(demo):
    plan = Plan.objects.get(commune__code="18190", year=2023)
    assert plan.document_number == "01/KH-BCĐ" and plan.document_date.isoformat() == "2023-03-09"
    assert {item.name: (item.unit, item.quantity) for item in plan.work_items.all()} == SEED_004_ITEMS
    for item in plan.work_items.all():
        allocated = Allocation.objects.filter(work_item=item).aggregate(total=Sum("quantity"))["total"]
        assert allocated == item.quantity and item.allocations.count() == 5
    assert [(w.start.isoformat(), w.end.isoformat()) for w in plan.waves.all()] == [
        ("2023-03-15", "2023-05-15"),
        ("2023-07-01", "2023-08-01"),
    ]
    assert sorted(plan.commune.villages.values_list("name", flat=True)) == [
        "Thôn 2",
        "Thôn 3",
        "Thôn 4",
        "Thôn 5",
        "Thịnh Bằng",
    ]
    targets = {t.village.name: t.kind for t in plan.village_targets.select_related("village")}
    assert targets["Thịnh Bằng"] == "reach_model" and list(targets.values()).count("keep_model") == 4


def test_the_demo_weeks_show_on_time_late_and_missing_reports(demo):
    plan = Plan.objects.get(commune__code="18190", year=2023)
    overview = selectors.weekly_overview(plan, iso_week_monday(2023, 15), datetime(2023, 6, 1, tzinfo=VN_TZ))
    states = {cell.state.timeliness for row in overview.rows for cell in row.cells}
    assert {Timeliness.ON_TIME, Timeliness.LATE, Timeliness.MISSING} <= states
    assert ReportEdit.objects.filter(report__plan=plan, after_deadline=True).count() == 1


def test_duong_duc_2024_plan_targets_13_of_19_advanced_criteria_and_criterion_8_by_q4(demo):
    plan = Plan.objects.get(commune__code="07408", year=2024)
    assert plan.target_set.code == "xa_ntm_nang_cao_2021_2025" and plan.target_criteria_met == 13
    deadline = plan.criterion_deadlines.select_related("criterion").get()
    assert (deadline.criterion.code, deadline.quarter) == ("8", 4)
    targets = {t.village.name: t.kind for t in plan.village_targets.select_related("village")}
    assert targets == {
        "Thượng": "keep_model",
        "Cầu Đàm": "keep_model",
        "Cầu Ván": "keep_model",
        "Đồng Than": "keep_model",
        "Cống Phên": "reach_model",
    }
    socio = {t.name: t.value for t in plan.socio_targets.all()}
    assert socio["Tỷ lệ hộ nghèo (chuẩn Nghị định 07/2021/NĐ-CP)"] == Decimal("2.21")
    assert socio["Tỷ lệ người dân có bảo hiểm y tế"] == Decimal("99.7")
    assert socio["Tỷ lệ lao động qua đào tạo"] == Decimal("76")


def test_the_demo_pages_show_the_seed_plans(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="canbo.duongduc"))
    plan = Plan.objects.get(commune__code="07408", year=2024)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "13/19" in page and "2,21 %" in page and "99,7 %" in page and "Cống Phên" in page
    client.force_login(get_user_model().objects.get(username="canbo.sonbang"))
    plan = Plan.objects.get(commune__code="18190")
    page = client.get(reverse("plans:allocations", args=[plan.pk])).content.decode()
    assert "3.200" in page and "0,38" in page and "Thịnh Bằng" in page


def test_loading_the_demo_twice_changes_nothing(demo):
    counts = (
        Plan.objects.count(),
        SocioTarget.objects.count(),
        TargetActual.objects.count(),
        CountedObject.objects.count(),
        WeeklyReport.objects.count(),
        Allocation.objects.count(),
        ReportEdit.objects.count(),
    )
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))
    assert (
        Plan.objects.count(),
        SocioTarget.objects.count(),
        TargetActual.objects.count(),
        CountedObject.objects.count(),
        WeeklyReport.objects.count(),
        Allocation.objects.count(),
        ReportEdit.objects.count(),
    ) == counts


def test_the_demo_funds_follow_seed_004_and_this_years_plans_have_figures(client, demo):
    from django.contrib.auth import get_user_model

    from plans.models import FundActual, FundLine

    son_bang = Plan.objects.get(commune__code="18190", year=2023)
    lines = list(son_bang.fund_lines.order_by("order"))
    # Seed 004 names six sources and no amount: none is planned, what was mobilised is illustrative.
    assert [line.source for line in lines] == [
        "province_budget",
        "district_budget",
        "commune_budget",
        "businesses",
        "people",
        "other",
    ]
    assert all(line.planned is None for line in lines)
    assert "44/2021/NQ-HĐND" in lines[0].basis
    assert FundActual.objects.filter(line__plan=son_bang, is_illustrative=False).count() == 0
    assert selectors.plan_funds(son_bang).mobilised == Decimal(1700)
    current = Plan.objects.get(commune__code="18133", year=datetime.now(VN_TZ).year)
    assert FundLine.objects.filter(plan=current, is_illustrative=True).count() == 3
    client.force_login(get_user_model().objects.get(username="canbo.huongson"))
    page = client.get(reverse("plans:funds", args=[current.pk])).content.decode()
    assert "Ngân sách tỉnh" in page and "1.200" in page and "minh họa" in page
    count = FundActual.objects.count()
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))
    assert FundActual.objects.count() == count


def test_the_demo_targets_have_directions_and_status(demo):
    from django.utils import timezone

    from plans.selectors import target_rows

    today = timezone.localdate()
    # Seed 002's 2021 plan, placed on Dương Đức and labelled illustrative.
    plan = Plan.objects.get(commune__code="07408", year=2021)
    assert "Minh họa" in plan.note and plan.document_number == "17/KH-UBND"
    rows = {row.target.name: row for row in target_rows(SocioTarget.objects.of_plan(plan), today)}
    poverty = rows["Tỷ lệ hộ nghèo"]
    assert poverty.target.statement() == (
        "Tỷ lệ hộ nghèo: giảm ít nhất 1 điểm % mỗi năm, từ 5,2 % (2020) đến 2021"
    )
    assert poverty.target.is_illustrative and poverty.status == "met"  # 4,1 ≤ 5,2 - 1
    assert rows["Vườn mẫu"].status == "missed"  # 3 of 5 gardens by the end of 2021
    assert rows["Vườn mẫu"].result.latest.value == 3
    assert rows["Thôn đạt chuẩn nông thôn mới kiểu mẫu"].status == "met"
    assert rows["Tỷ lệ người dân tham gia bảo hiểm xã hội tự nguyện"].status == "missed"
    assert rows["Tỷ lệ người dân tham gia bảo hiểm y tế"].status == "no_data"
    # Seed 001: the poverty rate is a ceiling; health insurance comes from the assessment.
    duong_duc = Plan.objects.get(commune__code="07408", year=2024)
    rows = {row.target.name: row for row in target_rows(SocioTarget.objects.of_plan(duong_duc), today)}
    assert rows["Tỷ lệ hộ nghèo (chuẩn Nghị định 07/2021/NĐ-CP)"].target.direction == "at_most"
    assert rows["Tỷ lệ người dân có bảo hiểm y tế"].from_assessment
    # Seed 000: Liên Minh's programme owns its 2025 targets.
    programme = Programme.objects.get(
        commune__code="18247", commune__map="legacy", start_year=2021, end_year=2025
    )
    targets = {target.name: target for target in programme.socio_targets.all()}
    assert len(targets) == 6 and targets["Tỷ lệ hộ nghèo đa chiều"].direction == "reduce_by"
    assert targets["Sản phẩm OCOP đạt 3 sao trở lên"].kind == "counted"
    assert all(target.year == 2025 for target in targets.values())
