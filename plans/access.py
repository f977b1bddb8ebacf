"""Who may do what with plans. Reading goes through `get_visible_or_404` (404 outside the user's
units); writing inside one's scope additionally needs the right role (403 otherwise)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse

from communes.access import (
    get_visible_or_404,
    is_committee,
    is_commune_officer,
    is_province_office,
    is_village_head,
)
from communes.models import Commune, Village

from .models import DailyReport, FundLine, Plan, Programme, SocioTarget


def get_plan_or_404(user, pk: int) -> Plan:
    return get_visible_or_404(
        Plan.objects.select_related(
            "commune__district", "commune__province", "target_set", "programme__commune"
        ),
        user,
        pk=pk,
    )


def require_commune_view(user, plan: Plan) -> None:
    """Commune-wide pages (allocation grid, overview) are for the commune's officer and the
    district and province above it; a village head sees only their own village's pages."""
    get_visible_or_404(Commune.objects.only("pk"), user, pk=plan.commune_id)


def get_plan_village_or_404(user, plan: Plan, code: str) -> Village:
    return get_visible_or_404(
        Village.objects.select_related("commune"), user, code=code, commune_id=plan.commune_id
    )


def can_manage(user, commune_id: int) -> bool:
    """The commune's officer plans its work and allocations."""
    return is_commune_officer(user, commune_id)


def can_report(user, village: Village) -> bool:
    """The village's head reports its week; so may the commune's officer."""
    return is_commune_officer(user, village.commune_id) or is_village_head(user, village.pk)


def require_manage(user, commune_id: int) -> None:
    if not can_manage(user, commune_id):
        raise PermissionDenied


def require_report(user, village: Village) -> None:
    if not can_report(user, village):
        raise PermissionDenied


def can_see_commune(user, plan: Plan) -> bool:
    """Whether the user sees the plan's whole commune (officer, district, province), not only
    a village of it. One query."""
    return Commune.objects.visible_to(user).filter(pk=plan.commune_id).exists()


def feed_villages(user, plan: Plan) -> set[int] | None:
    """Whose posts the user sees in the plan's daily feed: None for the whole commune (its
    officer, the district and province above it), else the ids of the user's own villages of
    the commune (a village head; empty for someone who sees neither). One or two queries."""
    if can_see_commune(user, plan):
        return None
    return set(
        Village.objects.visible_to(user).filter(commune_id=plan.commune_id).values_list("pk", flat=True)
    )


def daily_senders(user, plan: Plan, villages: list[Village], reporters: list) -> dict[str, object]:
    """Whom the user may post a daily report for, by key ("v<id>" a village's board, "r<id>"
    a reporter): the commune's officer for every village and reporter, a village head for
    their own village, a reporter's own account for that reporter."""
    officer = is_commune_officer(user, plan.commune_id)
    senders: dict[str, object] = {}
    for village in villages:
        if officer or is_village_head(user, village.pk):
            senders[f"v{village.pk}"] = village
    for reporter in reporters:
        if officer or (reporter.user_id is not None and reporter.user_id == user.pk):
            senders[f"r{reporter.pk}"] = reporter
    return senders


def get_daily_report_or_404(user, pk: int):
    """A daily report whose plan the user sees; a village head only their own village's."""
    report = get_visible_or_404(DailyReport.objects.select_related("plan"), user, pk=pk)
    if (
        report.village_id is None
        or not Village.objects.visible_to(user).filter(pk=report.village_id).exists()
    ):
        require_commune_view(user, report.plan)
    return report


def can_change_daily_report(user, report: DailyReport) -> bool:
    """Who may correct or delete a daily report: the user who posted it, and whoever manages
    the plan (the commune's officer)."""
    return (report.posted_by_id is not None and report.posted_by_id == user.pk) or can_manage(
        user, report.plan.commune_id
    )


def require_change_daily_report(user, report: DailyReport) -> None:
    if not can_change_daily_report(user, report):
        raise PermissionDenied


def get_programme_or_404(user, pk: int) -> Programme:
    return get_visible_or_404(
        Programme.objects.select_related("commune__province", "commune__district", "district", "province"),
        user,
        pk=pk,
    )


def can_manage_programme(user, programme: Programme) -> bool:
    """A commune's officer edits its programme; a district committee or a province office
    edits its own unit's."""
    if user.is_superuser:
        return True
    if programme.commune_id:
        return is_commune_officer(user, programme.commune_id)
    if programme.district_id:
        return is_committee(user, district_id=programme.district_id, province_id=None)
    return is_province_office(user, programme.province_id)


def require_manage_programme(user, programme: Programme) -> None:
    if not can_manage_programme(user, programme):
        raise PermissionDenied


@dataclass(frozen=True)
class Owner:
    """A plan or a programme as the pages of its numeric targets and its funds meet it: the
    object, what the user may do with it, and the names of its pages."""

    plan: Plan | None
    programme: Programme | None
    can_manage: bool

    @property
    def obj(self) -> Plan | Programme:
        return self.plan or self.programme

    @property
    def pk(self) -> int:
        return self.obj.pk

    @property
    def names(self) -> dict[str, str]:
        """URL names of the owner's target and fund pages, used by templates as
        `{% url owner.names.counted owner.pk target.pk %}`."""
        prefix = "plans:" if self.plan else "plans:programme_"
        return {name: prefix + name for name in ("funds", "target_actual", "counted", "counted_meets")}

    @property
    def page_url(self) -> str:
        if self.plan:
            return reverse("plans:detail", args=[self.plan.pk])
        return reverse("plans:programme", args=[self.programme.pk])

    @property
    def unit(self):
        """The commune, district or province whose plan or programme it is."""
        return self.plan.commune if self.plan else self.programme.unit

    def targets(self):
        """The numeric targets the owner's page lists (a plan: its own and its commune
        programme's)."""
        if self.plan:
            return SocioTarget.objects.of_plan(self.plan)
        return SocioTarget.objects.filter(programme=self.programme)

    def fund_lines(self):
        return FundLine.objects.filter(
            **({"plan": self.plan} if self.plan else {"programme": self.programme})
        )


def plan_owner(user, plan: Plan) -> Owner:
    return Owner(plan=plan, programme=None, can_manage=can_manage(user, plan.commune_id))


def programme_owner(user, programme: Programme) -> Owner:
    return Owner(plan=None, programme=programme, can_manage=can_manage_programme(user, programme))


def get_owner_or_404(user, kind: str, pk: int, *, commune_wide: bool = False) -> Owner:
    """The plan or programme `pk` (`kind` "plan" or "programme") if the user sees it, with
    whether they may change its targets and funds. `commune_wide`: a commune's page a village
    head does not see (the funds)."""
    if kind == "plan":
        plan = get_plan_or_404(user, pk)
        if commune_wide:
            require_commune_view(user, plan)
        return plan_owner(user, plan)
    programme = get_programme_or_404(user, pk)
    if commune_wide and programme.commune_id:
        get_visible_or_404(Commune.objects.only("pk"), user, pk=programme.commune_id)
    return programme_owner(user, programme)


def get_owner_target_or_404(owner: Owner, pk: int) -> SocioTarget:
    return get_object_or_404(owner.targets().select_related("plan", "programme"), pk=pk)
