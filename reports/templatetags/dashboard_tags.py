from decimal import Decimal

from django import template
from django.http import QueryDict

from criteria.evaluation import format_number

register = template.Library()

# The parameters a drill-down link keeps from the current page; filters are replaced.
KEPT = ("set", "year")


@register.simple_tag(takes_context=True)
def drill(context, **params) -> str:
    """A query string that keeps the page's set and year and applies `params` (the filters
    behind a number): {% drill band="15-18" %} → "?set=...&year=2024&band=15-18"."""
    current = context["request"].GET
    query = QueryDict(mutable=True)
    for key in KEPT:
        if current.get(key):
            query[key] = current[key]
    for key, value in params.items():
        if value not in (None, ""):
            query[key] = value
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def with_sort(context, sort: str) -> str:
    """The current query string with another sort order."""
    query = context["request"].GET.copy()
    query["sort"] = sort
    return "?" + query.urlencode()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def vn_number(value) -> str:
    """A number in the active language's format (3.200 / 0,38), without trailing zeros."""
    if value is None or value == "":
        return ""
    return format_number(Decimal(value))
