"""Large demo data for load tests: `flask --app wsgi demo-data --proposals N --votes M`.

Adds N proposals spread over every active agency, three cycles and every
status (with their status changes, reviews, comments and showcase
publications), M votes by extra voter accounts (unique per person and
proposal, never for one's own agency) and event registrations in proportion.

Rows go in with bulk INSERTs (one executemany per chunk), not one ORM object
at a time, so 20,000 proposals and 200,000 votes take a minute or two. The
search index stays in sync by itself: SQLite's FTS5 triggers fire on each
inserted row (stemming the texts in Python), and PostgreSQL computes its stored
search column, which the GIN index is on, for each row.

Each run adds a new batch (new voter accounts with a batch number in their
e-mail), so running it twice never collides with the rows of the first run.
"""
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, insert, select, text
from werkzeug.security import generate_password_hash

from app.core.affairs import all_affairs
from app.core.cycles import current_cycle
from app.core.extensions import db
from app.models import (
    APPROVED_STATUSES,
    DECIDED_STATUSES,
    FORMS,
    INITIATORS,
    INNOVATION_TYPES,
    LAB_STAGES,
    MATURITIES,
    VOTABLE_STATUSES,
    Agency,
    Comment,
    Cycle,
    Event,
    Proposal,
    Registration,
    Review,
    ReviewScore,
    StatusChange,
    User,
    Vote,
)
from app.models.events import SEAT_STATUSES
from app.proposals.demo import closed_cycle
from app.reviews import rubrics

# Every voter and reviewer of the large set shares this password (hashed once),
# so load tests can log in as any of them.
BULK_PASSWORD = "bulk-demo-2026"
BULK_DOMAIN = "bulk.apusida.id"
VOTES_PER_VOTER = 100
CHUNK = 5000

# Share of each status among the generated proposals.
STATUS_WEIGHTS = {
    "draft": 12, "submitted": 20, "in_review": 20, "revision_requested": 5,
    "approved": 20, "rejected": 5, "implemented": 13, "withdrawn": 5,
}
# Reviews go to what has moved past "submitted": being reviewed, or decided.
REVIEWED_STATUSES = ("in_review", *DECIDED_STATUSES)

TITLE_WORDS = (
    ("Layanan", "Sistem", "Aplikasi", "Gerakan", "Klinik", "Pojok", "Rumah", "Sekolah", "Kampung", "Posko"),
    ("Akta", "Sampah", "Posyandu", "Perizinan", "Pajak", "Air Bersih", "Stunting", "UMKM", "Literasi", "Lansia",
     "Parkir", "Banjir", "Pangan", "Ketenagakerjaan", "Pengaduan", "Kesehatan Jiwa", "Imunisasi", "Pasar"),
    ("Terpadu", "Digital", "Keliling", "Cepat", "Ramah Warga", "Satu Pintu", "Mandiri", "Bersama", "Cerdas", "Hijau"),
)
SENTENCES = (
    "Warga selama ini harus datang berulang kali ke kantor untuk melengkapi berkas yang sama.",
    "Petugas garis depan mencatat setiap permohonan secara manual di buku register.",
    "Inovasi ini memangkas alur layanan dari tujuh langkah menjadi tiga langkah.",
    "Data permohonan disimpan di satu basis data yang dapat dibaca semua petugas.",
    "Kader kelurahan membantu warga lanjut usia yang belum terbiasa memakai telepon pintar.",
    "Uji coba dilakukan selama tiga bulan di satu kelurahan sebelum diperluas.",
    "Capaian dilaporkan setiap triwulan kepada Bappeda Litbang dan dibuka kepada publik.",
    "Biaya tambahan kecil karena memakai sarana dan jaringan internet yang sudah ada.",
    "Pengaduan warga dijawab paling lambat dua hari kerja melalui WhatsApp resmi.",
    "Standar operasional prosedur ditetapkan dengan keputusan kepala perangkat daerah.",
    "Rancangan ini mudah direplikasi oleh kecamatan dan kelurahan lain tanpa biaya lisensi.",
    "Tingkat kepuasan masyarakat naik menurut survei yang dilakukan setiap semester.",
    "Waktu tunggu rata-rata turun dari empat hari menjadi satu hari kerja.",
    "Forum konsultasi publik melibatkan tokoh masyarakat, kader dan perwakilan disabilitas.",
    "Dashboard kinerja menampilkan jumlah permohonan yang selesai tepat waktu.",
)
# Sentences about the proposal's own topic, so a search for a topic word finds
# that topic's proposals only (as in real data), not nearly every row.
TOPIC_SENTENCES = (
    "Inovasi {topic} ini lahir dari keluhan warga tentang layanan {topic} yang lambat.",
    "Tim {topic} menguji alur baru bersama warga dan petugas.",
    "Capaian layanan {topic} dipantau setiap bulan.",
)
COMMENTS = (
    "Mohon lampirkan data capaian uji coba.", "Bagus, bisa direplikasi di kelurahan kami.",
    "Apakah sudah ada SOP tertulis?", "Perlu dukungan anggaran untuk pelatihan petugas.",
    "Sudah dibahas di forum koordinasi, lanjutkan.", "Tambahkan testimoni warga pengguna layanan.",
)


