"""Browser tests: the real app in a server thread, driven by Playwright in Debian's Chromium.

htmx comes from the npm registry (`npm pack htmx.org@<pinned>`) into a git-ignored
folder and is served through HTMX_URL, so the pages run the same htmx bytes as the CDN.
"""
import os
import shutil
import subprocess
import tarfile
import threading
from pathlib import Path

import pytest
from flask import send_file
from werkzeug.serving import make_server

from app.core.config import HTMX_VERSION
from app.core.extensions import db
from tests.conftest import make_app

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
VENDOR = Path(__file__).parent / ".vendor"
HTMX_FILE = VENDOR / f"htmx-{HTMX_VERSION}.min.js"
SCREENSHOTS = Path(__file__).parent / "screenshots"
AXE_VERSION = "4.14.1"
AXE_FILE = VENDOR / f"axe-{AXE_VERSION}.min.js"


def fetch_npm_file(package: str, version: str, member_path: str, target: Path) -> Path:
    """One file of a pinned npm package, unpacked once into tests/e2e/.vendor/."""
    if target.exists():
        return target
    if shutil.which("npm") is None:
        pytest.skip(f"npm is not installed: cannot fetch {package} for browser tests")
    VENDOR.mkdir(exist_ok=True)
    subprocess.run(["npm", "pack", "--silent", f"{package}@{version}", "--pack-destination", str(VENDOR)],
                   check=True, capture_output=True)
    tarball = VENDOR / f"{package}-{version}.tgz"
    with tarfile.open(tarball) as archive:
        member = archive.extractfile(member_path)
        target.write_bytes(member.read())
    tarball.unlink()
    return target


def fetch_htmx() -> Path:
    """The pinned htmx, the same bytes as the CDN copy production uses."""
    return fetch_npm_file("htmx.org", HTMX_VERSION, "package/dist/htmx.min.js", HTMX_FILE)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # `pytestmark` in a conftest marks nothing: mark every test of this folder here, before
    # `-m "not e2e"` deselects by marker (the PostgreSQL run leaves the browser out).
    here = Path(__file__).parent
    browser_tests = [item for item in items if here in Path(str(item.fspath)).parents]
    for item in browser_tests:
        item.add_marker(pytest.mark.e2e)
        item.add_marker(pytest.mark.committing)  # the server's threads see committed rows only
    if not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install chromium)")
        for item in browser_tests:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def htmx_file():
    return fetch_htmx()


@pytest.fixture(scope="session")
def axe_source():
    """axe-core (the accessibility engine) from the npm registry, as JavaScript source."""
    return fetch_npm_file("axe-core", AXE_VERSION, "package/axe.min.js", AXE_FILE).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def live_server(app, tmp_path_factory, htmx_file):
    """The app served by a real WSGI server on a free loopback port."""
    server_app = make_app(tmp_path_factory, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                          HTMX_URL="/_e2e/htmx.min.js", HTMX_SRI="", TESTING=False,
                          LOGIN_LIMIT_PER_EMAIL="1000 per minute", LOGIN_LIMIT_PER_ADDRESS="1000 per minute")
    server_app.add_url_rule("/_e2e/htmx.min.js", "e2e_htmx",
                            lambda: send_file(htmx_file, mimetype="text/javascript"))
    server = make_server("127.0.0.1", 0, server_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server_app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield server_app
    server.shutdown()
    with server_app.app_context():
        db.engine.dispose()


@pytest.fixture
def base_url(live_server):
    return live_server.config["LIVE_URL"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield instance
        instance.close()


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def javascript(request):
    return request.param


@pytest.fixture
def page(browser, javascript):
    context = browser.new_context(java_script_enabled=javascript, locale="id-ID", viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


def screenshot(tab, name: str, full_page: bool = True) -> Path:
    """Save a PNG (the whole page, or what the window shows) into tests/e2e/screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=full_page)
    return path


def log_in(tab, base_url: str, email: str, password: str) -> None:
    tab.goto(f"{base_url}/auth/login")
    tab.get_by_label("Alamat email").fill(email)
    tab.get_by_label("Kata sandi").fill(password)
    tab.get_by_role("button", name="Masuk").click()
    tab.wait_for_url(f"{base_url}/dashboard")


@pytest.fixture
def new_tab(browser, javascript):
    """open() -> a tab in a fresh browser context (its own cookies), with the test's JavaScript setting."""
    contexts = []

    def open_tab(js: bool | None = None):
        context = browser.new_context(java_script_enabled=javascript if js is None else js, locale="id-ID",
                                      viewport={"width": 1200, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield open_tab
    for context in contexts:
        context.close()


def mark_page(tab) -> None:
    """Set a marker on `window`: it survives an HTMX swap but not a page load."""
    tab.evaluate("window.__e2eMarker = 'still-here'")


def page_was_not_reloaded(tab) -> bool:
    return tab.evaluate("window.__e2eMarker") == "still-here"


def settled(tab) -> None:
    """Wait until htmx has finished settling every swap: new content is wired up only then
    (about 20 ms after the swap), so a key pressed sooner would submit the plain form."""
    tab.locator(".htmx-settling, .htmx-request, .htmx-swapping").first.wait_for(state="detached")
