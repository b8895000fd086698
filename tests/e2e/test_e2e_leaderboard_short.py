"""The shorter leaderboard in a browser (issue 16, point 10): the agencies without
points fold under one line that opens, print unfolded, and the page in English."""
import pytest

from app.core.extensions import db


@pytest.fixture
def board(make):
    cycle = make.cycle()
    make.proposal(agency_=make.agency(name="Dinas Sibuk"), cycle_=cycle, status="approved")
    for n in range(4):
        make.agency(name=f"Kelurahan Diam {n}", kind="kelurahan")
    db.session.commit()
    return cycle


def test_agencies_without_points_unfold_from_one_line(page, base_url, board):
    page.goto(f"{base_url}/leaderboard")
    summary = page.locator("details.unranked summary")
    assert summary.inner_text() == "4 perangkat daerah belum mengajukan: lihat daftar"
    assert not page.get_by_text("Kelurahan Diam 0").is_visible()
    summary.click()
    assert page.get_by_text("Kelurahan Diam 0").is_visible()
    # The points rule is a line near the top whose link leads to the full explanation.
    page.locator(".points-summary a").click()
    assert page.locator("#points-rules").is_visible()


def test_the_folded_list_prints_unfolded(browser, base_url, board):
    context = browser.new_context(locale="id-ID", viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    tab.goto(f"{base_url}/leaderboard")
    assert tab.evaluate("document.querySelector('details.unranked').open") is False
    tab.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert tab.evaluate("document.querySelector('details.unranked').open") is True
    tab.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert tab.evaluate("document.querySelector('details.unranked').open") is False
    context.close()


def test_the_board_reads_in_english(page, base_url, board):
    page.goto(f"{base_url}/leaderboard")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    page.goto(f"{base_url}/leaderboard")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("details.unranked summary").inner_text() == "4 agencies have not submitted yet: see the list"
