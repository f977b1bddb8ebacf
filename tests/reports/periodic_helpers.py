"""Helpers for the periodic report tests."""

from __future__ import annotations

from reports.periodic import periodic_report_for, periodic_report_save
from reports.periods import Period

Q4_2024 = Period("quarter", 2024, 4)
SECTIONS = {"difficulties": "Thiếu vốn", "next_tasks": "Hoàn thành tiêu chí 17", "other_results": ""}


def saved(unit, user, period: Period = Q4_2024, submit: bool = False, **sections):
    report = periodic_report_for(unit, period)
    return periodic_report_save(
        unit=unit,
        period=period,
        sections=SECTIONS | sections,
        user=user,
        expected_version=report.version,
        submit=submit,
    )
