"""The order of title states in the figures of a scope."""

from __future__ import annotations

from criteria.titles import TitleState

# Standings in increasing order: a recognised title outranks a confirmed one.
STATE_RANK = {TitleState.ELIGIBLE: 1, TitleState.CONFIRMED: 2, TitleState.RECOGNISED: 3}
STATE_CODES = [state.value for state in STATE_RANK]
