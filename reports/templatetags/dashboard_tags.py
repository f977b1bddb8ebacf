from decimal import Decimal

from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, gettext_noop

from criteria.evaluation import format_number, status_label
from criteria.titles import LABELS as TITLE_LABELS
from criteria.titles import TitleState

register = template.Library()

# The parameters a drill-down link keeps from the current page; filters are replaced.
KEPT = ("set", "year")


@register.simple_tag(takes_context=True)
def drill(context, **params) -> str:
    """A query string that keeps the page's set and year and applies `params` (the filters
    behind a number): {% drill status="draft" %} → "?set=...&year=2024&status=draft"."""
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
def title_state_label(state) -> str:
    """The words of a title state code (eligible / confirmed / recognised)."""
    try:
        return str(TITLE_LABELS[TitleState(str(state))])
    except ValueError:
        return ""


@register.filter
def village_titled(figures, set_id: int) -> int:
    """Villages standing for a village set's title in any state (eligible or better)."""
    return sum(figures.village_titles.get(set_id, {}).values())


@register.filter
def vn_number(value) -> str:
    """A number in the active language's format (3.200 / 0,38), without trailing zeros."""
    if value is None or value == "":
        return ""
    return format_number(Decimal(value))


# The matrix cell's symbol per status (anything else: no value entered).
CELL_SYMBOLS = {"met": "✓", "not_met": "✗", "no_threshold": "?"}


def status_text(status: str) -> str:
    """The status's words, from the one label table of evaluation statuses."""
    return status_label(status)


def matrix_cell(cell) -> str:
    """One criterion cell of the dashboard matrix (the same for every commune with that
    criterion, status and regression, so rendered once per language and kept)."""
    key = (get_language(), cell.criterion.code, cell.status, cell.regressed)
    if key not in _CELLS:
        _CELLS[key] = _render_cell(cell.criterion.code, cell.status, cell.regressed)
    return _CELLS[key]


_CELLS: dict[tuple, str] = {}


@register.simple_tag
def matrix_cells(cells) -> str:
    """A matrix row's criterion cells, rendered in Python: the matrix has one per commune and
    criterion, too many for a template include each."""
    return mark_safe("".join(matrix_cell(cell) for cell in cells))  # noqa: S308 - built by format_html


def _render_cell(code: str, status: str, regressed: bool) -> str:
    text = status_text(status)
    title = f"{gettext('Tiêu chí')} {code}: {text}"
    hidden = title
    css = f"cell cell-{status}"
    if regressed:
        title += f" — {gettext('mới bị tụt')}"
        hidden += f", {gettext('mới bị tụt so với tuần trước')}"
        css += " cell-regressed"
    symbol = CELL_SYMBOLS.get(status, "–") + ("↓" if regressed else "")
    return format_html(
        '<td class="{}" title="{}"><span aria-hidden="true">{}</span><span class="visually-hidden">{}</span></td>',
        css,
        title,
        symbol,
        hidden,
    )


# A commune's title mark, plan target and plan track are shown on every matrix row: rendered
# in Python (one call each) rather than as a template include per row.


@register.simple_tag
def title_mark(mark) -> str:
    """★ (recognised only), the title's name and the state's words; "—" without a title."""
    if not mark:
        return "—"
    name = mark.criteria_set.title or mark.criteria_set.name
    return format_html(
        '{}{} <span class="small text-muted title-state-{}">— {}</span>',
        "★ " if mark.state == TitleState.RECOGNISED else "",
        name,
        mark.state,
        title_state_label(mark.state),
    )


@register.simple_tag
def plan_target(progress) -> str:
    """The plan's target title, with its target number of criteria where it has one."""
    if not progress:
        return "—"
    plan = progress.plan
    text = plan.get_target_title_display()
    if plan.target_criteria_met is None:
        return text
    actual = "—" if progress.actual_met is None else progress.actual_met
    return format_html(
        "{} · {}",
        text,
        gettext("%(actual)s/%(target)s tiêu chí") % {"actual": actual, "target": plan.target_criteria_met},
    )


TRACKS = {
    "reached": ("track track-reached", "✓ ", gettext_noop("Đã đạt mục tiêu")),
    "off_track": ("track track-off", "⚠ ", gettext_noop("Chậm tiến độ")),
    "on_track": ("track track-on", "→ ", gettext_noop("Đúng tiến độ")),
}


@register.simple_tag
def plan_track(progress) -> str:
    """Reached / off track / on track, or that the commune has no plan."""
    if not progress:
        return format_html('<span class="text-muted">{}</span>', gettext("Chưa có kế hoạch"))
    css, sign, words = TRACKS.get(progress.track, TRACKS["on_track"])
    return format_html('<span class="{}">{}{}</span>', css, sign, gettext(words))
