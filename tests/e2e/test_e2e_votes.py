"""Voting inline on a proposal, and the live leaderboard seeing the vote elsewhere."""
import pytest

from app.core.extensions import db
from tests import factories
from tests.e2e.conftest import (
    log_in,
    mark_page,
    page_was_not_reloaded,
    screenshot,
    settled,
)
from tests.factories import PASSWORD


@pytest.fixture
def world(make):
    make.cycle()
    home = make.agency(name="Dinas Kesehatan", code="DINKES")
    other = make.agency(name="Kecamatan Mayangan", code="MAYANGAN", kind="kecamatan")
    proposal = make.proposal(agency_=home, status="submitted", title="Antrean Puskesmas Daring")
    factories.published(agency_=other, title="Taman Baca Kelurahan")
    voter = make.user(role="innovator", agency_=other, name="Dewi Pemilih")
    db.session.commit()
    return {"proposal": proposal, "voter": voter}


def test_vote_and_unvote_inline(page, base_url, world, javascript):
    proposal_id = world["proposal"].id
    log_in(page, base_url, world["voter"].email, PASSWORD)
    page.goto(f"{base_url}/proposals/{proposal_id}")
    button = page.locator(f"#vote-button-{proposal_id}")
    assert button.get_attribute("aria-pressed") == "false"
    assert button.locator(".vote-button__count").inner_text() == "0"
    if javascript:
        mark_page(page)
    button.click()
    page.locator(f"#vote-button-{proposal_id}[aria-pressed='true']").wait_for()
    assert page.locator(f"#vote-button-{proposal_id} .vote-button__count").inner_text() == "1"
    if javascript:
        assert page_was_not_reloaded(page)
        # The button kept focus through the swap, so a keyboard user can press again.
        for _ in range(40):  # htmx restores focus as the swap settles
            if page.evaluate("document.activeElement.id") == f"vote-button-{proposal_id}":
                break
            page.wait_for_timeout(50)
        assert page.evaluate("document.activeElement.id") == f"vote-button-{proposal_id}"
    settled(page)
    page.locator(f"#vote-button-{proposal_id}").click()
    page.locator(f"#vote-button-{proposal_id}[aria-pressed='false']").wait_for()
    assert page.locator(f"#vote-button-{proposal_id} .vote-button__count").inner_text() == "0"
    if javascript:
        assert page_was_not_reloaded(page)


@pytest.mark.parametrize("javascript", [True], ids=["js"])
def test_two_viewers_see_a_vote_made_elsewhere_within_10_seconds(new_tab, base_url, world, javascript):
    watchers = [new_tab(), new_tab()]
    for watcher in watchers:
        watcher.goto(f"{base_url}/leaderboard")
        mark_page(watcher)
        row = watcher.get_by_role("row", name="Dinas Kesehatan")
        assert row.locator("td").nth(4).inner_text() == "0"

    voter = new_tab()
    log_in(voter, base_url, world["voter"].email, PASSWORD)
    voter.goto(f"{base_url}/proposals/{world['proposal'].id}")
    voter.locator(f"#vote-button-{world['proposal'].id}").click()
    voter.locator(f"#vote-button-{world['proposal'].id}[aria-pressed='true']").wait_for()

    for watcher in watchers:
        cell = watcher.get_by_role("row", name="Dinas Kesehatan").locator("td").nth(4)
        cell.filter(has_text="1").wait_for(timeout=10_000)
        assert page_was_not_reloaded(watcher)
    screenshot(watchers[0], "leaderboard")
