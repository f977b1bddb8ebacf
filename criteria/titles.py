"""The three states of a unit's title for a criteria set: pure, no ORM.

A title is never one word. The commune's own current data may meet the set (eligible,
self-assessed), the approved assessment may meet it (confirmed by the appraisal), and the
province may have recognised it by a decision (recognised). Only a recognition in force is the
title itself; province targets such as "≥ 38 xã đạt chuẩn NTM" count recognised units, and the
other two states are shown beside them, each under its own label from `LABELS`.
"""

from __future__ import annotations

import enum

from django.utils.translation import gettext_lazy as _


class TitleState(enum.StrEnum):
    ELIGIBLE = "eligible"
    CONFIRMED = "confirmed"
    RECOGNISED = "recognised"

    @property
    def label(self) -> str:
        return str(LABELS[self])

    @property
    def counts_toward_targets(self) -> bool:
        """Province and programme targets count recognised units only."""
        return self is TitleState.RECOGNISED


# The one translated label table of title states: pages, workbooks and e-mails use it.
LABELS = {
    TitleState.ELIGIBLE: _("Đủ điều kiện (tự đánh giá)"),
    TitleState.CONFIRMED: _("Đã được thẩm định"),
    TitleState.RECOGNISED: _("Đã được công nhận"),
}


def title_state(*, qualified: bool, approved: bool, recognised: bool) -> TitleState | None:
    """The state of a unit's title for one set.

    `qualified`: the unit's assessment meets the set (its stored evaluation); `approved`: that
    assessment is approved; `recognised`: a recognition decision for the unit and set is in
    force on the day asked about. A recognition wins whatever the data say today (a regression
    is a separate figure); data that meet the set count as confirmed only once approved, and a
    draft, submitted or returned assessment that meets it is eligible, never a title.
    """
    if recognised:
        return TitleState.RECOGNISED
    if not qualified:
        return None
    return TitleState.CONFIRMED if approved else TitleState.ELIGIBLE
