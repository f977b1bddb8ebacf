"""The commune's daily photo feed: one day's posts per village and per reporter, who has posted
that day and who has not, and the photos counted per criterion. A fixed number of queries
whatever the number of villages, reporters and posts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from communes.models import Village

from .models import Allocation, DailyReport, Plan, PlanReporter

MAX_CRITERION_PHOTOS = 60


@dataclass
class SenderRow:
    sender: Village | PlanReporter
    label: str
    posts: list[DailyReport] = field(default_factory=list)

    @property
    def posted(self) -> bool:
        return bool(self.posts)


@dataclass
class Feed:
    day: date
    by_village: list[SenderRow]
    by_reporter: list[SenderRow]
    criteria: list
    criterion_posts: list[DailyReport] | None
    days: list[date]

    @property
    def posted(self) -> list[SenderRow]:
        return [row for row in self.by_village + self.by_reporter if row.posted]

    @property
    def not_posted(self) -> list[SenderRow]:
        return [row for row in self.by_village + self.by_reporter if not row.posted]

    @property
    def senders_count(self) -> int:
        return len(self.by_village) + len(self.by_reporter)

    @property
    def count(self) -> int:
        return sum(len(row.posts) for row in self.by_village + self.by_reporter)


def feed_scope(plan: Plan, village_ids: set[int] | None = None):
    """The plan's daily reports its feed shows (`village_ids`: only those villages', a village
    head's view; see plans.access.feed_villages). The feed and the assessment page count the
    photos per criterion among these."""
    scope = DailyReport.objects.filter(plan=plan)
    if village_ids is not None:
        scope = scope.filter(village_id__in=village_ids)
    return scope


def daily_feed(
    plan: Plan, day: date, *, village_ids: set[int] | None = None, criterion_id: int | None = None
) -> Feed:
    """The feed of `day`; with `village_ids`, only those villages' boards (a village head's
    view: no reporters, no other village). Queries: villages with allocations (1), reporters
    with their villages (2, none for a village view), the day's posts (1), the days with
    posts (1), photos per criterion (1), and the criterion's photos when asked (1)."""
    allocated = Allocation.objects.filter(work_item__plan=plan, quantity__gt=0).values("village_id")
    villages = plan.commune.villages.filter(pk__in=allocated).order_by("code")
    if village_ids is not None:
        villages = villages.filter(pk__in=village_ids)
    by_village = {village.pk: SenderRow(village, village.name) for village in villages}
    reporters = [] if village_ids is not None else list(plan.reporters.prefetch_related("villages"))
    by_reporter = {reporter.pk: SenderRow(reporter, reporter.name) for reporter in reporters}
    posts = DailyReport.objects.filter(plan=plan, day=day).select_related("work_item", "reporter", "village")
    if village_ids is not None:
        posts = posts.filter(village_id__in=village_ids)
    for post in posts.order_by("posted_at", "pk"):
        if post.reporter_id in by_reporter:
            by_reporter[post.reporter_id].posts.append(post)
        elif post.reporter_id is None and post.village_id in by_village:
            by_village[post.village_id].posts.append(post)
    scope = feed_scope(plan, village_ids)
    days = list(scope.order_by("-day").values_list("day", flat=True).distinct()[:31])
    criterion_posts = None
    if criterion_id is not None:
        criterion_posts = list(
            scope.filter(work_item__criterion_id=criterion_id)
            .select_related("work_item", "reporter", "village")
            .order_by("-day", "-posted_at")[:MAX_CRITERION_PHOTOS]
        )
    return Feed(
        day=day,
        by_village=list(by_village.values()),
        by_reporter=list(by_reporter.values()),
        criteria=scope.per_criterion(),
        criterion_posts=criterion_posts,
        days=days,
    )