@dataclass
class LargeResult:
    proposals: int = 0
    votes: int = 0
    voters: int = 0
    reviews: int = 0
    comments: int = 0
    registrations: int = 0
    status_changes: int = 0


def _chunks(rows: list, size: int = CHUNK):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _insert(model, rows: list[dict]) -> None:
    """Bulk INSERT (executemany per chunk), no ORM objects."""
    for chunk in _chunks(rows):
        db.session.execute(insert(model), chunk)


def _insert_returning_ids(model, rows: list[dict]) -> list[int]:
    """Bulk INSERT that hands back the new primary keys in the order of `rows`."""
    ids: list[int] = []
    for chunk in _chunks(rows):
        ids.extend(db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), chunk))
    return ids


def _cycles(current: Cycle) -> list[Cycle]:
    """The current cycle and the two before it (created when missing)."""
    cycles = [current]
    for year in (current.year - 1, current.year - 2):
        cycles.append(closed_cycle(year))
    return cycles


def _batch_number() -> int:
    """1 + the number of earlier runs (counted by their voter accounts' batch tag)."""
    emails = db.session.scalars(
        select(User.email).where(User.email.like(f"penulis-b%-1@{BULK_DOMAIN}"))
    ).all()
    return len(emails) + 1


def _text(rng: random.Random, sentences: int) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(sentences))


def _users(rng, count, role, agencies, batch, label, password_hash, now,
           start: int = 0) -> list[tuple[int, int | None]]:
    """Create `count` accounts (numbered from start + 1); returns (id, agency id) pairs."""
    rows = []
    for i in range(start + 1, start + count + 1):
        agency_id = agencies[i % len(agencies)] if agencies else None
        rows.append(dict(
            email=f"{label}-b{batch}-{i}@{BULK_DOMAIN}", name=f"{label.title()} {batch}.{i}", role=role,
            agency_id=agency_id, active=True, password_hash=password_hash, session_generation=1,
            created_at=now,
        ))
    ids = _insert_returning_ids(User, rows)
    return [(user_id, row["agency_id"]) for user_id, row in zip(ids, rows)]


