"""Parsing and checking typed indicator values: pure functions, no ORM.

Officials type numbers the Vietnamese way ("2,21", "1.234,5") or the English way ("2.21",
"1,234.5"). A separator that occurs several times, or before the other one, groups thousands;
otherwise a comma is the decimal separator. A single dot is the decimal separator too, except
where the Vietnamese reading is possible ("1.234", three digits after it) and the value is not
a percentage: then it groups thousands (1.234 = 1234), Vietnamese first.

This is the one reader of typed numbers: the entry form, the Excel import and the plans forms
call `parse_number`, and static/js/numbers.js repeats it for the browser. Both are checked
against the cases in parsing_cases.json (tests/criteria/test_parsing_parity.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .evaluation import Kind

NUMBER_MAX = Decimal("999999999")
PLACES = Decimal("0.0001")
# ASCII digits and an explicit list of spaces only, so that the JavaScript copy (whose \d and
# \s differ from Python's) reads exactly the same strings.
_SHAPE = re.compile(r"^[+-]?[0-9][0-9.,]*$|^[+-]?[.,][0-9]+$")
_IGNORED = re.compile(r"[ \t\n\r\f\v\u00a0\u2007\u2009\u202f%]")


class ParseError(ValueError):
    """Raised with a message for the user when a typed number cannot be read."""


def parse_number(text: str, *, percent: bool = False) -> Decimal:
    """Read a typed number; raise ParseError with a user-facing message when it is not one.

    `percent` reads a lone "12.345" as a decimal: a percentage cannot be twelve thousand."""
    cleaned = _IGNORED.sub("", text or "")
    if not cleaned or not _SHAPE.match(cleaned):
        raise ParseError(_("“%(text)s” không phải là số.") % {"text": text.strip()})
    normalised = _normalise_separators(cleaned, dot_groups=not percent)
    if normalised is None:
        raise ParseError(_("“%(text)s” không phải là số.") % {"text": text.strip()})
    try:
        return Decimal(normalised)
    except InvalidOperation as error:
        raise ParseError(_("“%(text)s” không phải là số.") % {"text": text.strip()}) from error


def _normalise_separators(text: str, dot_groups: bool = True) -> str | None:
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        if text.count(decimal_sep) > 1 or text.find(group_sep) > text.find(decimal_sep):
            return None
        whole, fraction = text.split(decimal_sep)
        return _ungroup(whole, group_sep) and f"{_ungroup(whole, group_sep)}.{fraction}"
    separator = "," if commas else "." if dots else ""
    if separator == "." and dots == 1 and dot_groups and _ungroup(text, ".") is not None:
        return _ungroup(text, ".")
    if not separator or text.count(separator) == 1:
        return text.replace(",", ".")
    return _ungroup(text, separator)


def _ungroup(whole: str, separator: str) -> str | None:
    """Remove thousands separators, which must stand every three digits."""
    sign = whole[0] if whole[:1] in "+-" else ""
    parts = whole[len(sign) :].split(separator)
    if not (1 <= len(parts[0]) <= 3) or any(len(part) != 3 for part in parts[1:]):
        return None
    return sign + "".join(parts)


def check_number(kind: Kind, number: Decimal) -> str | None:
    """The problem with a number for an indicator of `kind`, or None when it is acceptable."""
    if not number.is_finite():
        return _("Giá trị không hợp lệ.")
    if kind.is_percent and not (0 <= number <= 100):
        return _("Tỷ lệ phải nằm trong khoảng 0 đến 100.")
    if not (0 <= number <= NUMBER_MAX):
        return _("Số phải nằm trong khoảng 0 đến 999.999.999.")
    return None


def check_value(kind: Kind, value, levels: Sequence[str] = ()) -> str | None:
    """The problem with a typed value (bool, Decimal, level name or None), or None."""
    if value is None:
        return None
    if kind is Kind.BOOL:
        return None if isinstance(value, bool) else _("Chọn Có hoặc Không.")
    if kind is Kind.LEVEL:
        return None if value in levels else _("Mức không có trong danh sách.")
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        return _("Giá trị không phải là số.")
    return check_number(kind, Decimal(value))


def rounded(number: Decimal) -> Decimal:
    """Round to the four decimal places the database keeps."""
    return number.quantize(PLACES, rounding=ROUND_HALF_UP)
