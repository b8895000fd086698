"""A result indicator's chart as server-rendered SVG (DESIGN §8): the baseline, the target
(dashed) and the actual value of each reported year, with no chart library in the browser.

Every text in the drawing is escaped, and every number is written by Babel in the reader's
language, so the chart is built per request like the rest of the page. The numbers also stand
in a table beside the chart (templates/results/_charts.html) for screen readers and print."""
import math
from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.core.labels import label
from app.models import ResultIndicator

WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 58, 78, 18, 34  # room for the value axis, the line names and the years
LABEL_GAP = 15  # the least distance between the names at the right end of the lines
NUMBER = "#,##0.####"


@dataclass
class Series:
    """One indicator and its values by year, from the innovation's own year (the baseline's)."""

    indicator: ResultIndicator
    start_year: int
    actuals: dict[int, float]  # year: the actual value reported for it
    last_year: int = 0  # the last year any of the innovation's indicators has a value

    @property
    def years(self) -> list[int]:
        """The years along the axis: the innovation's own, then up to last_year (one year at least)."""
        last = max([self.start_year + 1, self.last_year, *self.actuals])
        return list(range(self.start_year, last + 1))


def number(value: float) -> str:
    return format_decimal(value, format=NUMBER)


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round values from at or below `low` to at or above `high`, about `count` steps apart."""
    if high - low <= 0:
        low, high = low - 1, high + 1
    rough = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= rough)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step * 0.5:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def describe(series: Series) -> str:
    """The chart in one sentence, for its <desc> (the table beside it holds the same numbers)."""
    indicator = series.indicator
    values = "; ".join(f"{year}: {number(value)}" for year, value in sorted(series.actuals.items()))
    return _("%(name)s (%(unit)s), %(direction)s. Baseline %(baseline)s, target %(target)s. Nilai: %(values)s.",
             name=indicator.name, unit=indicator.unit, direction=label("direction", indicator.direction),
             baseline=number(indicator.baseline), target=number(indicator.target),
             values=values or _("belum ada laporan"))


def _spread(positions: list[float]) -> list[float]:
    """Push apart names at the right end that would overlap, keeping their order (top to bottom)."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = list(positions)
    for before, after in zip(order, order[1:]):
        if placed[after] - placed[before] < LABEL_GAP:
            placed[after] = placed[before] + LABEL_GAP
    return placed


def chart_svg(series: Series, element_id: str) -> Markup:
    """The SVG of one indicator's chart; `element_id` makes its title and description ids unique."""
    indicator = series.indicator
    years = series.years
    values = [indicator.baseline, indicator.target, *series.actuals.values()]
    ticks = nice_ticks(min(values), max(values))
    low, high = ticks[0], ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year: int) -> float:
        return LEFT + plot_w * (years.index(year) / (len(years) - 1))

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / (high - low))

    title_id, desc_id = f"{element_id}-title", f"{element_id}-desc"
    parts = [
        f'<svg class="result-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(title_id)}">{escape(indicator.name)} ({escape(indicator.unit)})</title>',
        f'<desc id="{escape(desc_id)}">{escape(describe(series))}</desc>',
    ]
    for tick in ticks:  # the value axis: light lines across, the numbers on the left
        parts.append(f'<line class="result-chart__grid" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}"/>')
        parts.append(f'<text class="result-chart__tick" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">'
                     f'{escape(number(tick))}</text>')
    for year in years:
        parts.append(f'<text class="result-chart__year" x="{x(year):.1f}" y="{HEIGHT - 10}" text-anchor="middle">'
                     f'{year}</text>')
    baseline_y, target_y = y(indicator.baseline), y(indicator.target)
    parts.append(f'<line class="result-chart__baseline" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{baseline_y:.1f}" '
                 f'y2="{baseline_y:.1f}"/>')
    parts.append(f'<line class="result-chart__target" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{target_y:.1f}" '
                 f'y2="{target_y:.1f}" stroke-dasharray="8 5"/>')
    names = [(baseline_y, _("Baseline"), "baseline"), (target_y, _("Target"), "target")]
    for (position, text, kind), placed in zip(names, _spread([baseline_y, target_y])):
        parts.append(f'<text class="result-chart__name result-chart__name--{kind}" x="{LEFT + plot_w + 6}" '
                     f'y="{placed + 4:.1f}">{escape(text)}</text>')
    # The actual line starts at the baseline in the innovation's own year.
    points = [(x(series.start_year), baseline_y)] + [
        (x(year), y(value)) for year, value in sorted(series.actuals.items()) if year in years]
    if len(points) > 1:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        parts.append(f'<polyline class="result-chart__actual" points="{path}" fill="none"/>')
    for year, value in sorted(series.actuals.items()):
        if year not in years:
            continue
        px, py = x(year), y(value)
        parts.append(f'<circle class="result-chart__point" cx="{px:.1f}" cy="{py:.1f}" r="5"/>')
        label_y = py - 10 if py - 10 > TOP else py + 20
        parts.append(f'<text class="result-chart__value" x="{px:.1f}" y="{label_y:.1f}" text-anchor="middle">'
                     f'{escape(number(value))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
