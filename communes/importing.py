"""Import administrative units from a CSV or Excel list of official codes.

Each row names a province, optionally a district, optionally a commune and optionally a village
(codes and names), all on the current map (`AdminMap.CURRENT`; the official lists of both maps come
from `manage.py load_official_units`). Every row is checked before anything is written; on any error nothing is
written and every error is reported with its line number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .models import AdminMap, Commune, District, Province, Region, Village
from .signals import classification_changed

COLUMNS = [
    "province_code",
    "province_name",
    "district_code",
    "district_name",
    "commune_code",
    "commune_name",
    "village_code",
    "village_name",
]
OPTIONAL_COLUMNS = ["region"]
MAX_ROWS = 200_000


class ImportError_(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    provinces: int = 0
    districts: int = 0
    communes: int = 0
    villages: int = 0
    errors: list[str] = field(default_factory=list)


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows with their line numbers (the header is line 1)."""
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path)
    if path.suffix.lower() == ".csv":
        text = path.read_bytes().decode("utf-8-sig")
        reader = csv.DictReader(io.StringIO(text))
        _check_header(reader.fieldnames or [])
        return [(number, _clean(row)) for number, row in enumerate(reader, start=2)]
    raise ImportError_([_("Tệp phải là .csv hoặc .xlsx: %(name)s") % {"name": path.name}])


def _read_xlsx(path: Path) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    rows = workbook.active.iter_rows(values_only=True)
    header = [str(cell or "").strip() for cell in next(rows, [])]
    _check_header(header)
    result = []
    for number, values in enumerate(rows, start=2):
        if not any(value not in (None, "") for value in values):
            continue
        result.append((number, _clean(dict(zip(header, values, strict=False)))))
    return result


def _check_header(header: list[str]) -> None:
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise ImportError_([_("Dòng 1: thiếu cột %(columns)s") % {"columns": ", ".join(missing)}])


def _clean(row: dict) -> dict[str, str]:
    return {key: "" if value is None else str(value).strip() for key, value in row.items() if key}


def validate(rows: list[tuple[int, dict[str, str]]]) -> list[str]:
    errors = []
    if len(rows) > MAX_ROWS:
        return [_("Tệp quá lớn: tối đa %(max)s dòng") % {"max": MAX_ROWS}]
    regions = set(Region.objects.values_list("code", flat=True))
    names: dict[tuple[str, str], tuple[str, int]] = {}
    for number, row in rows:
        for level in ("province", "district", "commune", "village"):
            code, name = row.get(f"{level}_code", ""), row.get(f"{level}_name", "")
            if bool(code) != bool(name):
                errors.append(
                    _("Dòng %(line)s: cần cả mã và tên ở cột %(level)s") % {"line": number, "level": level}
                )
            elif code:
                seen = names.setdefault((level, code), (name, number))
                if seen[0] != name:
                    errors.append(
                        _("Dòng %(line)s: mã %(code)s đã mang tên “%(other)s” ở dòng %(first)s")
                        % {"line": number, "code": code, "other": seen[0], "first": seen[1]}
                    )
        if not row.get("province_code"):
            errors.append(_("Dòng %(line)s: thiếu mã tỉnh") % {"line": number})
        if row.get("village_code") and not row.get("commune_code"):
            errors.append(_("Dòng %(line)s: thôn phải thuộc một xã") % {"line": number})
        if row.get("region") and row["region"] not in regions:
            errors.append(
                _("Dòng %(line)s: vùng không hợp lệ “%(region)s”") % {"line": number, "region": row["region"]}
            )
    return errors


@transaction.atomic
def import_units(rows: list[tuple[int, dict[str, str]]]) -> ImportResult:
    errors = validate(rows)
    if errors:
        raise ImportError_(errors)
    result = ImportResult()
    regions = {region.code: region for region in Region.objects.all()}
    # What the communes' thresholds depend on before the import, to re-evaluate those it changes.
    # (Every commune in one query: a filter by the file's codes would pass too many parameters.)
    before = {
        code: (province_id, region_id)
        for code, province_id, region_id in Commune.objects.filter(map=AdminMap.CURRENT).values_list(
            "code", "province_id", "region_id"
        )
    }
    reclassified = []
    for _number, row in rows:
        province, created = Province.objects.update_or_create(
            map=AdminMap.CURRENT, code=row["province_code"], defaults={"name": row["province_name"]}
        )
        result.provinces += created
        district = None
        if row.get("district_code"):
            district, created = District.objects.update_or_create(
                map=AdminMap.CURRENT,
                code=row["district_code"],
                defaults={"name": row["district_name"], "province": province},
            )
            result.districts += created
        if not row.get("commune_code"):
            continue
        defaults = {"name": row["commune_name"], "province": province, "district": district}
        if row.get("region"):
            defaults["region"] = regions[row["region"]]
        commune, created = Commune.objects.update_or_create(
            map=AdminMap.CURRENT, code=row["commune_code"], defaults=defaults
        )
        result.communes += created
        if not created and before.get(commune.code) != (commune.province_id, commune.region_id):
            reclassified.append(commune.pk)
        if row.get("village_code"):
            _village, created = Village.objects.update_or_create(
                code=row["village_code"], defaults={"name": row["village_name"], "commune": commune}
            )
            result.villages += created
    if reclassified:
        classification_changed.send(sender=Commune, commune_ids=reclassified)
    return result
