"""The photo of a daily report, made safe and small: opened with Pillow (anything else is
refused), turned upright from its EXIF orientation, shrunk to at most 1600 px on its long side,
re-encoded as JPEG without any metadata. The EXIF shooting time is returned for its model
field; the GPS position is returned too, and the service keeps it (in model fields only, never
in the stored file) when the user ticked "giữ vị trí chụp ảnh". No ORM here."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from .deadlines import VN_TZ

MAX_BYTES = 15 * 1024 * 1024
MAX_SIDE = 1600
THUMB_SIDE = 320
JPEG_QUALITY = 82
# Larger images are refused before decoding (a "decompression bomb").
MAX_PIXELS = 80_000_000


@dataclass(frozen=True)
class ProcessedPhoto:
    content: bytes
    thumbnail: bytes
    width: int
    height: int
    taken_at: datetime | None
    latitude: Decimal | None
    longitude: Decimal | None


def photo_process(upload, *, label: str) -> ProcessedPhoto:
    """Read an uploaded file (anything with read/seek and optionally size) as a photo; a
    ValidationError naming the field `label` for an empty, oversized or non-image file."""
    if upload is None:
        raise ValidationError(_("%(field)s: hãy chọn hoặc chụp một ảnh.") % {"field": label})
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(
            _("%(field)s: ảnh quá lớn (tối đa %(limit)s MB).") % {"field": label, "limit": MAX_BYTES // 2**20}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as source:
            if source.width * source.height > MAX_PIXELS:
                raise ValidationError(_("%(field)s: ảnh có quá nhiều điểm ảnh.") % {"field": label})
            source.load()
            exif = source.getexif()
            image = ImageOps.exif_transpose(source)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("%(field)s: tệp này không phải là ảnh (JPEG, PNG…) hoặc ảnh bị hỏng.") % {"field": label}
        ) from error
    image = _flatten(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    latitude, longitude = gps_position(exif)
    return ProcessedPhoto(
        content=_jpeg(image),
        thumbnail=_jpeg(_thumbnail(image)),
        width=image.width,
        height=image.height,
        taken_at=taken_at(exif),
        latitude=latitude,
        longitude=longitude,
    )


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white (transparent PNGs), and a fresh image that carries no metadata at all."""
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    clean = image.convert("RGB")
    clean.info = {}
    return clean


def _thumbnail(image: Image.Image) -> Image.Image:
    small = image.copy()
    small.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    small.info = {}
    return small


def _jpeg(image: Image.Image) -> bytes:
    # No exif=, icc_profile= or xmp= arguments: the stored file has no metadata.
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def taken_at(exif: Image.Exif) -> datetime | None:
    """EXIF DateTimeOriginal ("2023:03:20 08:15:00"), read as Vietnam time; None if absent
    or unreadable."""
    text = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal)
    if not isinstance(text, str):
        return None
    try:
        return datetime.strptime(text.strip("\x00 "), "%Y:%m:%d %H:%M:%S").replace(tzinfo=VN_TZ)
    except ValueError:
        return None


def gps_position(exif: Image.Exif) -> tuple[Decimal | None, Decimal | None]:
    """(latitude, longitude) in degrees with six decimals from the GPS IFD, or (None, None)."""
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    try:
        latitude = _degrees(gps[ExifTags.GPS.GPSLatitude], gps.get(ExifTags.GPS.GPSLatitudeRef, "N"))
        longitude = _degrees(gps[ExifTags.GPS.GPSLongitude], gps.get(ExifTags.GPS.GPSLongitudeRef, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError, InvalidOperation):
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None
    return latitude, longitude


def _degrees(value, ref) -> Decimal:
    degrees, minutes, seconds = (Decimal(str(float(part))) for part in value)
    result = degrees + minutes / 60 + seconds / 3600
    if str(ref).strip("\x00 ").upper() in ("S", "W"):
        result = -result
    return result.quantize(Decimal("0.000001"))
