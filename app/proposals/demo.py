"""Demo proposals: every status and lab stage, with realistic Indonesian texts.

Status changes go through the status service, so each demo proposal has its
timeline and audit trail. Proposals are matched by title: running the demo
loader twice creates nothing new.
"""
import io
from datetime import date

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.core.extensions import db
from app.core.cycles import cycle_of_year
from app.models import Cycle, Proposal, User
from app.proposals import services
from app.proposals.status import TRANSITIONS, change_status, set_published

DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _design(name: str, how: str, who: str) -> str:
    """A rancang bangun in the structure the lab teaches (well over 300 words)."""
    return "\n\n".join([
        f"{name} dirancang untuk menjawab keluhan yang berulang kali disampaikan {who} melalui kanal pengaduan, "
        f"forum konsultasi publik dan survei kepuasan masyarakat. {how}",
        "Tahap pertama adalah pemetaan proses bisnis yang berjalan saat ini bersama petugas layanan garis depan. "
        "Setiap langkah dicatat: siapa yang mengerjakan, dokumen apa yang diperlukan, berapa lama waktu yang "
        "dibutuhkan, dan di titik mana warga paling sering menunggu atau harus datang kembali. Dari pemetaan ini "
        "tim menyusun alur baru yang memangkas langkah yang tidak memberi nilai tambah, menggabungkan verifikasi "
        "yang selama ini dilakukan berulang, dan menetapkan standar waktu untuk setiap langkah yang tersisa.",
        "Tahap kedua adalah uji coba terbatas selama tiga bulan di satu lokasi layanan. Selama uji coba, tim "
        "mencatat jumlah permohonan, waktu penyelesaian, jumlah berkas yang dikembalikan karena tidak lengkap, dan "
        "tingkat kepuasan pengguna. Temuan uji coba dibahas setiap dua minggu dalam forum koordinasi bersama "
        "Bappeda Litbang sebagai pengampu Laboratorium Inovasi, sehingga perbaikan dapat segera diterapkan dan "
        "tidak menunggu akhir tahun anggaran.",
        "Tahap ketiga adalah perluasan ke seluruh lokasi layanan disertai pelatihan petugas, penyusunan standar "
        "operasional prosedur, dan sosialisasi kepada masyarakat melalui kelurahan, media sosial resmi pemerintah "
        "kota, dan kegiatan tatap muka bersama kader serta tokoh masyarakat. Inovasi ini memanfaatkan sumber daya "
        "yang sudah ada: sarana kantor, jaringan internet pemerintah kota, dan aparatur yang sudah bertugas, "
        "sehingga kebutuhan anggaran tambahan kecil dan dapat dipenuhi dari belanja rutin perangkat daerah.",
        "Keberlanjutan inovasi dijaga dengan menetapkannya dalam keputusan kepala perangkat daerah, memasukkan "
        "indikatornya ke dalam rencana kerja tahunan, dan menunjuk penanggung jawab yang melaporkan capaian setiap "
        "triwulan. Data capaian dibuka kepada publik agar masyarakat ikut mengawasi. Rancangan ini juga disusun "
        "agar mudah direplikasi oleh perangkat daerah, kecamatan maupun kelurahan lain di Kota Probolinggo: "
        "panduan, formulir dan materi pelatihannya disimpan sebagai lampiran usulan dan dapat dipakai tanpa biaya.",
    ])


