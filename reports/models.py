from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from criteria.models import Assessment

from .periods import KIND_CHOICES, Period


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
        DISTRICTS_ADVANCED_BASIC = (
            "districts_advanced_basic",
            _("Số huyện cơ bản đạt chuẩn NTM nâng cao (tối thiểu)"),
        )
        COMMUNES_NTM = "communes_ntm", _("Số xã đạt chuẩn NTM (tối thiểu)")
        COMMUNES_ADVANCED = "communes_advanced", _("Số xã đạt chuẩn NTM nâng cao (tối thiểu)")
        COMMUNES_MODEL = "communes_model", _("Số xã đạt chuẩn NTM kiểu mẫu (tối thiểu)")
        COMMUNES_BELOW = "communes_below", _("Số xã dưới một số tiêu chí (tối đa)")
        VILLAGES_NTM_PERCENT = "villages_ntm_percent", _("Tỷ lệ thôn đạt chuẩn NTM (%, tối thiểu)")
        VILLAGES_MODEL_PERCENT = (
            "villages_model_percent",
            _("Tỷ lệ thôn đạt chuẩn NTM kiểu mẫu (%, tối thiểu)"),
        )
        VILLAGES_DIFFICULT_NTM_PERCENT = (
            "villages_difficult_ntm_percent",
            _("Tỷ lệ thôn thuộc xã ĐBKK, xã bãi ngang ven biển đạt chuẩn NTM (%, tối thiểu)"),
        )

    # Kinds whose target is a ceiling (the actual value must not exceed it).
    CEILING_KINDS = frozenset({Kind.COMMUNES_BELOW})
    PERCENT_KINDS = frozenset(
        {Kind.VILLAGES_NTM_PERCENT, Kind.VILLAGES_MODEL_PERCENT, Kind.VILLAGES_DIFFICULT_NTM_PERCENT}
    )
    # Kinds that count districts: only the 2021-2025 map has districts.
    DISTRICT_KINDS = frozenset({Kind.DISTRICTS_NTM, Kind.DISTRICTS_ADVANCED, Kind.DISTRICTS_ADVANCED_BASIC})

    province = models.ForeignKey(
        "communes.Province", verbose_name=_("tỉnh"), on_delete=models.CASCADE, related_name="targets"
    )
    # The province programme whose target this is (seed 003's programme to 2025 and 2030).
    programme = models.ForeignKey(
        "plans.Programme",
        verbose_name=_("chương trình"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="province_targets",
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


class ProvinceTargetActual(models.Model):
    """A target's actual value as the province office reports it from its own reports and
    decisions, for a target the app cannot count itself (districts' titles, coastal
    communes' villages, targets without a set). The app's own count always wins over it."""

    target = models.ForeignKey(
        ProvinceTarget, verbose_name=_("chỉ tiêu"), on_delete=models.CASCADE, related_name="reported"
    )
    value = models.DecimalField(_("giá trị thực tế"), max_digits=8, decimal_places=2)
    as_of = models.DateField(_("số liệu tính đến ngày"))
    source = models.CharField(
        _("nguồn"), max_length=300, blank=True, help_text=_("Nguồn: báo cáo, quyết định …")
    )
    is_illustrative = models.BooleanField(_("giá trị minh họa"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("nhập lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("số liệu thực tế do tỉnh nhập")
        verbose_name_plural = _("số liệu thực tế do tỉnh nhập")
        ordering = ["target", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "as_of"], name="reports_provincetargetactual_unique_day"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="reports_provincetargetactual_value_not_negative"
            ),
        ]

    DUPLICATE_DAY = _("Ngày tính số liệu: chỉ tiêu đã có số liệu tính đến ngày này.")

    def __str__(self) -> str:
        return f"{self.target_id} {self.as_of}: {self.value}"


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


class PeriodicReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A report is seen by whoever sees its unit: a commune's by its officers and the
        committees above it, a district's by its committee and province office, a province's by
        its office."""
        from communes.models import Commune, District, Province

        if not user.is_authenticated:
            return self.none()
        return self.filter(
            models.Q(level="commune", commune__in=Commune.objects.visible_to(user))
            | models.Q(level="district", district__in=District.objects.visible_to(user))
            | models.Q(level="province", province__in=Province.objects.visible_to(user))
        )

    def of_period(self, period):
        return self.filter(kind=period.kind, year=period.year, number=period.number)


class PeriodicReport(models.Model):
    """A unit's report on the results of the programme over one period ("Báo cáo kết quả thực
    hiện Chương trình xây dựng nông thôn mới quý IV năm 2026"): the figures come from the
    figures layer when it is read (reports.figures.periodic); what is stored here is what the
    official writes and the report's workflow."""

    class Level(models.TextChoices):
        COMMUNE = "commune", _("Xã")
        DISTRICT = "district", _("Huyện")
        PROVINCE = "province", _("Tỉnh")

    class State(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        SUBMITTED = "submitted", _("Đã nộp")
        ACCEPTED = "accepted", _("Đã tiếp nhận")
        RETURNED = "returned", _("Bị trả lại")

    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    # The province is always set (scoping and due dates); the district or the commune when the
    # report is theirs.
    province = models.ForeignKey(
        "communes.Province", verbose_name=_("tỉnh"), on_delete=models.CASCADE, related_name="periodic_reports"
    )
    district = models.ForeignKey(
        "communes.District",
        verbose_name=_("huyện"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="periodic_reports",
    )
    commune = models.ForeignKey(
        "communes.Commune",
        verbose_name=_("xã"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="periodic_reports",
    )
    kind = models.CharField(_("kỳ báo cáo"), max_length=10, choices=KIND_CHOICES)
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveSmallIntegerField(_("số kỳ"), default=1)
    status = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.DRAFT)
    difficulties = models.TextField(_("Khó khăn, vướng mắc"), blank=True)
    next_tasks = models.TextField(_("Nhiệm vụ, giải pháp kỳ tới"), blank=True)
    other_results = models.TextField(_("Kết quả khác"), blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    # Counts every save of the written sections: a save from an older copy is refused.
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("xem xét lúc"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xem xét"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Demo rows whose written sections are illustrative, not taken from a real report.
    illustrative = models.BooleanField(_("số liệu minh họa"), default=False)

    objects = PeriodicReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("báo cáo định kỳ")
        verbose_name_plural = _("báo cáo định kỳ")
        ordering = ["-year", "kind", "-number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="commune", commune__isnull=False, district__isnull=True)
                | models.Q(level="district", district__isnull=False, commune__isnull=True)
                | models.Q(level="province", district__isnull=True, commune__isnull=True),
                name="reports_periodicreport_level_matches_unit",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="quarter", number__gte=1, number__lte=4)
                | models.Q(kind="half", number__gte=1, number__lte=2)
                | models.Q(kind__in=["year", "3years", "5years"], number=1),
                name="reports_periodicreport_number_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=["3years", "5years"]) | models.Q(level="province"),
                name="reports_periodicreport_multi_year_province_only",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="returned") | ~models.Q(return_reason=""),
                name="reports_periodicreport_returned_has_reason",
            ),
            models.UniqueConstraint(
                fields=["commune", "kind", "year", "number"],
                condition=models.Q(level="commune"),
                name="reports_periodicreport_unique_commune_period",
            ),
            models.UniqueConstraint(
                fields=["district", "kind", "year", "number"],
                condition=models.Q(level="district"),
                name="reports_periodicreport_unique_district_period",
            ),
            models.UniqueConstraint(
                fields=["province", "kind", "year", "number"],
                condition=models.Q(level="province"),
                name="reports_periodicreport_unique_province_period",
            ),
        ]
        indexes = [models.Index(fields=["province", "kind", "year", "number"])]

    def __str__(self) -> str:
        return f"{self.level} {self.unit_id} {self.period.slug} ({self.status})"

    @property
    def period(self) -> Period:
        return Period(self.kind, self.year, self.number)

    @property
    def start(self):
        return self.period.start

    @property
    def end(self):
        return self.period.end

    @property
    def unit(self):
        return {"commune": self.commune, "district": self.district}.get(self.level) or self.province

    @property
    def unit_id(self) -> int:
        return {"commune": self.commune_id, "district": self.district_id}.get(self.level) or self.province_id

    @property
    def is_editable(self) -> bool:
        return self.status in (self.State.DRAFT, self.State.RETURNED)

    @property
    def is_submitted(self) -> bool:
        return self.status in (self.State.SUBMITTED, self.State.ACCEPTED)

    def document_summary(self) -> str:
        """The summary line of the report as a document ("trích yếu")."""
        return _("Kết quả thực hiện Chương trình xây dựng nông thôn mới %(period)s") % {
            "period": self.period.label
        }

    def timeliness(self, due):
        """ "on_time" / "late" against the due (a PeriodicReportDue or None); None when there is
        no due date or the report was never submitted."""
        return report_timeliness(self.submitted_at, due.due_date if due else None)


def report_timeliness(submitted_at, due_date) -> str | None:
    """On time when submitted on or before the due day (in the project's time zone)."""
    from django.utils import timezone

    if due_date is None or submitted_at is None:
        return None
    return "on_time" if timezone.localdate(submitted_at) <= due_date else "late"


class PeriodicReportDue(models.Model):
    """The day the province office wants the reports of one period by, for its province's units
    (Q4 2026 due 2026-12-20). Without a row the report has no due date: none is invented."""

    province = models.ForeignKey(
        "communes.Province", verbose_name=_("tỉnh"), on_delete=models.CASCADE, related_name="periodic_dues"
    )
    kind = models.CharField(_("kỳ báo cáo"), max_length=10, choices=KIND_CHOICES)
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveSmallIntegerField(_("số kỳ"), default=1)
    due_date = models.DateField(_("hạn nộp"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đặt hạn"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    set_at = models.DateTimeField(_("đặt lúc"), auto_now=True)

    class Meta:
        verbose_name = _("hạn nộp báo cáo định kỳ")
        verbose_name_plural = _("hạn nộp báo cáo định kỳ")
        ordering = ["province", "-year", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "kind", "year", "number"], name="reports_periodicreportdue_unique_period"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="quarter", number__gte=1, number__lte=4)
                | models.Q(kind="half", number__gte=1, number__lte=2)
                | models.Q(kind__in=["year", "3years", "5years"], number=1),
                name="reports_periodicreportdue_number_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.period.slug}: {self.due_date}"

    @property
    def period(self) -> Period:
        return Period(self.kind, self.year, self.number)


class PeriodicReportTransition(models.Model):
    """One workflow step of a periodic report: who moved it from which status to which, and why
    (as criteria.Transition for assessments)."""

    report = models.ForeignKey(PeriodicReport, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("từ trạng thái"), max_length=10, choices=PeriodicReport.State.choices)
    to_status = models.CharField(_("sang trạng thái"), max_length=10, choices=PeriodicReport.State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("lúc"), auto_now_add=True)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("chuyển trạng thái báo cáo định kỳ")
        verbose_name_plural = _("chuyển trạng thái báo cáo định kỳ")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(to_status="returned") | ~models.Q(reason=""),
                name="reports_periodicreporttransition_return_needs_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_status} → {self.to_status}"


class PeriodicReminderSent(models.Model):
    """Claims one reminder per report and day, so a rerun of the task sends nothing twice."""

    report = models.ForeignKey(PeriodicReport, on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField(_("ngày"))
    recipients = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nhắc báo cáo định kỳ đã gửi")
        verbose_name_plural = _("nhắc báo cáo định kỳ đã gửi")
        constraints = [
            models.UniqueConstraint(fields=["report", "day"], name="reports_periodicremindersent_unique_day"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} — {self.day}"


# The documents a unit sends upward live in their own module.
from .documents.models import (  # noqa: E402, F401
    DocumentSettings,
    DocumentTemplate,
    OutgoingDocument,
    RecognitionFile,
)
