"""Feedback on in-page actions (issue 16, point 6): after an HTMX action, every number or
state it changed elsewhere on the page comes with the answer, out of band, and every
out-of-band piece has its target on the page the action is taken from. Also the markup
the word counters and the working state rely on (point 4; the behaviour is in
tests/e2e/test_e2e_feedback.py)."""
import json
import re
from pathlib import Path

import pytest

from app.core.extensions import db
from app.models import Notification
from tests import factories
from tests.conftest import login
from tests.factories import decision_form, review_form

HX = {"HX-Request": "true"}
TEMPLATES = Path(__file__).parent.parent / "app" / "templates"


def triggers(response) -> dict:
    return json.loads(response.headers.get("HX-Trigger", "{}"))


# --- the status badge after a review or a decision ---------------------------------------

def test_first_review_moves_the_status_badge_out_of_band_and_refreshes_the_page_parts(client, make):
    proposal = factories.submitted()
    reviewer = make.user(role="reviewer")
    db.session.commit()
    login(client, reviewer)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f'class="proposal-status-{proposal.id}"' in page  # the target, in the heading

    response = client.post(f"/proposals/{proposal.id}/review", headers=HX, data=review_form(proposal.id))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    oob = re.search(rf'<span hx-swap-oob="innerHTML:\.proposal-status-{proposal.id}">(.*?)</span>', html)
    assert oob and "Dinilai" in oob.group(1)
    assert triggers(response)["proposal-status-changed"] is True
    assert triggers(response)["review-queue-changed"] is True

    # Editing the review moves nothing: no status piece, no refresh of the page parts.
    again = client.post(f"/proposals/{proposal.id}/review", headers=HX, data=review_form(proposal.id, score=5))
    assert again.status_code == 200
    assert "proposal-status-" not in again.get_data(as_text=True).split(f'id="review-{proposal.id}"', 1)[0]
    assert "hx-swap-oob=\"innerHTML:.proposal-status-" not in again.get_data(as_text=True)
    assert "proposal-status-changed" not in triggers(again)


def test_review_queue_has_the_status_targets_and_refreshes_its_counts(client, make):
    proposal = factories.submitted()
    reviewer = make.user(role="reviewer")
    db.session.commit()
    login(client, reviewer)
    page = client.get("/proposals/review-queue").get_data(as_text=True)
    assert f'<span class="proposal-status-{proposal.id}">' in page
    assert 'id="queue-stats"' in page and 'hx-trigger="review-queue-changed from:body"' in page


def test_decision_updates_every_status_badge_and_publication_the_showcase_tag(client, make):
    admin = make.user(role="admin")
    proposal = factories.submitted(status="in_review")
    db.session.commit()
    login(client, admin)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert page.count(f'class="proposal-status-{proposal.id}"') == 2  # heading and decision panel
    assert f'id="proposal-showcase-{proposal.id}"' in page

    response = client.post(f"/proposals/{proposal.id}/decision", headers=HX, data=decision_form(proposal.id, "approved"))
    html = response.get_data(as_text=True)
    assert re.search(rf'hx-swap-oob="innerHTML:\.proposal-status-{proposal.id}"><strong class="tag tag--approved">'
                     r"Disetujui</strong></span>", html)
    assert triggers(response)["proposal-status-changed"] is True

    response = client.post(f"/proposals/{proposal.id}/publish", headers=HX, data={"published": "1"})
    oob = re.search(rf'<span hx-swap-oob="innerHTML:#proposal-showcase-{proposal.id}">(.*?)</span>',
                    response.get_data(as_text=True), re.S)
    assert oob and "Tampil di etalase" in oob.group(1)


# --- votes -------------------------------------------------------------------------------

def test_the_vote_count_out_of_band_always_finds_its_target_on_the_proposal_page(client, login_as):
    proposal = factories.submitted()
    db.session.commit()
    login_as("innovator")
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert re.search(rf'<span class="vote-button__count vote-count-{proposal.id}">0</span>', page)
    html = client.post(f"/proposals/{proposal.id}/vote", headers=HX).get_data(as_text=True)
    assert f'hx-swap-oob="innerHTML:#vote-count-{proposal.id},.vote-count-{proposal.id}">1</span>' in html


# --- events: seats left and the agencies taking part --------------------------------------

