"""Votes (dukungan): the toggle, who may vote, HTMX and plain answers."""
import json

import pytest
from sqlalchemy import func, select

from app.core import live
from app.core.extensions import db
from app.models import Vote
from tests import factories
from tests.conftest import login

HX = {"HX-Request": "true"}


def votes(proposal_id):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Vote).where(Vote.proposal_id == proposal_id))


@pytest.fixture
def proposal(make):
    p = factories.submitted()
    db.session.commit()
    return p


def test_htmx_vote_toggles_and_updates_every_count(client, login_as, proposal):
    login_as("innovator")
    before = live.current()
    response = client.post(f"/proposals/{proposal.id}/vote", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert f'id="vote-button-{proposal.id}"' in html and 'aria-pressed="true"' in html
    assert f'hx-swap-oob="innerHTML:#vote-count-{proposal.id},.vote-count-{proposal.id}">1</span>' in html
    assert json.loads(response.headers["HX-Trigger"])["announce"] == "Dukungan Anda tercatat. Kini 1 dukungan."
    assert votes(proposal.id) == 1 and live.current() == before + 1

    html = client.post(f"/proposals/{proposal.id}/vote", headers=HX).get_data(as_text=True)
    assert 'aria-pressed="false"' in html and ">0</span>" in html
    assert votes(proposal.id) == 0


def test_wanted_state_makes_double_clicks_harmless(client, login_as, proposal):
    login_as("innovator")
    client.post(f"/proposals/{proposal.id}/vote", data={"want": "1"}, headers=HX)
    client.post(f"/proposals/{proposal.id}/vote", data={"want": "1"}, headers=HX)
    assert votes(proposal.id) == 1
    client.post(f"/proposals/{proposal.id}/vote", data={"want": "0"}, headers=HX)
    client.post(f"/proposals/{proposal.id}/vote", data={"want": "0"}, headers=HX)
    assert votes(proposal.id) == 0
    assert client.post(f"/proposals/{proposal.id}/vote", data={"want": "x"}).status_code == 400


def test_plain_vote_redirects_back_within_the_site(client, login_as, proposal):
    login_as("innovator")
    response = client.post(f"/proposals/{proposal.id}/vote", headers={"Referer": "http://localhost/proposals/?page=2"})
    assert response.status_code == 302 and response.headers["Location"] == "/proposals/?page=2"
    response = client.post(f"/proposals/{proposal.id}/vote", headers={"Referer": "https://evil.example/phish"})
    assert response.headers["Location"] == f"/proposals/{proposal.id}"
    response = client.post(f"/proposals/{proposal.id}/vote", data={"next": "//evil.example/"})
    assert response.headers["Location"] == f"/proposals/{proposal.id}"
    response = client.post(f"/proposals/{proposal.id}/vote", data={"next": "/leaderboard"})
    assert response.headers["Location"] == "/leaderboard"
    assert votes(proposal.id) == 0  # four toggles


def test_own_agency_vote_is_refused_on_the_server(client, make, proposal):
    colleague = make.user(agency_=proposal.agency)
    db.session.commit()
    login(client, colleague)
    assert client.post(f"/proposals/{proposal.id}/vote", headers=HX).status_code == 403
    assert client.post(f"/proposals/{proposal.id}/vote").status_code == 403
    assert votes(proposal.id) == 0


@pytest.mark.parametrize("status", ["draft", "revision_requested", "rejected", "withdrawn"])
def test_votes_only_on_votable_statuses(client, login_as, make, status):
    p = factories.submitted(status=status)
    db.session.commit()
    login_as("innovator")
    assert client.post(f"/proposals/{p.id}/vote").status_code == 403
    assert votes(p.id) == 0


def test_anonymous_vote_goes_to_login(client, proposal):
    response = client.post(f"/proposals/{proposal.id}/vote")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
