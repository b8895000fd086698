"""Registering for a lab event, and joining the waitlist once it is full."""
from app.core.extensions import db
from tests import factories
from tests.e2e.conftest import log_in, mark_page, page_was_not_reloaded, screenshot
from tests.factories import PASSWORD


def test_register_then_waitlist(new_tab, base_url, make, javascript):
    event = factories.event(title="Lokakarya Diagnose Masalah Layanan", capacity=1, kind="diagnose",
                     description="Menggali akar masalah layanan bersama mentor LAN.")
    first = make.user(role="innovator", name="Andi Pertama")
    second = make.user(role="innovator", name="Budi Kedua")
    db.session.commit()
    url = f"{base_url}/events/{event.id}"

    tab = new_tab()
    log_in(tab, base_url, first.email, PASSWORD)
    tab.goto(url)
    if javascript:
        mark_page(tab)
    tab.get_by_role("button", name="Daftar", exact=True).click()
    tab.locator("#my-registration").get_by_text("Terdaftar").wait_for()
    assert tab.get_by_text("Kursi Anda sudah dipesan.").is_visible()
    if javascript:
        assert page_was_not_reloaded(tab)
    screenshot(tab, f"event-{'js' if javascript else 'nojs'}")

    other = new_tab()
    log_in(other, base_url, second.email, PASSWORD)
    other.goto(url)
    if javascript:
        mark_page(other)
    other.get_by_role("button", name="Masuk daftar tunggu").click()
    other.locator("#my-registration").get_by_text("Daftar tunggu").wait_for()
    assert other.get_by_text("Anda di daftar tunggu nomor 1").is_visible()
    if javascript:
        assert page_was_not_reloaded(other)
        # Focus stays on the control that replaced the one pressed.
        for _ in range(40):  # focus moves as the swap settles
            if other.evaluate("document.activeElement.textContent").strip() == "Keluar dari daftar tunggu":
                break
            other.wait_for_timeout(50)
        assert other.evaluate("document.activeElement.textContent").strip() == "Keluar dari daftar tunggu"
