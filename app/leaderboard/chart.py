"""The points bar chart, drawn as SVG on the server (no JavaScript, no library).

Accessible: role="img" with a <title> and <desc>; the page shows the same
numbers in the table below it. The bars are labelled by rank, not by name:
the table beside it names each agency once (issue 16: no name listed twice). Colours come from CSS classes, because the
Content-Security-Policy forbids style attributes.
"""
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape

WIDTH = 720
ROW_HEIGHT = 44
LABEL_HEIGHT = 18
BAR_HEIGHT = 16
VALUE_SPACE = 48


def points_chart(standings, title: str, limit: int = 30) -> Markup:
    """Horizontal bars of points for the agencies that have any (best first)."""
    rows = [s for s in standings if s.points > 0][:limit]
    if not rows:
        return Markup("")
    top = max(s.points for s in rows)
    bar_room = WIDTH - VALUE_SPACE
    height = ROW_HEIGHT * len(rows) + 8
    parts = [
        f'<svg class="bar-chart" role="img" aria-labelledby="chart-title chart-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title>',
        '<desc id="chart-desc">{}</desc>'.format(escape("; ".join(
            ngettext("Peringkat %(rank)d: %(num)d poin", "Peringkat %(rank)d: %(num)d poin", s.points, rank=s.rank)
            for s in rows))),
    ]
    for index, standing in enumerate(rows):
        y = index * ROW_HEIGHT + 4
        length = max(2, round(bar_room * standing.points / top))
        parts.append(
            f'<g class="bar-chart__row">'
            f'<text class="bar-chart__label" x="0" y="{y + 14}">{escape(_("Peringkat %(rank)d", rank=standing.rank))}</text>'
            f'<rect class="bar-chart__bar" x="0" y="{y + LABEL_HEIGHT + 2}" width="{length}" height="{BAR_HEIGHT}"></rect>'
            f'<text class="bar-chart__value" x="{length + 6}" y="{y + LABEL_HEIGHT + 15}">{standing.points}</text>'
            f'</g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
