"""Issue 16, point 1 in the browser: the admin's dashboard opens with the decision queue (also
at phone width), a publication links to the showcase page, and withdrawing a just-submitted
proposal is folded away and asks again."""
from datetime import timedelta

from app.core.cycles import city_today
from app.core.extensions import db
from app.events.services import week_of
from tests import factories
from tests.e2e.conftest import log_in, mark_page, page_was_not_reloaded, screenshot
from tests.factories import PASSWORD


def test_admin_dashboard_opens_with_the_queue_and_fits_a_phone(browser, base_url, make):
    today = city_today()
    cycle = make.cycle(year=today.year, submission_opens=today - timedelta(days=30),
                       submission_closes=today + timedelta(days=12))
    factories.proposal_in("in_review", cycle_=cycle, title="Antrean Puskesmas Daring")
    factories.proposal_in("approved", cycle_=cycle, title="Posyandu Digital")
    start = week_of(today)[0]
    event = make.event(title="Coaching Rancang Bangun", starts_at=start + timedelta(hours=26),
                       ends_at=start + timedelta(hours=29), capacity=25)
    make.registration(event, make.user())
    make.agency(name="Kelurahan Belum Mengajukan", kind="kelurahan")
    admin = make.user(role="admin", name="Admin Lab")
    db.session.commit()
    for width, name in ((1200, "dashboard-admin-queue"), (360, "dashboard-admin-queue-360")):
        context = browser.new_context(locale="id-ID", viewport={"width": width, "height": 900})
        tab = context.new_page()
        try:
            log_in(tab, base_url, admin.email, PASSWORD)
            first = tab.locator("main h2").first
            assert first.inner_text() == "Menunggu tindakan Anda"
            assert tab.locator("#awaiting-decision").get_by_role("link", name="Antrean Puskesmas Daring").is_visible()
            assert tab.locator("#pending-publication").get_by_text("Posyandu Digital").is_visible()
            assert tab.locator("#week-events").get_by_text("1 terdaftar dari 25 kursi").is_visible()
            assert tab.locator("#below-target").get_by_text("12 hari lagi").is_visible()
            assert not tab.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
            screenshot(tab, name)
        finally:
            context.close()


def test_publishing_links_to_the_showcase_page(new_tab, base_url, make, javascript):
    make.cycle()
    proposal = factories.proposal_in("approved", title="Izin Kilat UMKM")
    admin = make.user(role="admin")
    db.session.commit()
    tab = new_tab()
    log_in(tab, base_url, admin.email, PASSWORD)
    tab.goto(f"{base_url}/proposals/{proposal.id}")
    if javascript:
        mark_page(tab)
    tab.get_by_role("button", name="Publikasikan ke etalase").click()
    link = tab.get_by_role("link", name="Lihat halaman etalase")
    link.wait_for()
    if javascript:
        assert page_was_not_reloaded(tab)
        tab.locator("#live-region").get_by_text("kini tampil di etalase publik").wait_for(state="attached")
    link.click()
    tab.wait_for_url(f"{base_url}/innovations/{proposal.id}")


def test_withdrawing_a_submitted_proposal_is_folded_and_asks_again(new_tab, base_url, make, javascript):
    make.cycle()
    proposal = factories.proposal_in("submitted", title="Pojok Baca Kelurahan")
    db.session.commit()
    tab = new_tab()
    log_in(tab, base_url, proposal.author.email, PASSWORD)
    tab.goto(f"{base_url}/proposals/{proposal.id}")
    button = tab.get_by_role("button", name="Tarik usulan")
    assert not button.is_visible()  # folded away until asked for
    tab.locator("#withdraw summary").click()
    assert button.is_visible()
    if javascript:
        asked = []
        tab.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        button.click()
        assert asked and asked[0].startswith("Tarik usulan ini?")
        tab.reload()
        assert tab.locator(".proposal-meta").get_by_text("Diajukan").is_visible()
