"""The status machine (DESIGN §2): every allowed move, a sample of refused ones, and their audit trail."""
import pytest
from sqlalchemy import func, select

from app.core.extensions import db
from app.models import AuditEntry, Proposal, StatusChange
from app.proposals.status import TRANSITIONS, TransitionError, change_status
from tests import factories
from tests.conftest import login
from tests.factories import attachment, proposal_in


def _actor_for(who: str, proposal, make):
    if who == "member":
        return factories.user("innovator", agency_=proposal.agency)
    if who == "reviewer":
        return factories.user("reviewer", agency_=make.agency())
    return factories.user("admin", agency_=make.agency())


@pytest.mark.parametrize("edge", sorted(TRANSITIONS), ids=lambda e: f"{e[0]}->{e[1]}")
def test_every_allowed_move_is_applied_and_recorded(make, edge):
    from_status, to_status = edge
    proposal = proposal_in(from_status)
    if to_status == "implemented":
        attachment(proposal)
    actor = _actor_for(TRANSITIONS[edge], proposal, make)
    before = len(proposal.status_changes)
    change_status(proposal, to_status, actor, note="Catatan keputusan")
    db.session.commit()
    db.session.expire_all()
    proposal = db.session.get(Proposal, proposal.id)
    assert proposal.status == to_status
    last = proposal.status_changes[-1]
    assert len(proposal.status_changes) == before + 1
    assert (last.from_status, last.to_status, last.actor_id, last.note) == (from_status, to_status, actor.id,
                                                                            "Catatan keputusan")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "proposal_status")).one()
    assert (entry.target_id, entry.actor_id) == (proposal.id, actor.id)
    assert entry.details["from"] == from_status and entry.details["to"] == to_status


REFUSED = [
    # (from, to, who, note, why)
    ("draft", "approved", "admin", "ok", "no such edge"),
    ("draft", "in_review", "reviewer", "", "no such edge"),
    ("rejected", "submitted", "member", "", "a rejection is final"),
    ("withdrawn", "submitted", "member", "", "a withdrawal is final"),
    ("implemented", "approved", "admin", "", "no way back"),
    ("approved", "withdrawn", "member", "", "approved work cannot be withdrawn"),
    ("submitted", "approved", "member", "", "only admins decide"),
    ("submitted", "in_review", "member", "", "no reviewing one's own agency"),
    ("submitted", "rejected", "admin", "", "a rejection needs a note"),
    ("in_review", "revision_requested", "admin", "  ", "a revision request needs a note"),
    ("approved", "implemented", "admin", "", "implemented needs evidence"),
]


@pytest.mark.parametrize("from_status,to_status,who,note,why", REFUSED, ids=[r[4] for r in REFUSED])
def test_refused_moves_change_nothing(make, from_status, to_status, who, note, why):
    proposal = proposal_in(from_status)
    actor = _actor_for(who, proposal, make)
    db.session.commit()
    changes_before = db.session.scalar(select(func.count(StatusChange.id)))
    with pytest.raises(TransitionError) as error:
        change_status(proposal, to_status, actor, note=note)
    assert str(error.value)  # a message for the person
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == from_status
    assert db.session.scalar(select(func.count(StatusChange.id))) == changes_before
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "proposal_status")) == 0


def test_incomplete_draft_cannot_be_submitted_and_page_says_what_is_missing(client, make):
    proposal = proposal_in("draft", design="Terlalu pendek.", contact="")
    user = factories.user("innovator", agency_=proposal.agency)
    db.session.commit()
    login(client, user)
    response = client.post(f"/proposals/{proposal.id}/submit")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Rancang bangun paling sedikit 300 kata; sekarang 2 kata, kurang 298." in html
    assert "Kontak wajib diisi sebelum diajukan." in html
    assert 'id="design-error"' in html  # beside the field, not only at the top
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "draft"


def test_a_draft_page_served_from_its_shared_copy_still_says_what_is_missing(client, make, count_queries):
    """The page around a kept main part loads the proposal without its texts
    (routes._load_for_actions); the draft's checklist reads them, in one query more."""
    proposal = proposal_in("draft", design="Terlalu pendek.", contact="")
    user = factories.user("innovator", agency_=proposal.agency)
    db.session.commit()
    login(client, user)
    client.get(f"/proposals/{proposal.id}")  # renders and keeps the main part
    with count_queries() as counter:
        html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Rancang bangun paling sedikit 300 kata; sekarang 2 kata, kurang 298." in html
    assert "Kontak wajib diisi sebelum diajukan." in html
    # The page's own load, then its texts all at once (not a query per text column).
    proposal_reads = [s for s in counter.statements if "\nFROM proposal" in s or " FROM proposal " in s]
    assert len(proposal_reads) == 2, proposal_reads


def test_revision_request_answered_and_resubmitted_shows_in_timeline(client, make):
    proposal = proposal_in("submitted")
    admin = factories.user("admin", agency_=make.agency())
    change_status(proposal, "revision_requested", admin, note="Lengkapi data jumlah pengguna layanan.")
    user = factories.user("innovator", agency_=proposal.agency, name="Siti Rahmawati")
    db.session.commit()
    login(client, user)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Lengkapi data jumlah pengguna layanan." in page and "Ajukan ulang" in page
    response = client.post(f"/proposals/{proposal.id}/submit", data={"note": "Data pengguna 2025 ditambahkan."})
    assert response.status_code == 302
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Data pengguna 2025 ditambahkan." in page and "Siti Rahmawati" in page
    db.session.expire_all()
    changes = db.session.get(Proposal, proposal.id).status_changes
    assert [c.to_status for c in changes][-2:] == ["revision_requested", "submitted"]


def test_withdraw_from_the_page(client, make):
    proposal = proposal_in("submitted")
    user = factories.user("innovator", agency_=proposal.agency)
    db.session.commit()
    login(client, user)
    assert 'data-confirm=' in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert client.post(f"/proposals/{proposal.id}/withdraw", data={"note": "Digabung dengan usulan lain."}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "withdrawn"
    assert "Digabung dengan usulan lain." in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
