"""Coaching (DESIGN §11): coaches assigned to agencies per cycle, coaching sessions with action
items, and the agency's readiness self-assessment. Pages under /coaching, /admin/coaches and
/admin/readiness."""
from flask import Blueprint

bp = Blueprint("coaching", __name__)

from app.coaching import reminders, routes  # noqa: E402,F401  (the reminders receiver, the pages)
