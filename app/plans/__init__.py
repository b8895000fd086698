"""A proposal's action plan (DESIGN §11): milestones written at the Design stage, marked done
with their evidence, shown on the proposal page and its timeline."""
from flask import Blueprint

bp = Blueprint("plans", __name__)

from app.plans import routes, timeline  # noqa: E402,F401  (routes, timeline part)
