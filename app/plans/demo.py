"""Demo action plans (issue 20): milestones on three demo proposals at or past the Design stage,
done, open and overdue, dated around today. Written as rows (like app/results/demo.py), matched
by proposal and text, so loading twice adds nothing."""
from datetime import timedelta

from sqlalchemy import select

from app.core.cycles import city_today
from app.core.extensions import db
from app.models import Milestone, Proposal, User

# proposal title: [(what, due in days from today, done in days from today or None)]
DEMO_PLANS = {
    "Si Cepat Akta: Akta Kelahiran Terbit dari Puskesmas": [
        ("SK tim inovasi ditandatangani kepala dinas", -300, -305),
        ("Uji coba di Puskesmas Kanigaran dan Wonoasih", -200, -190),
        ("Akta terbit dari seluruh puskesmas kota", -100, -95),
    ],
    "Posyandu Digital Terintegrasi": [
        ("Pelatihan kader posyandu memakai aplikasi", -60, -62),
        ("Aplikasi dipakai sepuluh posyandu", -10, None),  # overdue
        ("Evaluasi tiga bulan bersama puskesmas", 45, None),
    ],
    "Lapor Sampah Liar lewat WhatsApp": [
        ("Nomor WhatsApp pengaduan aktif dan diumumkan", -20, -21),
        ("Uji coba di RW 02 Kanigaran", 30, None),
    ],
}


def load(today=None) -> list[Milestone]:
    """Add the demo milestones that are missing; returns those added."""
    today = today or city_today()
    proposals = db.session.scalars(select(Proposal).where(Proposal.title.in_(DEMO_PLANS))).all()
    added = []
    for proposal in proposals:
        known = set(db.session.scalars(select(Milestone.what).where(Milestone.proposal_id == proposal.id)))
        marker = db.session.scalar(select(User).where(User.agency_id == proposal.agency_id, User.active.is_(True))
                                   .order_by(User.id)) or proposal.author
        evidence = proposal.attachments[0] if proposal.attachments else None
        for what, due, done in DEMO_PLANS[proposal.title]:
            if what in known:
                continue
            milestone = Milestone(proposal_id=proposal.id, what=what, due_on=today + timedelta(days=due))
            if done is not None:
                milestone.done_on, milestone.done_by_id = today + timedelta(days=done), marker.id
                milestone.attachment = evidence
            db.session.add(milestone)
            added.append(milestone)
    db.session.flush()
    return added
