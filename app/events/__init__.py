"""Lab events (kegiatan lab): workshops, registration, attendance, the pledge, calendar."""
from flask import Blueprint

bp = Blueprint("events", __name__)


@bp.record
def _register_feed(state):
    # "/events.ics" sits beside the blueprint's prefix, not under it, so the
    # rule is added to the app with the prefix the blueprint was given.
    from app.events.routes import feed

    prefix = (state.url_prefix or "/events").rstrip("/")
    state.app.add_url_rule(f"{prefix}.ics", f"{state.name}.feed", feed)


from app.events import routes, timeline  # noqa: E402,F401  (routes, timeline part)
