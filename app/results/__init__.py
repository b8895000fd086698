"""An innovation's life after approval (DESIGN §8): result indicators, yearly reports and
their charts, and the rules other features read (what is due, what is still in use)."""
from flask import Blueprint

bp = Blueprint("results", __name__)

from app.results import reminders, routes, timeline  # noqa: E402,F401  (reminders, routes, timeline part)
