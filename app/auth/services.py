"""Authentication: checking credentials and recording the outcome, and the
policy every new password must pass (change password, the admins' user form
and the `create-user` command all go through `require_good_password`)."""
import re
import secrets
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth import tokens
from app.core import audit
from app.core.extensions import db
from app.models import User
from app.notifications import services as notification_services
from app.web.urls import absolute_url
from app.models._types import utcnow

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 200
# A name or e-mail word shorter than this (Ali, Ani) is too common a string to forbid.
PERSONAL_WORD_MIN_LETTERS = 4
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"

_LETTERS = re.compile(r"[^\W\d_]+")  # runs of letters, in any script
_ENDS = re.compile(r"^[\W\d_]+|[\W\d_]+$")  # digits and symbols at either end
_LOOK_ALIKES = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                              "@": "a", "$": "s", "!": "i"})


def safe_next_url(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no protocol-relative //."""
    if not target:
        return None
    target = target.strip().replace("\\", "/")
    # Browsers drop tabs and newlines inside a URL ("/\t/evil" becomes "//evil"), and a
    # newline in a Location header is refused by Werkzeug with an error: no control characters.
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


@cache
def _dummy_hash() -> str:
    """A hash of a random password, made once per process with the same hasher and
    cost as every account's (werkzeug's default), for unknown e-mails."""
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (and an audit entry)."""
    email = normalise_email(email)
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    # The password is checked in every case, against a dummy hash when no account has
    # this e-mail, so the answer takes as long whether the e-mail is known or not.
    matches = check_password_hash(user.password_hash if user is not None else _dummy_hash(), password)
    if user is not None and matches and user.active:
        user.last_login_at = utcnow()
        audit.record("login", target=user, actor=user, summary=user.email)
        return user
    reason = "unknown_email" if user is None else ("inactive" if not user.active else "wrong_password")
    audit.record("login_failed", target=user, summary=email, reason=reason)
    return None


def end_session(user: User) -> None:
    """Log out on the server side: every session cookie of this account made
    before stops being valid (app.auth.load_user compares the generation), so a
    copied cookie is refused after logout."""
    user.session_generation = (user.session_generation or 0) + 1
    audit.record("logout", target=user, actor=user, summary=user.email)


# --- the password policy ------------------------------------------------------------

class WeakPassword(ValueError):
    """A new password the policy refuses; `problems` are shown beside the field."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


@cache
def _common_passwords() -> frozenset[str]:
    with COMMON_PASSWORDS_FILE.open(encoding="utf-8") as lines:
        return frozenset(line.strip().casefold() for line in lines
                         if line.strip() and not line.startswith("# "))


def _repeated_unit(text: str) -> str:
    """"rahasiarahasia" -> "rahasia": the shortest piece the text repeats, else the text."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return text[:size]
    return text


def _guessable_forms(password: str) -> set[str]:
    """The password as a guesser tries it: any case, with look-alike digits read as
    letters (p4ssw0rd), and, when they are most of it, without the digits and symbols
    at its ends (Rahasia123!), its letters alone (p.a.s.s.w.o.r.d), and a word said
    twice once (rahasia-rahasia). A short word inside long noise is not the password."""
    lowered = password.casefold()
    forms = {lowered, lowered.translate(_LOOK_ALIKES)}
    for derived in (_ENDS.sub("", lowered), "".join(_LETTERS.findall(lowered))):
        if len(derived) >= max(PERSONAL_WORD_MIN_LETTERS, len(password) / 2):
            forms.update((derived, derived.translate(_LOOK_ALIKES), _repeated_unit(derived)))
    return forms


def is_common_password(password: str) -> bool:
    return not _guessable_forms(password).isdisjoint(_common_passwords())


def _personal_words(email: str, name: str) -> set[str]:
    """The e-mail's local part and the words of the name and local part, of at least
    PERSONAL_WORD_MIN_LETTERS letters, in lower case."""
    local = normalise_email(email).split("@", 1)[0]
    words = {word for word in _LETTERS.findall(f"{local} {name or ''}".casefold())
             if len(word) >= PERSONAL_WORD_MIN_LETTERS}
    if len(local) >= PERSONAL_WORD_MIN_LETTERS:
        words.add(local)
    return words


def password_problems(password: str, *, email: str, name: str, user: User | None = None) -> list[str]:
    """Why `password` may not become the password of the account with this e-mail and
    name (`user`: the account, when it exists): [] when it may."""
    password = password or ""
    if len(password) > PASSWORD_MAX_LENGTH:
        return [_("Kata sandi paling banyak %(max)d karakter.", max=PASSWORD_MAX_LENGTH)]
    problems = []
    if len(password) < PASSWORD_MIN_LENGTH:
        problems.append(_("Kata sandi paling sedikit %(min)d karakter.", min=PASSWORD_MIN_LENGTH))
    forms = _guessable_forms(password)
    if any(word in form for word in _personal_words(email, name) for form in forms):
        problems.append(_("Kata sandi tidak boleh memuat nama atau bagian depan alamat email pemilik akun."))
    if is_common_password(password):
        problems.append(_("Kata sandi ini termasuk yang paling sering dipakai sehingga mudah ditebak. "
                          "Pilih yang lain, misalnya tiga atau empat kata yang tidak berhubungan."))
    if user is not None and user.password_hash and user.check_password(password):
        problems.append(_("Kata sandi baru harus berbeda dari kata sandi yang sekarang."))
    return problems


def require_good_password(password: str, *, email: str, name: str, user: User | None = None) -> None:
    """Raise WeakPassword unless `password` passes the policy (see password_problems)."""
    problems = password_problems(password, email=email, name=name, user=user)
    if problems:
        raise WeakPassword(problems)


def change_password(user: User, current: str, new: str) -> bool:
    """Set a new password for `user` after checking the current one (False when it is
    wrong); raises WeakPassword when the new one fails the policy."""
    if not user.check_password(current):
        return False
    require_good_password(new, email=user.email, name=user.name, user=user)
    user.set_password(new)
    audit.record("password_changed", target=user, actor=user, summary=user.email)
    return True


# --- password links (invitation and "forgot password") ------------------------------

def unusable_password_hash() -> str:
    """The hash given to an invited account until its person sets a password: the hash of
    a random secret nobody knows, made as every real hash is (so a login attempt takes as long)."""
    return generate_password_hash(secrets.token_urlsafe(32))


def password_link(user: User, kind: str) -> str:
    """The absolute one-time link for `user` to set a password (app.auth.tokens)."""
    return absolute_url("auth.set_password", token=tokens.make_token(user, kind))


def send_password_link(user: User, kind: str) -> bool:
    """E-mail `user` a one-time link to set their password (sent when the transaction
    commits); False when this server sends no mail. Audited, without the link."""
    hours = tokens.MAX_AGE_HOURS[kind]
    link = password_link(user, kind)
    if kind == tokens.INVITE:
        subject = _("Undangan ke Apusida")
        body = _("Halo %(name)s,\n\nAdmin Laboratorium Inovasi membuatkan akun Apusida untuk Anda (%(email)s). "
                 "Buka tautan berikut untuk membuat kata sandi. Tautan berlaku %(hours)d jam dan hanya sekali "
                 "pakai:\n\n%(link)s", name=user.name, email=user.email, hours=hours, link=link)
    else:
        subject = _("Atur ulang kata sandi Apusida")
        body = _("Halo %(name)s,\n\nAda permintaan mengatur ulang kata sandi akun Apusida Anda (%(email)s). "
                 "Buka tautan berikut untuk membuat kata sandi baru. Tautan berlaku %(hours)d jam dan hanya "
                 "sekali pakai:\n\n%(link)s\n\nBila Anda tidak memintanya, abaikan email ini: kata sandi "
                 "Anda tidak berubah.", name=user.name, email=user.email, hours=hours, link=link)
    sent = notification_services.queue_mail([user.email], subject, body)
    if sent:
        audit.record("password_link_sent", target=user, summary=user.email, kind=kind)
    return sent


def reset_by_mail_possible() -> bool:
    """Whether "forgot password" can mail a link: mail is on and the site's address is
    configured (TRUSTED_HOSTS). Anyone may ask for a reset, so its link must never be
    built from the request's Host header (app.web.urls falls back to it in development):
    a forged Host would mail the person a working token on someone else's site. An
    admin's invitation may use it, since the admin's own browser sent that request."""
    return notification_services.mail_enabled() and bool(current_app.config.get("TRUSTED_HOSTS"))


def request_password_reset(email: str) -> None:
    """"Forgot password": mail a reset link when an active account has this e-mail. Says
    nothing either way, so the page answers alike whether the address is known."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))
    if user is not None and user.active:
        if reset_by_mail_possible():
            send_password_link(user, tokens.RESET)
    else:
        audit.record("password_reset_unknown", summary=normalise_email(email)[:254])


def set_password_by_link(user: User, kind: str, password: str) -> None:
    """Set the password of the account a good link names (the link then stops working);
    raises WeakPassword when the policy refuses it."""
    require_good_password(password, email=user.email, name=user.name, user=user)
    user.set_password(password)
    audit.record("password_set_by_link", target=user, actor=user, summary=user.email, kind=kind)
