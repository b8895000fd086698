"""Blind review: a reviewer sees neither agency nor author until the decision."""
import pytest
from flask import render_template
from flask_login import login_user

from app.core.extensions import db
from app.proposals.visibility import hides_identity
from tests import factories
from tests.conftest import login

HX = {"HX-Request": "true"}
SECRETS = ("Dinas Rahasia Sekali", "RAHASIA", "Penulis Tersembunyi", "penulis.tersembunyi@example.com")


@pytest.fixture
def blind(make):
    cycle = make.cycle(blind_review=True)
    agency = make.agency(code="RAHASIA", name="Dinas Rahasia Sekali")
    author = make.user(agency_=agency, name="Penulis Tersembunyi", email="penulis.tersembunyi@example.com")
    proposal = factories.submitted(author=author, cycle_=cycle, title="Inovasi Buta")
    reviewer = make.user(role="reviewer", name="Penilai Netral")
    db.session.commit()
    return proposal, reviewer


def assert_hidden(html: str):
    for secret in SECRETS:
        assert secret not in html


def test_every_page_and_fragment_a_reviewer_fetches_hides_agency_and_author(app, client, blind):
    proposal, reviewer = blind
    login(client, reviewer)
    pages = [  # each answer with its status: 422 for the review form sent back with its errors
        (client.get("/proposals/review-queue"), 200),
        (client.get("/dashboard"), 200),
        (client.get(f"/proposals/{proposal.id}/review"), 200),
        (client.get(f"/proposals/{proposal.id}/review", headers=HX), 200),
        (client.post(f"/proposals/{proposal.id}/review", headers=HX,
                     data=factories.review_form(proposal.id, comment="")), 422),
        (client.post(f"/proposals/{proposal.id}/review", data=factories.review_form(proposal.id, comment="")), 422),
        (client.post(f"/proposals/{proposal.id}/review", headers=HX, data=factories.review_form(proposal.id)), 200),
        (client.get(f"/proposals/{proposal.id}/review", headers=HX), 200),
        (client.post(f"/proposals/{proposal.id}/vote", headers=HX), 200),
        (client.get("/proposals/review-queue"), 200),
        (client.get("/notifications"), 200),
    ]
    for number, (response, status) in enumerate(pages):
        assert response.status_code == status, number
        assert_hidden(response.get_data(as_text=True))
    assert "Inovasi Buta" in pages[0][0].get_data(as_text=True)
    with app.test_request_context(f"/proposals/{proposal.id}"):
        login_user(reviewer)
        assert_hidden(render_template("reviews/_proposal_panel.html", proposal=proposal))
    # Declaring a conflict from the queue answers without the identity too.
    other = factories.submitted(author=proposal.author, cycle_=proposal.cycle)
    db.session.commit()
    assert_hidden(client.post(f"/proposals/{other.id}/conflict", headers=HX, data={"from": "queue"}).get_data(as_text=True))
    assert_hidden(client.post(f"/proposals/{other.id}/conflict").get_data(as_text=True))


def test_identity_shows_once_decided_and_to_admins(app, make, blind):
    proposal, reviewer = blind
    admin = make.user(role="admin")
    assert hides_identity(reviewer, proposal)
    assert not hides_identity(admin, proposal)
    assert not hides_identity(proposal.author, proposal)
    proposal.status = "approved"
    assert not hides_identity(reviewer, proposal)
    proposal.status = "submitted"
    proposal.cycle.blind_review = False
    assert not hides_identity(reviewer, proposal)


def test_queue_shows_identity_without_blind_review(client, make):
    agency = make.agency(name="Dinas Terbuka")
    factories.submitted(author=make.user(agency_=agency, name="Penulis Terbuka"))
    reviewer = make.user(role="reviewer")
    db.session.commit()
    login(client, reviewer)
    html = client.get("/proposals/review-queue").get_data(as_text=True)
    assert "Dinas Terbuka" in html and "Penulis Terbuka" in html
