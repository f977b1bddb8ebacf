"""Services of the communes app: writes that span several models."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from .models import LEGACY_LAST_DAY, REFORM_DATE, AdminMap, Commune, CommuneSuccession, District, Province
from .official import OfficialList, OfficialListError, read_official_list
from .signals import classification_changed
from .text import fold

BATCH_SIZE = 1000


@dataclass
class SyncCount:
    """What one load did to one kind of row."""

    total: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    # Rows already on the map that the official list does not have (kept as they are).
    not_listed: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


@dataclass
class OfficialLoadResult:
    version: str
    counts: dict[str, SyncCount] = field(default_factory=dict)
    # Old districts without communes (the island districts) and the new unit that took their place.
    district_successors: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return sum(count.changed for count in self.counts.values())


# The kinds of row a load writes, in the order it writes them (and reports them).
LOAD_STEPS = [
    "provinces",
    "communes",
    "legacy_provinces",
    "legacy_districts",
    "legacy_communes",
    "successions",
]


@transaction.atomic
def official_units_load(
    *, official: OfficialList | None = None, provinces: set[str] | None = None
) -> OfficialLoadResult:
    """Create or update the official units of both maps and the lineage between them, keyed by
    (map, code). Idempotent: a second load changes nothing. Units the list does not have are
    kept, and so are the fields it does not give (regions, commune groups, flags, villages);
    the old units end on 30 June 2025 and the new ones start on 1 July 2025. With `provinces`
    (codes on the new map), only those provinces and the old ones they were formed from."""
    official = official or read_official_list()
    if provinces:
        unknown = provinces - {row.code for row in official.provinces}
        if unknown:
            raise OfficialListError(
                f"Không có tỉnh mã {', '.join(sorted(unknown))} trong danh mục từ 1/7/2025."
            )
        official = official.restricted_to(provinces)
    result = OfficialLoadResult(version=official.version, district_successors=official.district_successors)
    counts = result.counts = {step: SyncCount() for step in LOAD_STEPS}
    current, legacy = AdminMap.CURRENT, AdminMap.LEGACY

    provinces = _sync(
        Province,
        current,
        {row.code: {"name": row.name, "valid_from": REFORM_DATE} for row in official.provinces},
        counts["provinces"],
    )
    moved: list[int] = []
    communes = _sync(
        Commune,
        current,
        {
            row.code: {
                "name": row.name,
                "province_id": provinces[row.province],
                "district_id": None,
                "kind": row.kind,
                "latitude": row.latitude,
                "longitude": row.longitude,
                "valid_from": REFORM_DATE,
            }
            for row in official.communes
        },
        counts["communes"],
        moved=moved,
    )
    legacy_provinces = _sync(
        Province,
        legacy,
        {
            row.code: {
                "name": row.name,
                "successor_id": provinces[official.province_successors[row.code]],
                "valid_to": LEGACY_LAST_DAY,
            }
            for row in official.legacy_provinces
        },
        counts["legacy_provinces"],
    )
    districts = _sync(
        District,
        legacy,
        {
            row.code: {
                "name": row.name,
                "province_id": legacy_provinces[row.province],
                "valid_to": LEGACY_LAST_DAY,
            }
            for row in official.legacy_districts
        },
        counts["legacy_districts"],
    )
    legacy_communes = _sync(
        Commune,
        legacy,
        {
            row.code: {
                "name": row.name,
                "province_id": legacy_provinces[row.province],
                "district_id": districts[row.district],
                "kind": row.kind,
                "latitude": row.latitude,
                "longitude": row.longitude,
                "valid_to": LEGACY_LAST_DAY,
            }
            for row in official.legacy_communes
        },
        counts["legacy_communes"],
        moved=moved,
    )
    _sync_successions(
        {
            (legacy_communes[link.predecessor], communes[link.successor]): link.is_default
            for link in official.successions
        },
        counts["successions"],
        listed={legacy_communes[row.code] for row in official.legacy_communes}
        | {communes[row.code] for row in official.communes},
    )
    if moved:
        # Their thresholds depend on their province.
        classification_changed.send(sender=Commune, commune_ids=moved)
    return result


def _sync(
    model, unit_map: str, rows: dict[str, dict], count: SyncCount, moved: list[int] | None = None
) -> dict:
    """Create or update `model`'s units of `unit_map` from `rows` (code → field values by
    attribute name); return every unit of the map as code → pk."""
    existing = {unit.code: unit for unit in model.objects.filter(map=unit_map)}
    fields = sorted({name for values in rows.values() for name in values})
    created, updated = [], []
    for code, values in rows.items():
        unit = existing.get(code)
        if unit is None:
            created.append(model(map=unit_map, code=code, search_name=fold(values["name"]), **values))
            continue
        changes = {name: value for name, value in values.items() if getattr(unit, name) != value}
        if not changes:
            continue
        if moved is not None and "province_id" in changes:
            moved.append(unit.pk)
        for name, value in changes.items():
            setattr(unit, name, value)
        unit.search_name = fold(unit.name)
        updated.append(unit)
    model.objects.bulk_create(created, batch_size=BATCH_SIZE)
    model.objects.bulk_update(updated, [*fields, "search_name"], batch_size=BATCH_SIZE)
    count.total, count.created, count.updated = len(rows), len(created), len(updated)
    count.not_listed = len(existing.keys() - rows.keys())
    return dict(model.objects.filter(map=unit_map).values_list("code", "pk"))


def _sync_successions(wanted: dict[tuple[int, int], bool], count: SyncCount, *, listed: set[int]) -> None:
    """Make the links between listed communes (`listed`: their pks) those of the list; links
    that involve a commune the list does not have (entered by hand) are left alone."""
    existing = {
        (link.predecessor_id, link.successor_id): link
        for link in CommuneSuccession.objects.all()
        if link.predecessor_id in listed and link.successor_id in listed
    }
    stale = [link.pk for pair, link in existing.items() if pair not in wanted]
    if stale:
        CommuneSuccession.objects.filter(pk__in=stale).delete()
    # A default moves in two steps, so that a predecessor never has two defaults at once.
    demoted, promoted = [], []
    for pair, is_default in wanted.items():
        link = existing.get(pair)
        if link is not None and link.is_default_successor != is_default:
            link.is_default_successor = is_default
            (promoted if is_default else demoted).append(link)
    for links in (demoted, promoted):
        CommuneSuccession.objects.bulk_update(links, ["is_default_successor"], batch_size=BATCH_SIZE)
    CommuneSuccession.objects.bulk_create(
        [
            CommuneSuccession(predecessor_id=pair[0], successor_id=pair[1], is_default_successor=is_default)
            for pair, is_default in wanted.items()
            if pair not in existing
        ],
        batch_size=BATCH_SIZE,
    )
    count.total = len(wanted)
    count.created = len(wanted.keys() - existing.keys())
    count.updated = len(demoted) + len(promoted)
    count.deleted = len(stale)
