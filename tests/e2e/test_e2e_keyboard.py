"""Keyboard only: voting, the review rubric and event registration with Tab, Space, Enter and
the arrow keys (radio groups), and focus kept on the same control after each HTMX swap."""
import pytest

from app.core.extensions import db
from tests.factories import KIPP_CRITERIA
from tests import factories
from tests.e2e.conftest import log_in, settled
from tests.factories import PASSWORD


def tab_to(tab, selector: str, limit: int = 250) -> None:
    """Press Tab until the focused element matches `selector` (fails if it never does)."""
    for _ in range(limit):
        tab.keyboard.press("Tab")
        if tab.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def active(tab, expression: str = "document.activeElement.id", expected=None, timeout_ms: int = 2000):
    """Evaluate `expression` about the focused element; with `expected`, wait (polling) until the
    swap has settled and the value matches, then return it (htmx restores focus as it settles)."""
    value = tab.evaluate(f"() => {expression}")
    waited = 0
    while expected is not None and value != expected and waited < timeout_ms:
        tab.wait_for_timeout(50)
        waited += 50
        value = tab.evaluate(f"() => {expression}")
    return value


@pytest.fixture
def world(make):
    make.cycle()
    home = make.agency(name="Dinas Perhubungan", code="DISHUB")
    proposal = make.proposal(agency_=home, status="submitted", title="Parkir Elektronik")
    voter = make.user(role="innovator", name="Tari Pendukung")
    reviewer = make.user(role="reviewer", name="Yoga Penilai")
    event = factories.event(title="Coaching Deliver", kind="coaching", capacity=10)
    db.session.commit()
    return dict(proposal=proposal, voter=voter, reviewer=reviewer, event=event)


def test_vote_by_keyboard(page, base_url, world, javascript):
    pid = world["proposal"].id
    log_in(page, base_url, world["voter"].email, PASSWORD)
    page.goto(f"{base_url}/proposals/{pid}")
    tab_to(page, f"#vote-button-{pid}")
    page.keyboard.press("Space")
    page.locator(f"#vote-button-{pid}[aria-pressed='true']").wait_for()
    settled(page)
    if javascript:
        assert active(page, expected=f"vote-button-{pid}") == f"vote-button-{pid}"  # focus stayed on the toggle
        page.keyboard.press("Enter")
    else:
        tab_to(page, f"#vote-button-{pid}")
        page.keyboard.press("Enter")
    page.locator(f"#vote-button-{pid}[aria-pressed='false']").wait_for()
    if javascript:
        assert active(page, expected=f"vote-button-{pid}") == f"vote-button-{pid}"


@pytest.mark.parametrize("javascript", [True], ids=["js"])
def test_review_by_keyboard(page, base_url, world, javascript):
    pid = world["proposal"].id
    log_in(page, base_url, world["reviewer"].email, PASSWORD)
    page.goto(f"{base_url}/proposals/{pid}")
    for name in KIPP_CRITERIA:
        tab_to(page, f"input[name='r{pid}-score_{name}']")  # Tab enters the radio group
        page.keyboard.press("Space")  # picks 1
        for _ in range(3):
            page.keyboard.press("ArrowRight")  # ... up to 4
    tab_to(page, f"input[name='r{pid}-recommendation']")
    page.keyboard.press("Space")
    tab_to(page, f"#r{pid}-comment")
    page.keyboard.type("Jelas dan dapat direplikasi di kecamatan lain.")
    tab_to(page, f"#review-{pid} button[type=submit]")
    page.keyboard.press("Enter")
    page.get_by_text("Penilaian Anda tersimpan.").wait_for()
    assert page.get_by_text("Skor tertimbang Anda: 80,0").is_visible()
    # Focus moved to the confirmation that replaced the form, not lost to <body>.
    assert active(page, f"document.getElementById('review-{pid}').contains(document.activeElement)", expected=True)
    assert active(page, "document.activeElement.textContent").strip().startswith("Penilaian Anda tersimpan.")


@pytest.mark.parametrize("javascript", [True], ids=["js"])
def test_review_errors_by_keyboard_focus_the_summary(page, base_url, world, javascript):
    pid = world["proposal"].id
    log_in(page, base_url, world["reviewer"].email, PASSWORD)
    page.goto(f"{base_url}/proposals/{pid}")
    tab_to(page, f"#review-{pid} button[type=submit]")
    page.keyboard.press("Enter")
    page.locator(f"#review-{pid} .error-summary").wait_for()
    settled(page)
    assert active(page, "document.activeElement.classList.contains('error-summary')", expected=True)
    # From the summary, Tab reaches the first link, and Enter takes you to the field.
    page.keyboard.press("Tab")
    assert active(page, "document.activeElement.getAttribute('href')", expected=f"#r{pid}-score_background-0")
    page.keyboard.press("Enter")
    name = f"r{pid}-score_background"
    assert active(page, "document.activeElement.name", expected=name) == name


def test_register_by_keyboard(page, base_url, world, javascript):
    log_in(page, base_url, world["voter"].email, PASSWORD)
    page.goto(f"{base_url}/events/{world['event'].id}")
    tab_to(page, "#registration-region button[type=submit]")
    page.keyboard.press("Enter")
    page.locator("#my-registration").get_by_text("Terdaftar").wait_for()
    if javascript:
        # The cancel button took the place of the register button and has the focus.
        expression = "document.activeElement.textContent.trim()"
        assert active(page, expression, expected="Batalkan pendaftaran saya") == "Batalkan pendaftaran saya"
