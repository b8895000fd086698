"""Demo data of competitions (run after the reviews' demo data): this year's city contest,
open for entries, and a guest reviewer from outside the city's agencies, so an admin can
assign two reviewers to every entry. Creates only what is missing."""
from datetime import timedelta

from sqlalchemy import func, select

from app.core.cycles import city_today
from app.core.extensions import db
from app.models import Competition, CompetitionTrack, Cycle, User
from app.reviews import rubrics

GUEST_REVIEWER = ("reviewer", "penilai.tamu@demo.apusida.id", "Dr. Lina Marlina", "penilai-demo-2026")
TRACKS = (("opd", "Perangkat daerah"), ("kelurahan", "Kecamatan dan kelurahan"))
AWARD_RUBRIC = "penghargaan-presentasi"


def name_of(year: int) -> str:
    return f"Lomba Inovasi Kota Probolinggo {year}"


def load(cycle: Cycle) -> list[tuple[str, str, str]]:
    """The contest of `cycle` and the guest reviewer; returns the guest's demo login."""
    role, email, name, password = GUEST_REVIEWER
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is None:
        guest = User(email=email, name=name, role=role, agency=None, active=True)
        guest.set_password(password)
        db.session.add(guest)
    if db.session.scalar(select(Competition.id).where(Competition.cycle_id == cycle.id)) is None:
        today = city_today()
        contest = Competition(
            cycle=cycle, name=name_of(cycle.year), rubric=rubrics.latest(AWARD_RUBRIC),
            description="Lomba tahunan Kota Probolinggo. Pemenang tiap kategori diusulkan ke kompetisi "
                        "inovasi pelayanan publik tingkat nasional.",
            entry_deadline=today + timedelta(days=14), review_deadline=today + timedelta(days=30))
        contest.tracks = [CompetitionTrack(code=code, name=track, position=n)
                          for n, (code, track) in enumerate(TRACKS, start=1)]
        db.session.add(contest)
    db.session.flush()
    return [(role, email, password)]
