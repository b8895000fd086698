"""Views of the leaderboard: the public board (live by HTMX polling) and the admins' report."""
from dataclasses import replace

from flask import abort, make_response, request, send_file
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app import live
from app.cycles import current_cycle
from app.extensions import db
from app.htmx import is_htmx, render_page_or_block
from app.leaderboard import bp
from app.leaderboard.chart import points_chart
from app.leaderboard.report import annual_report
from app.leaderboard.services import (
    POINTS_APPROVED,
    POINTS_IMPLEMENTED,
    POINTS_SUBMITTED,
    VOTES_PER_POINT,
    compute_board,
    cycles_newest_first,
)
from app.models import AGENCY_KINDS, Cycle
from app.showcase.caching import finish, make_etag, not_modified

# Polls revalidate every time: the browser may keep the fragment, but must ask.
BOARD_CACHE_CONTROL = "no-cache"

# The computed board and its chart, by ETag. Safe to keep in a worker's
# memory: the ETag holds the database's change counter (read on every
# request), so a worker never serves a board older than the database says,
# whichever app server made the change. A few entries: cycles x kinds x languages.
_BOARD_CACHE: dict[str, tuple] = {}
_BOARD_CACHE_SIZE = 32


def _board_and_chart(etag: str, cycle: Cycle, kind: str | None):
    """The board and its chart for this ETag, computed once per change of the data."""
    # The cycle's creation time tells apart databases that were reset (a
    # restored backup starts its counter again).
    key = f"{etag}|{cycle.created_at.isoformat()}"
    cached = _BOARD_CACHE.get(key)
    if cached is None:
        board = compute_board(cycle, kind)
        chart = points_chart(board.standings, _("Poin inovasi per perangkat daerah, %(year)d", year=cycle.year))
        cached = (board, chart)
        if len(_BOARD_CACHE) >= _BOARD_CACHE_SIZE:
            _BOARD_CACHE.pop(next(iter(_BOARD_CACHE)))  # the oldest entry
        _BOARD_CACHE[key] = cached
    board, chart = cached
    # The cached board's cycle belongs to an earlier request's session: show this one's.
    return replace(board, cycle=cycle), chart


def _selected_cycle() -> Cycle | None:
    """The cycle named by ?cycle=<year> (404 if there is none), else the current one."""
    year = request.args.get("cycle", type=int)
    if year is None:
        return current_cycle()
    cycle = db.session.scalar(select(Cycle).where(Cycle.year == year))
    if cycle is None:
        abort(404)
    return cycle


def board_etag(counter: int, cycle: Cycle | None, kind: str | None) -> str:
    """The board's version: the change counter, what is shown and in which language."""
    locale = get_locale()
    return make_etag(
        "leaderboard", counter, cycle.id if cycle else "-", cycle.target_per_agency if cycle else "-",
        kind or "all", locale.language if locale else "id",
    )


@bp.route("/leaderboard")
def index():
    """Public leaderboard of a cycle; HTMX polls get only the board, or 304 while nothing changed.

    The change counter is read before anything else: an unchanged board is
    answered from the counter alone, without computing the ranking.
    """
    kind = request.args.get("kind")
    if kind not in AGENCY_KINDS:
        kind = None
    cycle = _selected_cycle()
    etag = board_etag(live.current(), cycle, kind)
    fragment = is_htmx()
    if fragment:
        cached = not_modified(etag, BOARD_CACHE_CONTROL)
        if cached is not None:
            return cached

    board, chart = _board_and_chart(etag, cycle, kind) if cycle else (None, None)
    announcement = None
    previous_order = request.args.get("previous_order")
    if fragment and board is not None and previous_order is not None and previous_order != board.order:
        leader = board.standings[0].name if board.standings else ""
        announcement = _("Peringkat berubah. Peringkat pertama sekarang: %(name)s.", name=leader)
    html = render_page_or_block(
        "leaderboard/index.html", "board",
        board=board, cycle=cycle, kind=kind, kinds=AGENCY_KINDS, chart=chart, etag=etag,
        announcement=announcement, cycles=[] if fragment else cycles_newest_first(),
        points={"submitted": POINTS_SUBMITTED, "approved": POINTS_APPROVED,
                "implemented": POINTS_IMPLEMENTED, "votes_per_point": VOTES_PER_POINT},
    )
    response = make_response(html)
    # Only the fragment carries the ETag: the whole page also holds the
    # person's menu and form token, which the counter knows nothing about.
    return finish(response, etag if fragment else None, BOARD_CACHE_CONTROL)


@bp.route("/leaderboard/report-<int:year>.xlsx")
@login_required
def report(year: int):
    """The annual report of a cycle as an XLSX workbook (admins only)."""
    cycle = db.session.scalar(select(Cycle).where(Cycle.year == year))
    if cycle is None:
        abort(404)
    if not current_user.is_admin:
        abort(403)
    stream = annual_report(cycle)
    response = send_file(
        stream, as_attachment=True, download_name=f"apusida-laporan-{cycle.year}.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
