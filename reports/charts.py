"""Server-rendered charts: pure functions that turn rows into SVG coordinates for a template
(no JavaScript, no internet)."""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 12, 34


@dataclass
class Point:
    x: float
    y: float
    value: int
    label: str


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
    def polyline(self) -> str:
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.points)


def criteria_over_time(history, criteria_set=None) -> Chart | None:
    """A line of criteria met per weekly snapshot, on a 0..total scale with a goal line at the
    total; None with fewer than one snapshot."""
    if not history:
        return None
    total = max(max(row.criteria_total for row in history), 1)
    chart = Chart()
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(history) - 1, 1)

    def y_of(value: int) -> float:
        return TOP + plot_h * (1 - value / total)

    for index, row in enumerate(history):
        x = LEFT + (step * index if len(history) > 1 else plot_w / 2)
        chart.points.append(
            Point(x, y_of(row.criteria_met), row.criteria_met, f"W{row.iso_week:02d}/{row.iso_year}")
        )
    ticks = sorted({0, total // 4, total // 2, 3 * total // 4, total})
    chart.y_ticks = [(y_of(value), value) for value in ticks]
    every = max(1, len(history) // 6)
    chart.x_labels = [
        point for index, point in enumerate(chart.points) if index % every == 0 or index == len(history) - 1
    ]
    chart.goal_y = y_of(total)
    return chart
