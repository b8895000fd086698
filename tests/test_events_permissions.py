"""Who may do what on the events routes, and ideas born at workshops."""
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.live import current
from app.models import AuditEntry, Proposal
from tests import factories_events as fe
from tests.conftest import login

ADMIN_ONLY = [
    ("GET", "/events/new"), ("POST", "/events/new"),
    ("GET", "/events/{id}/edit"), ("POST", "/events/{id}/edit"),
    ("POST", "/events/{id}/cancel-event"),
    ("GET", "/events/{id}/attendance"), ("POST", "/events/{id}/attendance"),
    ("GET", "/events/{id}/attendance.csv"),
    ("POST", "/events/{id}/proposals/{pid}/stage"),
]
STAFF = [("POST", "/events/{id}/register"), ("POST", "/events/{id}/cancel"), ("POST", "/events/{id}/sign"),
         ("POST", "/events/{id}/proposals")]
PUBLIC = [("GET", "/events"), ("GET", "/events/{id}"), ("GET", "/events/{id}.ics"), ("GET", "/events.ics")]


def test_matrix_lists_every_events_route(app):
    listed = {re.sub(r"\{\w+\}", "1", url) for _, url in ADMIN_ONLY + STAFF + PUBLIC}
    listed.add("/events/1/proposals/1/unlink")  # by proposal ownership, tested below
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("events."):
            url = re.sub(r"<(?:[^:>]+:)?\w+>", "1", rule.rule)
            assert url in listed, f"{rule.rule} is missing from the permission matrix"


@pytest.mark.parametrize("role", ["anonymous", "innovator", "reviewer", "admin"])
def test_events_routes_by_role(client, login_as, make, role):
    if role != "anonymous":
        login_as(role)
    event = fe.event(declaration_text="Ikrar")
    proposal = make.proposal(event_id=event.id, status="submitted")
    db.session.commit()
    ids = {"id": event.id, "pid": proposal.id}
    for method, url in ADMIN_ONLY:
        response = client.open(url.format(**ids), method=method, data={})
        if role == "anonymous":
            assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url
        elif role != "admin":
            assert response.status_code == 403, (role, url)
        else:
            assert response.status_code in (200, 302, 404, 422), (role, url)
    for method, url in STAFF:
        response = client.open(url.format(**ids), method=method, data={})
        if role == "anonymous":
            assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url
        else:
            assert response.status_code in (200, 302, 422), (role, url)  # 422: an empty form
    for method, url in PUBLIC:
        assert client.open(url.format(**ids), method=method).status_code == 200, (role, url)


def test_innovator_links_own_agency_proposal_but_not_another_agencys(client, make):
    event = fe.event(kind="diagnose")
    me = make.user()
    mine = make.proposal(author=me, title="Ide Kami")
    theirs = make.proposal(title="Ide Mereka")
    db.session.commit()
    login(client, me)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Ide Kami" in page and "Ide Mereka" not in page  # the select offers only one's own
    assert client.post(f"/events/{event.id}/proposals", data={"proposal_id": theirs.id}).status_code == 403
    assert client.post(f"/events/{event.id}/proposals", data={"proposal_id": mine.id}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, mine.id).event_id == event.id
    assert db.session.get(Proposal, theirs.id).event_id is None
    assert client.post(f"/events/{event.id}/proposals/{mine.id}/unlink").status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, mine.id).event_id is None


def test_public_sees_only_published_linked_ideas_and_staff_what_they_may_view(client, make):
    event = fe.event()
    make.proposal(event_id=event.id, title="Ide Terbit", status="approved", published=True)
    make.proposal(event_id=event.id, title="Ide Diajukan", status="submitted")
    make.proposal(event_id=event.id, title="Draf Rahasia", status="draft")
    viewer = make.user()
    db.session.commit()
    public = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Ide Terbit" in public and "Ide Diajukan" not in public and "Draf Rahasia" not in public
    login(client, viewer)
    staff = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Ide Terbit" in staff and "Ide Diajukan" in staff and "Draf Rahasia" not in staff


def test_admin_moves_linked_proposal_to_next_stage_with_audit_and_live_bump(client, login_as, make):
    login_as("admin")
    event = fe.event(kind="diagnose")
    proposal = make.proposal(event_id=event.id, lab_stage="diagnose", status="submitted")
    unlinked = make.proposal(lab_stage="drum_up")
    db.session.commit()
    before = current()
    response = client.post(f"/events/{event.id}/proposals/{proposal.id}/stage", headers={"HX-Request": "true"})
    assert "Design" in response.headers["HX-Trigger"]
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).lab_stage == "design"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "lab_stage_changed"))
    assert entry.details["old"] == "diagnose" and entry.details["new"] == "design"
    assert current() == before + 1
    # Only proposals linked to this event move from its page.
    response = client.post(f"/events/{event.id}/proposals/{unlinked.id}/stage", follow_redirects=True)
    assert "tidak terhubung" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Proposal, unlinked.id).lab_stage == "drum_up"
