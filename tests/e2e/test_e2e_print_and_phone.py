"""Paper and phones (issue 16, points 2 and 3).

Printing: a proposal, an event's attendance list and the leaderboard, with print media
emulated, show the city's heading (kop) and no menus, forms, buttons, skip links or footer;
the PDF Chromium makes of a proposal, taking the page size from the stylesheet, is A4.

Phones: at 360 px no main page scrolls sideways, for every kind of visitor; the attendance
page's check-in button is large, full width and first in its row.
"""
import re

import pytest

from app.core.extensions import db
from app.maturity import services as maturity_services
from tests import factories
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PASSWORD

PHONE = {"width": 360, "height": 740}
A4_POINTS = (595.28, 841.89)  # 210 x 297 mm
LONG_AGENCY = "Badan Perencanaan Pembangunan Daerah dan Penelitian dan Pengembangan"
# What never belongs on paper; the kop is the one thing only paper shows.
NOT_ON_PAPER = ".site-header, .site-nav, .site-footer, .skip-link, main form, main button, main .button"


@pytest.fixture
def world(make):
    """Long names and addresses everywhere, as the city's real agencies and people have them."""
    cycle = make.cycle()
    maturity_services.load_indicators()
    planning = make.agency(name=LONG_AGENCY, code="BAPPEDALITBANG")
    health = make.agency(name="Dinas Kesehatan, Pengendalian Penduduk dan Keluarga Berencana", code="DINKESPPKB")
    innovator = make.user(role="innovator", agency_=health, name="Rr. Siti Nurhayati Kusumawardhani",
                          email="siti.nurhayati.kusumawardhani@dinkesppkb.probolinggokota.go.id")
    reviewer = make.user(role="reviewer", name="Prof. Dr. Bambang Wicaksono Hadiprawiro", agency_=planning,
                         email="bambang.wicaksono.hadiprawiro@universitas-panca-marga.ac.id")
    admin = make.user(role="admin", name="Admin Laboratorium Inovasi", agency_=planning,
                      email="laboratorium.inovasi@bappedalitbang.probolinggokota.go.id")
    public = factories.published(agency_=health, author=innovator, status="implemented",
                                 title="Sistem Informasi Pemantauan Tumbuh Kembang Balita Terintegrasi Posyandu",
                                 summary="Catatan tumbuh kembang balita di ponsel kader posyandu.")
    waiting = factories.proposal_in("submitted", agency_=health, author=innovator,
                                    title="Pelayanan Administrasi Kependudukan Keliling Kelurahan")
    draft = factories.proposal_in("draft", agency_=health, author=innovator, title="Draf Layanan Kesehatan Jiwa")
    factories.review(public, reviewer, score=4)
    factories.vote(waiting)
    indicator = maturity_services.scale_for(cycle).indicators[0]
    factories.claim(public, indicator, level=2)
    event = factories.event(title="Sosialisasi Laboratorium Inovasi Daerah Kota Probolinggo", kind="sosialisasi",
                            capacity=40, declaration_text="Kami berkomitmen berinovasi untuk pelayanan publik.")
    for person in (innovator, reviewer):
        factories.registration(event, person)
    contest = factories.competition(cycle_=cycle, name="Lomba Inovasi Pelayanan Publik Kota Probolinggo",
                                    tracks=("perangkat-daerah-dan-kecamatan", "sekolah"))
    factories.assignment(factories.entry(contest, waiting), reviewer)
    db.session.commit()
    return dict(cycle=cycle, public=public, waiting=waiting, draft=draft, innovator=innovator, reviewer=reviewer,
                admin=admin, event=event, contest=contest)


