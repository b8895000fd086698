"""Demo data across three years (issue 17): the two cycles before this year's, closed, with
the innovations agencies brought then, their result indicators and their yearly reports.

Some agencies innovated two years running, some once, most never (the trend page); each
approved or implemented innovation has 1-3 indicators of the kind Kota Probolinggo reports
(days to a permit, residents served a month, complaints a month, the SKM score) and a report
for every later cycle it lived in: continuing, developed, or stopped with its reason, so the
charts have two or three points. One innovation of the demo innovator's agency still owes
this year's report (DUE_REPORT_TITLE), so the dashboard shows what is due.

Proposals move through the status service as in app/proposals/demo.py, then their dates are
set back into their own year, so the timeline reads as history. The report services are
another helper's: reports are written as rows, by the rules of app/results/rules.py (one per
later cycle, none after a stop, a reason when stopped). Everything is matched by title, cycle
or proposal, so loading twice adds nothing.
"""
import secrets
from contextlib import contextmanager
from datetime import date, datetime, time, timezone

from sqlalchemy import func, select

from app.core.cycles import CITY_TIMEZONE, city_today
from app.core.extensions import db
from app.models import (
    REASON_REQUIRED_REPORT_STATUSES,
    Agency,
    Attachment,
    AuditEntry,
    Cycle,
    Proposal,
    ReportValue,
    ResultIndicator,
    Review,
    StatusChange,
    User,
    YearlyReport,
)
from app.models._types import utcnow
from app.proposals import services
from app.proposals.demo import NOTES as PROPOSAL_NOTES
from app.proposals.demo import _design, closed_cycle, walk_to
from app.results.rules import needs_report_in

# The demo innovator's (inovator@demo.apusida.id, DISKOMINFO) innovation of last year without
# this year's report: the dashboard lists it as due, and a browser test reports on it.
DUE_REPORT_TITLE = "Wi-Fi Publik Taman Kota"
# Reported in both later years (three points on each chart: baseline, then two actual values).
TWO_REPORTS_TITLE = "SiPANDU: Izin Usaha Terbit Tiga Hari"
STOPPED_TITLE = "Bank Sampah Digital Kelurahan"

# Staff who wrote the earlier years' innovations, for agencies without a demo login. They
# never log in (a random password nobody knows); an admin may send them a password link.
AUTHORS = {
    "DPMPTSP": ("inovator.dpmptsp@demo.apusida.id", "Hendra Wijaya"),
    "DISPENDUKCAPIL": ("inovator.dispendukcapil@demo.apusida.id", "Nur Aini"),
    "RSUD": ("inovator.rsud@demo.apusida.id", "dr. Fajar Nugroho"),
    "KEC-MAYANGAN": ("inovator.mayangan@demo.apusida.id", "Slamet Riyadi"),
    "KEL-JATI": ("inovator.jati@demo.apusida.id", "Lilik Suryani"),
    "DISHUB": ("inovator.dishub@demo.apusida.id", "Yoga Pratama"),
}

