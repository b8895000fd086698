"""Views of the leaderboard: the public board (live by HTMX polling) and the admins' report."""
from dataclasses import replace
from datetime import date

from flask import abort, make_response, request, send_file
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app import live, page_cache
from app.auth.permissions import admin_required
from app.cycles import current_cycle
from app.extensions import db
from app.htmx import is_htmx, render_page_or_block
from app.inputs import int_arg
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
from app.security import mark_polled
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
    key = f"{etag}|{cycle.id}"
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


def _selected_cycle(year: int | None) -> Cycle | None:
    """The cycle of `year` (404 if there is none), else the current one."""
    if year is None:
        return current_cycle()
    cycle = db.session.scalar(select(Cycle).where(Cycle.year == year))
    if cycle is None:
        abort(404)
    return cycle


def board_etag(version: str, year: int | None, kind: str | None, language: str | None = None) -> str:
    """The board's version: the data version, which board and in which language.

    Which cycle is current follows from the cycles (any change to them bumps
    the counter) and today's year, so neither needs reading to answer a poll.
    Also computed ahead of Flask by app.leaderboard.poll, for the same answer.
    """
    if language is None:
        locale = get_locale()
        language = locale.language if locale else "id"
    return make_etag("leaderboard", version, year or f"current-{date.today().year}", kind or "all", language)


def requested_board(args) -> tuple[int | None, str | None]:
    """(cycle year, agency kind) asked for by ?cycle= and ?kind=; unknown kinds mean all."""
    kind = args.get("kind")
    return int_arg("cycle", args), kind if kind in AGENCY_KINDS else None


@bp.route("/leaderboard")
def index():
    """Public leaderboard of a cycle; HTMX polls get only the board, or 304 while nothing changed.

    A poll is answered from the change counter alone while nothing changed;
    otherwise anonymous visitors share one rendering per version (app.page_cache).
    """
    year, kind = requested_board(request.args)
    version = live.version()
    etag = board_etag(version, year, kind)
    fragment = is_htmx()
    if fragment:
        mark_polled()  # a logged-in viewer's poll: private, no-cache (app.security)
        cached = not_modified(etag, BOARD_CACHE_CONTROL)
        if cached is not None:
            return cached

    cycle = _selected_cycle(year)
    if fragment and cycle is None:
        abort(404)  # no cycle yet: the page says so, and there is no board to send on its own
    # A poll sends the order it shows; its answer depends only on whether that changed.
    previous_order = request.args.get("previous_order") if fragment else None
    order_changed = previous_order is not None and previous_order != _board_and_chart(etag, cycle, kind)[0].order

    def render(**extra):
        board, chart = _board_and_chart(etag, cycle, kind) if cycle else (None, None)
        announcement = None
        if order_changed:
            leader = board.standings[0].name if board.standings else ""
            announcement = _("Peringkat berubah. Peringkat pertama sekarang: %(name)s.", name=leader)
        return render_page_or_block(
            "leaderboard/index.html", "board",
            board=board, cycle=cycle, kind=kind, kinds=AGENCY_KINDS, chart=chart, etag=etag,
            announcement=announcement, cycles=[] if fragment else cycles_newest_first(),
            points={"submitted": POINTS_SUBMITTED, "approved": POINTS_APPROVED,
                    "implemented": POINTS_IMPLEMENTED, "votes_per_point": VOTES_PER_POINT},
            **extra,
        )

    args = {"cycle": year, "kind": kind, "order_changed": order_changed or None}
    response = make_response(page_cache.page(version, render, args))
    # Only the fragment carries the ETag: the whole page also holds the
    # person's menu and form token, which the counter knows nothing about.
    return finish(response, etag if fragment else None, BOARD_CACHE_CONTROL)


@bp.route("/leaderboard/report-<int:year>.xlsx")
@admin_required
def report(year: int):
    """The annual report of a cycle as an XLSX workbook (admins only)."""
    cycle = db.session.scalar(select(Cycle).where(Cycle.year == year))
    if cycle is None:
        abort(404)
    stream = annual_report(cycle, current_user)
    response = send_file(
        stream, as_attachment=True, download_name=f"apusida-laporan-{cycle.year}.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
