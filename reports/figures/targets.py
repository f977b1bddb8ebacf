"""A province's own targets against its figures (seed 003: "at least 38 communes NTM, of
which 15 advanced and 5 model; no commune under 15 criteria; 85 % of villages NTM").

Targets count recognised units (the province's decisions); the confirmed and the eligible
counts are shown beside them, labelled, never counted against the target. A target the app
cannot count takes the latest actual the province office reported for it (never a made-up
figure); one the app counts ignores reported actuals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from criteria.titles import TitleState

from ..models import ProvinceTarget, ProvinceTargetActual
from .scope import Figures


@dataclass
class TargetLine:
    target: ProvinceTarget
    actual: Decimal | None
    gap: Decimal | None
    confirmed: int | None = None
    eligible: int | None = None
    # Why the app cannot count the target ("chưa theo dõi được: …"), when it cannot.
    untracked: str = ""
    # Whether the province office may report the actual: the app cannot count the target.
    reportable: bool = False
    # The actual the province office reported, when the app cannot count the target itself.
    reported: ProvinceTargetActual | None = None

    @property
    def reached(self) -> bool | None:
        if self.actual is None:
            return None
        return (
            self.actual <= self.target.value if self.target.is_ceiling else self.actual >= self.target.value
        )


# The order province programmes list their targets in: communes, villages, then districts.
TARGET_ORDER = [
    ProvinceTarget.Kind.COMMUNES_NTM,
    ProvinceTarget.Kind.COMMUNES_ADVANCED,
    ProvinceTarget.Kind.COMMUNES_MODEL,
    ProvinceTarget.Kind.COMMUNES_BELOW,
    ProvinceTarget.Kind.VILLAGES_NTM_PERCENT,
    ProvinceTarget.Kind.VILLAGES_MODEL_PERCENT,
    ProvinceTarget.Kind.VILLAGES_DIFFICULT_NTM_PERCENT,
    ProvinceTarget.Kind.DISTRICTS_NTM,
    ProvinceTarget.Kind.DISTRICTS_ADVANCED,
    ProvinceTarget.Kind.DISTRICTS_ADVANCED_BASIC,
]
TITLE_KINDS = (
    ProvinceTarget.Kind.COMMUNES_NTM,
    ProvinceTarget.Kind.COMMUNES_ADVANCED,
    ProvinceTarget.Kind.COMMUNES_MODEL,
)


def target_lines(
    targets: list[ProvinceTarget], total: Figures, set_id: int | None, today: date | None = None
) -> list[TargetLine]:
    """Each province target with its actual value and the gap still to close (0 when
    reached); None where the app does not track that count and the province office reported
    no value as of `today`. `set_id` is the set the figures were counted for (a "below N
    criteria" line counts that set's criteria). Reported actuals are read from
    `target.reported`, prefetched newest first by the caller (one query for all targets)."""
    today = today or timezone.localdate()
    lines = []
    for target in sorted(targets, key=lambda item: (item.year, TARGET_ORDER.index(item.kind))):
        line = TargetLine(target, _actual(target, total, set_id), None)
        if line.actual is None:
            line.untracked = untracked_reason(target, set_id)
        line.reportable = not is_counted_by_app(target)
        if line.reportable:
            line.reported = latest_reported(target, today)
            if line.reported is not None:
                line.actual = line.reported.value
        if line.actual is not None:
            missing = line.actual - target.value if target.is_ceiling else target.value - line.actual
            line.gap = max(Decimal(0), missing)
        if target.kind in TITLE_KINDS and target.criteria_set_id is not None:
            line.confirmed = total.title_count(target.criteria_set_id, TitleState.CONFIRMED)
            line.eligible = total.title_count(target.criteria_set_id, TitleState.ELIGIBLE)
        lines.append(line)
    return lines


def latest_reported(target: ProvinceTarget, today: date) -> ProvinceTargetActual | None:
    """The newest actual reported for `target` as of `today` (None for an unsaved target)."""
    if target.pk is None:
        return None
    ordered = sorted(target.reported.all(), key=lambda actual: actual.as_of, reverse=True)
    return next((actual for actual in ordered if actual.as_of <= today), None)


def is_counted_by_app(target: ProvinceTarget) -> bool:
    """Whether the app counts `target` itself (on the dashboard of its set, see `_actual`):
    such a target never takes a reported actual."""
    if target.kind == ProvinceTarget.Kind.COMMUNES_BELOW:
        return bool(target.criteria_below)
    return target.criteria_set_id is not None and (target.kind in TITLE_KINDS or target.is_percent)


def untracked_reason(target: ProvinceTarget, set_id: int | None) -> str:
    """Why the app cannot count `target` (the figures it would need are not recorded)."""
    if target.kind in ProvinceTarget.DISTRICT_KINDS:
        return _("ứng dụng không đánh giá danh hiệu của huyện (chỉ tiêu của bản đồ 2021-2025)")
    if target.kind == ProvinceTarget.Kind.VILLAGES_DIFFICULT_NTM_PERCENT:
        return _("chưa có dữ liệu xã bãi ngang ven biển (chỉ có đánh dấu xã đặc biệt khó khăn)")
    if target.kind == ProvinceTarget.Kind.COMMUNES_BELOW:
        if not target.criteria_below:
            return _("chưa nhập số tiêu chí tối thiểu của mỗi xã")
        return _("chỉ tiêu tính theo một bộ tiêu chí khác bộ đang xem; chọn bộ đó ở trên")
    return _("chỉ tiêu chưa gắn bộ tiêu chí tính danh hiệu")


def _actual(target: ProvinceTarget, total: Figures, set_id: int | None) -> Decimal | None:
    if target.kind == ProvinceTarget.Kind.COMMUNES_BELOW:
        if not target.criteria_below or target.criteria_set_id not in (None, set_id):
            return None
        return Decimal(total.below(target.criteria_below))
    if target.criteria_set_id is None:
        return None
    if target.kind in TITLE_KINDS:
        return Decimal(total.title_count(target.criteria_set_id, TitleState.RECOGNISED))
    if target.is_percent:
        if not total.villages:
            return Decimal(0)
        recognised = total.village_title_count(target.criteria_set_id, TitleState.RECOGNISED)
        return (Decimal(recognised) * 100 / total.villages).quantize(Decimal("0.1"))
    return None
