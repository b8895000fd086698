"""Demo data of coaching (run after the proposals' demo data): a coach from LAN assigned to four
agencies of the current cycle (the demo innovator's among them), two sessions with action items
open, done and one overdue, and the readiness self-assessment of two agencies. Creates only
what is missing."""
from datetime import timedelta

from sqlalchemy import func, select

from app.core.cycles import city_today
from app.core.extensions import db
from app.models import (
    READINESS_QUESTIONS, ActionItem, Agency, CoachAssignment, CoachingSession, Cycle, Proposal, ReadinessAnswer,
    ReadinessAssessment, User,
)

COACH = ("reviewer", "pendamping@demo.apusida.id", "Dr. Ratna Kusumawati (LAN RI)", "pendamping-demo-2026")
COACHED = ("DISKOMINFO", "DINKES", "KEL-KANIGARAN", "DISPENDUKCAPIL")
READINESS = {
    "DISKOMINFO": ({"leadership": 4, "team": 3, "budget": 2, "data": 4, "partners": 3},
                   {"budget": "Anggaran uji coba belum masuk DPA."}),
    "DINKES": ({"leadership": 5, "team": 4, "budget": 3, "data": 3, "partners": 4},
               {"partners": "Puskesmas dan kampus kesehatan sudah bersedia."}),
}


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


def load(cycle: Cycle) -> list[tuple[str, str, str]]:
    """The coach, their agencies, sessions and readiness; returns the coach's demo login."""
    role, email, name, password = COACH
    coach = _user(email)
    if coach is None:
        coach = User(email=email, name=name, role=role, agency=None, active=True)
        coach.set_password(password)
        db.session.add(coach)
        db.session.flush()
    agencies = {a.code: a for a in db.session.scalars(select(Agency).where(Agency.code.in_(COACHED)))}
    for code in COACHED:
        agency = agencies.get(code)
        if agency is not None and db.session.scalar(select(CoachAssignment.id).where(
                CoachAssignment.cycle_id == cycle.id, CoachAssignment.agency_id == agency.id)) is None:
            db.session.add(CoachAssignment(cycle_id=cycle.id, agency_id=agency.id, coach_id=coach.id))
    db.session.flush()
    _sessions(cycle, coach, agencies)
    _readiness(cycle, agencies)
    db.session.flush()
    return [(role, email, password)]


def _members(agency: Agency) -> list[User]:
    return list(db.session.scalars(select(User).where(User.agency_id == agency.id, User.active.is_(True))
                                   .order_by(User.id)))


def _sessions(cycle: Cycle, coach: User, agencies: dict[str, Agency]) -> None:
    if db.session.scalar(select(CoachingSession.id).where(CoachingSession.cycle_id == cycle.id)) is not None:
        return
    today = city_today()
    plans = (
        ("DISKOMINFO", 12, "Membahas masalah antrean layanan dan data awalnya. Tim sepakat menguji alur daring "
                           "di satu kelurahan lebih dulu.",
         (("Kumpulkan data antrean tiga bulan terakhir", 0, -2, False),
          ("Tetapkan tim inovasi dengan SK kepala dinas", 0, 10, False),
          ("Kirim rancang bangun versi pertama ke pendamping", None, 3, True))),
        ("DINKES", 5, "Meninjau hasil uji coba di puskesmas dan rencana perluasan ke semua kelurahan.",
         (("Susun laporan hasil uji coba dengan angka kepuasan", 0, 14, False),
          ("Jadwalkan pertemuan dengan Dispendukcapil", None, 7, False))),
    )
    for code, days_ago, notes, items in plans:
        agency = agencies.get(code)
        members = _members(agency) if agency is not None else []
        if agency is None or not members:
            continue
        proposals = list(db.session.scalars(select(Proposal).where(Proposal.agency_id == agency.id,
                                                                   Proposal.cycle_id == cycle.id).limit(2)))
        session = CoachingSession(cycle_id=cycle.id, agency_id=agency.id, coach_id=coach.id,
                                  held_on=today - timedelta(days=days_ago), notes=notes, proposals=proposals)
        for what, owner, due_in, done in items:
            session.items.append(ActionItem(what=what, owner_id=(members[owner] if owner is not None else coach).id,
                                            due_on=today + timedelta(days=due_in), done=done))
        db.session.add(session)


def _readiness(cycle: Cycle, agencies: dict[str, Agency]) -> None:
    for code, (scores, notes) in READINESS.items():
        agency = agencies.get(code)
        members = _members(agency) if agency is not None else []
        if not members or db.session.scalar(select(ReadinessAssessment.id).where(
                ReadinessAssessment.cycle_id == cycle.id, ReadinessAssessment.agency_id == agency.id)) is not None:
            continue
        db.session.add(ReadinessAssessment(
            cycle_id=cycle.id, agency_id=agency.id, filled_by_id=members[0].id,
            answers=[ReadinessAnswer(question=q, score=scores[q], note=notes.get(q, "")) for q in READINESS_QUESTIONS]))
