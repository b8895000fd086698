import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import create_app
from app.core.extensions import db
from app.models import Agency, Cycle, Proposal, User
from tests.conftest import is_postgres
from tests.factories import proposal_in


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def agency_count() -> int:
    return db.session.scalar(select(func.count(Agency.id)))


def test_import_agencies_all_or_nothing_names_the_bad_line(runner, app_ctx, tmp_path):
    csv_file = tmp_path / "agencies.csv"
    csv_file.write_text(
        "code,name,kind,parent_code\n"
        "KEC-A,Kecamatan A,kecamatan,\n"
        "KEL-B,Kelurahan B,kelurahan,KEC-A\n"
        "DINAS-C,Dinas C,badan,\n"
        "KEL-D,Kelurahan D,kelurahan,KEC-NOPE\n"
        "KEC-A,Kecamatan A lagi,kecamatan,\n"
    )
    result = runner.invoke(args=["import-agencies", str(csv_file)])
    assert result.exit_code != 0
    assert "Baris 4" in result.output and "badan" in result.output
    assert "Baris 5" in result.output and "KEC-NOPE" in result.output
    assert "Baris 6" in result.output
    assert "Nothing was imported" in result.output
    db.session.expire_all()
    assert agency_count() == 0


def test_import_agencies_good_file(runner, app_ctx, tmp_path):
    csv_file = tmp_path / "agencies.csv"
    csv_file.write_text("code,name,kind,parent_code\nKEL-B,Kelurahan B,kelurahan,KEC-A\nKEC-A,Kecamatan A,kecamatan,\n")
    result = runner.invoke(args=["import-agencies", str(csv_file)])
    assert result.exit_code == 0, result.output
    kelurahan = db.session.scalar(select(Agency).where(Agency.code == "KEL-B"))
    assert kelurahan.parent.code == "KEC-A"


@pytest.mark.parametrize("encoding,problem", [
    ("latin-1", "Baris 3: berkas bukan teks UTF-8 (byte 0xE9"),
    ("cp1252", "Baris 3: berkas bukan teks UTF-8 (byte 0xE9"),
    ("utf-16", "Berkas tersimpan sebagai UTF-16, bukan UTF-8"),
    ("utf-16-le", "Berkas tersimpan sebagai UTF-16, bukan UTF-8"),
])
def test_import_agencies_refuses_a_file_that_is_not_utf8_and_imports_nothing(runner, app_ctx, tmp_path,
                                                                              encoding, problem):
    csv_file = tmp_path / "agencies.csv"
    csv_file.write_bytes("code,name,kind,parent_code\nKEC-A,Kecamatan A,kecamatan,\n"
                         "KEL-B,Kelurahan Jati Asri Café,kelurahan,KEC-A\n".encode(encoding))
    result = runner.invoke(args=["import-agencies", str(csv_file)])
    assert result.exit_code == 1
    assert problem in result.output and "Simpan ulang sebagai \"CSV UTF-8\"" in result.output
    assert "Nothing was imported" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # an answer, not a traceback
    db.session.expire_all()
    assert agency_count() == 0


def test_import_agencies_reads_utf8_with_a_bom_and_windows_line_ends(runner, app_ctx, tmp_path):
    csv_file = tmp_path / "agencies.csv"
    csv_file.write_bytes("code,name,kind,parent_code\r\nKEC-A,Kecamatan Café,kecamatan,\r\n".encode("utf-8-sig"))
    result = runner.invoke(args=["import-agencies", str(csv_file)])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Agency.name).where(Agency.code == "KEC-A")) == "Kecamatan Café"


def test_demo_data_twice_does_not_duplicate(runner, app_ctx):
    first = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0, first.output
    assert "admin@demo.apusida.id" in first.output
    # The logins line up in columns, the longest address included.
    rows = [line for line in first.output.splitlines() if "@demo.apusida.id" in line]
    assert len({line.index("@demo.apusida.id") - len(line.split()[1].split("@")[0]) for line in rows}) == 1
    assert len({line.rindex(" ") for line in rows if line.endswith("-demo-2026")}) == 1
    counts = (agency_count(), db.session.scalar(select(func.count(User.id))), db.session.scalar(select(func.count(Cycle.id))))
    second = runner.invoke(args=["demo-data"])
    assert second.exit_code == 0
    db.session.expire_all()
    assert (agency_count(), db.session.scalar(select(func.count(User.id))), db.session.scalar(select(func.count(Cycle.id)))) == counts


def test_demo_data_has_the_city_agencies(runner, app_ctx):
    runner.invoke(args=["demo-data"])
    kinds = dict(db.session.execute(select(Agency.kind, func.count()).group_by(Agency.kind)).all())
    assert kinds["kecamatan"] == 5 and kinds["kelurahan"] == 29 and kinds["opd"] >= 20
    names = set(db.session.scalars(select(Agency.name).where(Agency.kind == "kecamatan")))
    assert names == {f"Kecamatan {n}" for n in ("Kademangan", "Kanigaran", "Kedopok", "Mayangan", "Wonoasih")}
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {"innovator", "reviewer", "admin"}


