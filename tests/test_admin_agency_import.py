"""Importing agencies from the admin page (issue 16, point 7): upload, preview, confirm;
all or nothing, with line numbers; the preview travels signed between the two requests."""
import io
import re
from pathlib import Path

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from app.admin import routes as admin_routes
from app.admin import services
from app.core.extensions import db
from app.models import Agency, AuditEntry
from tests.conftest import login

HEADER = "code,name,kind,parent_code\n"
GOOD = HEADER + "KEL-B,Kelurahan B,kelurahan,KEC-A\nKEC-A,Kecamatan A,kecamatan,\nDISKOMINFO,Dinas Kominfo,opd,\n"


def agency_count() -> int:
    return db.session.scalar(select(func.count(Agency.id)))


def upload(client, content: bytes | str, filename: str = "agencies.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post("/admin/agencies/import", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def preview_token(html: str) -> str:
    match = re.search(r'name="preview" type="hidden" value="([^"]+)"', html) or \
        re.search(r'type="hidden" name="preview" value="([^"]+)"', html) or \
        re.search(r'id="preview" name="preview" type="hidden" value="([^"]+)"', html)
    assert match, html[:2000]
    return match.group(1)


def file_errors(html: str) -> str:
    return " ".join(re.findall(r'<p class="error-message" id="file-error">(.*?)</p>', html, re.S))


@pytest.fixture
def admin(login_as):
    return login_as("admin")


def test_the_agencies_page_links_to_the_import(client, admin):
    html = client.get("/admin/agencies").get_data(as_text=True)
    assert 'href="/admin/agencies/import"' in html
    page = client.get("/admin/agencies/import")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.get_data(as_text=True)


def test_preview_shows_new_changed_and_unchanged_rows_and_writes_nothing(client, admin, make):
    make.agency(code="DISKOMINFO", name="Dinas Komunikasi")
    make.agency(code="KEC-A", name="Kecamatan A", kind="kecamatan")
    db.session.commit()
    response = upload(client, GOOD)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, file_errors(html)
    assert "Pratinjau impor perangkat daerah" in html
    assert "Impor: 1 baru, 1 diubah" in html
    # The changed name shows before and after; the unchanged row says so.
    assert "<del>" in html and "Dinas Komunikasi" in html and "Dinas Kominfo" in html
    assert "Tetap" in html
    db.session.expire_all()
    assert agency_count() == 2
    assert db.session.scalar(select(Agency.name).where(Agency.code == "DISKOMINFO")) == "Dinas Komunikasi"


def test_confirm_imports_the_previewed_file(client, admin):
    token = preview_token(upload(client, GOOD).get_data(as_text=True))
    response = client.post("/admin/agencies/import/confirm", data={"preview": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/agencies")
    db.session.expire_all()
    kelurahan = db.session.scalar(select(Agency).where(Agency.code == "KEL-B"))
    assert kelurahan.parent.code == "KEC-A" and agency_count() == 3
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "agencies_imported"))
    assert entry.actor_id == admin.id
    follow = client.get("/admin/agencies").get_data(as_text=True)
    assert "Impor selesai: 3 perangkat daerah baru, 0 diperbarui, 0 tetap." in follow


def test_the_citys_own_agency_file_previews_cleanly(client, admin, app):
    path = next(Path(app.root_path, "data").glob("agencies*.csv"))
    response = upload(client, path.read_bytes())
    html = response.get_data(as_text=True)
    assert response.status_code == 200, file_errors(html)
    assert "Pratinjau impor perangkat daerah" in html and "<optgroup" not in html


def test_a_bad_row_imports_nothing_and_names_each_line(client, admin, make):
    make.agency(code="DISHUB", name="Dinas Perhubungan")
    db.session.commit()
    response = upload(client, HEADER
                      + "KEC-A,Kecamatan A,kecamatan,\n"          # 2: fine
                      + "KEL-B,Kelurahan B,kelurahan,KEC-A\n"     # 3: fine
                      + "DINAS-C,Dinas C,badan,\n"                # 4: unknown kind
                      + "KEL-D,Kelurahan D,kelurahan,KEC-NOPE\n"  # 5: unknown parent
                      + "KEC-A,Kecamatan A lagi,kecamatan,\n"     # 6: duplicate code
                      + "KEL-E,Kelurahan E,kelurahan,DISHUB\n")   # 7: parent is not a kecamatan
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    errors = file_errors(html)
    assert "Baris 4: jenis badan tidak dikenal" in errors
    assert "Baris 5: induk KEC-NOPE tidak ditemukan." in errors
    assert "Baris 6: kode KEC-A ganda (sudah di baris 2)." in errors
    assert "Baris 7: induk DISHUB bukan kecamatan." in errors
    assert "Baris 2" not in errors.replace("sudah di baris 2", "") and "Baris 3" not in errors
    assert errors.index("Baris 4") < errors.index("Baris 5") < errors.index("Baris 6") < errors.index("Baris 7")
    assert 'class="error-summary"' in html
    db.session.expire_all()
    assert agency_count() == 1


@pytest.mark.parametrize(("content", "problem"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "bukan"),
    (b"PK\x03\x04\x14\x00\x06\x00", "buku kerja Excel"),
    ("code,name,kind,parent_code\nKEC-A,Kecamatan Café,kecamatan,\n".encode("latin-1"), "Baris 2: berkas bukan teks UTF-8"),
    ("code,name,kind,parent_code\nKEC-A,Kecamatan A,kecamatan,\n".encode("utf-16"), "UTF-16"),
    ("kode,nama,jenis,induk\nKEC-A,Kecamatan A,kecamatan,\n", "Baris 1: kolom harus code,name,kind,parent_code"),
    ("code,name,kind\nKEC-A,Kecamatan A,kecamatan\n", "Baris 1: kolom harus code,name,kind,parent_code"),
    (HEADER, "tidak memuat satu baris data"),
    ("", "Berkas kosong."),
    (HEADER + "KEC-A,\"Kecamatan A,kecamatan,\n", "Baris 2: bukan CSV yang dapat dibaca"),
    (HEADER + "KEC-A,Kecamatan A,kecamatan,,lebih\n", "Baris 2: jumlah kolom salah."),
])
def test_a_file_that_is_not_a_good_csv_is_refused_with_a_reason(client, admin, content, problem):
    response = upload(client, content)
    assert response.status_code == 422
    assert problem in file_errors(response.get_data(as_text=True))
    db.session.expire_all()
    assert agency_count() == 0


