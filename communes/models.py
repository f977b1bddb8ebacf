"""Administrative units (Province → District → Commune → Village), regions and roles.

Every unit model has a `visible_to(user)` queryset method; views fetch units only through it
(see `communes.access`), so a user never sees a unit outside the scope of their roles.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .text import fold


class Region(models.Model):
    """One of the socio-economic regions that 2021-2025 thresholds are keyed by."""

    code = models.SlugField(_("mã"), max_length=20, unique=True)
    name_vi = models.CharField(_("tên tiếng Việt"), max_length=120)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=120)

    class Meta:
        ordering = ["code"]
        verbose_name = _("vùng")
        verbose_name_plural = _("vùng")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_vi


class UnitQuerySet(models.QuerySet):
    """Scoping shared by all unit querysets; each model says how it reaches the role's unit."""

    # Lookup paths from this model to the province, district, commune and village a role may
    # be bound to. None means a role at that level cannot see rows of this model.
    scope_paths: dict[str, str | None] = {}
    # History a role may read besides its own unit (never write: every write checks the
    # role's own unit): the old-map units its new-map unit was formed from, as a condition on
    # this model given the role's unit id.
    lineage: dict[str, Callable[[int], Q]] = {}

    def search(self, text: str):
        return self.filter(search_name__contains=fold(text)) if text.strip() else self

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        condition = Q(pk__in=[])
        for role in roles_of(user):
            condition |= self._condition_for(role)
        return self.filter(condition)

    def _condition_for(self, role: Role) -> Q:
        level, unit_id = role.unit_level, role.unit_id
        path = self.scope_paths.get(level)
        if path is None:
            return Q(pk__in=[])
        condition = Q(**{path: unit_id})
        # Only a unit of today's map was formed from older ones.
        history = self.lineage.get(level)
        if history is not None and _unit_map_of(role) != AdminMap.LEGACY:
            condition |= history(unit_id)
        return condition


def _unit_map_of(role: Role) -> str:
    unit = role.unit
    return unit.commune.map if isinstance(unit, Village) else unit.map


def _predecessor_communes(commune_id: int):
    return CommuneSuccession.objects.filter(successor_id=commune_id).values("predecessor_id")


def _predecessor_provinces(province_id: int):
    return Province.objects.filter(successor_id=province_id).values("pk")


def _predecessor_villages(village_id: int):
    return Village.predecessors.through.objects.filter(from_village_id=village_id).values("to_village_id")


class ProvinceQuerySet(UnitQuerySet):
    scope_paths = {"province": "pk"}
    lineage = {"province": lambda pk: Q(successor_id=pk)}


class DistrictQuerySet(UnitQuerySet):
    scope_paths = {"province": "province_id", "district": "pk"}
    lineage = {"province": lambda pk: Q(province_id__in=_predecessor_provinces(pk))}


class CommuneQuerySet(UnitQuerySet):
    scope_paths = {"province": "province_id", "district": "district_id", "commune": "pk"}
    lineage = {
        "province": lambda pk: Q(province_id__in=_predecessor_provinces(pk)),
        "commune": lambda pk: Q(pk__in=_predecessor_communes(pk)),
    }

    def with_village_counts(self):
        """Each commune with `village_count`, its number of villages."""
        return self.annotate(village_count=models.Count("villages"))


class VillageQuerySet(UnitQuerySet):
    scope_paths = {
        "province": "commune__province_id",
        "district": "commune__district_id",
        "commune": "commune_id",
        "village": "pk",
    }
    lineage = {
        "province": lambda pk: Q(commune__province_id__in=_predecessor_provinces(pk)),
        "commune": lambda pk: Q(commune_id__in=_predecessor_communes(pk)),
        "village": lambda pk: Q(pk__in=_predecessor_villages(pk)),
    }


# The 2025 reorganisation: the old map ends on 30 June 2025, the new one starts on 1 July 2025.
REFORM_DATE = datetime.date(2025, 7, 1)
LEGACY_LAST_DAY = REFORM_DATE - datetime.timedelta(days=1)


