"""Competitions (lomba) and their rubrics (DESIGN §10): admin pages under /admin/competitions,
an agency's entry at /proposals/<id>/competition."""
from flask import Blueprint

bp = Blueprint("competitions", __name__)

from app.competitions import reminders, routes  # noqa: E402,F401  (reminders, routes)
