"""axe-core on every main page: no serious or critical violations, for each kind of visitor.

axe runs through page.evaluate (the DevTools protocol), which the page's CSP does not
govern, so the pages are checked with their real CSP in force.
"""
import pytest

from app.core.extensions import db
from tests import factories
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PASSWORD

pytestmark = pytest.mark.parametrize("javascript", [True], ids=["js"])
BLOCKING = ("serious", "critical")


def axe_violations(tab, axe_source) -> list[str]:
    """Serious and critical axe violations on the current page, one readable line per node."""
    if not tab.evaluate("typeof window.axe === 'object'"):
        tab.evaluate(axe_source)
    result = tab.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
    }""")
    return [f"{tab.url} [{v['impact']}] {v['id']}: {v['help']} -> {node}"
            for v in result if v["impact"] in BLOCKING for node in v["nodes"]]


@pytest.fixture
def world(make):
    cycle = make.cycle()
    health = make.agency(name="Dinas Kesehatan", code="DINKES")
    other = make.agency(name="Kelurahan Sukabumi", code="SUKABUMI", kind="kelurahan")
    public = factories.published(agency_=health, title="Posyandu Digital", summary="Catatan tumbuh kembang balita di ponsel.")
    waiting = make.proposal(agency_=other, status="submitted", title="Pojok Baca Kelurahan",
                            submitted_at=public.submitted_at)
    reviewer = make.user(role="reviewer", name="Dr. Nanik Penilai")
    factories.review(public, reviewer, score=4)
    factories.vote(waiting)
    innovator = make.user(role="innovator", agency_=health, name="Rudi Inovator")
    admin = make.user(role="admin", name="Admin Lab")
    event = factories.event(title="Sosialisasi Laboratorium Inovasi", kind="sosialisasi", capacity=40,
                     declaration_text="Kami berkomitmen berinovasi untuk pelayanan publik.")
    db.session.commit()
    return dict(cycle=cycle, public=public, waiting=waiting, reviewer=reviewer, innovator=innovator, admin=admin,
                event=event)


def check_pages(tab, base_url, axe_source, paths) -> list[str]:
    problems = []
    for path in paths:
        response = tab.goto(f"{base_url}{path}")
        assert response.status == 200, path
        problems += axe_violations(tab, axe_source)
        if tab.viewport_size["width"] <= 400 and tab.evaluate(
                "document.documentElement.scrollWidth > document.documentElement.clientWidth"):
            problems.append(f"{path}: the whole page scrolls sideways on a phone")
    return problems


def test_public_pages(page, base_url, world, axe_source):
    paths = ["/", f"/innovations/{world['public'].id}", "/leaderboard", "/events", f"/events/{world['event'].id}",
             "/open-data", "/auth/login"]
    assert check_pages(page, base_url, axe_source, paths) == []


def test_login_error_page(page, base_url, world, axe_source):
    page.goto(f"{base_url}/auth/login")
    page.get_by_label("Alamat email").fill("nobody@example.com")
    page.get_by_role("button", name="Masuk").click()
    page.locator(".error-summary").wait_for()
    assert axe_violations(page, axe_source) == []


def test_innovator_pages(page, base_url, world, axe_source):
    log_in(page, base_url, world["innovator"].email, PASSWORD)
    paths = ["/dashboard", "/proposals/", f"/proposals/{world['waiting'].id}", f"/proposals/{world['public'].id}",
             "/proposals/new", f"/events/{world['event'].id}", "/notifications", "/auth/password",
             "/auth/account"]
    assert check_pages(page, base_url, axe_source, paths) == []
    page.goto(f"{base_url}/dashboard")
    screenshot(page, "dashboard-innovator-world")
    # The proposal form with its error summary and messages beside the fields.
    page.goto(f"{base_url}/proposals/new")
    page.get_by_role("button", name="Simpan draf").click()
    page.locator(".error-summary").wait_for()
    assert axe_violations(page, axe_source) == []


def test_reviewer_pages(page, base_url, world, axe_source):
    log_in(page, base_url, world["reviewer"].email, PASSWORD)
    paths = ["/dashboard", "/proposals/review-queue", f"/proposals/{world['waiting'].id}",
             f"/proposals/{world['waiting'].id}/review"]
    problems = check_pages(page, base_url, axe_source, paths)
    # The rubric with its errors, after an empty save.
    page.goto(f"{base_url}/proposals/{world['waiting'].id}")
    page.get_by_role("button", name="Simpan penilaian").click()
    page.locator(".error-summary").wait_for()
    problems += axe_violations(page, axe_source)
    assert problems == []


def test_admin_pages(page, base_url, world, axe_source):
    log_in(page, base_url, world["admin"].email, PASSWORD)
    paths = ["/dashboard", "/admin/", "/admin/users", f"/admin/users/{world['innovator'].id}/edit", "/admin/users/new",
             "/admin/agencies", "/admin/agencies/new", "/admin/cycles", f"/admin/cycles/{world['cycle'].id}/edit",
             "/admin/audit", "/events/new", f"/events/{world['event'].id}", f"/events/{world['event'].id}/edit",
             f"/events/{world['event'].id}/attendance", f"/proposals/{world['waiting'].id}",
             f"/proposals/{world['public'].id}", "/proposals/new"]
    assert check_pages(page, base_url, axe_source, paths) == []
    page.goto(f"{base_url}/dashboard")
    screenshot(page, "dashboard-admin-world")


def test_axe_reports_a_real_violation(page, base_url, world, axe_source):
    """The check itself works: an unlabeled field with white-on-white text is caught."""
    page.goto(f"{base_url}/")
    page.evaluate("""() => {
        const input = document.createElement('input');
        input.id = 'e2e-unlabelled';
        document.querySelector('main').appendChild(input);
    }""")
    assert any("label" in line for line in axe_violations(page, axe_source))


def test_phone_width_pages(browser, base_url, world, axe_source, javascript):
    """At 320 px wide the pages still pass (tables that scroll become keyboard-reachable)."""
    context = browser.new_context(locale="id-ID", viewport={"width": 320, "height": 640})
    tab = context.new_page()
    try:
        problems = check_pages(tab, base_url, axe_source, ["/", "/leaderboard", f"/events/{world['event'].id}"])
        log_in(tab, base_url, world["reviewer"].email, PASSWORD)
        problems += check_pages(tab, base_url, axe_source, ["/proposals/", f"/proposals/{world['public'].id}"])
        problems += check_pages(tab, base_url, axe_source, ["/", "/dashboard", "/proposals/review-queue"])
        screenshot(tab, "dashboard-320")
    finally:
        context.close()
    assert problems == []
