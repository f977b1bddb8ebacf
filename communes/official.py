"""The official administrative units of both maps and the 2025 lineage, read from the pinned
`vietnamadminunits` package (requirements.txt): its SQLite dataset (`admin_units_legacy`, the
63 provinces, 696 districts and their communes before 1 July 2025; `admin_units`, the 34
provinces and 3,321 commune-level units after it) and its conversion table
`converter_2025.json` (old province → new province; old commune → new commune, or → several
new communes with one marked as the default).

The data is read from the installed package at run time, never copied into this repository and
never fetched. Pure reading: no models.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from importlib import metadata, resources

PACKAGE = "vietnamadminunits"

# The unit types the dataset gives, as `communes.models.CommuneKind` values.
KINDS = {"Xã": "xa", "Phường": "phuong", "Thị trấn": "thi_tran", "Đặc khu": "dac_khu"}


class OfficialListError(RuntimeError):
    """The package is missing or its data is not what this reader understands."""


@dataclass(frozen=True)
class ProvinceRow:
    code: str
    name: str


@dataclass(frozen=True)
class DistrictRow:
    code: str
    name: str
    province: str


@dataclass(frozen=True)
class CommuneRow:
    code: str
    name: str
    province: str
    district: str | None
    kind: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Succession:
    predecessor: str  # a commune code on the old map
    successor: str  # a commune code on the new map
    is_default: bool


@dataclass
class OfficialList:
    version: str
    legacy_provinces: list[ProvinceRow] = field(default_factory=list)
    legacy_districts: list[DistrictRow] = field(default_factory=list)
    legacy_communes: list[CommuneRow] = field(default_factory=list)
    provinces: list[ProvinceRow] = field(default_factory=list)
    communes: list[CommuneRow] = field(default_factory=list)
    # Old province code → new province code (each old province went whole into one new one).
    province_successors: dict[str, str] = field(default_factory=dict)
    successions: list[Succession] = field(default_factory=list)
    # Old districts that had no commune (the island districts), with the new unit that took
    # their place: old district code → new commune code.
    district_successors: dict[str, str] = field(default_factory=dict)

    def restricted_to(self, province_codes: set[str]) -> OfficialList:
        """The part of the list about the new provinces `province_codes`: those provinces and
        their communes, the old provinces that went into them with their districts and
        communes, and the lineage between these (a smaller load, for demos and tests)."""
        legacy = {code for code, new in self.province_successors.items() if new in province_codes}
        communes = [row for row in self.communes if row.province in province_codes]
        legacy_communes = [row for row in self.legacy_communes if row.province in legacy]
        kept = {row.code for row in communes} | {row.code for row in legacy_communes}
        return OfficialList(
            version=self.version,
            legacy_provinces=[row for row in self.legacy_provinces if row.code in legacy],
            legacy_districts=[row for row in self.legacy_districts if row.province in legacy],
            legacy_communes=legacy_communes,
            provinces=[row for row in self.provinces if row.code in province_codes],
            communes=communes,
            province_successors={
                code: new for code, new in self.province_successors.items() if code in legacy
            },
            successions=[
                link for link in self.successions if link.predecessor in kept and link.successor in kept
            ],
            district_successors={
                code: new
                for code, new in self.district_successors.items()
                if new in {row.code for row in communes}
            },
        )


def read_official_list() -> OfficialList:
    """Both maps and the lineage between them, from the installed package."""
    try:
        version = metadata.version(PACKAGE)
        data = resources.files(PACKAGE) / "data"
    except (metadata.PackageNotFoundError, ModuleNotFoundError) as error:
        raise OfficialListError(f"Chưa cài gói {PACKAGE} (pip install -r requirements.txt).") from error
    with resources.as_file(data / "dataset.db") as path:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            connection.row_factory = sqlite3.Row
            legacy = connection.execute("SELECT * FROM admin_units_legacy ORDER BY wardCode").fetchall()
            current = connection.execute("SELECT * FROM admin_units ORDER BY wardCode").fetchall()
        finally:
            connection.close()
    converter = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
    official = OfficialList(version=version)
    keys = _read_units(official, legacy, current)
    _read_lineage(official, converter, keys)
    return official


@dataclass
class _Keys:
    """The package's name keys (how its conversion table names units) → official codes."""

    legacy_provinces: dict[str, str] = field(default_factory=dict)
    legacy_districts: dict[str, str] = field(default_factory=dict)
    legacy_communes: dict[str, str] = field(default_factory=dict)
    provinces: dict[str, str] = field(default_factory=dict)
    communes: dict[tuple[str, str], str] = field(default_factory=dict)


