"""Demo data: the real agencies of Kota Probolinggo, demo users, a current cycle.

Every step creates only what is missing, so running it twice changes nothing.
"""
import csv
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from app.core.cycles import city_today, cycle_of_year
from app.core.extensions import db
from app.models import Agency, Cycle, User

AGENCIES_FILE = Path(__file__).resolve().parent.parent / "data" / "agencies.csv"

# Shown by `make run`; demo accounts exist only where demo-data was loaded.
DEMO_USERS = [
    ("admin", "admin@demo.apusida.id", "Rina Lestari", "BAPPEDALITBANG", "admin-demo-2026"),
    # A second admin: the region's index evidence is verified by an admin other than its claimant.
    ("admin", "admin2@demo.apusida.id", "Hendra Wijaya", "BAPPEDALITBANG", "admin-demo-2026"),
    ("reviewer", "penilai@demo.apusida.id", "Dr. Bambang Susilo", "BAPPEDALITBANG", "penilai-demo-2026"),
    ("innovator", "inovator@demo.apusida.id", "Agus Prasetyo", "DISKOMINFO", "inovator-demo-2026"),
    ("innovator", "inovator.dinkes@demo.apusida.id", "Siti Rahmawati", "DINKES", "inovator-demo-2026"),
    ("innovator", "inovator.kanigaran@demo.apusida.id", "Dewi Anggraini", "KEL-KANIGARAN", "inovator-demo-2026"),
]


def load_agencies() -> dict[str, Agency]:
    existing = {a.code: a for a in db.session.scalars(select(Agency))}
    with AGENCIES_FILE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["code"] not in existing:
            agency = Agency(code=row["code"], name=row["name"], kind=row["kind"], active=True)
            db.session.add(agency)
            existing[row["code"]] = agency
    db.session.flush()
    for row in rows:
        agency = existing[row["code"]]
        if row["parent_code"] and agency.parent_id is None:
            agency.parent = existing[row["parent_code"]]
    db.session.flush()
    return existing


def load_users(agencies: dict[str, Agency]) -> list[User]:
    users = []
    for role, email, name, agency_code, password in DEMO_USERS:
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None:
            user = User(email=email, name=name, role=role, agency=agencies[agency_code], active=True)
            user.set_password(password)
            db.session.add(user)
        users.append(user)
    db.session.flush()
    return users


def load_cycle(today: date | None = None) -> Cycle:
    year = (today or city_today()).year  # the city's year: its demo submissions fall within the window
    cycle = cycle_of_year(year)
    if cycle is None:
        cycle = Cycle(year=year, submission_opens=date(year, 1, 1), submission_closes=date(year, 12, 31),
                      target_per_agency=1)
        db.session.add(cycle)
        db.session.flush()
    return cycle


def load(if_empty: bool = False):
    """Load the demo set; returns (role, email, password) of the demo logins."""
    from app.coaching.demo import COACH
    from app.competitions.demo import GUEST_REVIEWER

    logins = [(role, email, password) for role, email, _name, _agency, password in DEMO_USERS]
    if if_empty and db.session.scalar(select(func.count(User.id))):
        return logins + [(GUEST_REVIEWER[0], GUEST_REVIEWER[1], GUEST_REVIEWER[3]), (COACH[0], COACH[1], COACH[3])]
    agencies = load_agencies()
    load_users(agencies)
    cycle = load_cycle()
    from app.events import demo as events_demo
    from app.proposals import demo as proposals_demo
    from app.results import demo as results_demo
    from app.reviews import demo as reviews_demo

    proposals_demo.load(cycle)
    results_demo.load(cycle)  # the two years before: innovations, result indicators, yearly reports
    reviews_demo.load()  # reviews and votes on the demo proposals
    results_demo.date_reviews()  # the earlier years' reviews in their own year
    from app.competitions import demo as competitions_demo

    # This year's city contest and a guest reviewer: after the demo reviews (the guest has none
    # yet, to score the contest's entries), before the events (which the guest may attend).
    logins += competitions_demo.load(cycle)
    from app.coaching import demo as coaching_demo

    # A coach for four agencies, with sessions, action items and readiness: after the proposals,
    # before the events (which the coach may attend, as the guest reviewer).
    logins += coaching_demo.load(cycle)
    events_demo.load()
    from app.maturity import demo as maturity_demo

    maturity_demo.load()  # evidence on the approved and implemented demo innovations
    from app.plans import demo as plans_demo

    plans_demo.load()  # action plans of the demo proposals at or past the Design stage
    return logins