def load_large(proposals: int, votes: int, seed: int | None = None, echo=lambda message: None) -> LargeResult:
    """Add `proposals` proposals and `votes` votes (plus reviews, comments and
    registrations in proportion) to a database that has the base demo data."""
    rng = random.Random(seed)
    result = LargeResult()
    now = datetime.now(timezone.utc)
    current = current_cycle()
    if current is None:
        raise ValueError("Load the base demo data (a cycle) first.")
    cycles = _cycles(current)
    agencies = db.session.scalars(select(Agency.id).where(Agency.active.is_(True)).order_by(Agency.id)).all()
    if not agencies:
        raise ValueError("Load the base demo data (the agencies) first.")
    batch = _batch_number()
    password_hash = generate_password_hash(BULK_PASSWORD)
    affairs = list(all_affairs()) or [None]
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())

    # Authors: one innovator per agency of this batch; voters: votes / 100 (at
    # least enough that each needs fewer votes than there are proposals to vote on).
    authors = dict((agency_id, user_id) for user_id, agency_id in
                   _users(rng, len(agencies), "innovator", agencies, batch, "penulis", password_hash, now))
    reviewer_count = max(3, proposals // 1000)
    reviewers = [user_id for user_id, _ in
                 _users(rng, reviewer_count, "reviewer", [], batch, "penilai", password_hash, now)]
    echo(f"  accounts: {len(authors)} authors, {len(reviewers)} reviewers")

    # --- proposals -----------------------------------------------------------------
    rows = []
    for i in range(proposals):
        agency_id = agencies[i % len(agencies)]
        # Most of the data in the current cycle, as in a lab's busy year.
        cycle = cycles[0] if rng.random() < 0.6 else rng.choice(cycles[1:])
        status = rng.choices(statuses, weights)[0]
        created = now - timedelta(days=rng.randint(1, 300), minutes=rng.randint(0, 1440))
        submitted = status != "draft" and not (status == "withdrawn" and rng.random() < 0.3)
        published = status in APPROVED_STATUSES and rng.random() < 0.7
        prefix, topic, suffix = (rng.choice(words) for words in TITLE_WORDS)
        title = f"{prefix} {topic} {suffix}"
        about = " ".join(sentence.format(topic=topic.lower()) for sentence in TOPIC_SENTENCES)
        rows.append(dict(
            cycle_id=cycle.id, agency_id=agency_id, author_id=authors[agency_id],
            title=f"{title} {batch}.{i + 1}", summary=f"{about} {_text(rng, 1)}", problem=_text(rng, 3),
            design=f"{_text(rng, 12)} {about} {_text(rng, 12)}", goals=_text(rng, 1), benefits=_text(rng, 1), results=_text(rng, 1),
            maturity=rng.choice(MATURITIES), initiator=rng.choice(INITIATORS),
            innovation_type=rng.choice(INNOVATION_TYPES), form=rng.choice(FORMS), affair=rng.choice(affairs),
            trial_date=None, implementation_date=created.date() if status == "implemented" else None,
            contact="0335-421000", lab_stage=rng.choice(LAB_STAGES), status=status, version=1,
            replicates_id=None, event_id=None, published=published,
            published_at=created + timedelta(days=30) if published else None,
            submitted_at=created + timedelta(days=1) if submitted else None,
            created_at=created, updated_at=created + timedelta(days=2),
        ))
    ids = _insert_returning_ids(Proposal, rows)
    result.proposals = len(ids)
    echo(f"  proposals: {result.proposals}")

    # --- status changes, reviews, comments -------------------------------------------
    changes, reviews, comments = [], [], []
    review_scores: list[dict[str, int]] = []  # the criteria of each review, in order
    rubrics.load_shipped()
    rubric = rubrics.default_rubric()
    for proposal_id, row in zip(ids, rows):
        if row["submitted_at"] is None:
            continue
        changes.append(dict(proposal_id=proposal_id, actor_id=row["author_id"], from_status="draft",
                            to_status="submitted", note="", created_at=row["submitted_at"]))
        if row["status"] != "submitted":
            if row["status"] in DECIDED_STATUSES:
                changes.append(dict(proposal_id=proposal_id, actor_id=None, from_status="submitted",
                                    to_status="in_review", note="", created_at=row["submitted_at"] + timedelta(days=3)))
            if row["status"] == "implemented":
                changes.append(dict(proposal_id=proposal_id, actor_id=None, from_status="in_review",
                                    to_status="approved", note="", created_at=row["submitted_at"] + timedelta(days=9)))
            changes.append(dict(proposal_id=proposal_id, actor_id=None,
                                from_status="approved" if row["status"] == "implemented" else "in_review",
                                to_status=row["status"], note="Keputusan tim laboratorium.",
                                created_at=row["submitted_at"] + timedelta(days=10)))
        if row["status"] in REVIEWED_STATUSES:
            for reviewer_id in rng.sample(reviewers, min(len(reviewers), rng.randint(1, 3))):
                scores = {c.code: rng.randint(2, 5) for c in rubric.criteria}
                review_scores.append(scores)
                reviews.append(dict(proposal_id=proposal_id, reviewer_id=reviewer_id, rubric_id=rubric.id,
                                    weighted_score=rubric.weighted(scores),
                                    recommendation=rng.choice(("approve", "revise", "reject")),
                                    comment=rng.choice(COMMENTS), created_at=row["submitted_at"] + timedelta(days=5),
                                    updated_at=row["submitted_at"] + timedelta(days=5)))
        if rng.random() < 0.5:
            comments.append(dict(proposal_id=proposal_id, author_id=row["author_id"], body=rng.choice(COMMENTS),
                                 created_at=row["submitted_at"] + timedelta(days=2)))
    _insert(StatusChange, changes)
    review_ids = _insert_returning_ids(Review, reviews)
    criterion_ids = {c.code: c.id for c in rubric.criteria}
    _insert(ReviewScore, [dict(review_id=review_id, criterion_id=criterion_ids[code], score=score)
                          for review_id, scores in zip(review_ids, review_scores) for code, score in scores.items()])
    _insert(Comment, comments)
    result.status_changes, result.reviews, result.comments = len(changes), len(reviews), len(comments)
    echo(f"  status changes: {len(changes)}, reviews: {len(reviews)}, comments: {len(comments)}")

    # --- votes ---------------------------------------------------------------------------
    votable = [(pid, row["agency_id"]) for pid, row in zip(ids, rows) if row["status"] in VOTABLE_STATUSES]
    if votes and not votable:
        raise ValueError("No votable proposal to vote on; ask for more proposals.")
    per_voter = min(VOTES_PER_VOTER, max(1, len(votable) // 2)) if votable else 1
    # Each voter's candidates: the votable proposals of other agencies (one list per agency).
    candidates: dict[int | None, list[int]] = {}
    voters: list[tuple[int, int | None]] = []
    vote_rows: list[dict] = []
    remaining = votes
    start = 0
    while remaining > 0:
        # Accounts for what is still missing; another round only when some
        # voters had fewer candidates than their share (few agencies, few proposals).
        fresh = _users(rng, math.ceil(remaining / per_voter), "innovator", agencies, batch,
                       "pemilih", password_hash, now, start=start)
        start += len(fresh)
        voters.extend(fresh)
        for user_id, agency_id in fresh:
            if remaining <= 0:
                break
            if agency_id not in candidates:
                candidates[agency_id] = [pid for pid, owner in votable if owner != agency_id]
            pool = candidates[agency_id]
            for proposal_id in rng.sample(pool, min(per_voter, remaining, len(pool))):
                vote_rows.append(dict(proposal_id=proposal_id, user_id=user_id,
                                      created_at=now - timedelta(minutes=rng.randint(0, 100000))))
                remaining -= 1
            if len(vote_rows) >= CHUNK * 4:
                _insert(Vote, vote_rows)
                result.votes += len(vote_rows)
                vote_rows = []
        if not any(candidates.values()):
            raise ValueError("Every votable proposal belongs to the voters' own agencies.")
    _insert(Vote, vote_rows)
    result.votes += len(vote_rows)
    result.voters = len(voters)
    echo(f"  votes: {result.votes} by {result.voters} voters")

    # --- registrations --------------------------------------------------------------------
    wanted = proposals // 10
    events = db.session.scalars(select(Event).where(Event.cancelled.is_(False)).order_by(Event.id)).all()
    registration_rows = []
    if events and wanted and voters:
        per_event = math.ceil(wanted / len(events))
        for event in events:
            taken, queue = db.session.execute(
                select(func.count(Registration.id).filter(Registration.status.in_(SEAT_STATUSES)),
                       func.coalesce(func.max(Registration.queue_number), 0))
                .where(Registration.event_id == event.id)
            ).one()
            free = None if event.capacity is None else max(0, event.capacity - taken)
            for user_id, _agency in rng.sample(voters, min(len(voters), per_event)):
                queue += 1
                seated = free is None or free > 0
                if free is not None and seated:
                    free -= 1
                registration_rows.append(dict(
                    event_id=event.id, user_id=user_id, status="registered" if seated else "waitlisted",
                    queue_number=queue, created_at=now, updated_at=now,
                ))
    _insert(Registration, registration_rows)
    result.registrations = len(registration_rows)
    echo(f"  registrations: {result.registrations}")

    db.session.flush()
    if db.engine.dialect.name == "postgresql":
        # Fresh statistics, or the planner guesses row counts from an empty table
        # until autovacuum comes by (ANALYZE may run inside the transaction).
        db.session.execute(text("ANALYZE"))
    return result