# (years before this one, title, agency, status, published, affair, kind, summary, how, who,
#  indicators: (name, unit, baseline, target, direction),
#  reports: {years after the proposal's: (status, reason, actual values in indicator order)})
INNOVATIONS = [
    (2, TWO_REPORTS_TITLE, "DPMPTSP", "implemented", True, "penanaman_modal", "digital",
     "Izin usaha mikro dan kecil terbit paling lama tiga hari kerja: berkas diunggah sekali, diverifikasi "
     "bersama oleh tim teknis, dan izin dikirim dalam bentuk elektronik.",
     "Tim teknis dari beberapa perangkat daerah memverifikasi berkas pada hari yang sama melalui satu meja "
     "daring, sehingga berkas tidak lagi berpindah dari kantor ke kantor.",
     "pelaku usaha mikro dan kecil",
     [("Lama terbit izin usaha", "hari", 14, 3, "down"), ("Nilai SKM layanan perizinan", "indeks", 76.4, 85, "up")],
     {1: ("continuing", "", (8, 80.2)),
      2: ("developed", "Diperluas ke izin reklame dan izin keramaian, dengan pelacakan berkas lewat WhatsApp.",
          (3.5, 84.6))}),
    (2, "Aduan Warga Satu Pintu", "DISKOMINFO", "implemented", True, "kominfo", "digital",
     "Semua aduan warga dari WhatsApp, media sosial dan kotak saran dicatat di satu tempat, diteruskan ke "
     "perangkat daerah yang berwenang dan dijawab dengan batas waktu yang jelas.",
     "Petugas admin aduan di setiap perangkat daerah menerima aduan yang sudah dipilah, dan aduan yang lewat tiga "
     "hari tanpa jawaban naik otomatis ke pimpinan.",
     "warga yang menyampaikan aduan",
     [("Aduan belum dijawab lebih dari 3 hari per bulan", "aduan", 64, 10, "down"),
      ("Aduan yang masuk per bulan", "aduan", 180, 400, "up")],
     {1: ("continuing", "", (31, 265)), 2: ("continuing", "", (12, 342))}),
    (2, "Jemput Bola Dokumen Kependudukan Lansia", "DISPENDUKCAPIL", "approved", True, "adminduk", "non_digital",
     "Petugas mendatangi lansia dan penyandang disabilitas di rumah untuk perekaman KTP elektronik dan "
     "pembaruan kartu keluarga.",
     "Kelurahan mendata warga lansia dan penyandang disabilitas yang belum memiliki dokumen, lalu petugas datang "
     "dengan perangkat perekaman keliling sesuai jadwal per kecamatan.",
     "warga lansia dan penyandang disabilitas",
     [("Lansia dan penyandang disabilitas terlayani per bulan", "orang", 35, 150, "up")],
     {1: ("continuing", "", (96,)), 2: ("continuing", "", (141,))}),
    (2, "Antar Dokumen Kecamatan ke Rumah", "KEC-MAYANGAN", "approved", False, "adminduk", "non_digital",
     "Dokumen layanan kecamatan yang sudah selesai diantar ke rumah warga oleh petugas kelurahan.",
     "Petugas kelurahan mengambil dokumen yang sudah jadi di kecamatan dua kali seminggu dan mengantarnya sesuai "
     "alamat pemohon.",
     "warga Kecamatan Mayangan",
     [("Dokumen diantar per bulan", "dokumen", 0, 120, "up")],
     {1: ("stopped", "Layanan dokumen pindah ke Mal Pelayanan Publik kota, sehingga pengantaran dari kecamatan "
                     "tidak diperlukan lagi.", (44,))}),
    (2, "Senam Lansia Keliling", "DINKES", "rejected", False, "kesehatan", "non_digital",
     "Instruktur senam berkeliling ke balai RW setiap pekan.",
     "Instruktur senam dari puskesmas datang ke balai RW secara bergiliran.",
     "warga lansia", [], {}),
    (1, "Klinik Investasi UMKM", "DPMPTSP", "approved", True, "penanaman_modal", "non_digital",
     "Konsultasi gratis setiap Kamis bagi pelaku UMKM yang ingin mengurus izin, mencari modal atau bermitra "
     "dengan investor.",
     "Petugas perizinan, perbankan daerah dan pendamping koperasi membuka meja konsultasi bersama di Mal "
     "Pelayanan Publik setiap Kamis, dengan pendaftaran daring agar tidak antre.",
     "pelaku UMKM",
     [("Pelaku usaha yang berkonsultasi per bulan", "orang", 20, 80, "up")],
     {1: ("continuing", "", (57,))}),
    (1, DUE_REPORT_TITLE, "DISKOMINFO", "implemented", True, "kominfo", "digital",
     "Internet gratis di taman kota dan alun-alun, dengan halaman masuk yang memuat informasi layanan publik.",
     "Titik akses dipasang di taman kota bersama penyedia jaringan, dan halaman masuknya menampilkan jadwal "
     "layanan serta tautan aduan warga.",
     "warga dan pelajar yang belajar di taman",
     [("Warga pengguna per bulan", "orang", 800, 3000, "up"),
      ("Aduan gangguan jaringan per bulan", "aduan", 25, 5, "down")],
     {}),
    (1, "Antrean Poli Daring RSUD", "RSUD", "implemented", True, "kesehatan", "digital",
     "Pasien mengambil nomor antrean poliklinik dari rumah dan datang mendekati jam layanannya.",
     "Pendaftaran daring terhubung dengan jadwal dokter, dan pasien mendapat pesan saat antreannya sudah dekat.",
     "pasien rawat jalan",
     [("Waktu tunggu rata-rata di poliklinik", "menit", 120, 45, "down"),
      ("Nilai SKM rawat jalan", "indeks", 72.5, 85, "up"),
      ("Pasien mendaftar daring per bulan", "orang", 0, 2500, "up")],
     {1: ("developed", "Ditambah pendaftaran lewat WhatsApp untuk pasien lansia yang tidak memakai aplikasi.",
          (58, 81.3, 1870))}),
    (1, STOPPED_TITLE, "KEL-JATI", "approved", True, "lingkungan_hidup", "digital",
     "Warga menabung sampah terpilah dan saldonya tercatat di aplikasi, bisa ditukar dengan pembayaran listrik.",
     "Pengurus bank sampah menimbang setoran warga dan mencatatnya di aplikasi; saldo dapat ditukar di koperasi "
     "kelurahan.",
     "warga Kelurahan Jati",
     [("Nasabah aktif bank sampah", "orang", 40, 300, "up"),
      ("Sampah terpilah per bulan", "kg", 150, 1000, "up")],
     {1: ("stopped", "Pengurus bank sampah mundur dan belum ada pengganti; pencatatan kembali manual di RW.",
          (95, 320))}),
    (1, "Parkir Tepi Jalan Nontunai", "DISHUB", "rejected", False, "perhubungan", "digital",
     "Juru parkir menerima pembayaran dengan kode QR.",
     "Juru parkir diberi kode QR resmi di rompinya.",
     "pengguna parkir tepi jalan", [], {}),
]

