"""Log in as each role, in a real browser, with JavaScript on and off."""
import base64
import hashlib

import pytest

from app.core.config import DEFAULT_HTMX_SRI
from app.core.extensions import db
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PASSWORD


def test_htmx_sri_matches_the_npm_file(htmx_file):
    digest = base64.b64encode(hashlib.sha384(htmx_file.read_bytes()).digest()).decode()
    assert DEFAULT_HTMX_SRI == f"sha384-{digest}"


@pytest.mark.parametrize("role", ["innovator", "reviewer", "admin"])
def test_each_role_logs_in_and_out(page, base_url, make, role, javascript):
    user = make.user(role=role, name=f"Uji {role}")
    db.session.commit()
    log_in(page, base_url, user.email, PASSWORD)
    assert page.get_by_role("heading", name="Dasbor").is_visible()
    assert page.get_by_text(f"Halo, Uji {role}.").is_visible()
    admin_link = page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Admin", exact=True)
    assert admin_link.count() == (1 if role == "admin" else 0)
    if javascript:
        assert page.evaluate("typeof window.htmx") == "object"  # htmx loaded under the CSP
    screenshot(page, f"dashboard-{role}-{'js' if javascript else 'nojs'}")
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url(f"{base_url}/")
    assert page.get_by_text("Anda sudah keluar.").is_visible()


def test_wrong_password_shows_the_message_beside_the_field(page, base_url, make):
    user = make.user()
    db.session.commit()
    page.goto(f"{base_url}/auth/login")
    page.get_by_label("Alamat email").fill(user.email)
    page.get_by_label("Kata sandi").fill("not-the-password")
    page.get_by_role("button", name="Masuk").click()
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#password-error").inner_text().endswith("Email atau kata sandi salah, atau akun tidak aktif.")


def test_english_switch(page, base_url):
    page.goto(f"{base_url}/")
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "showcase-en")
