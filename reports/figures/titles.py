"""Recognitions in force, read for the figures of a scope (one query each)."""

from __future__ import annotations

import datetime

from criteria.models import Recognition
from criteria.titles import TitleState

# Standings in increasing order: a recognised title outranks a confirmed one.
STATE_RANK = {TitleState.ELIGIBLE: 1, TitleState.CONFIRMED: 2, TitleState.RECOGNISED: 3}
STATE_CODES = [state.value for state in STATE_RANK]


def recognised_pairs(commune_ids: list[int], day: datetime.date) -> set[tuple[int, int]]:
    """(commune, set) pairs with a recognition decision in force on `day`."""
    return Recognition.objects.in_force(day).for_communes(commune_ids).commune_set_pairs()