# When each move happened in the innovation's own year (month, day).
NOTES = {**PROPOSAL_NOTES,
         "rejected": "Belum menunjukkan kebaruan dibanding layanan yang sudah berjalan; silakan kembangkan bersama "
                     "pendamping Laboratorium Inovasi untuk siklus berikutnya.",
         "implemented": "Sudah diterapkan di seluruh lokasi layanan; bukti penerapan terlampir."}
STEP_DATES = {"draft": (2, 10), "submitted": (3, 3), "in_review": (3, 24), "approved": (4, 21),
              "rejected": (4, 21), "implemented": (9, 8), "published": (10, 1)}
REVIEWED_ON = (4, 7)  # between the first review (in_review) and the decision
REPORTED_ON = (11, 20)  # reports of a closed cycle were given in its last weeks


def _moment(year: int, month_day: tuple[int, int]) -> datetime:
    """A working morning in the city, in UTC as the database keeps it."""
    local = datetime.combine(date(year, *month_day), time(9, 30), tzinfo=CITY_TIMEZONE)
    return local.astimezone(timezone.utc)



@contextmanager
def _window_open(cycle: Cycle):
    """The agency submitted in its year's window: open it again for the moves, then close it as it was."""
    closes, closed = cycle.submission_closes, cycle.closed
    cycle.submission_closes, cycle.closed = max(closes, city_today()), False
    try:
        yield
    finally:
        cycle.submission_closes, cycle.closed = closes, closed
        db.session.flush()


def _staff(agency: Agency, email: str, name: str) -> User:
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        user = User(email=email, name=name, role="innovator", agency=agency, active=True)
        user.set_password(secrets.token_urlsafe(24))
        db.session.add(user)
        db.session.flush()
    return user


def _authors(codes) -> dict[str, User]:
    """An innovator of each agency: the demo login where there is one, else the staff in AUTHORS."""
    agencies = {a.code: a for a in db.session.scalars(select(Agency).where(Agency.code.in_(codes)))}
    authors = {}
    for code in codes:
        author = db.session.scalar(select(User).where(User.agency_id == agencies[code].id, User.role == "innovator")
                                   .order_by(User.id).limit(1))
        authors[code] = author or _staff(agencies[code], *AUTHORS[code])
    return authors


def _propose(cycle: Cycle, author: User, admin: User, reviewer: User, row) -> Proposal:
    """The proposal of `row` through the services, its history dated in its own year."""
    _ago, title, code, status, published, affair, kind, summary, how, who, _indicators, _reports = row
    year = cycle.year
    values = dict(
        title=title, summary=summary,
        problem=f"Sebelum inovasi ini, {who} harus menunggu lama dan datang berulang kali untuk layanan yang sama.",
        design=_design(title, how, who), goals=f"Memberi {who} layanan yang lebih cepat, pasti dan mudah dijangkau.",
        benefits=f"{who.capitalize()} menghemat waktu dan biaya; perangkat daerah mendapat data layanan yang rapi.",
        results="Waktu layanan turun dan keluhan berkurang selama uji coba.",
        maturity="penerapan" if status == "implemented" else "uji_coba", innovation_type=kind,
        form="pelayanan_publik", affair=affair, initiator="opd", contact=f"{author.name}, {author.email}",
        lab_stage="display" if status == "implemented" else "deliver" if status == "approved" else "design",
        trial_date=date(year, 5, 2),
        implementation_date=date(year, 8, 15) if status == "implemented" else None,
    )
    proposal = services.create_proposal(author, author.agency, cycle, values)
    with _window_open(cycle):
        walk_to(proposal, status, author, reviewer, admin, published, NOTES)
    _date_history(proposal)
    return proposal


