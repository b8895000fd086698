"""Authentication: checking credentials and recording the outcome."""
from sqlalchemy import func, select

from app import audit
from app.extensions import db
from app.models import User
from app.models._types import utcnow


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (and an audit entry)."""
    email = normalise_email(email)
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is not None and user.check_password(password) and user.active:
        user.last_login_at = utcnow()
        audit.record("login", target=user, actor=user, summary=user.email)
        return user
    reason = "unknown_email" if user is None else ("inactive" if not user.active else "wrong_password")
    audit.record("login_failed", target=user, summary=email, reason=reason)
    return None


def change_password(user: User, current: str, new: str) -> bool:
    if not user.check_password(current):
        return False
    user.set_password(new)
    audit.record("password_changed", target=user, actor=user, summary=user.email)
    return True
