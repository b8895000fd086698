"""The cycle's submission window (DESIGN §2, Cycle): an innovator submits and
resubmits only within it, told the dates otherwise; an admin may still move proposals."""
from datetime import timedelta

import pytest
from flask_babel import format_date
from sqlalchemy import func, select

from app.core.cycles import city_today
from app.core.extensions import db
from app.models import Proposal, StatusChange
from app.proposals.status import TransitionError, change_status
from tests import factories
from tests.conftest import login
from tests.factories import proposal_in
from tests.test_proposals_edit import _form_data

# Days from today (WIB), taken when each test runs: a run that crosses midnight
# in the city would otherwise test against yesterday.
WINDOWS = {
    "before": (10, 40),
    "after": (-40, -1),
}


def cycle_with_window(make, when: str, **fields):
    today = city_today()
    opens, closes = (today + timedelta(days=offset) for offset in WINDOWS[when])
    return make.cycle(year=today.year, submission_opens=opens, submission_closes=closes, **fields)


def dates_of(cycle) -> tuple[str, str]:
    return format_date(cycle.submission_opens, "long"), format_date(cycle.submission_closes, "long")


def status_and_moves(proposal_id: int):
    db.session.expire_all()
    moves = db.session.scalar(select(func.count()).select_from(StatusChange)
                              .where(StatusChange.proposal_id == proposal_id))
    return db.session.get(Proposal, proposal_id).status, moves


@pytest.mark.parametrize("when,says", [("before", "belum dibuka"), ("after", "sudah berakhir")])
def test_submitting_outside_the_window_is_refused_with_its_dates(client, make, when, says):
    cycle = cycle_with_window(make, when)
    proposal = proposal_in("draft", cycle_=cycle)
    db.session.commit()
    before = status_and_moves(proposal.id)
    login(client, proposal.author)
    response = client.post(f"/proposals/{proposal.id}/submit", data={})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    opens, closes = dates_of(cycle)
    assert says in html and opens in html and closes in html and "WIB" in html
    assert status_and_moves(proposal.id) == before == ("draft", 0)


def test_resubmitting_after_a_revision_request_outside_the_window_is_refused(client, make):
    cycle = cycle_with_window(make, "after")
    proposal = proposal_in("revision_requested", cycle_=cycle)
    db.session.commit()
    before = status_and_moves(proposal.id)
    login(client, proposal.author)
    response = client.post(f"/proposals/{proposal.id}/submit", data={"note": "Sudah diperbaiki."})
    assert response.status_code == 422
    assert dates_of(cycle)[1] in response.get_data(as_text=True)
    assert status_and_moves(proposal.id) == before
    assert before[0] == "revision_requested"


def test_save_and_submit_outside_the_window_keeps_the_save_and_says_the_dates(client, make):
    cycle = cycle_with_window(make, "after")
    proposal = proposal_in("draft", cycle_=cycle)
    db.session.commit()
    login(client, proposal.author)
    response = client.post(f"/proposals/{proposal.id}/edit",
                           data=_form_data(proposal, proposal.version, title="Judul baru", action="submit"))
    assert response.status_code == 422
    assert dates_of(cycle)[0] in response.get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(Proposal, proposal.id)
    assert (saved.title, saved.status) == ("Judul baru", "draft")


def test_a_closed_cycle_refuses_submissions_even_within_its_dates(make):
    cycle = make.cycle(year=city_today().year, closed=True)
    proposal = proposal_in("draft", cycle_=cycle)
    with pytest.raises(TransitionError, match="sudah berakhir"):
        change_status(proposal, "submitted", proposal.author)
    assert proposal.status == "draft"


@pytest.mark.parametrize("status", ["draft", "revision_requested"])
def test_an_admin_may_move_a_proposal_outside_the_window(client, make, status):
    cycle = cycle_with_window(make, "after")
    proposal = proposal_in(status, cycle_=cycle)
    admin = factories.user("admin", agency_=make.agency())
    db.session.commit()
    login(client, admin)
    response = client.post(f"/proposals/{proposal.id}/submit", data={})
    assert response.status_code == 302
    assert status_and_moves(proposal.id)[0] == "submitted"


def test_within_the_window_the_innovator_submits(client, make):
    today = city_today()
    cycle = make.cycle(year=today.year, submission_opens=today, submission_closes=today)  # the last day counts
    proposal = proposal_in("draft", cycle_=cycle)
    db.session.commit()
    login(client, proposal.author)
    assert client.post(f"/proposals/{proposal.id}/submit", data={}).status_code == 302
    assert status_and_moves(proposal.id) == ("submitted", 1)


def test_the_proposal_page_gives_the_dates_instead_of_a_submit_button(client, make):
    cycle = cycle_with_window(make, "before")
    proposal = proposal_in("draft", cycle_=cycle)
    admin = factories.user("admin", agency_=make.agency())
    db.session.commit()
    submit_form = f'action="/proposals/{proposal.id}/submit"'
    login(client, proposal.author)
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert submit_form not in html
    assert 'id="submission-window"' in html and dates_of(cycle)[0] in html
    client.post("/auth/logout")
    login(client, admin)
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert submit_form in html and 'id="submission-window"' not in html


def test_the_forms_give_the_dates_instead_of_save_and_submit(client, make):
    cycle = cycle_with_window(make, "after")
    proposal = proposal_in("draft", cycle_=cycle)
    admin = factories.user("admin", agency_=make.agency())
    db.session.commit()
    save_and_submit = 'name="action" value="submit"'
    login(client, proposal.author)
    for path in ("/proposals/new", f"/proposals/{proposal.id}/edit"):
        html = client.get(path).get_data(as_text=True)
        assert save_and_submit not in html, path
        assert 'id="submission-window"' in html and dates_of(cycle)[1] in html, path
    client.post("/auth/logout")
    login(client, admin)  # admins may move proposals whatever the dates
    html = client.get(f"/proposals/{proposal.id}/edit").get_data(as_text=True)
    assert save_and_submit in html and 'id="submission-window"' not in html
