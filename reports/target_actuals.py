"""Services of the actuals a province office reports for the targets the app cannot count
itself (districts' titles, coastal communes' villages, targets without a set)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .models import ProvinceTarget, ProvinceTargetActual


def province_target_actual_record(
    *, target: ProvinceTarget, value: Decimal, as_of: date, source: str, user, is_illustrative: bool = False
) -> ProvinceTargetActual:
    """Record the target's actual value as of a day (one value per day: the form refuses a
    second one, the unique constraint stops a race)."""
    return ProvinceTargetActual.objects.create(
        target=target,
        value=value,
        as_of=as_of,
        source=source,
        is_illustrative=is_illustrative,
        recorded_by=user,
    )


def province_target_actual_delete(*, actual: ProvinceTargetActual) -> None:
    actual.delete()
