"""The public showcase, innovation pages, open data and the Atom feed (no login anywhere)."""
import json

from flask import Response, abort, make_response, render_template, request, session
from flask_login import current_user

from app.core import live, signals
from app.core.affairs import affair_choices, all_affairs
from app.core.extensions import db
from app.core.i18n import current_language
from app.core.labels import LABELS
from app.core.sdgs import goal_choices
from app.models import INNOVATION_TYPES, LAB_STAGES, SDG_GOALS, vote_counts
from app.showcase import bp
from app.showcase.services import (
    OPEN_DATA_FIELDS,
    RESULTS_FIELDS,
    ShowcaseFilters,
    filter_choices,
    load_public,
    open_data_csv_row,
    open_data_rows,
    public_replicate,
    results_rows,
    search_snippets,
    showcase_query,
)
from app.web import caching
from app.web.caching import finish, make_etag, not_modified
from app.web.csv_export import to_csv
from app.web.htmx import is_htmx, render_page_or_block
from app.web.inputs import DATE_MAX, DATE_MIN, int_arg, page_number
from app.web.urls import absolute_url

PER_PAGE = 12
FEED_SIZE = 30
# Open data carries no personal state: any cache may keep it a few minutes.
OPEN_DATA_CACHE_CONTROL = "public, max-age=300"
# Pages embed the visitor's menu and form token, so they are shared-cacheable
# only for anonymous visitors (with Vary: Cookie) and only briefly.
PUBLIC_PAGE_CACHE_CONTROL = "public, max-age=60"
PRIVATE_PAGE_CACHE_CONTROL = "private, no-cache"


def _page_cache_control() -> str:
    if current_user.is_authenticated or session.modified:
        return PRIVATE_PAGE_CACHE_CONTROL
    return PUBLIC_PAGE_CACHE_CONTROL


def _page_etag(*parts) -> str | None:
    """ETag of an HTML page: data state, URL, language, fragment or page, and
    the visitor (their menu and form token are in the page). None while a
    flash message waits, since it shows only once."""
    if session.get("_flashes"):
        return None
    visitor = current_user.get_id() if current_user.is_authenticated else "anonymous"
    return make_etag("page", *parts, request.full_path, current_language(), is_htmx(), visitor,
                     session.get("csrf_token", ""))


def _conditional_page(etag: str | None, version: str, render, args: dict):
    """304 if the visitor holds this version, else the page (shared by anonymous
    visitors, see app.web.caching, by the query arguments `args` the view read) with validators."""
    if etag:
        cached = not_modified(etag, _page_cache_control())
        if cached is not None:
            return cached
    response = make_response(caching.page(version, render, args))
    return finish(response, etag, _page_cache_control())


def _filters_from_request() -> ShowcaseFilters:
    """Read the filters; unknown codes are ignored rather than failing the page."""
    args = request.args
    stage = args.get("stage") if args.get("stage") in LAB_STAGES else None
    innovation_type = args.get("type") if args.get("type") in INNOVATION_TYPES else None
    affair = args.get("affair") if args.get("affair") in all_affairs() else None
    return ShowcaseFilters(
        year=int_arg("year", minimum=DATE_MIN.year, maximum=DATE_MAX.year), agency=(args.get("agency") or "").strip()[:40] or None,
        affair=affair, stage=stage, innovation_type=innovation_type,
        sdg=int_arg("sdg", minimum=SDG_GOALS[0], maximum=SDG_GOALS[-1]), q=(args.get("q") or "").strip()[:100],
    )


@bp.route("/")
def index():
    """Showcase of published innovations: filters, search and paging; HTMX gets the results only."""
    filters = _filters_from_request()
    number = page_number()
    version = live.version()
    etag = _page_etag("showcase", version)

    def render(**extra):
        page = db.paginate(showcase_query(filters), page=number, per_page=PER_PAGE, error_out=False)
        return render_page_or_block(
            "showcase/index.html", "results", page=page, filters=filters, choices=filter_choices(),
            snippets=search_snippets(page.items, filters.q),
            affairs=affair_choices(), stages=LAB_STAGES, types=INNOVATION_TYPES, goals=goal_choices(), **extra,
        )

    args = {"year": filters.year, "agency": filters.agency, "affair": filters.affair, "stage": filters.stage,
            "type": filters.innovation_type, "sdg": filters.sdg, "q": filters.q,
            "page": number if number > 1 else None}
    return _conditional_page(etag, version, render, args)