def _date_history(proposal: Proposal) -> None:
    """Its moves, evidence and audit entries on their days in the proposal's own year."""
    year = proposal.cycle.year
    for change in db.session.scalars(select(StatusChange).where(StatusChange.proposal_id == proposal.id)):
        change.created_at = _moment(year, STEP_DATES[change.to_status])
    for attachment in db.session.scalars(select(Attachment).where(Attachment.proposal_id == proposal.id)):
        attachment.created_at = _moment(year, STEP_DATES["implemented"])
    for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.target_type == "proposal",
                                                             AuditEntry.target_id == proposal.id)):
        step = {"proposal_created": "draft", "proposal_published": "published",
                "proposal_status": entry.details.get("to")}.get(entry.action, "implemented")
        entry.created_at = _moment(year, STEP_DATES[step])
    proposal.created_at = _moment(year, STEP_DATES["draft"])
    proposal.submitted_at = _moment(year, STEP_DATES["submitted"])
    if proposal.published:
        proposal.published_at = _moment(year, STEP_DATES["published"])
    proposal.updated_at = proposal.published_at or _moment(year, STEP_DATES[proposal.status])
    db.session.flush()


def date_reviews() -> None:
    """Run after the reviews' demo (app/reviews/demo.py), which reviews every decided proposal:
    the earlier years' reviews on their day in their year, like the rest of their history."""
    titles = [row[1] for row in INNOVATIONS]
    for proposal in db.session.scalars(select(Proposal).where(Proposal.title.in_(titles))):
        for review in db.session.scalars(select(Review).where(Review.proposal_id == proposal.id)):
            review.created_at = review.updated_at = _moment(proposal.cycle.year, REVIEWED_ON)
    db.session.flush()


def _indicators(proposal: Proposal, rows) -> list[ResultIndicator]:
    """The proposal's indicators, made from `rows` when it has none yet."""
    found = db.session.scalars(select(ResultIndicator).where(ResultIndicator.proposal_id == proposal.id)
                               .order_by(ResultIndicator.position, ResultIndicator.id)).all()
    if found or not rows:
        return list(found)
    made = [ResultIndicator(proposal_id=proposal.id, name=name, unit=unit, baseline=baseline, target=target,
                            direction=direction, position=position, created_at=proposal.updated_at,
                            updated_at=proposal.updated_at)
            for position, (name, unit, baseline, target, direction) in enumerate(rows)]
    db.session.add_all(made)
    db.session.flush()
    return made


def _report(proposal: Proposal, cycle: Cycle, indicators, status: str, reason: str, actuals) -> None:
    """The report for `cycle` unless there is one, where the shared rule says one is owed
    (approved or implemented, a later cycle, not stopped before)."""
    if db.session.scalar(select(YearlyReport.id).where(YearlyReport.proposal_id == proposal.id,
                                                       YearlyReport.cycle_id == cycle.id)) is not None:
        return
    if db.session.scalar(select(Proposal.id).where(Proposal.id == proposal.id, needs_report_in(cycle))) is None:
        raise ValueError(f"{proposal.title!r} owes no report for {cycle.year}")
    if status in REASON_REQUIRED_REPORT_STATUSES and not reason:
        raise ValueError(f"{proposal.title!r}: a {status} report says why")
    when = _moment(cycle.year, REPORTED_ON) if cycle.closed else utcnow()
    report = YearlyReport(proposal_id=proposal.id, cycle_id=cycle.id, status=status, reason=reason,
                          reporter_id=proposal.author_id, reported_at=when, updated_at=when)
    report.values = [ReportValue(indicator_id=indicator.id, actual=actual)
                     for indicator, actual in zip(indicators, actuals)]
    db.session.add(report)
    db.session.flush()


def load(current: Cycle | None = None) -> list[Proposal]:
    """The earlier years' innovations, indicators and reports that do not exist yet; returns the innovations."""
    from app.core.cycles import current_cycle

    current = current or current_cycle()
    admin = db.session.scalar(select(User).where(User.email == "admin@demo.apusida.id"))
    reviewer = db.session.scalar(select(User).where(User.email == "penilai@demo.apusida.id"))
    if current is None or admin is None or reviewer is None:
        return []
    cycles = {ago: closed_cycle(current.year - ago) for ago in (1, 2)}
    cycles[0] = current
    authors = _authors(sorted({row[2] for row in INNOVATIONS}))
    made = []
    for row in INNOVATIONS:
        ago, title, code, _status, _published, *_texts, indicator_rows, reports = row
        proposal = db.session.scalar(select(Proposal).where(Proposal.title == title))
        if proposal is None:
            proposal = _propose(cycles[ago], authors[code], admin, reviewer, row)
        indicators = _indicators(proposal, indicator_rows)
        for later, (status, reason, actuals) in sorted(reports.items()):
            _report(proposal, cycles[ago - later], indicators, status, reason, actuals)
        made.append(proposal)
    return made
