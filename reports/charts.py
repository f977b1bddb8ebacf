"""Server-rendered charts and the province map: pure functions that turn rows into SVG
coordinates for a template (no JavaScript, no tiles, no internet)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 480, 220
LEFT, RIGHT, TOP, BOTTOM = 32, 20, 12, 30


@dataclass
class Point:
    x: float
    y: float
    value: int
    label: str
    short: str = ""


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    points: list[Point] = field(default_factory=list)
    y_ticks: list[tuple[float, int]] = field(default_factory=list)
    x_labels: list[Point] = field(default_factory=list)
    goal_y: float | None = None
    left: int = LEFT
    right: float = WIDTH - RIGHT
    bottom: float = HEIGHT - BOTTOM

    @property
    def period(self) -> tuple[str, str]:
        return self.points[0].label, self.points[-1].label

    @property
    def polyline(self) -> str:
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.points)


@dataclass
class Row:
    """One point of the line: a weekly snapshot, or the current stored evaluation."""

    criteria_met: int
    criteria_total: int
    label: str
    short: str


def criteria_over_time(history, current=None, now_label: str = "", now_short: str = "") -> Chart | None:
    """A line of criteria met per weekly snapshot, then the current stored evaluation (so a
    drop since the last snapshot shows), on a 0..total scale with a goal line at the total;
    None without any snapshot."""
    if not history:
        return None
    rows = [
        Row(
            row.criteria_met,
            row.criteria_total,
            f"{row.iso_year}-W{row.iso_week:02d}",
            f"W{row.iso_week:02d}",
        )
        for row in history
    ]
    if current is not None:
        rows.append(Row(current.criteria_met, current.criteria_total, now_label, now_short))
    return _line_chart(rows)


def _line_chart(history: list[Row]) -> Chart:
    total = max(max(row.criteria_total for row in history), 1)
    chart = Chart()
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(history) - 1, 1)

    def y_of(value: int) -> float:
        return TOP + plot_h * (1 - value / total)

    for index, row in enumerate(history):
        x = LEFT + (step * index if len(history) > 1 else plot_w / 2)
        chart.points.append(Point(x, y_of(row.criteria_met), row.criteria_met, row.label, row.short))
    # The official band cut-offs (5, 10, 15) make the scale read like the reports.
    ticks = sorted({0, total} | {value for value in (5, 10, 15) if value < total})
    chart.y_ticks = [(y_of(value), value) for value in ticks]
    every = max(1, len(history) // 6)
    chart.x_labels = [
        point for index, point in enumerate(chart.points) if index % every == 0 or index == len(history) - 1
    ]
    chart.goal_y = y_of(total)
    return chart


# The province map: each commune a point at its official coordinates, coloured by its band (or
# by its share of the set's criteria when the set has no bands), in a fixed viewBox that the
# page scales down to a phone's width.
MAP_SIZE, MAP_MARGIN = 400, 24
# ColorBrewer YlGn, light (fewest criteria met) to dark (most): one hue, lightness falling
# steadily, so it reads for colour-blind readers and in grey print. Points are drawn with a dark
# outline, which keeps the light end visible against the white map.
RAMP = ("#ffffcc", "#c2e699", "#78c679", "#31a354", "#006837")
# An assessed commune in none of its set's bands (a set whose lowest band starts above 0).
UNBANDED = "#adb5bd"


@dataclass
class MapPoint:
    x: float
    y: float
    row: object  # the figures layer's CommuneRow
    colour: str | None  # None: not assessed
    # The legend step it falls in: the band's label, or "x" of "x/N" for a set without bands.
    step: str = ""

    @property
    def figure(self) -> str:
        """Criteria met out of the assessment's criteria, as the dashboard's table writes it."""
        assessment = self.row.assessment
        return f"{assessment.criteria_met}/{assessment.criteria_total}" if assessment else ""


@dataclass
class LegendStep:
    colour: str
    label: str


@dataclass
class CommuneMap:
    points: list[MapPoint]
    legend: list[LegendStep]
    # Rows of communes without coordinates, listed under the map.
    missing: list = field(default_factory=list)
    banded: bool = False
    criteria_total: int = 0
    width: int = MAP_SIZE
    height: int = MAP_SIZE

    @property
    def has_unassessed(self) -> bool:
        return any(point.colour is None for point in self.points)

    @property
    def has_unbanded(self) -> bool:
        return any(point.colour == UNBANDED for point in self.points)


def commune_map(rows: list, bands: list, criteria_total: int) -> CommuneMap | None:
    """The communes of `rows` (CommuneRow) placed at their coordinates and coloured by their
    band when the set has `bands`, else by criteria met out of `criteria_total`; None when no
    commune has coordinates."""
    placed = [row for row in rows if _located(row.commune)]
    if not placed:
        return None
    positions = project(
        [(row.commune.latitude, row.commune.longitude) for row in placed], MAP_SIZE, MAP_SIZE, MAP_MARGIN
    )
    if bands:
        # Bands come highest first: the first band takes the darkest colour.
        colours = [_ramp(1 - index / max(len(bands) - 1, 1)) for index in range(len(bands))]
        legend = [LegendStep(colour, band.label) for band, colour in zip(bands, colours, strict=True)]
    else:
        legend = [
            LegendStep(_ramp(met / max(criteria_total, 1)), str(met)) for met in range(criteria_total, -1, -1)
        ]
    by_step = {step.label: step.colour for step in legend}
    points = []
    for row, (x, y) in zip(placed, positions, strict=True):
        step = _step(row, bool(bands), criteria_total)
        colour = None if step is None else by_step.get(step, UNBANDED)
        points.append(MapPoint(x, y, row, colour, step or ""))
    missing = [row for row in rows if not _located(row.commune)]
    return CommuneMap(points, legend, missing, bool(bands), criteria_total)


def project(
    coordinates: list[tuple[float, float]], width: float, height: float, margin: float
) -> list[tuple[float, float]]:
    """(latitude, longitude) pairs to (x, y) in a width × height box: an equirectangular
    projection with longitudes scaled by the cosine of the mean latitude, fitted to the points'
    bounding box within `margin` and centred, north up (a larger latitude, a smaller y)."""
    mean = math.radians(sum(lat for lat, _lon in coordinates) / len(coordinates))
    plane = [(lon * math.cos(mean), lat) for lat, lon in coordinates]
    xs, ys = [x for x, _y in plane], [y for _x, y in plane]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    inner_w, inner_h = width - 2 * margin, height - 2 * margin
    scales = [size / span for size, span in ((inner_w, span_x), (inner_h, span_y)) if span > 0]
    scale = min(scales, default=0.0)
    # Centre the drawing in the box along the axis it does not fill.
    left = margin + (inner_w - span_x * scale) / 2
    top = margin + (inner_h - span_y * scale) / 2
    return [(left + (x - min(xs)) * scale, top + (max(ys) - y) * scale) for x, y in plane]


def _step(row, banded: bool, criteria_total: int) -> str | None:
    """The legend step of a row: its band's label, or its criteria met (at most the set's
    number) for a set without bands; "" when assessed but in no band; None when not assessed."""
    if row.assessment is None:
        return None
    if banded:
        return row.band.label if row.band else ""
    return str(min(row.assessment.criteria_met, criteria_total))


def _located(commune) -> bool:
    return commune.latitude is not None and commune.longitude is not None


def _ramp(share: float) -> str:
    """The colour at `share` (0..1) along RAMP, blended between its two nearest stops."""
    share = min(max(share, 0.0), 1.0) * (len(RAMP) - 1)
    low = min(int(share), len(RAMP) - 2)
    weight = share - low
    start, end = _rgb(RAMP[low]), _rgb(RAMP[low + 1])
    return "#" + "".join(f"{round(a + (b - a) * weight):02x}" for a, b in zip(start, end, strict=True))


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
