"""The national index package's downloads (issue 18, point 5): the XLSX of profiles, levels and
the region's indicators, and the evidence ZIP with its manifest; both streamed and audited."""
import csv
import io
import os
import zipfile
from datetime import date, datetime

from openpyxl import load_workbook
from sqlalchemy import select

from app.core.extensions import db
from app.models import AuditEntry, ProposalSdg, TeamMember
from app.proposals import storage
from tests.conftest import login
from tests.factories import PDF_BYTES


def _world(make):
    cycle = make.cycle(year=2026)
    first, second = make.indicator(name="Regulasi", code="regulasi"), make.indicator(name="Anggaran", code="anggaran")
    area = make.indicator(name="Tim inovasi", code="tim", aspect="region")
    admin = make.user("admin")
    a = make.proposal_in("implemented", cycle_=cycle, title="Bank Sampah Digital", trial_date=date(2026, 2, 1),
                         implementation_date=date(2026, 4, 1))
    evidence = make.attachment(a, name="sk-walikota.pdf")
    make.claim(a, first, 3, status="accepted", verified_level=3, verified_points=3, attachment=evidence)
    gone = make.attachment(a, name="hilang.pdf")
    os.remove(storage.upload_path(gone.stored_name))  # its row stays, its file is gone from the disk
    make.claim(a, second, 2, attachment=gone)
    make.region_claim(cycle, area, 2, admin, name="sk-tim.pdf")
    db.session.commit()
    return {"cycle": cycle, "a": a, "admin": admin}


def test_the_xlsx_holds_profiles_levels_and_the_region(client, make):
    w = _world(make)
    login(client, w["admin"])
    response = client.get("/admin/index/export.xlsx")
    assert response.status_code == 200 and response.is_streamed
    assert "indeks-inovasi-daerah-2026.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.get_data()))
    profiles, area, summary = book["Profil inovasi"], book["Indikator daerah"], book["Ringkasan"]
    header = [cell.value for cell in profiles[1]]
    row = dict(zip(header, [cell.value for cell in profiles[2]]))
    assert profiles.freeze_panes == "A2" and profiles[1][0].font.bold
    assert row["Judul inovasi"] == "Bank Sampah Digital"
    assert row["Waktu uji coba"] == datetime(2026, 2, 1) and profiles.cell(2, header.index("Waktu uji coba") + 1).is_date
    assert row["regulasi: Regulasi"] == 3 and row["anggaran: Anggaran"] == "menunggu: level 2"
    assert [cell.value for cell in area[2]][:6] == ["tim", "Tim inovasi", 1, 3, 2, "Menunggu verifikasi"]
    assert [cell.value for cell in summary[4]] == ["Predikat", "Kurang Inovatif"]
    assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1)) == "index_exported"


def _profiles(client) -> list[dict]:
    book = load_workbook(io.BytesIO(client.get("/admin/index/export.xlsx").get_data()))
    rows = list(book["Profil inovasi"].iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_the_xlsx_holds_the_goals_video_and_team_the_contests_ask_for(client, make):
    w = _world(make)
    a = w["a"]
    a.video_url = "https://www.youtube.com/watch?v=abc123"
    db.session.add_all([ProposalSdg(proposal_id=a.id, goal=11), ProposalSdg(proposal_id=a.id, goal=3),
                        TeamMember(proposal_id=a.id, position=1, name="Wulan Sarasati", role="Ketua tim"),
                        TeamMember(proposal_id=a.id, position=2, name="Bayu Pratama", role="")])
    db.session.commit()
    login(client, w["admin"])
    row = _profiles(client)[0]
    assert row["Tujuan pembangunan berkelanjutan (SDGs)"].splitlines()[0].startswith("3.")
    assert row["Tujuan pembangunan berkelanjutan (SDGs)"].splitlines()[1].startswith("11.")
    assert row["Tautan video"] == "https://www.youtube.com/watch?v=abc123"
    assert row["Tim inovasi"] == "Wulan Sarasati \u2014 Ketua tim\nBayu Pratama"


def test_the_xlsx_reads_goals_and_teams_in_the_same_queries_for_any_number_of_innovations(client, make,
                                                                                          count_queries):
    w = _world(make)
    login(client, w["admin"])

    def queries() -> int:
        with count_queries() as counter:
            client.get("/admin/index/export.xlsx").get_data()
        return counter.count

    few = queries()
    for number in range(4):
        extra = make.proposal_in("approved", cycle_=w["cycle"], title=f"Inovasi {number}")
        db.session.add_all([ProposalSdg(proposal_id=extra.id, goal=4),
                            TeamMember(proposal_id=extra.id, position=1, name=f"Anggota {number}", role="Anggota")])
    db.session.commit()
    assert queries() == few
    assert len(_profiles(client)) == 5


def test_the_zip_holds_every_evidence_file_and_says_which_one_is_missing(client, make):
    w = _world(make)
    login(client, w["admin"])
    response = client.get("/admin/index/evidence.zip")
    assert response.status_code == 200 and response.is_streamed and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = archive.namelist()
    folder = f"{w['a'].id}-bank-sampah-digital"
    assert names[0] == "manifest.csv"
    assert f"{folder}/01-regulasi/sk-walikota.pdf" in names and "daerah/01-tim/sk-tim.pdf" in names
    assert archive.read(f"{folder}/01-regulasi/sk-walikota.pdf") == PDF_BYTES
    assert not any("hilang" in name for name in names)
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert len(manifest) == 3
    missing = next(row for row in manifest if row["Nama asli berkas"] == "hilang.pdf")
    assert missing["Catatan"] == "Berkas tidak ditemukan di penyimpanan"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "index_exported"))
    assert entry.details["file"] == "evidence.zip" and entry.details["year"] == 2026
