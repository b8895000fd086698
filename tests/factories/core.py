"""Agencies, people and cycles: the ground every other factory stands on."""
import itertools
from datetime import date

from werkzeug.security import generate_password_hash

from app.core.cycles import city_today
from app.core.extensions import db
from app.models import Agency, Cycle, User

PASSWORD = "correct-horse-battery"
# A cheap hash (1000 rounds) for the many people the tests make: logging in stays real, but
# does not cost werkzeug's default hasher on every login. `real_hash=True` gives that one.
FAST_HASH_METHOD = "pbkdf2:sha256:1000"
_FAST_HASH_OF_PASSWORD = generate_password_hash(PASSWORD, method=FAST_HASH_METHOD)
_counter = itertools.count(1)


def agency(code: str | None = None, kind: str = "opd", parent: Agency | None = None, **fields) -> Agency:
    n = next(_counter)
    obj = Agency(code=code or f"AG{n}", name=fields.pop("name", f"Dinas Uji {n}"), kind=kind, parent=parent, **fields)
    db.session.add(obj)
    db.session.flush()
    return obj


def password_hash(password: str = PASSWORD, real_hash: bool = False) -> str:
    """The stored hash of `password`: the fast one unless `real_hash` (werkzeug's default, as the app makes)."""
    if real_hash:
        return generate_password_hash(password)
    if password == PASSWORD:
        return _FAST_HASH_OF_PASSWORD
    return generate_password_hash(password, method=FAST_HASH_METHOD)


def user(role: str = "innovator", agency_: Agency | None = None, password: str = PASSWORD, real_hash: bool = False,
         **fields) -> User:
    """A person of `role` (an innovator gets an agency of their own) who logs in with `password`."""
    n = next(_counter)
    if agency_ is None and role == "innovator":
        agency_ = agency()
    obj = User(
        email=fields.pop("email", f"user{n}@example.com"),
        name=fields.pop("name", f"Pengguna {n}"),
        role=role,
        agency=agency_,
        password_hash=password_hash(password, real_hash),
        **fields,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def cycle(year: int | None = None, **fields) -> Cycle:
    """A year's cycle; unless told otherwise its submission window spans the
    year and, so that tests may submit in any cycle, today too."""
    year = year or city_today().year
    today = city_today()
    fields.setdefault("submission_opens", min(date(year, 1, 1), today))
    fields.setdefault("submission_closes", max(date(year, 12, 31), today))
    obj = Cycle(year=year, **fields)
    db.session.add(obj)
    db.session.flush()
    return obj
