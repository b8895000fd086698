"""Admin chores in the browser (issue 16, point 7): the agency pick list's search box,
the CSV import with its preview, and an invitation link used to set a password; with
JavaScript and without, and no console error (CSP) on the way."""
import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.models import Agency, User
from app.auth import tokens
from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_e2e_accessibility import axe_violations
from tests.factories import PASSWORD

CSV = ("code,name,kind,parent_code\n"
       "KEC-WONOASIH,Kecamatan Wonoasih,kecamatan,\n"
       "KEL-KEDUNGASEM,Kelurahan Kedungasem,kelurahan,KEC-WONOASIH\n")


def committed(stmt):
    """The row the server committed, read in a new transaction of the test's session."""
    db.session.rollback()
    return db.session.scalar(stmt)


@pytest.fixture
def world(make):
    kecamatan = make.agency(code="KEC-MAYANGAN", name="Kecamatan Mayangan", kind="kecamatan")
    make.agency(code="KEL-SUKABUMI", name="Kelurahan Sukabumi", kind="kelurahan", parent=kecamatan)
    make.agency(code="KEL-JATI", name="Kelurahan Jati", kind="kelurahan", parent=kecamatan)
    make.agency(code="DISKOMINFO", name="Dinas Komunikasi dan Informatika")
    admin = make.user(role="admin", name="Admin Lab")
    db.session.commit()
    return dict(admin=admin)


@pytest.fixture
def console_errors(page):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_the_agency_list_is_grouped_and_searchable(page, base_url, world, javascript, console_errors):
    log_in(page, base_url, world["admin"].email, PASSWORD)
    page.goto(f"{base_url}/admin/users/new")
    groups = page.locator("#agency_id optgroup").evaluate_all("groups => groups.map(g => g.label)")
    assert groups == ["OPD", "Kecamatan", "Kelurahan"]
    search = page.get_by_label("Ketik untuk menyaring daftar", exact=False)
    if javascript:
        search.fill("sukab")
        options = page.locator("#agency_id option").evaluate_all("options => options.map(o => o.textContent)")
        assert options == ["— tanpa perangkat daerah —", "Kelurahan Sukabumi (KEL-SUKABUMI)"]
        search.fill("")
        assert page.locator("#agency_id option").count() == 5
        search.fill("sukab")
        screenshot(page, "agency-filter", full_page=False)
    else:
        assert search.count() == 0  # no script, no box: the grouped select alone
    page.locator("#agency_id").select_option(label="Kelurahan Sukabumi (KEL-SUKABUMI)")
    page.get_by_label("Nama lengkap").fill("Lurah Sukabumi")
    page.get_by_label("Alamat email").fill("lurah.sukabumi@example.com")
    page.get_by_label("Kata sandi", exact=False).fill("a-long-password")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(f"{base_url}/admin/users")
    assert committed(select(User).where(User.email == "lurah.sukabumi@example.com")).agency.code == "KEL-SUKABUMI"
    assert console_errors == []


def test_import_agencies_with_a_preview(page, base_url, world, tmp_path, javascript, console_errors):
    path = tmp_path / "perangkat-daerah.csv"
    path.write_text(CSV, encoding="utf-8")
    log_in(page, base_url, world["admin"].email, PASSWORD)
    page.goto(f"{base_url}/admin/agencies")
    page.get_by_role("link", name="Impor dari berkas CSV").click()
    page.get_by_label("Berkas CSV").set_input_files(str(path))
    page.get_by_role("button", name="Periksa berkas").click()
    page.get_by_role("heading", name="Pratinjau impor perangkat daerah").wait_for()
    assert page.locator("table.import-change tbody tr").count() == 2
    screenshot(page, f"agency-import-preview-{'js' if javascript else 'nojs'}")
    assert committed(select(Agency).where(Agency.code == "KEL-KEDUNGASEM")) is None
    page.get_by_role("button", name="Impor: 2 baru, 0 diubah").click()
    page.wait_for_url(f"{base_url}/admin/agencies")
    assert "Impor selesai: 2 perangkat daerah baru" in page.locator("#flash-messages").inner_text()
    assert committed(select(Agency).where(Agency.code == "KEL-KEDUNGASEM")).parent.code == "KEC-WONOASIH"
    assert console_errors == []


