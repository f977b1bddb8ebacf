"""Template filters for criteria codes: the words of an evaluation status."""

from __future__ import annotations

from django import template

from .. import evaluation

register = template.Library()


@register.filter
def status_label(code) -> str:
    """{{ "met"|status_label }} → "Đạt", from the one table in criteria/evaluation.py."""
    return evaluation.status_label(code)
