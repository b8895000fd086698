"""Administration for lab officers: users, agencies, cycles, audit log."""
from flask import Blueprint

from app.auth.permissions import admin_only

bp = Blueprint("admin", __name__)
# Every admin route: anonymous to the login page, non-admins 403.
bp.before_request(admin_only)


from app.admin import routes  # noqa: E402,F401
