"""Innovation proposals: write, submit, follow (DESIGN §2, §4)."""
from flask import Blueprint

bp = Blueprint("proposals", __name__)

from app.proposals import reminders, routes, search, timeline  # noqa: E402,F401  (reminders, routes, search DDL hooks, timeline part)
