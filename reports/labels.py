"""Words for the codes a frozen roll-up holds, in the active language: one table per kind of
code, so the same roll-up reads in Vietnamese and in English."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from criteria.models import Assessment
from criteria.titles import LABELS as TITLE_LABELS
from criteria.titles import TitleState


def _pick(vi: str, en: str) -> str:
    return en if get_language() == "en" and en else vi


def band_label(bands: list[dict], code: str) -> str:
    """A band code's label from the set's bands frozen with the roll-up."""
    for band in bands:
        if band["code"] == code:
            return _pick(band["label_vi"], band.get("label_en", ""))
    return ""


def title_label(title: dict | None) -> str:
    """A frozen title mark: the set's title and the state ("… (Đã được công nhận)")."""
    if not title:
        return ""
    state = str(TITLE_LABELS[TitleState(title["state"])])
    return f"{_pick(title['name'], title.get('name_en', ''))} — {state}"


def status_label(status: str) -> str:
    if status == "none":
        return _("Chưa đánh giá")
    return str(Assessment.State(status).label) if status in Assessment.State.values else status


def unit_label(unit: dict) -> str:
    """A frozen unit ({"level", "name"}): "Huyện Hương Sơn" / "Tỉnh Hà Tĩnh"."""
    if unit.get("level") == "district":
        return _("Huyện %(name)s") % {"name": unit["name"]}
    return _("Tỉnh %(name)s") % {"name": unit["name"]}


def set_name(criteria_set: dict) -> str:
    return _pick(criteria_set.get("name", ""), criteria_set.get("name_en", ""))