# title, agency, status, lab_stage, maturity, type, form, affair, initiator, summary, problem, how, who, published
PROPOSALS = [
    ("Si Cepat Akta: Akta Kelahiran Terbit dari Puskesmas", "DINKES", "implemented", "display",
     "penerapan", "digital", "pelayanan_publik", "adminduk", "opd",
     "Bayi yang lahir di puskesmas dan rumah sakit langsung mendapat akta kelahiran, kartu keluarga baru dan "
     "kartu identitas anak, bekerja sama dengan Dispendukcapil, tanpa orang tua datang ke kantor.",
     "Banyak orang tua baru menunda mengurus akta kelahiran karena harus datang ke kantor dan membawa banyak "
     "berkas. Akibatnya anak terlambat memiliki dokumen kependudukan untuk layanan kesehatan dan sekolah.",
     "Petugas rumah sakit mengunggah surat keterangan lahir dan data orang tua melalui aplikasi, lalu dokumen "
     "kependudukan ditandatangani secara elektronik dan dikirim ke surel atau WhatsApp orang tua.",
     "orang tua bayi baru lahir", True),
    ("Posyandu Digital Terintegrasi", "DINKES", "approved", "deliver", "uji_coba", "digital", "pelayanan_publik",
     "kesehatan", "asn",
     "Kader posyandu mencatat penimbangan dan imunisasi balita di ponsel, sehingga data gizi kelurahan langsung "
     "terbaca puskesmas dan Dinas Kesehatan tanpa rekap manual.",
     "Rekap posyandu masih ditulis tangan dan dikirim bulanan, sehingga kasus gizi kurang dan stunting sering "
     "terlambat ditangani.",
     "Kader memakai formulir daring sederhana yang tetap bisa diisi tanpa sinyal dan tersinkron saat tersambung; "
     "puskesmas mendapat peringatan otomatis bila berat badan balita tidak naik dua bulan berturut-turut.",
     "kader posyandu dan ibu balita", True),
    ("Lapor Sampah Liar lewat WhatsApp", "KEL-KANIGARAN", "in_review", "design", "uji_coba", "digital", "pelayanan_publik",
     "lingkungan_hidup", "masyarakat",
     "Warga memotret tumpukan sampah liar dan mengirimkannya ke nomor WhatsApp resmi; laporan diteruskan ke "
     "petugas kebersihan terdekat dan warga diberi kabar saat sampah sudah diangkut.",
     "Tempat pembuangan sampah liar muncul di pinggir jalan dan sungai, tetapi laporan warga tersebar di berbagai "
     "kanal dan tidak pernah ada kabar tindak lanjutnya.",
     "Laporan yang masuk ke nomor WhatsApp resmi dicatat dengan titik lokasi, diteruskan ke koordinator wilayah, "
     "dan ditutup dengan foto sesudah pengangkutan yang dikirim kembali kepada pelapor.",
     "warga dan ketua RT", False),
    ("Angkot Pintar Ramah Pelajar", "DISKOMINFO", "submitted", "diagnose", "inisiatif", "digital", "pelayanan_publik",
     "perhubungan", "opd",
     "Jadwal dan posisi angkutan kota ditampilkan di halte dan ponsel, dengan tarif khusus pelajar yang dibayar "
     "memakai kartu pelajar.",
     "Pelajar menunggu angkutan terlalu lama tanpa kepastian jadwal, sehingga banyak yang beralih ke sepeda motor "
     "walau belum cukup umur.",
     "Setiap angkutan dipasangi pelacak lokasi sederhana, dan data posisinya ditampilkan pada papan informasi di "
     "halte sekolah serta pada halaman web yang ringan dibuka di ponsel.",
     "pelajar dan orang tua", False),
    ("Kelurahan Tanggap Stunting", "KEL-KANIGARAN", "revision_requested", "design", "uji_coba", "non_digital",
     "pelayanan_publik", "ppkb", "masyarakat",
     "Tim pendamping keluarga di tingkat RW mengunjungi calon pengantin, ibu hamil dan balita berisiko, lalu "
     "menghubungkan mereka dengan layanan gizi dan sanitasi yang tersedia.",
     "Angka stunting di kelurahan belum turun karena keluarga berisiko tidak terjangkau layanan yang sebenarnya "
     "sudah ada.",
     "Tim pendamping yang terdiri dari bidan, kader PKK dan kader KB membagi wilayah per RW, mengunjungi keluarga "
     "berisiko setiap bulan dan mencatat rujukan ke puskesmas, dapur sehat dan program jamban sehat.",
     "keluarga berisiko stunting", False),
    ("Perizinan UMKM Satu Meja di Kecamatan", "DISKOMINFO", "rejected", "diagnose", "inisiatif", "non_digital",
     "tata_kelola", "koperasi_ukm", "opd",
     "Pelaku usaha mikro mengurus NIB, sertifikat halal dan izin edar pangan rumah tangga di satu meja layanan "
     "kecamatan.",
     "Pelaku usaha mikro harus mendatangi beberapa kantor berbeda untuk izin yang saling berkaitan.",
     "Petugas kecamatan dilatih mendampingi pendaftaran NIB dan mengumpulkan berkas izin lain untuk diteruskan ke "
     "perangkat daerah terkait setiap minggu.",
     "pelaku usaha mikro", False),
    ("Ruang Baca Keliling Kampung", "KEL-KANIGARAN", "withdrawn", "drum_up", "inisiatif", "non_digital",
     "lainnya", "perpustakaan", "masyarakat",
     "Gerobak buku keliling berkunjung ke kampung padat penduduk setiap sore, dikelola karang taruna.",
     "Anak-anak di kampung padat penduduk jauh dari perpustakaan dan jarang membaca di luar sekolah.",
     "Karang taruna mengelola gerobak buku dengan koleksi pinjaman dari perpustakaan daerah yang diganti setiap "
     "bulan, disertai kegiatan mendongeng bersama relawan.",
     "anak-anak dan remaja kampung", False),
    ("Dasbor Data Sektoral Satu Pintu", "DISKOMINFO", "draft", "drum_up", "inisiatif", "digital", "tata_kelola",
     "statistik", "asn",
     "Semua data sektoral perangkat daerah dikumpulkan dalam satu dasbor dengan format baku dan jadwal "
     "pembaruan yang jelas.",
     "Data sektoral tersebar di setiap perangkat daerah dengan format berbeda, sehingga perencanaan sering memakai "
     "data yang sudah usang.",
     "Setiap perangkat daerah menunjuk wali data yang mengunggah data dengan templat baku; dasbor menandai data "
     "yang terlambat diperbarui.",
     "perencana dan pimpinan daerah", False),
    ("Klinik Konsultasi Gizi Daring Puskesmas", "DINKES", "draft", "diagnose", "inisiatif", "digital",
     "pelayanan_publik", "kesehatan", "asn",
     "Ibu hamil dan ibu balita berkonsultasi dengan ahli gizi puskesmas melalui panggilan video terjadwal.",
     "Antrean konsultasi gizi di puskesmas panjang dan ibu bekerja sulit datang pada jam layanan.",
     "", "ibu hamil dan ibu balita", False),
]


