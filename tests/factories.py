"""Factory functions: each makes one valid object with sensible defaults."""
import itertools
from datetime import date

from app.extensions import db
from app.models import Agency, Cycle, User

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def agency(code: str | None = None, kind: str = "opd", parent: Agency | None = None, **fields) -> Agency:
    n = next(_counter)
    obj = Agency(code=code or f"AG{n}", name=fields.pop("name", f"Dinas Uji {n}"), kind=kind, parent=parent, **fields)
    db.session.add(obj)
    db.session.flush()
    return obj


def user(role: str = "innovator", agency_: Agency | None = None, password: str = PASSWORD, **fields) -> User:
    n = next(_counter)
    if agency_ is None and role == "innovator":
        agency_ = agency()
    obj = User(
        email=fields.pop("email", f"user{n}@example.com"),
        name=fields.pop("name", f"Pengguna {n}"),
        role=role,
        agency=agency_,
        **fields,
    )
    obj.set_password(password)
    db.session.add(obj)
    db.session.flush()
    return obj


def cycle(year: int | None = None, **fields) -> Cycle:
    year = year or date.today().year
    obj = Cycle(year=year, submission_opens=date(year, 1, 1), submission_closes=date(year, 12, 31), **fields)
    db.session.add(obj)
    db.session.flush()
    return obj
