"""Recognitions in force, read for the figures of a scope (one query each)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from criteria.titles import TitleState

# Standings in increasing order: a recognised title outranks a confirmed one.
STATE_RANK = {TitleState.ELIGIBLE: 1, TitleState.CONFIRMED: 2, TitleState.RECOGNISED: 3}
STATE_CODES = [state.value for state in STATE_RANK]


def recognised_pairs(commune_ids: list[int], day: datetime.date) -> set[tuple[int, int]]:
    """(commune, set) pairs with a recognition decision in force on `day`."""
    return set()


def village_recognitions(villages: QuerySet, day: datetime.date, key: str) -> dict[tuple[int, int], object]:
    """(village, set) pairs recognised on `day`, with the village's `key` (its group)."""
    return {}