def test_a_file_over_the_size_limit_is_refused(client, admin):
    big = HEADER + "".join(f"AG{n},Dinas {n},opd,\n" for n in range(40000))
    assert len(big.encode()) > services.AGENCY_IMPORT_MAX_BYTES
    response = upload(client, big)
    assert response.status_code == 422
    assert "Berkas lebih dari 256 KB" in file_errors(response.get_data(as_text=True))


def test_a_file_over_the_row_limit_is_refused(client, admin, monkeypatch):
    monkeypatch.setattr(services, "AGENCY_IMPORT_MAX_ROWS", 3)
    response = upload(client, HEADER + "".join(f"AG{n},Dinas {n},opd,\n" for n in range(4)))
    assert response.status_code == 422
    assert "lebih dari 3 baris data" in file_errors(response.get_data(as_text=True))


def test_utf8_with_a_bom_semicolons_and_windows_line_ends_are_read(client, admin):
    content = "code;name;kind;parent_code\r\nKEC-A;Kecamatan Café;kecamatan;\r\n".encode("utf-8-sig")
    token = preview_token(upload(client, content).get_data(as_text=True))
    assert client.post("/admin/agencies/import/confirm", data={"preview": token}).status_code == 302
    assert db.session.scalar(select(Agency.name).where(Agency.code == "KEC-A")) == "Kecamatan Café"


def test_a_forged_preview_imports_nothing(client, admin, app):
    forged = URLSafeTimedSerializer("another-key", salt=admin_routes.IMPORT_SALT).dumps(
        {"csv": GOOD, "by": admin.id, "plan": "x"})
    response = client.post("/admin/agencies/import/confirm", data={"preview": forged})
    assert response.status_code == 422
    assert "Pratinjau ini tidak berlaku lagi" in file_errors(response.get_data(as_text=True))
    tampered = preview_token(upload(client, GOOD).get_data(as_text=True))
    tampered = tampered[:-3] + ("AAA" if not tampered.endswith("AAA") else "BBB")
    assert client.post("/admin/agencies/import/confirm", data={"preview": tampered}).status_code == 422
    db.session.expire_all()
    assert agency_count() == 0


def test_a_preview_works_for_its_own_admin_only(app, client, admin, make):
    token = preview_token(upload(client, GOOD).get_data(as_text=True))
    other = make.user(role="admin")
    db.session.commit()
    other_client = app.test_client()
    login(other_client, other)
    assert other_client.post("/admin/agencies/import/confirm", data={"preview": token}).status_code == 422
    db.session.expire_all()
    assert agency_count() == 0


def test_an_old_preview_is_refused(client, admin, monkeypatch):
    token = preview_token(upload(client, GOOD).get_data(as_text=True))
    monkeypatch.setattr(admin_routes, "IMPORT_MAX_AGE_SECONDS", -1)
    assert client.post("/admin/agencies/import/confirm", data={"preview": token}).status_code == 422
    db.session.expire_all()
    assert agency_count() == 0


def test_a_change_in_the_database_after_the_preview_shows_a_new_preview(client, admin, make):
    token = preview_token(upload(client, GOOD).get_data(as_text=True))
    make.agency(code="DISKOMINFO", name="Dinas Lama")  # someone added it meanwhile
    db.session.commit()
    response = client.post("/admin/agencies/import/confirm", data={"preview": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "berubah sejak pratinjau" in html and "Impor: 2 baru, 1 diubah" in html
    db.session.expire_all()
    assert agency_count() == 1
    assert client.post("/admin/agencies/import/confirm", data={"preview": preview_token(html)}).status_code == 302
    db.session.expire_all()
    assert agency_count() == 3


def test_confirm_without_a_preview_asks_to_upload_again(client, admin):
    response = client.post("/admin/agencies/import/confirm", data={})
    assert response.status_code == 422
    assert "Unggah berkasnya sekali lagi" in file_errors(response.get_data(as_text=True))


def test_the_import_checks_csrf(app, csrf_client, make):
    admin = make.user(role="admin")
    db.session.commit()
    login_page = csrf_client.get("/auth/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    assert csrf_client.post("/auth/login", data={"email": admin.email, "password": "correct-horse-battery",
                                                 "csrf_token": csrf}).status_code == 302
    response = csrf_client.post("/admin/agencies/import", data={"file": (io.BytesIO(GOOD.encode()), "a.csv")},
                                content_type="multipart/form-data")
    assert response.status_code == 400
    assert csrf_client.post("/admin/agencies/import/confirm", data={"preview": "x"}).status_code == 400
