"""The public showcase of published innovations."""
from flask import Blueprint

bp = Blueprint("showcase", __name__)

from app.showcase import routes  # noqa: E402,F401
