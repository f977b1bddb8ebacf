"""The three standings of a unit for a set's title, never mixed: eligible by its own current
data (tự đánh giá), confirmed by its approved assessment (thẩm định), recognised by the
province's decision (công nhận). Pure: no ORM."""

from __future__ import annotations

import enum

from django.utils.translation import gettext_lazy as _


class TitleState(enum.StrEnum):
    ELIGIBLE = "eligible"
    CONFIRMED = "confirmed"
    RECOGNISED = "recognised"


TITLE_STATE_LABELS = {
    TitleState.ELIGIBLE: _("Đủ điều kiện (tự đánh giá)"),
    TitleState.CONFIRMED: _("Đã được thẩm định"),
    TitleState.RECOGNISED: _("Đã được công nhận"),
}


def title_state(*, qualified: bool, approved: bool, recognised: bool) -> TitleState | None:
    """A recognition in force wins; an approved assessment that meets the set is confirmed;
    any other assessment that meets it is only eligible."""
    if recognised:
        return TitleState.RECOGNISED
    if not qualified:
        return None
    return TitleState.CONFIRMED if approved else TitleState.ELIGIBLE
