"""Daily photo reports of a campaign (seed 004: "báo cáo kết quả hằng ngày bằng hình ảnh" from
the village development boards, the organisations and the steering-committee members), and the
reporters other than a village's own board. Imported at the end of plans/models.py."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from communes.models import Village
from criteria.models import Criterion

from .models import Plan, WorkItem


class PlanReporter(models.Model):
    """Someone who posts daily reports for a plan besides the village boards: an organisation
    (đoàn thể) or a steering-committee member, assigned to villages and/or a topic. A village's
    own board needs no row: its village head posts for the village."""

    class Kind(models.TextChoices):
        VILLAGE_BOARD = "village_board", _("Ban phát triển thôn")
        ORGANISATION = "organisation", _("Tổ chức đoàn thể")
        COMMITTEE_MEMBER = "committee_member", _("Thành viên Ban chỉ đạo")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reporters")
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("tên"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    villages = models.ManyToManyField(Village, verbose_name=_("thôn phụ trách"), blank=True, related_name="+")
    topic = models.CharField(_("lĩnh vực phụ trách"), max_length=300, blank=True)
    is_illustrative = models.BooleanField(_("minh họa"), default=False)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("người báo cáo hằng ngày")
        verbose_name_plural = _("người báo cáo hằng ngày")
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "name"], name="plans_planreporter_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


def _photo_path(instance: DailyReport, filename: str) -> str:
    """A safe stored name; the user's file name is never kept (photos are re-encoded as JPEG)."""
    return f"daily/{instance.plan_id}/{uuid.uuid4().hex}.jpg"


class DailyReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(plan__in=Plan.objects.visible_to(user))

    def week_sums(self, *, plan: Plan, village: Village, monday: date) -> dict[int, Decimal]:
        """Work item id → the sum of the village's daily quantities in the ISO week starting
        `monday` (every report tagged with the village, whoever posted it). One query."""
        rows = (
            self.filter(plan=plan, village=village, day__gte=monday, day__lte=monday + timedelta(days=6))
            .exclude(work_item=None)
            .exclude(quantity=None)
            .values("work_item_id")
            .annotate(total=Sum("quantity"))
        )
        return {row["work_item_id"]: row["total"] for row in rows}

    def per_criterion(self) -> list[Criterion]:
        """The criteria served by the work items of these reports, each with `photos`, the
        number of its photos among them. One query."""
        reports = Q(workitem__daily_reports__in=self.values("pk"))
        return list(
            Criterion.objects.annotate(photos=Count("workitem__daily_reports", filter=reports))
            .filter(photos__gt=0)
            .order_by("order", "pk")
        )


class DailyReport(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="daily_reports")
    # Who posted: an organisation or committee member, or (reporter empty) the village's board.
    reporter = models.ForeignKey(
        PlanReporter,
        verbose_name=_("người báo cáo"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    village = models.ForeignKey(
        Village, verbose_name=_("thôn"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    day = models.DateField(_("ngày"))
    work_item = models.ForeignKey(
        WorkItem,
        verbose_name=_("hạng mục"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="daily_reports",
    )
    quantity = models.DecimalField(
        _("khối lượng thực hiện"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    note = models.TextField(_("ghi chú"), blank=True)
    photo = models.FileField(_("ảnh"), upload_to=_photo_path, max_length=200)
    thumbnail = models.FileField(_("ảnh thu nhỏ"), upload_to=_photo_path, max_length=200, blank=True)
    photo_width = models.PositiveIntegerField(_("chiều rộng ảnh"), default=0)
    photo_height = models.PositiveIntegerField(_("chiều cao ảnh"), default=0)
    # From the photo's EXIF DateTimeOriginal, read as Vietnam time (cameras store no zone).
    photo_taken_at = models.DateTimeField(_("chụp lúc"), null=True, blank=True)
    keep_location = models.BooleanField(_("giữ vị trí chụp ảnh"), default=False)
    # Kept only when the user ticked keep_location; never written into the stored file.
    latitude = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    posted_at = models.DateTimeField(_("gửi lúc"))
    is_illustrative = models.BooleanField(_("minh họa"), default=False)

    objects = DailyReportQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-posted_at", "-pk"]
        verbose_name = _("báo cáo hằng ngày")
        verbose_name_plural = _("báo cáo hằng ngày")
        constraints = [
            models.CheckConstraint(
                condition=Q(reporter__isnull=False) | Q(village__isnull=False),
                name="plans_dailyreport_reporter_or_village",
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="plans_dailyreport_quantity_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(work_item__isnull=False),
                name="plans_dailyreport_quantity_needs_item",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(keep_location=True, latitude__isnull=False, longitude__isnull=False),
                name="plans_dailyreport_location_only_when_kept",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="plans_dailyreport_location_range",
            ),
        ]
        indexes = [models.Index(fields=["plan", "day"])]

    def __str__(self) -> str:
        return f"{self.sender_name} — {self.day:%d/%m/%Y}"

    @property
    def sender_name(self) -> str:
        if self.reporter_id:
            return self.reporter.name
        return str(_("Ban phát triển thôn %(village)s") % {"village": self.village.name})
