"""Demo funds: the sources Sơn Bằng's 2023 campaign names (seed 004, "3. Kinh phí thực hiện")
with the amounts the seed does not give left empty, and illustrative amounts mobilised; and, on
the new map, illustrative sources and amounts for this year's plans, with amounts mobilised in
the current quarter so the periodic reports have a figure.

Idempotent and non-destructive: a plan that already has fund lines is left as it is."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .models import FundActual, FundLine, Plan

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
