"""Views of the leaderboard: the public board (live by HTMX polling) and the admins' report."""
import sys
from functools import cache

from flask import abort, make_response, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.permissions import admin_required
from app.core import live, signals
from app.core.cycles import city_today, current_cycle, cycle_of_year
from app.leaderboard import bp
from app.leaderboard.chart import points_chart
from app.leaderboard.report import annual_report
from app.leaderboard.trend import BUSIEST_COUNT, compute_trend, trend_etag, trend_size
from app.leaderboard.services import (
    BOARD_CACHE_CONTROL,
    POINTS_APPROVED,
    POINTS_CONTINUING,
    POINTS_IMPLEMENTED,
    POINTS_SUBMITTED,
    VOTES_PER_POINT,
    Board,
    board_etag,
    compute_board,
    cycles_newest_first,
    requested_board,
    requested_kind,
    standings_size,
    submission_window,
)
from app.models import AGENCY_KINDS, Cycle
from app.web import caching
from app.web.caching import finish, not_modified
from app.web.htmx import is_htmx, render_page_or_block
from app.web.security import mark_polled


def _board_and_chart(version: str, cycle: Cycle, kind: str | None) -> tuple[Board, str]:
    """The board and its chart, computed once per data version (kept in app.web.caching's store).

    The lines and the chart are kept, not the Board: its cycle belongs to one
    request's session, so each request puts its own in."""
    def compute():
        board = compute_board(cycle, kind)
        chart = points_chart(board.standings, _("Poin inovasi per perangkat daerah, %(year)d", year=cycle.year))
        return board.standings, chart

    standings, chart = caching.remember(
        caching.key("board", version, cycle.id, kind), compute,
        size=lambda kept: standings_size(kept[0]) + sys.getsizeof(kept[1]))
    return Board(cycle=cycle, kind=kind, standings=standings), chart


def _selected_cycle(year: int | None) -> Cycle | None:
    """The cycle of `year` (404 if there is none), else the current one."""
    if year is None:
        return current_cycle()
    return cycle_of_year(year) or abort(404)


@bp.route("/leaderboard")
def index():
    """Public leaderboard of a cycle; HTMX polls get only the board, or 304 while nothing changed.

    A poll is answered from the change counter alone while nothing changed;
    otherwise anonymous visitors share one rendering per version (app.web.caching.page).
    """
    year, kind = requested_board(request.args)
    version = live.version()
    etag = board_etag(version, year, kind)
    fragment = is_htmx()
    if fragment:
        mark_polled()  # a logged-in viewer's poll: private, no-cache (app.web.security)
        cached = not_modified(etag, BOARD_CACHE_CONTROL)
        if cached is not None:
            return cached

    cycle = _selected_cycle(year)
    if fragment and cycle is None:
        abort(404)  # no cycle yet: the page says so, and there is no board to send on its own
    # A poll sends the order it shows; its answer depends only on whether that changed.
    previous_order = request.args.get("previous_order") if fragment else None
    # Looked up at most once a request, and only when needed (not for a shared page already kept).
    board_and_chart = cache(lambda: _board_and_chart(version, cycle, kind) if cycle else (None, None))
    order_changed = previous_order is not None and previous_order != board_and_chart()[0].order

    def render(**extra):
        board, chart = board_and_chart()
        announcement = None
        if order_changed:
            leader = board.standings[0].name if board.standings else ""
            announcement = _("Peringkat berubah. Peringkat pertama sekarang: %(name)s.", name=leader)
        return render_page_or_block(
            "leaderboard/index.html", "board",
            board=board, cycle=cycle, kind=kind, kinds=AGENCY_KINDS, chart=chart, etag=etag,
            announcement=announcement, cycles=[] if fragment else cycles_newest_first(),
            points={"submitted": POINTS_SUBMITTED, "approved": POINTS_APPROVED,
                    "implemented": POINTS_IMPLEMENTED, "continuing": POINTS_CONTINUING,
                    "votes_per_point": VOTES_PER_POINT},
            **extra,
        )

    args = {"cycle": year, "kind": kind, "order_changed": order_changed or None}
    response = make_response(caching.page(version, render, args))
    # Only the fragment carries the ETag: the whole page also holds the
    # person's menu and form token, which the counter knows nothing about.
    return finish(response, etag if fragment else None, BOARD_CACHE_CONTROL)


@bp.route("/leaderboard/trend")
def trend():
    """Participation across the years (DESIGN §8), public and live like the board: HTMX polls
    get the trend alone, or 304 while nothing changed; the kind filter swaps it in place."""
    kind = requested_kind(request.args)
    version = live.version()
    etag = trend_etag(version, kind)
    fragment = is_htmx()
    if fragment:
        mark_polled()
        cached = not_modified(etag, BOARD_CACHE_CONTROL)
        if cached is not None:
            return cached

    def render(**extra):
        computed = caching.remember(caching.key("trend", version, kind), lambda: compute_trend(kind), size=trend_size)
        return render_page_or_block("leaderboard/trend.html", "trend", trend=computed, kind=kind, kinds=AGENCY_KINDS,
                                    etag=etag, busiest_count=BUSIEST_COUNT, **extra)

    response = make_response(caching.page(version, render, {"kind": kind}))
    return finish(response, etag if fragment else None, BOARD_CACHE_CONTROL)


@bp.route("/leaderboard/report-<int:year>.xlsx")
@admin_required
def report(year: int):
    """The annual report of a cycle as an XLSX workbook (admins only)."""
    cycle = cycle_of_year(year) or abort(404)
    stream = annual_report(cycle, current_user)
    response = send_file(
        stream, as_attachment=True, download_name=f"apusida-laporan-{cycle.year}.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@signals.dashboard_panels.connect
def below_target_for_admin(user):
    """The admin's dashboard opens with the agencies still below this cycle's target, and the
    days left to submit (the board's own rule of "met its target", in its one query)."""
    if not user.is_admin:
        return None
    cycle = current_cycle()
    if cycle is None:
        return None
    return signals.DashboardPanel(-10, "leaderboard/_below_target_panel.html", {
        "cycle": cycle, "below": compute_board(cycle).not_met, "window": submission_window(cycle, city_today())})