def test_registering_and_cancelling_update_seats_and_agencies_out_of_band(client, make):
    event = factories.event(capacity=3)
    agency = make.agency(name="Dinas Perpustakaan", code="DISPUSIP")
    person = make.user(agency_=agency)
    db.session.commit()
    login(client, person)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    # Both targets are on the page before anyone registers.
    assert '<dd id="event-seats">' in page and '<div id="event-agencies">' in page
    assert "Dinas Perpustakaan" not in page

    response = client.post(f"/events/{event.id}/register", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    seats = re.search(r'<div id="event-seats" hx-swap-oob="innerHTML">(.*?)</div>', html, re.S)
    assert seats and "2 dari 3 kursi tersisa" in seats.group(1)
    agencies = re.search(r'<div id="event-agencies" hx-swap-oob="innerHTML">(.*?)</section>', html, re.S)
    assert agencies and "Dinas Perpustakaan" in agencies.group(1) and "1 orang" in agencies.group(1)

    html = client.post(f"/events/{event.id}/cancel", headers=HX).get_data(as_text=True)
    seats = re.search(r'<div id="event-seats" hx-swap-oob="innerHTML">(.*?)</div>', html, re.S)
    assert seats and "3 dari 3 kursi tersisa" in seats.group(1)
    agencies = re.search(r'<div id="event-agencies" hx-swap-oob="innerHTML">(.*?)</div>', html, re.S)
    assert agencies and "Dinas Perpustakaan" not in agencies.group(1)


def test_a_full_event_counts_the_waitlist_out_of_band(client, make):
    event = factories.event(capacity=1)
    factories.registration(event, make.user())
    person = make.user()
    db.session.commit()
    login(client, person)
    html = client.post(f"/events/{event.id}/register", headers=HX).get_data(as_text=True)
    seats = re.search(r'<div id="event-seats" hx-swap-oob="innerHTML">(.*?)</div>', html, re.S)
    assert seats and "0 dari 1 kursi tersisa" in seats.group(1) and "1 orang di daftar tunggu" in seats.group(1)


def test_plain_registration_still_redirects(client, make):
    event = factories.event(capacity=3)
    person = make.user()
    db.session.commit()
    login(client, person)
    response = client.post(f"/events/{event.id}/register")
    assert response.status_code == 302 and "hx-swap-oob" not in response.get_data(as_text=True)


# --- the notification bell ---------------------------------------------------------------

def test_the_bell_follows_an_action_that_notifies_its_own_author(client, make):
    agency = make.agency(code="BAPPEDA")
    admin = make.user(role="admin", agency_=agency)
    proposal = factories.submitted(status="in_review", agency_=agency)
    db.session.commit()
    login(client, admin)
    response = client.post(f"/proposals/{proposal.id}/decision", headers=HX, data=decision_form(proposal.id, "approved"))
    html = response.get_data(as_text=True)
    # The admin is a member of the proposal's agency, so the decision notified them too.
    assert html.count('id="notification-count"') == 1
    assert '<span id="notification-count" hx-swap-oob="true"><span class="badge">1</span>' in html


def test_only_an_action_that_changed_the_bell_carries_it(client, make):
    """A comment notifies others, not its writer: its answer does not count the bell again
    (a query on every vote and comment); marking one read carries its own, once."""
    proposal = factories.submitted()
    person = make.user()
    notification = Notification(user_id=person.id, message="Uji", link="")
    db.session.add(notification)
    db.session.commit()
    login(client, person)
    comment = client.post(f"/proposals/{proposal.id}/comments", headers=HX, data={"body": "Setuju."})
    assert comment.status_code == 200 and "notification-count" not in comment.get_data(as_text=True)
    refused = client.post(f"/proposals/{proposal.id}/comments", headers=HX, data={"body": " "})
    assert refused.status_code == 422 and "notification-count" not in refused.get_data(as_text=True)
    plain = client.post(f"/proposals/{proposal.id}/comments", data={"body": "Setuju juga."})
    assert plain.status_code == 302 and "notification-count" not in plain.get_data(as_text=True)
    poll = client.get(f"/proposals/{proposal.id}", headers=HX)
    assert 'hx-swap-oob="true"><span class="badge">' not in poll.get_data(as_text=True)
    read = client.post(f"/notifications/{notification.id}/read", headers=HX).get_data(as_text=True)
    assert read.count('id="notification-count"') == 1  # its own, not a second one


# --- markup the browser behaviour relies on ----------------------------------------------

def test_the_proposal_form_carries_the_word_counters_with_the_servers_limits(client, make, login_as):
    make.cycle()
    login_as("innovator")
    html = client.get("/proposals/new").get_data(as_text=True)
    summary = re.search(r'<div class="word-count" data-word-count-for="summary"[^>]*>', html, re.S).group(0)
    design = re.search(r'<div class="word-count" data-word-count-for="design"[^>]*>', html, re.S).group(0)
    assert 'data-limit-kind="max" data-limit="200"' in summary and " hidden>" in summary
    assert 'data-limit-kind="min" data-limit="300"' in design and " hidden>" in design
    assert 'data-text-fine="Jumlah kata: {count} dari paling banyak {limit}."' in summary
    assert "{difference}" in summary and "{difference}" in design
    # Without JavaScript the counter stays hidden; the hint under the label says the limit.
    assert "Paling banyak 200 kata" in html and "Paling sedikit 300 kata" in html


def test_the_word_counters_speak_english_too(client, make, login_as):
    make.cycle()
    login_as("innovator")
    client.post("/language", data={"lang": "en", "next": "/proposals/new"})
    html = client.get("/proposals/new").get_data(as_text=True)
    assert 'data-text-problem="Word count: {count} of at least {limit}. Words still needed: {difference}."' in html


def test_every_htmx_requester_has_a_button_to_disable_or_opts_out():
    """The body's inherited hx-disabled-elt="find button" must find a button for every element
    that makes a request, or htmx logs an error: a form has one, anything else says "unset"."""
    opening = re.compile(r"<(\w+)\b[^>]*\bhx-(?:get|post|put|patch|delete)=[^>]*>", re.S)
    problems = []
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        for match in opening.finditer(source):
            tag, start = match.group(1), match.group(0)
            if 'hx-disabled-elt="' in start:
                continue
            if tag == "form":
                body = source[match.end():source.find("</form>", match.end())]
                if "<button" in body:
                    continue
            problems.append(f"{path.relative_to(TEMPLATES)}: {start[:80]}")
    assert problems == []


@pytest.mark.parametrize("path", ["/proposals/new", "/events"])
def test_the_body_disables_buttons_during_in_page_requests(client, make, login_as, path):
    make.cycle()
    login_as("innovator")
    html = client.get(path).get_data(as_text=True)
    assert re.search(r'<body hx-headers=\'[^\']*\' hx-disabled-elt="find button">', html)
