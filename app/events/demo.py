"""Demo events: the lab's year from sosialisasi to the Display expo, with registrations.

Idempotent: an event is recognised by its title and created only when missing;
registrations and signatures are added only where the person has none.
"""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from app.core.extensions import db
from app.events import services
from app.events.services import JAKARTA
from app.models import SEAT_STATUSES, Event, EventIdea, EventReport, Proposal, Registration, Signature, User

PLEDGE = (
    "Kami, aparatur perangkat daerah Kota Probolinggo, berikrar untuk memberi gagasan, "
    "mendukung rekan yang berinovasi, dan membangun budaya inovasi dalam pelayanan publik."
)

# (title, kind, days from today, start hour WIB, hours, place, capacity, public, pledge, description)
DEMO_EVENTS = [
    ("Sosialisasi Laboratorium Inovasi", "sosialisasi", -40, 9, 3, "Aula Bappeda Litbang", None, True, False,
     "Pengenalan metode Laboratorium Inovasi LAN RI dan target satu inovasi per perangkat daerah."),
    ("Drum-up: Menyalakan Semangat Inovasi", "drum_up", -21, 8, 4, "Gedung Puri Manggala Bhakti", 60, True, False,
     "Tahap Drum-up: kepala perangkat daerah menyepakati tantangan pelayanan yang akan diinovasikan."),
    ("Lokakarya Diagnose", "diagnose", 5, 9, 5, "Ruang Rapat Bappeda Litbang", 3, True, True,
     "Membedah akar masalah pelayanan bersama coach LAN RI, lalu menandatangani ikrar inovasi."),
    ("Klinik Design: Menyusun Rancang Bangun", "design", 12, 13, 3, "Ruang Rapat Bappeda Litbang", 20, False, False,
     "Pendampingan menulis rancang bangun inovasi (minimal 300 kata) untuk tim perangkat daerah."),
    ("Ekspo Display Inovasi Kota Probolinggo", "display", 30, 8, 8, "Alun-alun Kota Probolinggo", None, True, False,
     "Pameran inovasi perangkat daerah, kecamatan dan kelurahan untuk warga."),
]


# Demo proposals linked to a coming lab event (title, event title, moved one lab stage for it),
# so their timelines show the event and the stage.
DEMO_LINKS = [
    ("Posyandu Digital Terintegrasi", "Ekspo Display Inovasi Kota Probolinggo", True),
    ("Lapor Sampah Liar lewat WhatsApp", "Klinik Design: Menyusun Rancang Bangun", False),
    ("Angkot Pintar Ramah Pelajar", "Drum-up: Menyalakan Semangat Inovasi", False),
]

# The close report of an event that has ended (issue 20): (event title, minutes, public summary, ideas).
DEMO_REPORT = (
    "Drum-up: Menyalakan Semangat Inovasi",
    "Dibuka Kepala Bappeda Litbang. Setiap kepala perangkat daerah menyebut satu tantangan pelayanan. "
    "Disepakati: usulan awal masuk paling lambat akhir bulan; coach LAN RI mendampingi tahap Diagnose.\n\n"
    "Tindak lanjut: Bappeda Litbang mengirim templat rancang bangun ke semua perangkat daerah.",
    "Kepala perangkat daerah, camat dan lurah menyepakati tantangan pelayanan yang akan diinovasikan "
    "tahun ini. Ide-ide awal akan dibedah pada Lokakarya Diagnose.",
    ["Angkot pelajar dengan kartu pintar", "Antrean puskesmas lewat WhatsApp", "Izin reklame daring",
     "Bank sampah sekolah", "Posko aduan warga di kelurahan"],
)


def _close_demo_event(events: list[Event], admin: User | None) -> None:
    """Write DEMO_REPORT for its event once it has ended and has none yet."""
    title, minutes, summary, ideas = DEMO_REPORT
    event = next((e for e in events if e.title == title), None)
    if event is None or services.close_refusal(event) or services.report_of(event) is not None:
        return
    report = EventReport(event_id=event.id, minutes=minutes, public_summary=summary,
                         written_by_id=admin.id if admin else None)
    report.ideas = [EventIdea(position=n, title=idea) for n, idea in enumerate(ideas, start=1)]
    db.session.add(report)
    db.session.flush()


def _link_demo_proposals(events: list[Event], admin: User | None) -> None:
    """Link the DEMO_LINKS proposals to their events through the services (so it is audited)."""
    by_title = {event.title: event for event in events}
    proposals = {p.title: p for p in db.session.scalars(
        select(Proposal).where(Proposal.title.in_([link[0] for link in DEMO_LINKS])))}
    for title, event_title, advance in DEMO_LINKS:
        proposal, event = proposals.get(title), by_title.get(event_title)
        if proposal is None or event is None or admin is None or proposal.event_id == event.id:
            continue  # not in this demo, or linked on an earlier run
        services.link_proposal(event, proposal, admin)
        if advance and services.next_stage(proposal.lab_stage):
            services.advance_stage(event, proposal, admin)


def _at(today, days: int, hour: int) -> datetime:
    local = datetime(today.year, today.month, today.day, hour, 0, tzinfo=JAKARTA) + timedelta(days=days)
    return local.astimezone(timezone.utc)


def load(today=None) -> list[Event]:
    """Create the demo events (relative to today) and register the demo users."""
    today = today or datetime.now(JAKARTA).date()
    admin = db.session.scalar(select(User).where(User.role == "admin").order_by(User.id))
    existing = {e.title: e for e in db.session.scalars(select(Event).where(Event.title.in_([d[0] for d in DEMO_EVENTS])))}
    events = []
    for title, kind, days, hour, hours, place, capacity, public, pledge, description in DEMO_EVENTS:
        event = existing.get(title)
        if event is None:
            starts = _at(today, days, hour)
            event = Event(
                title=title, kind=kind, starts_at=starts, ends_at=starts + timedelta(hours=hours), place=place,
                capacity=capacity, description=description, is_public=public, registration_open=True,
                declaration_text=PLEDGE if pledge else "", created_by_id=admin.id if admin else None, sequence=0,
            )
            db.session.add(event)
        events.append(event)
    db.session.flush()

    staff = db.session.scalars(select(User).where(User.active.is_(True), User.role != "admin").order_by(User.id)).all()
    taken = {(r.event_id, r.user_id) for r in db.session.scalars(
        select(Registration).where(Registration.event_id.in_([e.id for e in events])))}
    signed = {(s.event_id, s.user_id) for s in db.session.scalars(
        select(Signature).where(Signature.event_id.in_([e.id for e in events])))}
    for event in events:
        past = event.ends_at < datetime.now(timezone.utc)
        queue = max((r.queue_number for r in event.registrations), default=0)
        for user in staff:
            if (event.id, user.id) in taken:
                continue
            seats = sum(1 for r in event.registrations if r.status in SEAT_STATUSES)
            full = event.capacity is not None and seats >= event.capacity
            queue += 1
            status = "waitlisted" if full else ("attended" if past else "registered")
            registration = Registration(event=event, user=user, status=status, queue_number=queue)
            if status == "attended":
                registration.attended_at = event.starts_at + timedelta(minutes=10)
            db.session.add(registration)
            db.session.flush()
            # A couple of early signatures, so the pledge page shows its count.
            if (event.declaration_text and status != "waitlisted" and user in staff[:2]
                    and (event.id, user.id) not in signed):
                db.session.add(Signature(event_id=event.id, user_id=user.id, signer_name=user.name,
                                         agency_name=user.agency.name if user.agency else ""))
    db.session.flush()
    _link_demo_proposals(events, admin)
    _close_demo_event(events, admin)
    return events
