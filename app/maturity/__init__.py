"""Innovation maturity: evidence per national indicator, verified and scored."""
from flask import Blueprint

bp = Blueprint("maturity", __name__)

from app.maturity import routes  # noqa: E402,F401
