"""Factory functions: each makes one valid object with sensible defaults."""
import itertools
from datetime import date

from app.cycles import city_today
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
    """A year's cycle; unless told otherwise its submission window spans the
    year and, so that tests may submit in any cycle, today too."""
    year = year or date.today().year
    today = city_today()
    fields.setdefault("submission_opens", min(date(year, 1, 1), today))
    fields.setdefault("submission_closes", max(date(year, 12, 31), today))
    obj = Cycle(year=year, **fields)
    db.session.add(obj)
    db.session.flush()
    return obj


DESIGN_TEXT = " ".join(["Rancang bangun inovasi ini menjelaskan alur layanan yang lebih cepat."] * 40)  # 360 words


def proposal(agency_: Agency | None = None, author: User | None = None, cycle_: Cycle | None = None,
             status: str = "draft", **fields):
    """A proposal with every field needed to submit it filled in."""
    from app.models import Proposal

    if author is None:
        author = user(role="innovator", agency_=agency_)
    agency_ = agency_ or author.agency
    if cycle_ is None:
        cycle_ = db.session.query(Cycle).filter_by(year=date.today().year).one_or_none() or cycle()
    n = next(_counter)
    values = dict(
        title=f"Inovasi Uji {n}", summary="Layanan perizinan daring untuk warga.", problem="Antrean panjang.",
        design=DESIGN_TEXT, goals="Mempercepat layanan.", benefits="Warga hemat waktu.", results="Waktu layanan turun.",
        maturity="inisiatif", initiator="opd", innovation_type="digital", form="pelayanan_publik",
        affair="kominfo", contact="0335-000000", lab_stage="drum_up",
    )
    values.update(fields)
    obj = Proposal(agency=agency_, author=author, cycle=cycle_, status=status, **values)
    db.session.add(obj)
    db.session.flush()
    return obj
