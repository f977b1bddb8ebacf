"""Helpers for the plans tests: a plan with work items allocated to villages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from plans.deadlines import VN_TZ
from plans.models import Plan, WorkItem
from plans.services import allocation_save

from .factories import VillageFactory


def make_plan(
    commune,
    year: int = 2024,
    items=(("Trồng hàng rào xanh", "m", "3200"),),
    villages=None,
    created_at: datetime | None = None,
    document_date: date | None = None,
) -> Plan:
    """A plan of `commune` whose items are split evenly over its villages (the last village
    takes the remainder). Unless told otherwise it was created on the last day of the year
    before, so every week of its year is due."""
    plan = Plan.objects.create(
        commune=commune,
        year=year,
        name=f"Kế hoạch {year}",
        target_title="keep_ntm",
        created_at=created_at or datetime(year - 1, 12, 31, 12, 0, tzinfo=VN_TZ),
        document_date=document_date,
    )
    villages = list(villages if villages is not None else commune.villages.all())
    cells = {}
    for order, (name, unit, quantity) in enumerate(items):
        item = WorkItem.objects.create(
            plan=plan, name=name, unit=unit, quantity=Decimal(quantity), order=order
        )
        share = (item.quantity / len(villages)).quantize(Decimal("0.001")) if villages else Decimal(0)
        for position, village in enumerate(villages):
            last = position == len(villages) - 1
            cells[(item.pk, village.pk)] = item.quantity - share * (len(villages) - 1) if last else share
    if cells:
        allocation_save(plan=plan, cells=cells)
    return plan


def add_villages(commune, count: int) -> list:
    return [VillageFactory(commune=commune) for _ in range(count)]


def make_jpeg(
    width: int = 2400,
    height: int = 1800,
    *,
    taken: str | None = "2024:03:20 08:15:00",
    gps: tuple[tuple[float, float, float], tuple[float, float, float]] | None = (
        (18.0, 31.0, 12.5),
        (105.0, 25.0, 30.0),
    ),
    orientation: int = 1,
) -> bytes:
    """A real JPEG made by Pillow, with EXIF DateTimeOriginal and a GPS IFD unless told not to."""
    import io

    from PIL import ExifTags, Image

    image = Image.new("RGB", (width, height), (30, 120, 40))
    image.paste((200, 60, 60), (0, 0, width // 3, height // 3))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "TestCam"
    if taken:
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
    if gps:
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        info[ExifTags.GPS.GPSLatitudeRef], info[ExifTags.GPS.GPSLatitude] = "N", gps[0]
        info[ExifTags.GPS.GPSLongitudeRef], info[ExifTags.GPS.GPSLongitude] = "E", gps[1]
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def has_gps(content: bytes) -> bool:
    import io

    from PIL import ExifTags, Image

    with Image.open(io.BytesIO(content)) as image:
        return bool(image.getexif().get_ifd(ExifTags.IFD.GPSInfo)) or "exif" in image.info