def pages_of(role: str, w: dict) -> list[str]:
    """The main pages each kind of visitor uses."""
    public, waiting, draft, event = w["public"].id, w["waiting"].id, w["draft"].id, w["event"].id
    if role == "anonymous":
        return ["/", f"/innovations/{public}", "/leaderboard", "/events", f"/events/{event}", "/auth/login"]
    common = ["/dashboard", "/proposals/", f"/proposals/{waiting}", f"/proposals/{public}", "/notifications",
              "/leaderboard", f"/events/{event}"]
    if role == "innovator":
        return common + ["/proposals/new", f"/proposals/{draft}/edit", f"/proposals/{public}/maturity",
                         f"/proposals/{waiting}/competition"]
    if role == "reviewer":
        return common + ["/proposals/review-queue", f"/proposals/{waiting}/review", f"/proposals/{public}/maturity"]
    return common + ["/proposals/new", f"/events/{event}/attendance", f"/events/{event}/edit", "/admin/",
                     "/admin/users", "/admin/agencies", "/admin/cycles", "/admin/audit", "/admin/maturity",
                     "/admin/maturity/indicators", "/admin/maturity/levels", f"/admin/maturity/levels/{w['cycle'].year}",
                     f"/proposals/{public}/maturity", "/admin/competitions", "/admin/competitions/new",
                     *(f"/admin/competitions/{w['contest'].id}{part}" for part in ("", "/results", "/reviewers"))]


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="id-ID", viewport=PHONE)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.mark.parametrize("role", ["anonymous", "innovator", "reviewer", "admin"])
def test_no_main_page_scrolls_sideways_at_360_px(phone, base_url, world, role):
    if role != "anonymous":
        log_in(phone, base_url, world[role].email, PASSWORD)
    overflowing = []
    for path in pages_of(role, world):
        response = phone.goto(f"{base_url}{path}")
        assert response.status == 200, path
        widths = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            widest = phone.evaluate("""() => [...document.querySelectorAll('main *, header *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
            overflowing.append(f"{path}: {widths[0]} px wide > {widths[1]} ({widest})")
    assert overflowing == [], "\n".join(overflowing)


def test_tables_become_cards_on_a_phone_and_stay_tables_on_a_desk(phone, base_url, world):
    log_in(phone, base_url, world["admin"].email, PASSWORD)
    for path in ["/proposals/", "/admin/users", "/leaderboard", f"/events/{world['event'].id}/attendance"]:
        phone.goto(f"{base_url}{path}")
        table = phone.locator("main table.table--stack").first
        assert table.evaluate("t => getComputedStyle(t).display") == "block", path
        cell = table.locator("tbody td[data-label]").first
        shown = cell.evaluate("c => getComputedStyle(c, '::before').content")  # '"Judul" / ""': no alt text
        assert shown.startswith(f'"{cell.get_attribute("data-label")}"'), (path, shown)
        assert table.evaluate("t => t.getAttribute('role')") == "table", path  # semantics kept for screen readers
    phone.set_viewport_size({"width": 1200, "height": 900})
    phone.goto(f"{base_url}/admin/users")
    assert phone.locator("main table.table--stack").evaluate("t => getComputedStyle(t).display") == "table"


def test_check_in_button_is_large_and_first_in_its_row_on_a_phone(phone, base_url, world):
    log_in(phone, base_url, world["admin"].email, PASSWORD)
    phone.goto(f"{base_url}/events/{world['event'].id}/attendance")
    row = phone.locator("main tbody tr").first
    button = row.get_by_role("button", name=re.compile("^Catat hadir"))
    box, row_box = button.bounding_box(), row.bounding_box()
    assert box["height"] >= 44
    assert box["width"] >= row_box["width"] - 40  # full width, less the card's padding
    first_cell = row.locator("td").first
    assert first_cell.locator("button").count() == 1  # first in the row, for the eye and for Tab alike
    name_box = row.locator("td").nth(1).bounding_box()
    assert box["y"] < name_box["y"]
    button.click()
    phone.locator("main tbody tr").first.get_by_text("Hadir", exact=True).wait_for()
    screenshot(phone, "check-in-360")  # one checked in, one still to come


def hidden_on_paper(tab) -> list[str]:
    """Elements that paper must not show but the print stylesheet leaves displayed."""
    return tab.evaluate("""(selector) => [...document.querySelectorAll(selector)]
        .filter(e => e.getClientRects().length > 0)
        .map(e => e.tagName.toLowerCase() + '.' + e.className + ': ' + e.textContent.trim().slice(0, 40))""",
                        NOT_ON_PAPER)


def kop_shown(tab) -> bool:
    kop = tab.locator(".print-heading")
    return kop.is_visible() and "PEMERINTAH KOTA PROBOLINGGO" in kop.inner_text()


def test_print_shows_the_kop_and_hides_menus_forms_buttons_and_footer(page, base_url, world, javascript):
    log_in(page, base_url, world["admin"].email, PASSWORD)
    pages = {"proposal": f"/proposals/{world['waiting'].id}", "attendance": f"/events/{world['event'].id}/attendance",
             "leaderboard": "/leaderboard"}
    for name, path in pages.items():
        page.emulate_media(media="screen")
        page.goto(f"{base_url}{path}")
        assert not kop_shown(page) and hidden_on_paper(page) != [], name  # on screen: menus, no kop
        page.emulate_media(media="print")
        assert kop_shown(page), name
        assert hidden_on_paper(page) == [], name
    # The proposal's fields, in their order, are all on paper.
    page.goto(f"{base_url}/proposals/{world['waiting'].id}")
    headings = page.locator("main h2:visible").all_inner_texts()
    order = ["Ringkasan", "Profil inovasi", "Permasalahan / latar belakang", "Rancang bangun", "Tujuan", "Manfaat",
             "Hasil inovasi"]
    assert [h for h in headings if h in order] == order
    # The attendance list gets a column to sign in, in place of the buttons.
    page.goto(f"{base_url}/events/{world['event'].id}/attendance")
    assert "Tanda tangan" in page.locator("main thead").inner_text()
    if javascript:  # for the README: the first sheet of a printed proposal, at A4's width (210 mm at 96 dpi)
        page.set_viewport_size({"width": 794, "height": 1123})
        page.goto(f"{base_url}/proposals/{world['public'].id}")
        screenshot(page, "proposal-print", full_page=False)


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """Width and height in points of each page of a PDF (Chromium's: page objects are not compressed)."""
    sizes = []
    for match in re.finditer(rb"/Type\s*/Page\b(?!s)", pdf):
        start = pdf.rfind(b"obj", 0, match.start())
        end = pdf.find(b"endobj", match.end())
        box = re.search(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf[start:end])
        x0, y0, x1, y1 = (float(v) for v in box.groups())
        sizes.append((x1 - x0, y1 - y0))
    return sizes


def test_a_printed_proposal_is_a4_with_page_numbers(browser, base_url, world):
    context = browser.new_context(locale="id-ID")
    tab = context.new_page()
    try:
        log_in(tab, base_url, world["admin"].email, PASSWORD)
        tab.goto(f"{base_url}/proposals/{world['public'].id}")
        pdf = tab.pdf(prefer_css_page_size=True, print_background=True)  # Playwright's own default is Letter
        # The page counter sits in a margin box of the @page rule, which this Chromium reads.
        margin = tab.evaluate("""() => {
            for (const sheet of document.styleSheets) for (const rule of sheet.cssRules) {
                if (!(rule instanceof CSSMediaRule) && !(rule instanceof CSSPageRule)) continue;
                const pages = rule instanceof CSSPageRule ? [rule] : [...rule.cssRules].filter(r => r instanceof CSSPageRule);
                for (const p of pages) for (const m of p.cssRules || []) if (m.style && m.style.content.includes('counter(page)')) return m.name;
            }
            return null;
        }""")
    finally:
        context.close()
    sizes = pdf_pages(pdf)
    assert len(sizes) >= 2  # the 360-word rancang bangun and the rest run over one sheet
    for width, height in sizes:
        assert abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2, sizes
    assert margin == "bottom-right"
