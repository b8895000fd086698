"""Innovation maturity: evidence per national indicator, verified and scored; the national
index package (simulator, region evidence, exports) in index_routes."""
from flask import Blueprint

bp = Blueprint("maturity", __name__)

from app.maturity import routes  # noqa: E402,F401
from app.maturity import index_routes  # noqa: E402,F401