# A kelurahan copies a city-wide idea: replication is what the lab hopes for.
REPLICATES = {"Kelurahan Tanggap Stunting": "Posyandu Digital Terintegrasi"}

# What a few proposals bring for the national competitions (DESIGN §10): the goals they serve, a
# video (an example address: the demo has no real videos), the team, and whether its decree is
# attached. The demo author heads each team.
COMPETITION = {
    "Si Cepat Akta: Akta Kelahiran Terbit dari Puskesmas": (
        [3, 10, 16], "https://video.example.org/si-cepat-akta",
        [("dr. Arif Wicaksono", "Penanggung jawab layanan rujukan"), ("Ratna Dewi Puspitasari", "Bidan koordinator"),
         ("Hendra Kurniawan", "Operator aplikasi Dispendukcapil"), ("Yuliani Safitri", "Admin data puskesmas")], True),
    "Posyandu Digital Terintegrasi": (
        [2, 3, 5], "https://video.example.org/posyandu-digital",
        [("Nur Hidayah", "Ahli gizi puskesmas"), ("Rudi Hartono", "Pengembang aplikasi"),
         ("Sri Wahyuni", "Kader posyandu")], True),
    "Lapor Sampah Liar lewat WhatsApp": (
        [6, 11, 12, 13], "",
        [("Eko Prasetyo", "Ketua RW 03"), ("Lilis Suryani", "Koordinator petugas kebersihan")], False),
}


PATHS = {
    "draft": [],
    "submitted": ["submitted"],
    "in_review": ["submitted", "in_review"],
    "revision_requested": ["submitted", "in_review", "revision_requested"],
    "approved": ["submitted", "in_review", "approved"],
    "rejected": ["submitted", "rejected"],
    "implemented": ["submitted", "in_review", "approved", "implemented"],
    "withdrawn": ["submitted", "withdrawn"],
}
NOTES = {
    "revision_requested": "Lengkapi data dasar: jumlah keluarga sasaran per RW dan hasil uji coba tiga bulan pertama.",
    "rejected": "Sebagian besar layanan ini sudah tersedia melalui OSS dan Mal Pelayanan Publik; usulan belum "
                "menunjukkan kebaruan. Silakan kembangkan pendampingan UMKM sebagai usulan baru tahun depan.",
    "approved": "Disetujui dalam rapat penilaian Laboratorium Inovasi.",
    "implemented": "Sudah diterapkan di seluruh puskesmas dan rumah sakit; bukti penerapan terlampir.",
    "withdrawn": "Digabung dengan program gerakan literasi kelurahan.",
}