def test_create_user_command(runner, app_ctx):
    runner.invoke(args=["demo-data"])
    result = runner.invoke(args=["create-user", "baru@example.com", "--name", "Baru", "--role", "innovator",
                                 "--agency", "DISHUB", "--password", "a-long-password"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "baru@example.com"))
    assert user.agency.code == "DISHUB" and user.check_password("a-long-password")
    refused = runner.invoke(args=["create-user", "x@example.com", "--name", "X", "--role", "innovator", "--password", "a-long-password"])
    assert refused.exit_code != 0 and "perangkat daerah" in refused.output


@pytest.mark.committing  # the backup copies the file: what is committed
@pytest.mark.skipif(is_postgres(), reason="backup copies the SQLite database; PostgreSQL uses pg_dump")
def test_backup_copies_database_and_uploads(runner, app, app_ctx, tmp_path):
    runner.invoke(args=["demo-data"])
    upload_dir = app.config["UPLOAD_DIR"]
    with open(f"{upload_dir}/evidence.pdf", "wb") as handle:
        handle.write(b"%PDF-1.4 test")
    target = tmp_path / "backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(target / "apusida.db")
    assert copy.execute("SELECT count(*) FROM agency").fetchone()[0] == agency_count()
    assert copy.execute("SELECT count(*) FROM user_account").fetchone()[0] == db.session.scalar(select(func.count(User.id)))
    copy.close()
    assert (target / "uploads" / "evidence.pdf").read_bytes() == b"%PDF-1.4 test"
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "not empty" in again.output


def proposal_rows():
    db.session.expire_all()
    return db.session.execute(select(Proposal.id, Proposal.title, Proposal.status).order_by(Proposal.id)).all()


@pytest.mark.committing  # the restore replaces the file under every connection
@pytest.mark.skipif(is_postgres(), reason="restore brings back a SQLite backup; PostgreSQL uses pg_restore")
def test_restore_brings_back_the_database_and_uploads_as_they_were(runner, app, app_ctx, make, tmp_path):
    make.proposal(title="Sebelum cadangan")
    proposal_in("submitted", title="Diajukan sebelum cadangan")
    db.session.commit()
    uploads = Path(app.config["UPLOAD_DIR"])
    (uploads / "bukti.pdf").write_bytes(b"%PDF-1.4 bukti")
    (uploads / "maturity").mkdir(exist_ok=True)
    (uploads / "maturity" / "klaim.png").write_bytes(b"\x89PNG klaim")
    backup_dir = tmp_path / "backup"
    assert runner.invoke(args=["backup", str(backup_dir)]).exit_code == 0
    before = proposal_rows()
    users_before = db.session.scalar(select(func.count(User.id)))

    make.proposal(title="Sesudah cadangan")
    db.session.commit()
    (uploads / "bukti.pdf").unlink()
    (uploads / "sesudah.pdf").write_bytes(b"%PDF-1.4 sesudah")

    refused = runner.invoke(args=["restore", str(backup_dir)])
    assert refused.exit_code != 0
    assert "already holds data" in refused.output and "--force" in refused.output
    assert len(proposal_rows()) == len(before) + 1 and (uploads / "sesudah.pdf").exists()  # nothing touched

    result = runner.invoke(args=["restore", str(backup_dir), "--force"])
    assert result.exit_code == 0, result.output
    assert proposal_rows() == before
    assert db.session.scalar(select(func.count(User.id))) == users_before
    assert (uploads / "bukti.pdf").read_bytes() == b"%PDF-1.4 bukti"
    assert (uploads / "maturity" / "klaim.png").read_bytes() == b"\x89PNG klaim"
    assert not (uploads / "sesudah.pdf").exists()
    assert runner.invoke(args=["backup", str(tmp_path / "again")]).exit_code == 0  # the restored file works


@pytest.mark.skipif(is_postgres(), reason="restore brings back a SQLite backup; PostgreSQL uses pg_restore")
def test_restore_refuses_a_folder_that_is_not_a_backup(runner, app_ctx, tmp_path):
    (tmp_path / "apusida.db").write_bytes(b"not a database at all, just text")
    (tmp_path / "uploads").mkdir()
    result = runner.invoke(args=["restore", str(tmp_path)])
    assert result.exit_code != 0 and "not a readable SQLite database" in result.output
    result = runner.invoke(args=["restore", str(tmp_path / "uploads")])
    assert result.exit_code != 0 and "is not a backup folder" in result.output


def test_restore_on_postgresql_points_to_pg_restore(tmp_path):
    application = create_app({
        "TESTING": True, "SECRET_KEY": "x", "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://apusida@127.0.0.1:1/apusida",
    })
    (tmp_path / "backup").mkdir()
    with application.app_context():
        result = application.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
    assert result.exit_code != 0 and "pg_restore --clean" in result.output
