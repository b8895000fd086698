"""The unsubscribe link every notification e-mail carries (DESIGN §11): it works without logging in.

A token signed with the app's SECRET_KEY (itsdangerous, through Flask's secret key), under a salt
of its own so that no other token of the app passes for it, valid 60 days. It names the account
and carries a digest of its e-mail address, so a link mailed to an address the account no longer
has stops working. Opening it changes nothing (GET); the page's one button (POST, CSRF) sets the
person's e-mail choice to none (app/auth/routes.py, /auth/unsubscribe/<token>).
"""
import hashlib

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from app.core.extensions import db
from app.models import User
from app.web.urls import site_root

SALT = "apusida.notifications.unsubscribe"
MAX_AGE_DAYS = 60
MAX_AGE_SECONDS = MAX_AGE_DAYS * 24 * 3600
# The auth blueprint's route; built by hand because mail also leaves from the command line,
# where Flask cannot build URLs without SERVER_NAME (tests/test_reminders.py opens it).
PATH = "/auth/unsubscribe/"
ACCOUNT_PATH = "/auth/account"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def _address_digest(user: User) -> str:
    return hashlib.sha256(user.email.strip().lower().encode("utf-8")).hexdigest()[:16]


def make_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "e": _address_digest(user)})


def user_of_token(token: str) -> User | None:
    """The account of a good token: signed here, at most 60 days old, for an account that still
    has the address it was mailed to. None otherwise (expired, altered, cut short)."""
    try:
        payload = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
    except BadData:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    user = db.session.get(User, payload["u"])
    if user is None or payload.get("e") != _address_digest(user):
        return None
    return user


def unsubscribe_link(user: User) -> str:
    """The absolute link of the unsubscribe page for `user` (on the configured host)."""
    return f"{site_root()}{PATH}{make_token(user)}"


def account_link() -> str:
    """The absolute link of the account page, where the e-mail choice is made."""
    return f"{site_root()}{ACCOUNT_PATH}"
