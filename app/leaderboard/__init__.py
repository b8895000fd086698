"""The public leaderboard of agencies (DESIGN §3) and the admins' annual report."""
from flask import Blueprint

bp = Blueprint("leaderboard", __name__)


@bp.app_template_filter("score")
def format_score(value) -> str:
    """A mean review score with one decimal, in the reader's locale (80,5 in Indonesian)."""
    from flask_babel import format_decimal

    return "" if value is None else format_decimal(round(value, 1), format="#,##0.0")

from app.leaderboard import routes  # noqa: E402,F401