def walk_to(proposal: Proposal, status: str, author: User, reviewer: User, admin: User, published: bool,
            notes: dict[str, str] = NOTES) -> None:
    """Move a new demo proposal along the status machine to `status` (evidence before it is
    marked implemented), each move by whoever the machine lets make it with its note, and
    publish it if asked."""
    for step in PATHS[status]:
        if step == "implemented":
            services.add_attachment(proposal, author, "bukti-penerapan.pdf", io.BytesIO(DEMO_PDF))
        actor = {"member": author, "reviewer": reviewer, "admin": admin}[TRANSITIONS[(proposal.status, step)]]
        change_status(proposal, step, actor, notes.get(step, ""))
    if published:
        set_published(proposal, True, admin)


def closed_cycle(year: int) -> Cycle:
    """The cycle of an earlier demo year, made closed (with a whole-year window) when missing."""
    cycle = cycle_of_year(year)
    if cycle is None:
        cycle = Cycle(year=year, submission_opens=date(year, 1, 1), submission_closes=date(year, 12, 31),
                      target_per_agency=1, closed=True)
        db.session.add(cycle)
        db.session.flush()
    return cycle


def load(cycle=None) -> list[Proposal]:
    """Create the demo proposals that do not exist yet; returns them all."""
    from app.core.cycles import current_cycle

    cycle = cycle or current_cycle()
    admin = db.session.scalar(select(User).where(User.email == "admin@demo.apusida.id"))
    reviewer = db.session.scalar(select(User).where(User.email == "penilai@demo.apusida.id"))
    if cycle is None or admin is None or reviewer is None:
        return []
    # The demo innovators of DISKOMINFO, DINKES and KEL-KANIGARAN (app/demo/__init__.py).
    authors = {u.agency.code: u for u in db.session.scalars(
        select(User).where(User.role == "innovator", User.email.like("%@demo.apusida.id"))) if u.agency}
    made = []
    for (title, code, status, stage, maturity, kind, form, affair, initiator, summary, problem, how, who,
         published) in PROPOSALS:
        existing = db.session.scalar(select(Proposal).where(Proposal.title == title))
        if existing is not None:
            made.append(existing)
            continue
        author = authors[code]
        values = dict(
            title=title, summary=summary, problem=problem,
            design=_design(title, how, who) if how else "Catatan awal: rancangan masih disusun bersama tim.",
            goals=f"Memberi {who} layanan yang lebih cepat, pasti dan mudah dijangkau.",
            benefits=f"{who.capitalize()} menghemat waktu dan biaya; perangkat daerah mendapat data layanan yang rapi.",
            results="Waktu layanan turun lebih dari separuh selama uji coba dan keluhan berkurang."
            if maturity != "inisiatif" else "Belum ada hasil; target pertama adalah uji coba di satu lokasi.",
            maturity=maturity, innovation_type=kind, form=form, affair=affair, initiator=initiator,
            contact=f"{author.name}, {author.email}", lab_stage=stage,
            trial_date=date(cycle.year - 1, 8, 1) if maturity in ("uji_coba", "penerapan") else None,
            implementation_date=date(cycle.year - 1, 11, 1) if maturity == "penerapan" else None,
        )
        if title in REPLICATES:
            values["replicates_id"] = db.session.scalar(select(Proposal.id).where(Proposal.title == REPLICATES[title]))
        decree = None
        if title in COMPETITION:
            goals, video_url, team, with_decree = COMPETITION[title]
            values.update(sdg_goals=goals, video_url=video_url, team=[(author.name, "Ketua tim"), *team])
            if with_decree:
                decree = FileStorage(io.BytesIO(DEMO_PDF), filename="SK Tim Inovasi.pdf")
        proposal = services.create_proposal(author, author.agency, cycle, values, decree=decree)
        walk_to(proposal, status, author, reviewer, admin, published)
        made.append(proposal)
    db.session.flush()
    return made
