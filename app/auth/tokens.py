"""One-time links to set a password: the invitation an admin sends to a new account
(valid 72 hours) and the "forgot password" link a person asks for (valid 1 hour).

A link is a token signed with the app's SECRET_KEY (itsdangerous), so nobody can make
one or change the account it names. It is single use without a table of used tokens:
it carries a fingerprint of the account's password hash (and e-mail), and setting the
password changes the hash, so the same link, or any older one, no longer matches.
Changing the e-mail address also ends the links sent to the old one.
"""
import hashlib

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from app.core.extensions import db
from app.models import User

INVITE = "invite"
RESET = "reset"
MAX_AGE_SECONDS = {INVITE: 72 * 3600, RESET: 3600}
MAX_AGE_HOURS = {kind: seconds // 3600 for kind, seconds in MAX_AGE_SECONDS.items()}
# Tokens for other purposes signed with the same key never pass as these (and back).
SALT = "apusida.auth.set-password"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def _fingerprint(user: User) -> str:
    # Readable by whoever holds the link (a signed token is not encrypted): a digest of
    # the hash, never the hash itself.
    return hashlib.sha256(f"{user.password_hash}\n{user.email}".encode("utf-8")).hexdigest()[:24]


def make_token(user: User, kind: str) -> str:
    """A link token for `user` of `kind` (INVITE or RESET)."""
    if kind not in MAX_AGE_SECONDS:
        raise ValueError(f"unknown password link kind {kind!r}")
    return _serializer().dumps({"u": user.id, "k": kind, "f": _fingerprint(user)})


def user_of_token(token: str) -> tuple[User, str] | None:
    """(the account, the kind) of a token that is still good: signed by this app, not
    older than its kind allows, for an active account whose password has not been set
    since. None otherwise (the page says the link no longer works, whatever the reason)."""
    try:
        payload, signed_at = _serializer().loads(
            token, max_age=max(MAX_AGE_SECONDS.values()), return_timestamp=True)
    except BadData:
        return None
    if not isinstance(payload, dict) or payload.get("k") not in MAX_AGE_SECONDS:
        return None
    kind = payload["k"]
    # itsdangerous checked the longest age; the kind's own limit is checked here.
    try:
        _serializer().loads(token, max_age=MAX_AGE_SECONDS[kind])
    except BadData:
        return None
    user_id = payload.get("u")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or payload.get("f") != _fingerprint(user):
        return None
    return user, kind
