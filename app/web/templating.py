"""Jinja filters and globals used across templates."""
from flask import Flask, current_app, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, format_percent
from jinja2 import pass_context
from markupsafe import Markup, escape

from app.core import i18n, signals
from app.core.affairs import affair_choices, affair_name
from app.core.labels import LABEL_TEXTS, label
from app.core.sdgs import goal_name
from app.web import caching
from app.web.urls import absolute_url


def paragraphs(text: str | None) -> Markup:
    """Plain text with its line breaks kept, escaped."""
    if not text:
        return Markup("")
    blocks = [block.strip() for block in str(text).replace("\r\n", "\n").split("\n\n")]
    html = "".join(
        "<p>" + str(escape(block)).replace("\n", Markup("<br>")) + "</p>" for block in blocks if block
    )
    return Markup(html)


def _text(value) -> str:
    """Escaped as a plain str: adding a str to Markup would escape the markup around it again."""
    return str(escape(value))


def score_text(value: float | None) -> str:
    """A review score or mean with one decimal in the reader's locale (80,5 in Indonesian);
    "–" when there is none. The `score` filter of every template (reviews, leaderboard)."""
    return "–" if value is None else format_decimal(value, format="#,##0.0")


@pass_context
def status_tag(context, status: str) -> Markup:
    """A proposal's status as a coloured tag with its text.

    Python rather than a Jinja macro, plain concatenation rather than Markup's
    % operator, and the rendering's catalogue: a list page shows one per row."""
    text = label("status", status, i18n.catalogue_of(context))
    return Markup('<strong class="tag tag--' + _text(status) + '">' + _text(text) + "</strong>")


@pass_context
def stage_tag(context, stage: str) -> Markup:
    """A lab stage as a tag."""
    translations = i18n.catalogue_of(context)
    return Markup('<span class="tag tag--stage">' + _text(translations.ugettext("Tahap")) + ": "
                  + _text(label("lab_stage", stage, translations)) + "</span>")


def select_options(choices, selected) -> Markup:
    """The <option>s of a select, `selected` marked; `choices` are (value, text) pairs.

    Written in Python because a filter form has a hundred-odd options, for
    which a Jinja loop costs about a millisecond a page."""
    selected = "" if selected is None else str(selected)
    return Markup("".join(
        '<option value="' + _text(value) + ('" selected>' if str(value) == selected else '">') + _text(text)
        + "</option>"
        for value, text in choices))


# Fixed choice lists shown as filters, rendered once per language (kept in app.web.caching's
# store): a kind of the labels (statuses, stages, types), or the affairs. They are shipped with
# the code, not kept in the database, so no data version is part of their key (reading one
# would cost a query for every filter on the page).
def _fixed_choices(kind: str) -> list[tuple[str, str]]:
    if kind == "affair":
        return affair_choices()
    translations = i18n.catalogue()
    return [(code, label(kind, code, translations)) for code in LABEL_TEXTS[kind]]


def fixed_options(kind: str, selected: str | None) -> Markup:
    """select_options() of a fixed list (labels or government affairs), from a kept copy."""
    rendered = caching.remember(caching.key("fixed-options", "shipped", kind),
                                lambda: select_options(_fixed_choices(kind), None))
    if not selected:
        return rendered
    marker = '<option value="' + _text(selected) + '">'
    return Markup(str(rendered).replace(marker, marker[:-1] + " selected>", 1))


def url_with(**changes) -> str:
    """The current URL with some query arguments changed (for paging and sorting).

    A page shared through app.web.caching starts from the arguments its view
    read (caching.known_args), so an argument it ignored never finds its way
    into the shared copy."""
    known = caching.known_args()
    args = dict(known) if known is not None else request.args.to_dict(flat=True)
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def current_path() -> str:
    """This page's path (its route's own spelling of it), without the query."""
    if request.endpoint is None:  # no route matched: the 404 page
        return request.path
    return url_for(request.endpoint, **(request.view_args or {}))


def current_url() -> str:
    """This page's path and query (as url_with), for the language switch to come back to."""
    if request.endpoint is None:
        return request.path
    return url_with()


def status_groups() -> dict[str, tuple[str, ...]]:
    """Every status group of the models by its name (SUBMITTED_STATUSES, SEAT_STATUSES...)."""
    from app import models

    return {name: value for name, value in vars(models).items()
            if name.endswith("_STATUSES") or name == "PUBLIC_MILESTONES"}


def register(app: Flask) -> None:
    i18n.install(app)
    # Filters shared by every feature are added here, once, through Flask's add_template_filter
    # (as a blueprint's app_template_filter is): a second filter of the same name would
    # silently replace the first (tests/test_feature_boundaries.py).
    filters = {
        "label": pass_context(lambda context, code, kind: label(kind, code, i18n.catalogue_of(context))),
        "affair": affair_name,
        # A Sustainable Development Goal's name from its number, in the reader's language.
        "sdg": goal_name,
        "datetime": lambda value, fmt="medium": format_datetime(value, fmt) if value else "",
        "date": lambda value, fmt="medium": format_date(value, fmt) if value else "",
        "paragraphs": paragraphs,
        "score": score_text,
        # Any other number shown to people, in the reader's locale (1.234,5 in Indonesian).
        "decimal": lambda value, fmt="#,##0.##": "" if value is None else format_decimal(value, format=fmt),
        # A share (0.5) as the reader's locale writes a percentage (50%), whole percents unless
        # a format asks for decimals ("#,##0.#%": 74,8%).
        "percent": lambda value, fmt=None: "–" if value is None else format_percent(value, format=fmt),
    }
    for name, function in filters.items():
        app.add_template_filter(function, name)
    app.jinja_env.globals.update(absolute_url=absolute_url, url_with=url_with, current_path=current_path,
                                 current_url=current_url, status_tag=status_tag, stage_tag=stage_tag,
                                 select_options=select_options, fixed_options=fixed_options)
    # The named status groups (app.models), so templates test "status in APPROVED_STATUSES"
    # by the same rule as the code, never a list of their own.
    app.jinja_env.globals.update(status_groups())
    # The innovation's one timeline (DESIGN §8), from every feature's part (app.core.signals);
    # the viewer is the template's current_user, the Audience in a shared page part.
    app.jinja_env.globals["innovation_timeline"] = pass_context(
        lambda context, proposal: signals.collect_timeline(proposal, viewer=context["current_user"]))
    # Lets the layout link to a feature only once that feature is registered.
    app.jinja_env.globals["has_endpoint"] = lambda name: name in app.view_functions

    @app.context_processor
    def inject_globals():
        return {
            "current_language": i18n.current_language(),
            "htmx_url": current_app.config["HTMX_URL"],
            "htmx_sri": current_app.config["HTMX_SRI"],
        }
