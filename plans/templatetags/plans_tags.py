"""Template filters for plans: Vietnamese numbers, ISO weeks, lateness and the words of the
timeliness and criterion-deadline codes (from the tables in plans/deadlines.py)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from criteria.evaluation import format_number

from .. import deadlines
from ..models import Plan
from ..selectors import CriterionPhotos, assessment_daily_photos

register = template.Library()


@register.filter
def vn_number(value) -> str:
    if value is None or value == "":
        return ""
    return format_number(Decimal(value))


@register.filter
def iso_week(monday: date) -> str:
    return deadlines.iso_label(monday)


@register.filter
def week_range(monday: date) -> str:
    return f"{monday:%d/%m}–{monday + timedelta(days=6):%d/%m/%Y}"


@register.filter
def duration(delta: timedelta | None) -> str:
    """ "1 ngày 2 giờ 5 phút", leaving out the zero parts; under a minute reads "dưới 1 phút"."""
    if delta is None:
        return ""
    days, hours, minutes = deadlines.duration_parts(delta)
    parts = []
    if days:
        parts.append(_("%(n)d ngày") % {"n": days})
    if hours:
        parts.append(_("%(n)d giờ") % {"n": hours})
    if minutes:
        parts.append(_("%(n)d phút") % {"n": minutes})
    return " ".join(parts) or _("dưới 1 phút")


@register.filter
def timeliness_label(code) -> str:
    """{{ "on_time"|timeliness_label }} → "Đúng hạn"."""
    return deadlines.Timeliness(code).label


@register.filter
def deadline_label(code) -> str:
    """{{ "overdue"|deadline_label }} → "Quá hạn"."""
    return deadlines.DeadlineStatus(code).label


@register.inclusion_tag("plans/_assessment_plans.html")
def assessment_plans(assessment):
    """The plans whose targets an assessment updates, for its page: the commune's plan of the
    assessment's year (its criteria count and deadlines), or the plan with a target for the
    assessed village. One query."""
    if assessment.village_id:
        plans = Plan.objects.filter(year=assessment.year, village_targets__village_id=assessment.village_id)
    else:
        plans = Plan.objects.filter(year=assessment.year, commune_id=assessment.commune_id)
    return {"plans": list(plans.select_related("programme").distinct())}


@register.simple_tag(takes_context=True)
def daily_photos(context, assessment) -> dict[int, CriterionPhotos]:
    """{% daily_photos assessment as photos %}: criterion id → the daily photos that count as
    the criterion's evidence on the assessment's page, among those the user sees (a fixed few
    queries, see plans.selectors.assessment_daily_photos)."""
    return assessment_daily_photos(context["request"].user, assessment)


@register.filter
def of_criterion(photos: dict, criterion_id) -> CriterionPhotos | None:
    return photos.get(criterion_id)
