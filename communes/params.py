"""What the pages read from their query string: a year and a code. Both come in as any text;
what the database cannot hold (a NUL byte, a year beyond its integers) never reaches it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

# The years the app records (assessments, plans, targets) and pages ask for.
YEAR_MIN = 2000
YEAR_MAX = 2100


def parse_year(text: str | None) -> int | None:
    """`text` as a year between YEAR_MIN and YEAR_MAX, or None."""
    try:
        year = int(text or "")
    except ValueError:
        return None
    return year if YEAR_MIN <= year <= YEAR_MAX else None


def asked_year(request: HttpRequest) -> int | None:
    """?year=, or None when absent. A year that is not one (negative, huge, a word) is None
    too, with a message once per request: the page shows its default year instead."""
    text = request.GET.get("year", "")
    year = parse_year(text)
    if text and year is None and not getattr(request, "year_refused", False):
        request.year_refused = True
        messages.warning(
            request,
            _("Năm không hợp lệ: cần một năm từ %(first)s đến %(last)s; trang hiển thị năm mặc định.")
            % {"first": YEAR_MIN, "last": YEAR_MAX},
        )
    return year


def asked_code(request: HttpRequest, name: str) -> str:
    """The code given as ?<name>= (or posted), "" when absent; Http404 for one with a NUL byte,
    which PostgreSQL refuses in text and no code contains."""
    text = request.GET.get(name) or request.POST.get(name) or ""
    if "\x00" in text:
        raise Http404
    return text