def map_on(day: datetime.date) -> str:
    """The administrative map in force on `day`."""
    return AdminMap.LEGACY if day < REFORM_DATE else AdminMap.CURRENT


class AdminMap(models.TextChoices):
    """The administrative map a unit belongs to. Official codes are unique within one map only:
    the new Bắc Ninh has province code 24, the old Bắc Giang's."""

    CURRENT = "2025", _("Từ 1/7/2025")
    LEGACY = "legacy", _("Trước 1/7/2025")


# URLs name a unit by its key: its code on the current map, this prefix and its code on the
# old one (see `communes.access.unit_lookup`).
LEGACY_KEY_PREFIX = "legacy-"


class Unit(models.Model):
    code = models.CharField(_("mã đơn vị hành chính"), max_length=20)
    name = models.CharField(_("tên"), max_length=120)
    search_name = models.CharField(max_length=120, editable=False, db_index=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # A derived search key, not business logic: keeps diacritic-insensitive search a
        # plain indexed lookup on every database.
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def key(self) -> str:
        """What URLs name this unit by."""
        return self.code


class MappedUnit(Unit):
    """A unit of an official map (province, district, commune), with the dates it existed."""

    map = models.CharField(
        _("bản đồ hành chính"), max_length=10, choices=AdminMap.choices, default=AdminMap.CURRENT
    )
    valid_from = models.DateField(_("có hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("có hiệu lực đến"), null=True, blank=True)

    class Meta(Unit.Meta):
        abstract = True

    @property
    def key(self) -> str:
        return self.code if self.map == AdminMap.CURRENT else LEGACY_KEY_PREFIX + self.code

    @property
    def is_legacy(self) -> bool:
        return self.map == AdminMap.LEGACY

    def open_year(self, today: datetime.date) -> int:
        """The year pages open on for this unit: this year, or the last year it existed."""
        return min(today.year, self.valid_to.year) if self.valid_to else today.year


def _map_constraints(model: str) -> list[models.BaseConstraint]:
    # A code is unique within its map. The code comes first in the index so that lookups by
    # code alone use it too.
    return [
        models.UniqueConstraint(fields=["code", "map"], name=f"communes_{model}_code_unique_in_map"),
        models.CheckConstraint(
            condition=Q(valid_from__isnull=True)
            | Q(valid_to__isnull=True)
            | Q(valid_from__lte=F("valid_to")),
            name=f"communes_{model}_validity_ordered",
        ),
    ]


class Province(MappedUnit):
    region = models.ForeignKey(
        Region, verbose_name=_("vùng"), on_delete=models.PROTECT, null=True, blank=True
    )
    # Each old province went whole into one new province in 2025.
    successor = models.ForeignKey(
        "self",
        verbose_name=_("tỉnh kế thừa"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
    )

    objects = ProvinceQuerySet.as_manager()

    class Meta(MappedUnit.Meta):
        verbose_name = _("tỉnh")
        verbose_name_plural = _("tỉnh")
        constraints = _map_constraints("province")


class District(MappedUnit):
    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="districts"
    )

    objects = DistrictQuerySet.as_manager()

    class Meta(MappedUnit.Meta):
        verbose_name = _("huyện")
        verbose_name_plural = _("huyện")
        constraints = _map_constraints("district")


class CommuneKind(models.TextChoices):
    """The kind of a commune-level unit, as the official list gives it."""

    XA = "xa", _("Xã")
    PHUONG = "phuong", _("Phường")
    THI_TRAN = "thi_tran", _("Thị trấn")
    DAC_KHU = "dac_khu", _("Đặc khu")


class Commune(MappedUnit):
    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="communes"
    )
    # Communes of provinces reorganised after 1 July 2025 have no district.
    district = models.ForeignKey(
        District,
        verbose_name=_("huyện"),
        on_delete=models.PROTECT,
        related_name="communes",
        null=True,
        blank=True,
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("vùng"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Để trống để dùng vùng của tỉnh."),
    )
    commune_group = models.PositiveSmallIntegerField(
        _("nhóm xã (2026-2030)"), null=True, blank=True, choices=[(1, "1"), (2, "2"), (3, "3")]
    )
    is_especially_difficult = models.BooleanField(_("xã đặc biệt khó khăn"), default=False)
    is_safe_zone = models.BooleanField(_("xã an toàn khu thuộc huyện nghèo / vừa thoát nghèo"), default=False)
    kind = models.CharField(_("loại đơn vị"), max_length=10, choices=CommuneKind.choices, blank=True)
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)
    # The 2025 lineage: the old communes a new commune was formed from (an old commune split
    # across several new ones has several successors, one of them the default).
    successors = models.ManyToManyField(
        "self",
        through="CommuneSuccession",
        through_fields=("predecessor", "successor"),
        symmetrical=False,
        related_name="predecessors",
        verbose_name=_("xã kế thừa"),
    )

    objects = CommuneQuerySet.as_manager()
    # Who changed a commune when, and the decision cited (the change reason): the province
    # office's changes of groups and flags, and the admin's. The loaders' bulk writes record
    # nothing; `communes.office` records the state before a change when none is recorded yet.
    history = HistoricalRecords(
        excluded_fields=["search_name"], history_change_reason_field=models.TextField(null=True)
    )

    class Meta(MappedUnit.Meta):
        verbose_name = _("xã")
        verbose_name_plural = _("xã")
        constraints = [
            models.CheckConstraint(
                condition=Q(commune_group__isnull=True) | Q(commune_group__in=[1, 2, 3]),
                name="communes_commune_group_range",
            ),
            *_map_constraints("commune"),
        ]

    @property
    def effective_region(self) -> Region | None:
        return self.region or self.province.region

    @property
    def flags(self) -> frozenset[str]:
        """The catalogue's flag names that apply to this commune."""
        names = set()
        if self.is_especially_difficult:
            names.add("dac_biet_kho_khan")
        if self.is_safe_zone:
            names.add("atk_huyen_ngheo_2018_2020")
        return frozenset(names)


class CommuneSuccession(models.Model):
    """One link of the lineage: `predecessor` (old map) became, wholly or in part, `successor`
    (new map) on `valid_from`."""

    predecessor = models.ForeignKey(
        Commune, verbose_name=_("xã trước sắp xếp"), on_delete=models.CASCADE, related_name="successor_links"
    )
    successor = models.ForeignKey(
        Commune, verbose_name=_("xã sau sắp xếp"), on_delete=models.CASCADE, related_name="predecessor_links"
    )
    is_default_successor = models.BooleanField(
        _("xã kế thừa mặc định"),
        default=True,
        help_text=_("Một xã cũ được chia cho nhiều xã mới có đúng một xã kế thừa mặc định."),
    )
    valid_from = models.DateField(_("có hiệu lực từ"), default=REFORM_DATE)

    class Meta:
        verbose_name = _("kế thừa xã")
        verbose_name_plural = _("kế thừa xã")
        ordering = ["predecessor__name", "successor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="communes_succession_unique_pair"
            ),
            models.UniqueConstraint(
                fields=["predecessor"],
                condition=Q(is_default_successor=True),
                name="communes_succession_one_default",
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")), name="communes_succession_not_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Village(Unit):
    # Villages have no official list (and no map): their codes are unique across the country.
    code = models.CharField(_("mã đơn vị hành chính"), max_length=20, unique=True)
    commune = models.ForeignKey(
        Commune, verbose_name=_("xã"), on_delete=models.PROTECT, related_name="villages"
    )
    # A commune records which villages a village was merged or renamed from.
    predecessors = models.ManyToManyField(
        "self", verbose_name=_("thôn trước sắp xếp"), symmetrical=False, blank=True, related_name="successors"
    )

    objects = VillageQuerySet.as_manager()

    class Meta(Unit.Meta):
        verbose_name = _("thôn")
        verbose_name_plural = _("thôn")


class Role(models.Model):
    """A user's role, bound to exactly the one unit that role works at."""

    class Kind(models.TextChoices):
        COMMUNE_OFFICER = "commune_officer", _("Cán bộ NTM xã")
        VILLAGE_HEAD = "village_head", _("Trưởng thôn")
        DISTRICT_COMMITTEE = "district_committee", _("Ban Chỉ đạo huyện")
        PROVINCE_OFFICE = "province_office", _("Văn phòng điều phối tỉnh")

    # Which unit field each kind is bound to. A province office of a province without
    # districts plays the district committee's part for its communes.
    LEVEL_OF_KIND = {
        Kind.COMMUNE_OFFICER: "commune",
        Kind.VILLAGE_HEAD: "village",
        Kind.DISTRICT_COMMITTEE: "district",
        Kind.PROVINCE_OFFICE: "province",
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="roles",
    )
    kind = models.CharField(_("vai trò"), max_length=30, choices=Kind.choices)
    province = models.ForeignKey(
        Province, verbose_name=_("tỉnh"), on_delete=models.CASCADE, null=True, blank=True
    )
    district = models.ForeignKey(
        District, verbose_name=_("huyện"), on_delete=models.CASCADE, null=True, blank=True
    )
    commune = models.ForeignKey(
        Commune, verbose_name=_("xã"), on_delete=models.CASCADE, null=True, blank=True
    )
    village = models.ForeignKey(
        Village, verbose_name=_("thôn"), on_delete=models.CASCADE, null=True, blank=True
    )

    # Who gave and who took away a role, and when: a role taken away is deleted, its last
    # state stays here.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="commune_officer",
                        commune__isnull=False,
                        province__isnull=True,
                        district__isnull=True,
                        village__isnull=True,
                    )
                    | Q(
                        kind="village_head",
                        village__isnull=False,
                        province__isnull=True,
                        district__isnull=True,
                        commune__isnull=True,
                    )
                    | Q(
                        kind="district_committee",
                        district__isnull=False,
                        province__isnull=True,
                        commune__isnull=True,
                        village__isnull=True,
                    )
                    | Q(
                        kind="province_office",
                        province__isnull=False,
                        district__isnull=True,
                        commune__isnull=True,
                        village__isnull=True,
                    )
                ),
                name="communes_role_bound_to_its_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()} {self.unit}"

    @property
    def unit_level(self) -> str:
        return self.LEVEL_OF_KIND[self.kind]

    @property
    def unit_id(self) -> int:
        return getattr(self, f"{self.unit_level}_id")

    @property
    def unit(self):
        return getattr(self, self.unit_level)


def roles_of(user) -> list[Role]:
    """The roles of `user` with their units, fetched once and kept on the user object for the
    rest of the request."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_ntm_roles"):
        user._ntm_roles = list(
            Role.objects.filter(user=user).select_related(
                "province", "district", "commune", "village", "village__commune"
            )
        )
    return user._ntm_roles


class OneTimeCode(models.Model):
    """A code the province office hands over in person so that a user sets their own password
    without e-mail: shown once, stored hashed, valid for a few days, good for one use. A user
    has at most one open code; a new one replaces it."""

    class Outcome(models.TextChoices):
        USED = "used", _("Đã dùng")
        REPLACED = "replaced", _("Đã thay bằng mã mới")
        WITHDRAWN = "withdrawn", _("Đã hủy")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="one_time_codes",
    )
    code_hash = models.CharField(_("mã (đã băm)"), max_length=128)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cấp"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("cấp lúc"))
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    ended_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("mã đặt lại mật khẩu")
        verbose_name_plural = _("mã đặt lại mật khẩu")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(ended_at__isnull=True),
                name="communes_onetimecode_one_open_per_user",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, outcome="") | Q(ended_at__isnull=False) & ~Q(outcome=""),
                name="communes_onetimecode_ended_with_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.issued_at:%Y-%m-%d %H:%M}"

    def is_usable_at(self, moment: datetime.datetime) -> bool:
        return self.ended_at is None and moment < self.expires_at
