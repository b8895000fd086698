"""Accounts: login, logout, change password."""
from flask import Blueprint

from app.core.extensions import db
from app.models import User

bp = Blueprint("auth", __name__)


# Where Flask-Login keeps the logged-in id in the session (one of its documented
# flask_login.config.SESSION_KEYS); its value is User.get_id(): "id:generation".
SESSION_USER_KEY = "_user_id"


def signed_in(session_data) -> bool:
    """Whether the session is someone's who logged in, read from the session alone,
    without a database read (the poll answered ahead of Flask asks it too). A session
    whose generation has since ended still counts: that only makes an answer more private.

    `in` does not mark Flask's session as accessed, so an anonymous answer does not
    gain `Vary: Cookie` by being asked."""
    return SESSION_USER_KEY in session_data


def load_user(user_id: str) -> User | None:
    """Flask-Login loader: the id carries a generation so old sessions expire."""
    try:
        raw_id, generation = user_id.split(":", 1)
        user = db.session.get(User, int(raw_id))
    except (ValueError, TypeError):
        return None
    if user is None or str(user.session_generation) != generation or not user.active:
        return None
    return user


from app.auth import routes  # noqa: E402,F401
