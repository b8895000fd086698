"""Who may do what with a proposal: role × own/other agency × status × action (DESIGN §1)."""
import pytest
from sqlalchemy import func, select

from app.core.extensions import db
from app.models import STATUSES, Comment, Proposal
from tests import factories
from tests.conftest import login
from tests.factories import attachment, proposal_in

ROLES = ("innovator", "reviewer", "admin")
RELATIONS = ("own", "other")
ACTIONS = ("view", "edit", "submit", "withdraw", "comment", "download")


def expected(role: str, relation: str, status: str, action: str) -> bool:
    """The rules of DESIGN §1 and §2, written out independently of app/proposals/permissions.py."""
    member_or_admin = relation == "own" or role == "admin"
    # Other agencies see a proposal once it was submitted (these withdrawn ones were).
    may_view = member_or_admin or status != "draft"
    return {
        "view": may_view,
        "comment": may_view,
        "download": may_view,
        "edit": member_or_admin and status in ("draft", "revision_requested"),
        "submit": member_or_admin and status in ("draft", "revision_requested"),
        "withdraw": member_or_admin and status in ("draft", "submitted", "revision_requested"),
    }[action]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, make, role, relation, status, action):
    home = make.agency(code="DINKES")
    proposal = proposal_in(status, agency_=home)
    evidence = attachment(proposal)
    user = factories.user(role, agency_=home if relation == "own" else make.agency(code="DISKOMINFO"))
    db.session.commit()
    pid, aid = proposal.id, evidence.id
    login(client, user)
    allowed = expected(role, relation, status, action)

    if action == "view":
        response = client.get(f"/proposals/{pid}")
        assert response.status_code == (200 if allowed else 403)
        if allowed:
            assert proposal.title in response.get_data(as_text=True)
    elif action == "edit":
        response = client.get(f"/proposals/{pid}/edit")
        if allowed:
            assert response.status_code == 200 and 'name="version"' in response.get_data(as_text=True)
        else:
            # Members and admins are sent back to the page with a message; others are refused.
            assert response.status_code == (302 if expected(role, relation, status, "view") and
                                            (relation == "own" or role == "admin") else 403)
    elif action in ("submit", "withdraw"):
        target = "submitted" if action == "submit" else "withdrawn"
        response = client.post(f"/proposals/{pid}/{action}", data={"note": "catatan"})
        db.session.expire_all()
        now = db.session.get(Proposal, pid).status
        if allowed:
            assert response.status_code == 302 and now == target
        else:
            assert response.status_code == 403 and now == status
    elif action == "comment":
        response = client.post(f"/proposals/{pid}/comments", data={"body": "Usul: tambahkan data antrean."})
        count = db.session.scalar(select(func.count(Comment.id)).where(Comment.proposal_id == pid))
        assert (response.status_code, count) == ((302, 1) if allowed else (403, 0))
    elif action == "download":
        response = client.get(f"/proposals/{pid}/attachments/{aid}")
        assert response.status_code == (200 if allowed else 403)
        if allowed:
            assert response.headers["Content-Disposition"].startswith("attachment;")
            assert response.data.startswith(b"%PDF-")


def test_anonymous_is_sent_to_login_for_every_proposal_page(client, make):
    proposal = proposal_in("approved")
    db.session.commit()
    for url in ("/proposals/", f"/proposals/{proposal.id}", "/proposals/new", f"/proposals/{proposal.id}/edit"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url
    assert client.post(f"/proposals/{proposal.id}/comments", data={"body": "x"}).status_code == 302


def test_draft_withdrawn_before_submission_stays_private(client, make):
    home = make.agency()
    proposal = factories.proposal(agency_=home)
    proposal.status = "withdrawn"
    outsider = factories.user("reviewer", agency_=make.agency())
    db.session.commit()
    login(client, outsider)
    assert client.get(f"/proposals/{proposal.id}").status_code == 403
    assert proposal.title not in client.get("/proposals/").get_data(as_text=True)


def test_other_agency_never_sees_a_draft_in_the_list(client, make):
    draft = proposal_in("draft", title="Rahasia Draf Dinkes")
    shared = proposal_in("submitted", title="Sudah Diajukan Dinkes", agency_=draft.agency)
    other = factories.user("innovator", agency_=make.agency())
    db.session.commit()
    login(client, other)
    html = client.get("/proposals/").get_data(as_text=True)
    assert shared.title in html and draft.title not in html


def test_attachment_of_another_proposal_is_not_found(client, make):
    mine = proposal_in("submitted")
    theirs = proposal_in("draft")
    evidence = attachment(theirs)
    user = factories.user("innovator", agency_=mine.agency)
    db.session.commit()
    login(client, user)
    assert client.get(f"/proposals/{mine.id}/attachments/{evidence.id}").status_code == 404
