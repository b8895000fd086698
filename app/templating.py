"""Jinja filters and globals used across templates."""
from flask import Flask, current_app, request, url_for
from flask_babel import format_date, format_datetime, get_locale
from markupsafe import Markup, escape

from app import i18n
from app.affairs import affair_name
from app.labels import label


def paragraphs(text: str | None) -> Markup:
    """Plain text with its line breaks kept, escaped."""
    if not text:
        return Markup("")
    blocks = [block.strip() for block in str(text).replace("\r\n", "\n").split("\n\n")]
    html = "".join(
        "<p>" + str(escape(block)).replace("\n", Markup("<br>")) + "</p>" for block in blocks if block
    )
    return Markup(html)


def url_with(**changes) -> str:
    """The current URL with some query arguments changed (for paging and sorting)."""
    args = request.args.to_dict(flat=True)
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def register(app: Flask) -> None:
    i18n.install(app)
    app.jinja_env.filters["label"] = lambda code, kind: label(kind, code)
    app.jinja_env.filters["affair"] = affair_name
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.globals["url_with"] = url_with
    # Lets the layout link to a feature only once that feature is registered.
    app.jinja_env.globals["has_endpoint"] = lambda name: name in app.view_functions

    @app.context_processor
    def inject_globals():
        locale = get_locale()
        return {
            "current_language": locale.language if locale else "id",
            "htmx_url": current_app.config["HTMX_URL"],
            "htmx_sri": current_app.config["HTMX_SRI"],
        }
