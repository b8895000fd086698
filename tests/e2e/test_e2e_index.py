"""The national index package in the browser (issue 18, done when): on the demo data an admin
opens /admin/index, sees the score, the category and the top missing evidence, fixes one item
(verifies a waiting claim) and sees the score rise, then downloads the XLSX, the ZIP and a
profile PDF, and each opens. The README's screenshot of the simulator is taken here."""
import io
import re
import zipfile

from openpyxl import load_workbook
from pypdf import PdfReader

from app.core.extensions import db
from tests.e2e.conftest import log_in, screenshot

ADMIN = ("admin@demo.apusida.id", "admin-demo-2026")


def _score(tab) -> float:
    return float(tab.locator(".index-score__number").inner_text().replace(".", "").replace(",", "."))


def _download(tab, link_name: str) -> bytes:
    with tab.expect_download() as download:
        tab.get_by_role("link", name=link_name).click()
    with open(download.value.path(), "rb") as handle:
        return handle.read()


def test_an_admin_raises_the_index_and_downloads_the_package(page, base_url, app_ctx, javascript):
    from app import demo

    demo.load()
    db.session.commit()
    log_in(page, base_url, *ADMIN)
    page.goto(f"{base_url}/admin/index")
    before = _score(page)
    assert page.locator(".index-category").inner_text() == "Kurang Inovatif"
    first_gap = page.locator("section[aria-labelledby=gaps-title] tbody tr").first
    assert "+" in first_gap.locator("td.numeric").last.inner_text()
    if javascript:
        screenshot(page, "index-simulator", full_page=False)

    # Fix one item: verify an innovation's claim that waits (the admin claimed none of them).
    waiting = page.locator("section[aria-labelledby=waiting-title] tbody tr").filter(has_text="Menunggu verifikasi")
    row = waiting.filter(has_not_text="Indikator daerah").first
    gain = float(row.locator("td.numeric").last.inner_text().lstrip("+").replace(",", "."))
    row.get_by_role("link").click()
    page.get_by_label("Terima level yang diklaim").check()
    page.get_by_role("button", name="Simpan verifikasi").click()
    if javascript:  # the indicator's region is swapped in place
        page.locator(".maturity-item h1 .tag").filter(has_text="Terverifikasi").wait_for()
    else:  # back to the innovation's task list, with the message
        page.get_by_text(re.compile(r"Verifikasi .+ disimpan\.")).wait_for()
    page.goto(f"{base_url}/admin/index")
    after = _score(page)
    assert after > before and abs(after - before - gain) < 0.011

    book = load_workbook(io.BytesIO(_download(page, "Unduh paket (XLSX)")))
    assert book.sheetnames == ["Profil inovasi", "Indikator daerah", "Ringkasan"]
    assert book["Profil inovasi"].max_row >= 2
    archive = zipfile.ZipFile(io.BytesIO(_download(page, "Unduh semua bukti (ZIP)")))
    assert archive.namelist()[0] == "manifest.csv" and archive.testzip() is None
    # The manifest lists the innovations' and the region's evidence (this test's demo stores no files on
    # the server's disk, so each row says the file was not found: the archive still opens whole).
    manifest = archive.read("manifest.csv").decode("utf-8-sig")
    assert "daerah/" in manifest and "/01-regulasi/" in manifest

    page.locator("section[aria-labelledby=shares-title] tbody tr").first.get_by_role("link").click()
    link = page.get_by_role("link", name="Profil inovasi untuk Indeks Inovasi Daerah (PDF, A4, siap ditandatangani)")
    answer = page.context.request.get(f"{base_url}{link.get_attribute('href')}")  # the admin's cookies
    assert answer.ok and answer.headers["content-type"] == "application/pdf"
    assert "Profil Inovasi Daerah" in PdfReader(io.BytesIO(answer.body())).pages[0].extract_text()
