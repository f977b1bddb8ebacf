"""Server-rendered charts: pure functions that turn rows into SVG coordinates for a template
(no JavaScript, no internet)."""

from __future__ import annotations

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
