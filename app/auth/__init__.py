"""Accounts: login, logout, change password."""
from flask import Blueprint

from app.extensions import db
from app.models import User

bp = Blueprint("auth", __name__)


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
