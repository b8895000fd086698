"""A citizen browses the showcase, searches, opens an innovation and downloads the open data."""
import csv
import io

from app.core.extensions import db
from tests import factories
from tests.e2e.conftest import screenshot


def test_citizen_browses_searches_and_downloads(page, base_url, make, javascript):
    make.cycle()
    health = make.agency(name="Dinas Kesehatan", code="DINKES")
    works = make.agency(name="Dinas Pekerjaan Umum", code="DPUPR")
    factories.published(agency_=health, title="Posyandu Digital Mayangan", summary="Jadwal dan catatan tumbuh kembang balita di ponsel.")
    factories.published(agency_=works, title="Lapor Jalan Rusak", summary="Warga memotret jalan rusak; petugas datang dalam 3 hari.",
                 status="implemented", innovation_type="non_digital")
    factories.published(agency_=health, title="Ambulans Desa Siaga", summary="Ambulans dipesan lewat telepon satu nomor.")
    db.session.commit()

    page.goto(f"{base_url}/")
    cards = page.locator("#results h2 a")
    assert cards.count() == 3
    screenshot(page, f"showcase-{'js' if javascript else 'nojs'}")

    page.get_by_label("Cari", exact=True).fill("jalan")
    if javascript:
        cards.filter(has_text="Posyandu").wait_for(state="detached")  # results update while typing
        assert "q=jalan" in page.url  # and the address follows
    else:
        page.get_by_role("button", name="Terapkan").click()
        page.wait_for_url("**q=jalan**")
    assert cards.all_inner_texts() == ["Lapor Jalan Rusak"]

    cards.first.click()
    page.wait_for_url(f"{base_url}/innovations/*")
    assert page.get_by_role("heading", name="Lapor Jalan Rusak", level=1).is_visible()
    assert page.get_by_text("Dinas Pekerjaan Umum").first.is_visible()
    screenshot(page, f"innovation-{'js' if javascript else 'nojs'}")

    page.goto(f"{base_url}/open-data")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="innovations.csv").click()
    rows = list(csv.DictReader(io.StringIO(download_info.value.path().read_text(encoding="utf-8-sig"))))
    assert sorted(row["title"] for row in rows) == ["Ambulans Desa Siaga", "Lapor Jalan Rusak", "Posyandu Digital Mayangan"]
    assert {row["agency"] for row in rows} == {"DINKES", "DPUPR"}
