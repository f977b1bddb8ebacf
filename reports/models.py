from django.db import models
from django.utils.translation import gettext_lazy as _

from criteria.models import Assessment


class EvaluationSnapshot(models.Model):
    """An assessment's stored evaluation frozen once per ISO week: the source of "criteria met
    over time" charts, of week-over-week changes in roll-ups, and of regression flags."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="snapshots")
    iso_year = models.PositiveSmallIntegerField(_("năm (ISO)"))
    iso_week = models.PositiveSmallIntegerField(_("tuần (ISO)"))
    week_start = models.DateField(_("đầu tuần"))
    criteria_met = models.PositiveSmallIntegerField(_("số tiêu chí đạt"))
    criteria_total = models.PositiveSmallIntegerField(_("tổng số tiêu chí"))
    indicators_met = models.PositiveSmallIntegerField(_("số chỉ tiêu đạt"))
    title_qualified = models.BooleanField(_("đủ điều kiện đạt chuẩn"))
    status = models.CharField(_("trạng thái hồ sơ"), max_length=12)
    # {criterion id (as text): evaluation status} at the time of the snapshot.
    criterion_statuses = models.JSONField(_("kết quả từng tiêu chí"), default=dict)
    taken_at = models.DateTimeField(_("chụp lúc"), auto_now=True)

    class Meta:
        verbose_name = _("ảnh chụp đánh giá theo tuần")
        verbose_name_plural = _("ảnh chụp đánh giá theo tuần")
        ordering = ["assessment", "iso_year", "iso_week"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "iso_year", "iso_week"], name="reports_evaluationsnapshot_unique_week"
            ),
            models.CheckConstraint(
                condition=models.Q(iso_week__gte=1, iso_week__lte=53), name="reports_evaluationsnapshot_week_range"
            ),
        ]
        indexes = [models.Index(fields=["iso_year", "iso_week"])]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.iso_year}-W{self.iso_week:02d}: {self.criteria_met}"
