"""Demo funds: the sources Sơn Bằng's 2023 campaign names (seed 004, "3. Kinh phí thực hiện")
with the amounts the seed does not give left empty, and illustrative amounts mobilised; and, on
the new map, illustrative sources and amounts for this year's plans, with amounts mobilised in
the current quarter so the periodic reports have a figure; and the sources Liên Minh's
2021-2025 programme calls on (seed 000), whose five-year total the seed leaves blank.

Idempotent and non-destructive: a plan that already has fund lines is left as it is."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .models import FundActual, FundLine, Plan, Programme

# Seed 004 names the sources and the resolutions they follow, never an amount.
SON_BANG_SOURCES: list[tuple[str, str, str]] = [
    (
        FundLine.Source.PROVINCE_BUDGET,
        "",
        "Nghị quyết 44/2021/NQ-HĐND, Nghị quyết 51/2021/NQ-HĐND của HĐND tỉnh",
    ),
    (FundLine.Source.DISTRICT_BUDGET, "", "Nghị quyết 23/2021/NQ-HĐND của HĐND huyện"),
    (FundLine.Source.COMMUNE_BUDGET, "Ngân sách địa phương", ""),
    (FundLine.Source.BUSINESSES, "Mạnh thường quân", ""),
    (FundLine.Source.PEOPLE, "", ""),
    (FundLine.Source.OTHER, "Tiền thưởng khi khu dân cư mẫu đạt chuẩn", ""),
]
# Illustrative amounts mobilised (million VND) at the end of each wave of 2023, per source above.
SON_BANG_MOBILISED: dict[date, list[str | None]] = {
    date(2023, 5, 15): ["350", "120", "80", "45", "410", None],
    date(2023, 8, 1): ["200", "90", "60", "30", "265", "50"],
}
# This year's plans (illustrative): source, planned, share of it mobilised per past quarter.
CURRENT_SOURCES: list[tuple[str, str]] = [
    (FundLine.Source.PROVINCE_BUDGET, "1200"),
    (FundLine.Source.COMMUNE_BUDGET, "450"),
    (FundLine.Source.PEOPLE, "800"),
]
ILLUSTRATIVE_NOTE = "Số liệu minh họa của dữ liệu mẫu."
# Seed 000, "Huy động tổng nguồn vốn đầu tư xã hội (trong 5 năm): ............ tỷ đồng" and its
# section on resources: the budgets above the commune, the commune's budget balanced by its
# council, businesses, people from the commune living elsewhere and donors, and the people's
# contributions in money, land, materials and workdays. No amount is given.
LIEN_MINH_BASIS = "Tài liệu nguồn 000: tổng vốn đầu tư xã hội 5 năm để trống (“............ tỷ đồng”)"
LIEN_MINH_SOURCES: list[tuple[str, str]] = [
    (FundLine.Source.CENTRAL_BUDGET, "Hỗ trợ của Trung ương"),
    (FundLine.Source.PROVINCE_BUDGET, "Hỗ trợ của tỉnh"),
    (FundLine.Source.DISTRICT_BUDGET, "Hỗ trợ của huyện"),
    (FundLine.Source.COMMUNE_BUDGET, "HĐND xã cân đối hằng năm"),
    (FundLine.Source.BUSINESSES, "Doanh nghiệp, con em xa quê, nhà hảo tâm"),
    (FundLine.Source.PEOPLE, "Tiền của, đất đai, vật tư, ngày công"),
]
# Illustrative amounts mobilised (million VND) by the end of 2022 and of 2023, per source above.
LIEN_MINH_MOBILISED: dict[date, list[str]] = {
    date(2022, 12, 31): ["1500", "900", "600", "350", "220", "780"],
    date(2023, 12, 31): ["1100", "700", "450", "300", "180", "640"],
}


def load_demo_funds(son_bang_plan: Plan | None, current_plans: list[Plan], today: date) -> None:
    if son_bang_plan is not None and not son_bang_plan.fund_lines.exists():
        _son_bang(son_bang_plan)
    for plan in current_plans:
        if not plan.fund_lines.exists():
            _current(plan, today)


def _son_bang(plan: Plan) -> None:
    lines = [
        FundLine.objects.create(
            plan=plan, source=source, detail=detail, basis=basis, order=index, planned=None
        )
        for index, (source, detail, basis) in enumerate(SON_BANG_SOURCES)
    ]
    for day, amounts in SON_BANG_MOBILISED.items():
        for line, amount in zip(lines, amounts, strict=True):
            if amount is not None:
                FundActual.objects.create(
                    line=line,
                    period_end=day,
                    amount=Decimal(amount),
                    note=ILLUSTRATIVE_NOTE,
                    is_illustrative=True,
                )


def _current(plan: Plan, today: date) -> None:
    """Amounts mobilised by the end of each finished quarter of the plan's year, and so far
    (as of today) in the current one."""
    quarter_ends = [
        date(plan.year, 3, 31),
        date(plan.year, 6, 30),
        date(plan.year, 9, 30),
        date(plan.year, 12, 31),
    ]
    ends = [day for day in quarter_ends if day < today]
    if today.year == plan.year and today not in ends:
        ends.append(today)
    for index, (source, planned) in enumerate(CURRENT_SOURCES):
        line = FundLine.objects.create(
            plan=plan, source=source, planned=Decimal(planned), order=index, is_illustrative=True
        )
        for day in ends:
            FundActual.objects.create(
                line=line,
                period_end=day,
                amount=Decimal(planned) / 10,
                note=ILLUSTRATIVE_NOTE,
                is_illustrative=True,
            )


def load_demo_programme_funds(programme: Programme) -> None:
    """Liên Minh's programme's sources with no planned amount (the seed leaves the total
    blank) and illustrative amounts mobilised; left as it is once it has lines."""
    if programme.fund_lines.exists():
        return
    for index, (source, detail) in enumerate(LIEN_MINH_SOURCES):
        line = FundLine.objects.create(
            programme=programme, source=source, detail=detail, basis=LIEN_MINH_BASIS, order=index
        )
        for day, amounts in LIEN_MINH_MOBILISED.items():
            FundActual.objects.create(
                line=line,
                period_end=day,
                amount=Decimal(amounts[index]),
                note=ILLUSTRATIVE_NOTE,
                is_illustrative=True,
            )
