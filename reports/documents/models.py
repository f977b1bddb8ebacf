"""The documents a unit sends upward: its letterhead settings (decree 30/2020/NĐ-CP), its own
Word templates, and its register of documents sent (each built as .docx and PDF by a worker,
then issued once the signed and stamped scan is uploaded back)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

UNIT_FIELDS = ("commune", "district", "province")


def _one_unit(prefix: str) -> models.CheckConstraint:
    """Exactly one of commune, district, province is set."""
    condition = (
        Q(commune__isnull=False, district__isnull=True, province__isnull=True)
        | Q(commune__isnull=True, district__isnull=False, province__isnull=True)
        | Q(commune__isnull=True, district__isnull=True, province__isnull=False)
    )
    return models.CheckConstraint(condition=condition, name=f"{prefix}_one_unit")


class UnitBound(models.Model):
    """A row that belongs to exactly one commune, district or province."""

    commune = models.ForeignKey(
        "communes.Commune",
        verbose_name=_("xã"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    district = models.ForeignKey(
        "communes.District",
        verbose_name=_("huyện"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    province = models.ForeignKey(
        "communes.Province",
        verbose_name=_("tỉnh"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def unit(self):
        return self.commune or self.district or self.province

    @staticmethod
    def unit_filter(unit) -> dict:
        """The lookup of the rows of `unit` (a Commune, District or Province)."""
        return {unit._meta.model_name: unit}


class SigningMode(models.TextChoices):
    """How the signer signs (decree 30/2020, Phụ lục I): for the collective (TM.), for the head
    (KT.), acting head (Q.), or the head in person."""

    DIRECT = "", _("Người đứng đầu ký trực tiếp")
    TM = "TM.", _("TM. (thay mặt tập thể)")
    KT = "KT.", _("KT. (ký thay người đứng đầu)")
    Q = "Q.", _("Q. (quyền)")


class DocumentSettings(UnitBound):
    """A unit's letterhead: what every document and table it sends upward prints at the top
    and at the signature. A unit without a row uses the defaults of `letterhead.defaults`."""

    parent_body = models.CharField(
        _("cơ quan chủ quản"),
        max_length=200,
        blank=True,
        help_text=_("Dòng trên tên cơ quan ban hành, nếu có (ví dụ: UBND TỈNH HÀ TĨNH)."),
    )
    body = models.CharField(_("tên cơ quan ban hành"), max_length=200)
    place = models.CharField(
        _("địa danh"),
        max_length=100,
        help_text=_("In trước ngày tháng: “Hương Sơn, ngày … tháng … năm …”."),
    )
    number_suffix = models.CharField(
        _("ký hiệu cơ quan trong số văn bản"),
        max_length=40,
        help_text=_("Phần sau loại văn bản trong “Số: …/BC-UBND” (ví dụ: UBND, BCĐ, VPĐP)."),
    )
    signing_mode = models.CharField(
        _("hình thức ký"), max_length=4, choices=SigningMode.choices, blank=True, default=SigningMode.TM
    )
    on_behalf_of = models.CharField(
        _("ký thay mặt / ký thay cho"),
        max_length=200,
        blank=True,
        help_text=_(
            "Với TM.: tên tập thể (ỦY BAN NHÂN DÂN); với KT. và Q.: chức vụ người đứng đầu (CHỦ TỊCH)."
        ),
    )
    signer_position = models.CharField(_("chức vụ người ký"), max_length=120)
    signer_name = models.CharField(
        _("họ và tên người ký"), max_length=120, blank=True, help_text=_("Để trống để ghi tay khi ký.")
    )
    addressees = models.TextField(_("kính gửi"), blank=True, help_text=_("Mỗi dòng một nơi nhận báo cáo."))
    recipients = models.TextField(
        _("nơi nhận"),
        blank=True,
        help_text=_("Mỗi dòng một nơi; dòng “Lưu: VT” luôn được thêm ở cuối."),
    )
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người sửa"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("thể thức văn bản của đơn vị")
        verbose_name_plural = _("thể thức văn bản của đơn vị")
        constraints = [
            _one_unit("reports_documentsettings"),
            *(
                models.UniqueConstraint(
                    fields=[field],
                    condition=Q(**{f"{field}__isnull": False}),
                    name=f"reports_documentsettings_{field}",
                )
                for field in UNIT_FIELDS
            ),
        ]

    def __str__(self) -> str:
        return self.body


class DocumentKind(models.TextChoices):
    """What a narrative document is; each kind has a default Word template in
    `reports/documents/templates/<kind>.docx` that a province office may replace."""

    PERIODIC_REPORT = "periodic_report", _("Báo cáo định kỳ")
    RECOGNITION_REQUEST = "recognition_request", _("Tờ trình đề nghị xét công nhận")
    RECOGNITION_REPORT = "recognition_report", _("Báo cáo kết quả xây dựng nông thôn mới")
    MEETING_MINUTES = "meeting_minutes", _("Biên bản họp")
    EVIDENCE_LIST = "evidence_list", _("Danh mục hồ sơ minh chứng")
    SATISFACTION = "satisfaction", _("Kết quả lấy ý kiến sự hài lòng của người dân")


class DocumentTemplate(models.Model):
    """A province office's own Word template for one kind of document, used instead of the
    default for every unit of the province."""

    province = models.ForeignKey("communes.Province", verbose_name=_("tỉnh"), on_delete=models.CASCADE)
    kind = models.CharField(_("loại văn bản"), max_length=30, choices=DocumentKind.choices)
    file = models.FileField(_("tệp mẫu (.docx)"), upload_to="document-templates/%Y/")
    uploaded_at = models.DateTimeField(_("tải lên lúc"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("mẫu văn bản của tỉnh")
        verbose_name_plural = _("mẫu văn bản của tỉnh")
        constraints = [
            models.UniqueConstraint(fields=["province", "kind"], name="reports_documenttemplate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.province} — {self.get_kind_display()}"


class OutgoingDocumentQuerySet(models.QuerySet):
    def of_unit(self, unit):
        return self.filter(**UnitBound.unit_filter(unit))


class OutgoingDocument(UnitBound):
    """One entry of a unit's register of documents sent ("sổ văn bản đi"). Its .docx and PDF
    are built by an export job on a worker (`job`: progress, files, errors); it is issued when
    the signed and stamped scan is uploaded back with its number and date."""

    kind = models.CharField(_("loại văn bản"), max_length=30, choices=DocumentKind.choices)
    doc_type = models.CharField(_("loại văn bản (ký hiệu)"), max_length=10)
    summary = models.CharField(_("trích yếu"), max_length=500)
    # The object the document is about, e.g. "periodic_report:12", "recognition_file:3".
    source = models.CharField(_("nguồn"), max_length=60, db_index=True)
    # The figures and texts it was built from, frozen when it was asked for: building it again
    # gives the same document.
    parameters = models.JSONField(_("tham số"), default=dict, blank=True)
    job = models.OneToOneField(
        "reports.ExportJob",
        verbose_name=_("yêu cầu tạo tệp"),
        on_delete=models.PROTECT,
        related_name="document",
    )
    number = models.CharField(_("số văn bản"), max_length=60, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    signed_scan = models.FileField(
        _("bản ký, đóng dấu (PDF)"), upload_to="documents/signed/%Y/%m/", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ban hành"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("ghi ban hành lúc"), null=True, blank=True)

    objects = OutgoingDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("văn bản đi")
        verbose_name_plural = _("sổ văn bản đi")
        ordering = ["-created_at", "-pk"]
        constraints = [
            _one_unit("reports_outgoingdocument"),
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True) | (~Q(signed_scan="") & ~Q(number="")),
                name="reports_outgoingdocument_issued_complete",
            ),
        ]
        indexes = [models.Index(fields=["source", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.doc_type} {self.number or '…'}: {self.summary}"

    @property
    def is_issued(self) -> bool:
        return self.issued_on is not None


class RecognitionFile(models.Model):
    """A commune's file asking for a title ("hồ sơ đề nghị xét công nhận"): the facts only the
    commune knows (its meeting's vote, the residents' satisfaction result as the Fatherland
    Front gave it); the parts themselves are documents of the register built from the approved
    assessment (`reports.documents.recognition`)."""

    commune = models.ForeignKey(
        "communes.Commune", verbose_name=_("xã"), on_delete=models.CASCADE, related_name="recognition_files"
    )
    criteria_set = models.ForeignKey(
        "criteria.CriteriaSet",
        verbose_name=_("danh hiệu (bộ tiêu chí)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    meeting_date = models.DateField(_("ngày họp xã"), null=True, blank=True)
    members_total = models.PositiveSmallIntegerField(_("tổng số thành viên được mời"), null=True, blank=True)
    members_present = models.PositiveSmallIntegerField(_("số thành viên tham dự"), null=True, blank=True)
    votes_for = models.PositiveSmallIntegerField(_("số thành viên đồng ý"), null=True, blank=True)
    satisfaction_percent = models.DecimalField(
        _("tỷ lệ người dân hài lòng (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    satisfaction_note = models.CharField(
        _("về kết quả lấy ý kiến"),
        max_length=300,
        blank=True,
        help_text=_("Ai tổ chức, bao nhiêu hộ được hỏi, văn bản kết quả (ví dụ: Ủy ban MTTQ xã, 420 hộ)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ đề nghị xét công nhận")
        verbose_name_plural = _("hồ sơ đề nghị xét công nhận")
        ordering = ["-year", "criteria_set__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "criteria_set", "year"], name="reports_recognitionfile_unique"
            ),
            models.CheckConstraint(
                condition=Q(members_present__isnull=True)
                | Q(members_total__isnull=True)
                | Q(members_present__lte=models.F("members_total")),
                name="reports_recognitionfile_present_le_total",
            ),
            models.CheckConstraint(
                condition=Q(votes_for__isnull=True)
                | Q(members_present__isnull=True)
                | Q(votes_for__lte=models.F("members_present")),
                name="reports_recognitionfile_votes_le_present",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction_percent__isnull=True)
                | Q(satisfaction_percent__gte=0, satisfaction_percent__lte=100),
                name="reports_recognitionfile_satisfaction_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune} — {self.criteria_set} {self.year}"

    @property
    def source_prefix(self) -> str:
        return f"recognition_file:{self.pk}:"