def test_a_bad_file_names_its_lines_and_imports_nothing(page, base_url, world, tmp_path):
    path = tmp_path / "salah.csv"
    path.write_text(CSV + "KEL-X,Kelurahan X,kelurahan,KEC-TIDAK-ADA\nDINAS-Y,Dinas Y,badan,\n", encoding="utf-8")
    log_in(page, base_url, world["admin"].email, PASSWORD)
    page.goto(f"{base_url}/admin/agencies/import")
    page.get_by_label("Berkas CSV").set_input_files(str(path))
    page.get_by_role("button", name="Periksa berkas").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    text = summary.inner_text()
    assert "Baris 4: induk KEC-TIDAK-ADA tidak ditemukan." in text and "Baris 5: jenis badan" in text
    assert committed(select(Agency).where(Agency.code == "KEC-WONOASIH")) is None


def test_an_invitation_link_sets_the_password(page, base_url, world, new_tab, javascript, console_errors):
    log_in(page, base_url, world["admin"].email, PASSWORD)
    page.goto(f"{base_url}/admin/users/new")
    page.get_by_label("Nama lengkap").fill("Dr. Rahmat")
    page.get_by_label("Alamat email").fill("rahmat@unej.example")
    page.get_by_label("Peran", exact=True).select_option("reviewer")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_role("heading", name="Tautan untuk membuat kata sandi").wait_for()
    link = page.locator("#password-link").input_value()
    screenshot(page, f"invitation-link-{'js' if javascript else 'nojs'}")
    person = new_tab()
    person.goto(link)
    person.get_by_label("Kata sandi baru", exact=True).fill("kopi-pagi-sepeda-merah")
    person.get_by_label("Ulangi kata sandi baru").fill("kopi-pagi-sepeda-merah")
    person.get_by_role("button", name="Simpan kata sandi").click()
    person.wait_for_url(f"{base_url}/auth/login")
    log_in(person, base_url, "rahmat@unej.example", "kopi-pagi-sepeda-merah")
    person.goto(link)
    assert "Tautan ini tidak berlaku lagi" in person.locator("h1").inner_text()
    assert console_errors == []


# axe runs as the page's JavaScript: with JavaScript off its promise never settles (as in
# tests/e2e/test_e2e_accessibility.py, the pages are checked with it on).
@pytest.mark.parametrize("javascript", [True], ids=["js"])
def test_the_new_pages_have_no_serious_accessibility_problem(page, base_url, world, tmp_path, axe_source, make):
    """axe-core on each new page: the forgot and set-password pages, the import page with
    its errors, the preview, and the page with the link to copy."""
    person = make.user(role="reviewer", name="Dr. Rahmat")
    # Read before the commit: after it, reading the row again would open a transaction
    # that holds SQLite's lock while the server writes.
    person_id, token = person.id, tokens.make_token(person, tokens.INVITE)
    db.session.commit()
    problems = []
    for path in ("/auth/forgot", f"/auth/set-password/{token}",
                 "/auth/set-password/not-a-token"):
        page.goto(f"{base_url}{path}")
        problems += [f"{path}: {line}" for line in axe_violations(page, axe_source)]
    log_in(page, base_url, world["admin"].email, PASSWORD)
    bad, good = tmp_path / "salah.csv", tmp_path / "baik.csv"
    bad.write_text(CSV + "DINAS-Y,Dinas Y,badan,\n", encoding="utf-8")
    good.write_text(CSV, encoding="utf-8")
    for upload in (bad, good):
        page.goto(f"{base_url}/admin/agencies/import")
        page.get_by_label("Berkas CSV").set_input_files(str(upload))
        page.get_by_role("button", name="Periksa berkas").click()
        page.locator("h1").wait_for()
        problems += [f"import {upload.name}: {line}" for line in axe_violations(page, axe_source)]
    page.goto(f"{base_url}/admin/users/{person_id}/edit")
    problems += [f"user edit: {line}" for line in axe_violations(page, axe_source)]
    page.get_by_role("button", name="Tampilkan tautan untuk disalin").click()
    page.locator("#password-link").wait_for()
    problems += [f"link page: {line}" for line in axe_violations(page, axe_source)]
    assert problems == []