def _read_units(official: OfficialList, legacy: list, current: list) -> _Keys:
    keys = _Keys()
    provinces: dict[str, ProvinceRow] = {}
    districts: dict[str, DistrictRow] = {}
    for row in legacy:
        province, district = row["provinceCode"], row["districtCode"]
        provinces.setdefault(province, ProvinceRow(province, row["provinceShort"]))
        districts.setdefault(district, DistrictRow(district, row["districtShort"], province))
        keys.legacy_provinces[row["provinceKey"]] = province
        district_key = f"{row['provinceKey']}_{row['districtKey']}_"
        keys.legacy_districts[district_key] = district
        if not row["wardCode"]:
            continue  # a district without communes (the island districts)
        official.legacy_communes.append(_commune(row, province, district))
        keys.legacy_communes[district_key + row["wardKey"]] = row["wardCode"]
    official.legacy_provinces = sorted(provinces.values(), key=lambda item: item.code)
    official.legacy_districts = sorted(districts.values(), key=lambda item: item.code)
    provinces = {}
    for row in current:
        province = row["provinceCode"]
        provinces.setdefault(province, ProvinceRow(province, row["provinceShort"]))
        keys.provinces[row["provinceKey"]] = province
        official.communes.append(_commune(row, province, None))
        keys.communes[(row["provinceKey"], row["wardKey"])] = row["wardCode"]
    official.provinces = sorted(provinces.values(), key=lambda item: item.code)
    _check_unique(official)
    return keys


def _commune(row, province: str, district: str | None) -> CommuneRow:
    kind = KINDS.get(row["wardType"])
    if kind is None:
        raise OfficialListError(f"Loại đơn vị không rõ “{row['wardType']}” (mã {row['wardCode']}).")
    return CommuneRow(
        code=row["wardCode"],
        name=row["wardShort"],
        province=province,
        district=district,
        kind=kind,
        latitude=row["wardLat"],
        longitude=row["wardLon"],
    )


def _check_unique(official: OfficialList) -> None:
    for label, rows in [
        ("tỉnh trước 1/7/2025", official.legacy_provinces),
        ("huyện trước 1/7/2025", official.legacy_districts),
        ("xã trước 1/7/2025", official.legacy_communes),
        ("tỉnh từ 1/7/2025", official.provinces),
        ("xã từ 1/7/2025", official.communes),
    ]:
        codes = [row.code for row in rows]
        if len(codes) != len(set(codes)):
            raise OfficialListError(f"Mã {label} bị trùng trong gói {PACKAGE}.")


def _read_lineage(official: OfficialList, converter: dict, keys: _Keys) -> None:
    try:
        for new_key, old_keys in converter["DICT_PROVINCE"].items():
            for old_key in old_keys:
                official.province_successors[keys.legacy_provinces[old_key]] = keys.provinces[new_key]
        # Old communes that went whole into one new commune.
        for province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
            for ward_key, old_keys in wards.items():
                successor = keys.communes[(province_key, ward_key)]
                for old_key in old_keys:
                    if old_key in keys.legacy_districts:
                        official.district_successors[keys.legacy_districts[old_key]] = successor
                    else:
                        official.successions.append(
                            Succession(keys.legacy_communes[old_key], successor, True)
                        )
        # Old communes split across several new communes, one of them the default successor.
        for province_key, old_communes in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
            for old_key, parts in old_communes.items():
                predecessor = keys.legacy_communes[old_key]
                if sum(bool(part["isDefaultNewWard"]) for part in parts) != 1:
                    raise OfficialListError(f"Xã cũ mã {predecessor} không có đúng một xã kế thừa mặc định.")
                for part in parts:
                    successor = keys.communes[(province_key, part["newWardKey"])]
                    official.successions.append(
                        Succession(predecessor, successor, bool(part["isDefaultNewWard"]))
                    )
    except KeyError as error:
        raise OfficialListError(
            f"Bảng chuyển đổi của gói {PACKAGE} nhắc tới đơn vị không có: {error}"
        ) from error
