"""Administration for lab officers: users, agencies, cycles, audit log."""
from flask import Blueprint, abort
from flask_login import current_user

bp = Blueprint("admin", __name__)


@bp.before_request
def require_admin():
    """Every admin route: anonymous to the login page, non-admins 403."""
    from app.extensions import login_manager

    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_admin:
        abort(403)


from app.admin import routes  # noqa: E402,F401
