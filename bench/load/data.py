"""The load test's officials: one commune each, with a village, an assessment of this year and
a plan whose single work item is allocated to the village. Idempotent: a rerun reuses them."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from communes.models import Commune, District, Province, Region, Role, Village
from criteria.models import Assessment, CriteriaSet, Indicator
from plans.models import Plan, WorkItem
from plans.services import allocation_save

SET_CODE = "xa_ntm_2021_2025"
INDICATOR = "3.1"  # a percentage: any number from 0 to 100 is a valid value


def prepare(count: int, password: str) -> list[dict]:
    """`count` commune officers with what they save, as plain data for the load driver."""
    if not CriteriaSet.objects.filter(code=SET_CODE).exists():
        call_command("load_catalogue", verbosity=0)
    criteria_set = CriteriaSet.objects.get(code=SET_CODE)
    indicator = Indicator.objects.get(criterion__criteria_set=criteria_set, code=INDICATOR)
    year = timezone.localdate().isocalendar().year
    with transaction.atomic():
        district = _district()
        return [_official(n, district, criteria_set, indicator, year, password) for n in range(count)]


def _district() -> District:
    region, _ = Region.objects.get_or_create(
        code="btb", defaults={"name_vi": "Bắc Trung Bộ", "name_en": "North Central Coast"}
    )
    province, _ = Province.objects.get_or_create(
        code="LT", defaults={"name": "Tỉnh Thử Tải", "region": region}
    )
    district, _ = District.objects.get_or_create(
        code="LTD", defaults={"name": "Huyện Thử Tải", "province": province}
    )
    return district


def _official(n: int, district, criteria_set, indicator, year: int, password: str) -> dict:
    commune, _ = Commune.objects.get_or_create(
        code=f"LT{n:03d}",
        defaults={"name": f"Xã Thử Tải {n}", "district": district, "province": district.province},
    )
    village, _ = Village.objects.get_or_create(
        code=f"LTV{n:03d}", defaults={"name": f"Thôn Thử Tải {n}", "commune": commune}
    )
    user, created = get_user_model().objects.get_or_create(username=f"load_official_{n:03d}")
    if created:
        user.set_password(password)
        user.save()
        Role.objects.create(user=user, kind=Role.Kind.COMMUNE_OFFICER, commune=commune)
    assessment, _ = Assessment.objects.get_or_create(
        criteria_set=criteria_set, commune=commune, village=None, year=year
    )
    plan, item = _plan(commune, village, year)
    return {
        "username": user.username,
        "assessment": assessment.pk,
        "indicator": indicator.pk,
        "plan": plan.pk,
        "village": village.code,
        "item": item.pk,
        "year": year,
        "last_week": timezone.localdate().isocalendar().week,
    }


def _plan(commune, village, year: int) -> tuple[Plan, WorkItem]:
    plan, created = Plan.objects.get_or_create(
        commune=commune, year=year, defaults={"name": "Kế hoạch thử tải", "target_title": "keep_ntm"}
    )
    if created:
        item = WorkItem.objects.create(plan=plan, name="Bê tông hóa đường", unit="m", quantity=Decimal(1000))
        allocation_save(plan=plan, cells={(item.pk, village.pk): Decimal(1000)})
    return plan, plan.work_items.order_by("pk").first()
