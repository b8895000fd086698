"""Who may reach a view at all: the one rule for admin pages (DESIGN §1: admins are the
lab officers; everyone else is refused on the server, whatever the page shows)."""
from functools import wraps

from flask import abort
from flask_login import current_user

from app.core.extensions import login_manager


def admin_required(view):
    """Decorator for a view only admins may use: anonymous people go to the login page
    (as login_required sends them), anyone else logged in gets 403."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@admin_required
def admin_only() -> None:
    """The same rule as a blueprint's before_request, for a blueprint of admin pages only:
    `bp.before_request(admin_only)`. Returning None lets an admin's request through."""
    return None
