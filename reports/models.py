from django.conf import settings
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
                condition=models.Q(iso_week__gte=1, iso_week__lte=53),
                name="reports_evaluationsnapshot_week_range",
            ),
        ]
        indexes = [models.Index(fields=["iso_year", "iso_week"])]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.iso_year}-W{self.iso_week:02d}: {self.criteria_met}"


class ProvinceTarget(models.Model):
    """A province's own target counted over its districts, communes and villages (seed 003:
    "at least 38 communes NTM, of which 15 advanced and 5 model; no commune under 15 criteria;
    85 % of villages NTM"). Where a kind counts titles, `criteria_set` names the set whose
    title is counted; without it the target is shown but its actual value is not tracked."""

    class Kind(models.TextChoices):
        DISTRICTS_NTM = "districts_ntm", _("Số huyện đạt chuẩn NTM (tối thiểu)")
        DISTRICTS_ADVANCED = "districts_advanced", _("Số huyện đạt chuẩn NTM nâng cao (tối thiểu)")
        COMMUNES_NTM = "communes_ntm", _("Số xã đạt chuẩn NTM (tối thiểu)")
        COMMUNES_ADVANCED = "communes_advanced", _("Số xã đạt chuẩn NTM nâng cao (tối thiểu)")
        COMMUNES_MODEL = "communes_model", _("Số xã đạt chuẩn NTM kiểu mẫu (tối thiểu)")
        COMMUNES_BELOW = "communes_below", _("Số xã dưới một số tiêu chí (tối đa)")
        VILLAGES_NTM_PERCENT = "villages_ntm_percent", _("Tỷ lệ thôn đạt chuẩn NTM (%, tối thiểu)")
        VILLAGES_MODEL_PERCENT = (
            "villages_model_percent",
            _("Tỷ lệ thôn đạt chuẩn NTM kiểu mẫu (%, tối thiểu)"),
        )

    # Kinds whose target is a ceiling (the actual value must not exceed it).
    CEILING_KINDS = frozenset({Kind.COMMUNES_BELOW})
    PERCENT_KINDS = frozenset({Kind.VILLAGES_NTM_PERCENT, Kind.VILLAGES_MODEL_PERCENT})

    province = models.ForeignKey(
        "communes.Province", verbose_name=_("tỉnh"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("đến năm"))
    kind = models.CharField(_("loại chỉ tiêu"), max_length=30, choices=Kind.choices)
    value = models.DecimalField(_("giá trị chỉ tiêu"), max_digits=8, decimal_places=2)
    criteria_set = models.ForeignKey(
        "criteria.CriteriaSet",
        verbose_name=_("bộ tiêu chí tính danh hiệu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    # The line a "communes below N criteria" target counts under (seed 003: 15).
    criteria_below = models.PositiveSmallIntegerField(
        _("dưới số tiêu chí"),
        null=True,
        blank=True,
        help_text=_("Với chỉ tiêu “số xã dưới … tiêu chí”: số tiêu chí đạt tối thiểu của mỗi xã."),
    )
    source = models.CharField(_("văn bản nguồn"), max_length=300)
    is_illustrative = models.BooleanField(_("giá trị minh họa"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu của tỉnh")
        verbose_name_plural = _("chỉ tiêu của tỉnh")
        ordering = ["province", "year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "kind"], name="reports_provincetarget_unique_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="reports_provincetarget_value_not_negative"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="communes_below") | models.Q(criteria_below__gt=0),
                name="reports_provincetarget_below_has_line",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.year} {self.kind}: {self.value}"

    @property
    def label(self) -> str:
        if self.kind == self.Kind.COMMUNES_BELOW and self.criteria_below:
            return _("Số xã dưới %(n)s tiêu chí (tối đa)") % {"n": self.criteria_below}
        return self.get_kind_display()

    @property
    def is_ceiling(self) -> bool:
        return self.kind in self.CEILING_KINDS

    @property
    def is_percent(self) -> bool:
        return self.kind in self.PERCENT_KINDS


class ExportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only the person who asked for an export sees it and downloads its file."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class ExportJob(models.Model):
    """A large Excel export built by a Celery worker; its file is kept through the storage API
    and listed on the owner's downloads page."""

    class Kind(models.TextChoices):
        PROVINCE_SUMMARY = "province_summary", _("Bảng tổng hợp kết quả các xã của tỉnh")
        DISTRICT_SUMMARY = "district_summary", _("Bảng tổng hợp kết quả các xã của huyện")
        DOCUMENT = "document", _("Văn bản (Word và PDF)")
        RECOGNITION_FILE = "recognition_file", _("Hồ sơ đề nghị xét công nhận (.zip)")

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tạo")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Lỗi")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    kind = models.CharField(_("loại bảng"), max_length=30, choices=Kind.choices)
    # Codes, not ids: {"unit": "42", "set": "xa_ntm_2021_2025", "year": 2024}.
    parameters = models.JSONField(_("tham số"), default=dict)
    title = models.CharField(_("tên bảng"), max_length=300)
    language = models.CharField(_("ngôn ngữ"), max_length=10, default="vi")
    status = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    file = models.FileField(_("tệp"), upload_to="exports/%Y/%m/", blank=True)
    filename = models.CharField(_("tên tệp"), max_length=200, blank=True)
    # A document's PDF, made from its .docx by LibreOffice; the .docx stays usable without it.
    pdf = models.FileField(_("tệp PDF"), upload_to="exports/%Y/%m/", blank=True)
    pdf_error = models.TextField(_("lỗi khi tạo PDF"), blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    created_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("yêu cầu xuất Excel")
        verbose_name_plural = _("yêu cầu xuất Excel")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="reports_exportjob_progress_range"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | ~models.Q(file=""),
                name="reports_exportjob_done_has_file",
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.State.QUEUED, self.State.RUNNING)


class RollUpQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A district's roll-ups go to its committee and its province office; a province's own
        roll-up (communes without a district) to the province office."""
        from communes.models import District, Province

        if not user.is_authenticated:
            return self.none()
        return self.filter(
            models.Q(district__in=District.objects.visible_to(user))
            | models.Q(district__isnull=True, province__in=Province.objects.visible_to(user))
        )


class RollUp(models.Model):
    """The weekly roll-up of one district (or of a province's communes without a district) for
    one ISO week: its numbers frozen as JSON and its Excel workbook. Building the same unit and
    week again replaces the row in place."""

    class Level(models.TextChoices):
        DISTRICT = "district", _("Huyện")
        PROVINCE = "province", _("Tỉnh")

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tổng hợp")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Lỗi")

    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    province = models.ForeignKey(
        "communes.Province", verbose_name=_("tỉnh"), on_delete=models.CASCADE, related_name="rollups"
    )
    district = models.ForeignKey(
        "communes.District",
        verbose_name=_("huyện"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rollups",
    )
    # The unit's official code: with `level`, the key the one-per-week constraint uses.
    unit_code = models.CharField(_("mã đơn vị"), max_length=20)
    iso_year = models.PositiveSmallIntegerField(_("năm (ISO)"))
    iso_week = models.PositiveSmallIntegerField(_("tuần (ISO)"))
    week_start = models.DateField(_("đầu tuần"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.QUEUED)
    data = models.JSONField(_("số liệu"), default=dict, blank=True)
    file = models.FileField(_("tệp Excel"), upload_to="rollups/%Y/", blank=True)
    filename = models.CharField(_("tên tệp"), max_length=200, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    attempts = models.PositiveIntegerField(_("số lần chạy"), default=0)
    # A build claims the row with a fresh token; only the holder of the latest token may
    # store its result, so a redelivered or concurrent build never mixes two results.
    token = models.CharField(max_length=32, blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("yêu cầu lúc"))
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("thời gian tổng hợp (ms)"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("đã gửi thư lúc"), null=True, blank=True)

    objects = RollUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("báo cáo tổng hợp tuần")
        verbose_name_plural = _("báo cáo tổng hợp tuần")
        ordering = ["-iso_year", "-iso_week", "unit_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "unit_code", "iso_year", "iso_week"], name="reports_rollup_unique_unit_week"
            ),
            models.CheckConstraint(
                condition=models.Q(iso_week__gte=1, iso_week__lte=53), name="reports_rollup_week_range"
            ),
            models.CheckConstraint(
                condition=models.Q(level="district", district__isnull=False)
                | models.Q(level="province", district__isnull=True),
                name="reports_rollup_level_matches_unit",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | ~models.Q(file=""), name="reports_rollup_done_has_file"
            ),
        ]
        indexes = [models.Index(fields=["province", "-iso_year", "-iso_week"])]

    def __str__(self) -> str:
        return f"{self.unit_code} {self.week_label} ({self.status})"

    @property
    def week_label(self) -> str:
        return f"{self.iso_year}-W{self.iso_week:02d}"

    @property
    def unit(self):
        return self.district if self.district_id else self.province

    @property
    def is_active(self) -> bool:
        return self.status in (self.State.QUEUED, self.State.RUNNING)


# The documents a unit sends upward live in their own module.
from .documents.models import (  # noqa: E402, F401
    DocumentSettings,
    DocumentTemplate,
    OutgoingDocument,
    RecognitionFile,
)