@bp.route("/innovations/<int:proposal_id>")
def detail(proposal_id: int):
    """Public page of one published innovation; 404 for anything not on the showcase."""
    proposal = load_public(proposal_id)
    if proposal is None:
        abort(404)
    version = live.version()
    etag = _page_etag("innovation", proposal.id, version)

    def render(**extra):
        return render_template(
            "showcase/detail.html", proposal=proposal, story=signals.collect_timeline(proposal, public=True),
            votes=vote_counts([proposal.id])[proposal.id], replicates=public_replicate(proposal), **extra,
        )

    return _conditional_page(etag, version, render, {})


@bp.route("/open-data")
def open_data():
    """Data dictionary of the open data: fields, codes and download links."""
    etag = _page_etag("open-data")
    return _conditional_page(etag, "static", lambda **extra: render_template(
        "showcase/open_data.html", fields=OPEN_DATA_FIELDS, results_fields=RESULTS_FIELDS, labels=LABELS,
        affairs=affair_choices(), goals=goal_choices(), **extra,
    ), {})


def _open_data_response(kind: str, build, mimetype: str, filename: str | None = None) -> Response:
    """Open data with an ETag from the database state; the session is never touched."""
    etag = make_etag("open-data", kind, live.version())
    cached = not_modified(etag, OPEN_DATA_CACHE_CONTROL)
    if cached is not None:
        return cached
    response = Response(build(), mimetype=mimetype)
    if filename:
        response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data: any site may fetch it
    return finish(response, etag, OPEN_DATA_CACHE_CONTROL)


@bp.route("/open-data/innovations.csv")
def innovations_csv():
    """Every published innovation as CSV (UTF-8, header row with DESIGN's field names)."""
    def build():
        return to_csv(OPEN_DATA_FIELDS, (open_data_csv_row(row) for row in open_data_rows()))

    return _open_data_response("csv", build, "text/csv", "inovasi-kota-probolinggo.csv")


@bp.route("/open-data/results.csv")
def results_csv():
    """The result indicators of every published innovation with each reported year's actual value
    (DESIGN §8), as CSV: numbers with dot decimals whatever the reader's language."""
    def build():
        return to_csv(RESULTS_FIELDS, results_rows())

    return _open_data_response("results.csv", build, "text/csv", "hasil-inovasi-kota-probolinggo.csv")


@bp.route("/open-data/innovations.json")
def innovations_json():
    """Every published innovation as JSON: {"fields": [...], "count": n, "innovations": [...]}."""
    def build():
        rows = open_data_rows()
        document = {
            "source": "Apusida, Laboratorium Inovasi Kota Probolinggo",
            "dictionary": absolute_url("showcase.open_data"),
            "fields": list(OPEN_DATA_FIELDS), "count": len(rows), "innovations": rows,
        }
        return json.dumps(document, ensure_ascii=False, indent=1)

    return _open_data_response("json", build, "application/json")


@bp.route("/feed.atom")
def feed():
    """Atom feed of the most recently published innovations."""
    etag = make_etag("feed", current_language(), live.version())
    cached = not_modified(etag, OPEN_DATA_CACHE_CONTROL)
    if cached is not None:
        return cached
    rows = open_data_rows(limit=FEED_SIZE)
    body = render_template("showcase/feed.xml", rows=rows, updated=rows[0]["published_at"] if rows else None,
                           site_url=absolute_url("showcase.index"))
    response = Response(body, mimetype="application/atom+xml")
    return finish(response, etag, OPEN_DATA_CACHE_CONTROL)

