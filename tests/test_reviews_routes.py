"""The review panel's routes: inline rubric review, conflicts, decisions, the queue."""
import json

import pytest
from flask import render_template
from flask_login import login_user
from sqlalchemy import select

from app.core.extensions import db
from app.models import AuditEntry, ConflictDeclaration, Proposal, Review, StatusChange
from tests import factories
from tests.conftest import login
from tests.factories import decision_form

HX = {"HX-Request": "true"}


@pytest.fixture
def proposal(make):
    p = factories.submitted()
    db.session.commit()
    return p


def test_htmx_get_review_returns_the_form_fragment(client, login_as, proposal):
    login_as("reviewer")
    response = client.get(f"/proposals/{proposal.id}/review", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and f'id="review-{proposal.id}"' in html
    assert f'name="r{proposal.id}-score_significance"' in html and "Simpan penilaian" in html


def test_plain_get_review_returns_a_full_page(client, login_as, proposal):
    login_as("reviewer")
    html = client.get(f"/proposals/{proposal.id}/review").get_data(as_text=True)
    assert "<html" in html and "Simpan penilaian" in html and proposal.title in html


def test_htmx_review_saves_and_answers_with_the_scores(client, login_as, proposal):
    reviewer = login_as("reviewer")
    response = client.post(f"/proposals/{proposal.id}/review", headers=HX,
                           data=factories.review_form(proposal.id, score=4, significance=5))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "Penilaian Anda tersimpan" in html and "86,0" in html  # 80 + 30*(5-4)/5
    assert "announce" in response.headers["HX-Trigger"]
    db.session.expire_all()
    review = db.session.scalar(select(Review))
    assert review.reviewer_id == reviewer.id and review.scores["significance"] == 5 and review.recommendation == "approve"
    # The first review moves the proposal into review, with the reviewer as actor.
    assert db.session.get(Proposal, proposal.id).status == "in_review"
    change = db.session.scalar(select(StatusChange).where(StatusChange.to_status == "in_review"))
    assert change.actor_id == reviewer.id and change.from_status == "submitted"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "review_created")) is not None


def test_plain_review_post_redirects_to_the_proposal(client, login_as, proposal):
    login_as("reviewer")
    response = client.post(f"/proposals/{proposal.id}/review", data=factories.review_form(proposal.id))
    assert response.status_code == 302 and response.headers["Location"] == f"/proposals/{proposal.id}"


def test_review_is_edited_not_duplicated_and_mean_updates(client, login_as, make, proposal):
    other = make.user(role="reviewer")
    factories.review(proposal, other, score=2)  # 40
    db.session.commit()
    login_as("reviewer")
    client.post(f"/proposals/{proposal.id}/review", headers=HX, data=factories.review_form(proposal.id, score=3))
    html = client.post(f"/proposals/{proposal.id}/review", headers=HX,
                       data=factories.review_form(proposal.id, score=5)).get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.scalars(select(Review)).all()) == 2
    assert "70,0" in html  # mean of 40 and 100, shown without reloading


def test_invalid_review_shows_messages_and_saves_nothing(client, login_as, proposal):
    login_as("reviewer")
    data = factories.review_form(proposal.id, comment="")
    del data[f"r{proposal.id}-score_novelty"]
    data[f"r{proposal.id}-score_resources"] = "9"
    response = client.post(f"/proposals/{proposal.id}/review", headers=HX, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "error-summary" in html
    assert "Beri nilai 1 sampai 5" in html and "Tuliskan komentar" in html
    assert client.post(f"/proposals/{proposal.id}/review", data=data).status_code == 422
    db.session.expire_all()
    assert db.session.scalar(select(Review)) is None
    assert db.session.get(Proposal, proposal.id).status == "submitted"


def test_own_agency_review_is_refused(client, make, proposal):
    reviewer = make.user(role="reviewer", agency_=proposal.agency)
    db.session.commit()
    login(client, reviewer)
    assert client.get(f"/proposals/{proposal.id}/review", headers=HX).status_code == 403
    assert client.post(f"/proposals/{proposal.id}/review", data=factories.review_form(proposal.id)).status_code == 403
    db.session.expire_all()
    assert db.session.scalar(select(Review)) is None


@pytest.mark.parametrize("role", ["innovator", None])
def test_non_reviewers_cannot_review(client, login_as, proposal, role):
    if role:
        login_as(role)
    response = client.post(f"/proposals/{proposal.id}/review", data=factories.review_form(proposal.id))
    assert response.status_code == (403 if role else 302)


def test_decided_proposal_can_no_longer_be_reviewed(client, login_as, make):
    approved = factories.submitted(status="approved")
    db.session.commit()
    login_as("reviewer")
    assert client.post(f"/proposals/{approved.id}/review", data=factories.review_form(approved.id)).status_code == 403


def test_declared_conflict_removes_from_queue_and_blocks_review(client, login_as, make):
    a, b = factories.submitted(title="Inovasi Alfa"), factories.submitted(title="Inovasi Beta")
    db.session.commit()
    reviewer = login_as("reviewer")
    page = client.get("/proposals/review-queue").get_data(as_text=True)
    assert "Inovasi Alfa" in page and "Inovasi Beta" in page
    response = client.post(f"/proposals/{a.id}/conflict", headers=HX, data={"from": "queue"})
    assert response.status_code == 200 and f'id="queue-item-{a.id}"' in response.get_data(as_text=True)
    page = client.get("/proposals/review-queue").get_data(as_text=True)
    assert "Inovasi Alfa" not in page and "Inovasi Beta" in page
    assert client.post(f"/proposals/{a.id}/review", data=factories.review_form(a.id)).status_code == 403
    db.session.expire_all()
    assert db.session.scalar(select(ConflictDeclaration)).reviewer_id == reviewer.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "review_conflict_declared"))
    assert entry.actor_id == reviewer.id and entry.target_id == a.id


def test_conflict_after_reviewing_removes_the_review(client, login_as, proposal):
    login_as("reviewer")
    client.post(f"/proposals/{proposal.id}/review", data=factories.review_form(proposal.id))
    response = client.post(f"/proposals/{proposal.id}/conflict", data={f"c{proposal.id}-reason": "Saya pendamping."})
    assert response.status_code == 302 and response.headers["Location"] == f"/proposals/{proposal.id}"
    db.session.expire_all()
    assert db.session.scalar(select(Review)) is None
    assert db.session.scalar(select(ConflictDeclaration)).reason == "Saya pendamping."


def test_innovator_cannot_declare_conflict(client, login_as, proposal):
    login_as("innovator")
    assert client.post(f"/proposals/{proposal.id}/conflict").status_code == 403


def test_queue_excludes_own_agency_reviewed_and_decided(client, make):
    reviewer = make.user(role="reviewer", agency_=make.agency())
    own = factories.submitted(agency_=reviewer.agency, title="Milik Sendiri")
    done = factories.submitted(title="Sudah Dinilai")
    factories.review(done, reviewer)
    factories.submitted(status="approved", title="Sudah Diputuskan")
    waiting_one = factories.submitted(title="Menunggu Saya")
    db.session.commit()
    login(client, reviewer)
    html = client.get("/proposals/review-queue").get_data(as_text=True)
    waiting = html.split('id="waiting-title"')[1].split("</section>")[0]
    assert "Menunggu Saya" in waiting
    assert "Milik Sendiri" not in html and "Sudah Diputuskan" not in html and "Sudah Dinilai" not in waiting
    assert own.id and waiting_one.id


def test_queue_is_for_reviewers_only(client, login_as):
    login_as("innovator")
    assert client.get("/proposals/review-queue").status_code == 403


def test_admin_queue_lists_reviewer_statistics_with_constant_queries(client, make, count_queries):
    admin = make.user(role="admin")
    db.session.commit()
    login(client, admin)

    def add(n):
        for _ in range(n):
            reviewer = make.user(role="reviewer")
            p = factories.submitted()
            factories.review(p, reviewer, score=3)
        db.session.commit()

    add(2)
    with count_queries() as few:
        html = client.get("/proposals/review-queue").get_data(as_text=True)
    assert "Kinerja penilai" in html and "Belum menilai" in html  # the admin has reviewed nothing
    add(8)
    with count_queries() as many:
        assert client.get("/proposals/review-queue").status_code == 200
    assert few.count == many.count


@pytest.fixture
def admin_client(client, login_as):
    return client, login_as("admin")


def test_decision_approve_inline(admin_client, make):
    client, admin = admin_client
    p = factories.submitted(status="in_review")
    db.session.commit()
    response = client.post(f"/proposals/{p.id}/decision", headers=HX, data=decision_form(p.id, "approved"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and f'id="review-panel-{p.id}"' in html
    assert "Publikasikan ke etalase" in html
    assert json.loads(response.headers["HX-Trigger"])["announce"].startswith(f"\"{p.title}\" disetujui.")
    db.session.expire_all()
    assert db.session.get(Proposal, p.id).status == "approved"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "proposal_status")).actor_id == admin.id


@pytest.mark.parametrize("decision", ["revision_requested", "rejected"])
def test_revision_and_rejection_need_a_note(admin_client, decision):
    client, _ = admin_client
    p = factories.submitted()
    db.session.commit()
    response = client.post(f"/proposals/{p.id}/decision", headers=HX, data=decision_form(p.id, decision, " "))
    assert response.status_code == 422 and "Tuliskan catatan" in response.get_data(as_text=True)
    assert client.post(f"/proposals/{p.id}/decision", data=decision_form(p.id, decision)).status_code == 422
    db.session.expire_all()
    assert db.session.get(Proposal, p.id).status == "submitted"
    response = client.post(f"/proposals/{p.id}/decision", data=decision_form(p.id, decision, "Lengkapi data."))
    assert response.status_code == 302 and response.headers["Location"] == f"/proposals/{p.id}"
    db.session.expire_all()
    assert db.session.get(Proposal, p.id).status == decision


def test_mark_implemented_needs_evidence(admin_client):
    client, _ = admin_client
    p = factories.submitted(status="approved")
    db.session.commit()
    html = client.post(f"/proposals/{p.id}/decision", headers=HX, data=decision_form(p.id, "implemented")).get_data(as_text=True)
    assert "bukti penerapan" in html
    db.session.expire_all()
    assert db.session.get(Proposal, p.id).status == "approved"


def test_publish_and_withdraw_from_showcase(admin_client):
    client, _ = admin_client
    p = factories.submitted(status="approved")
    db.session.commit()
    html = client.post(f"/proposals/{p.id}/publish", headers=HX, data={"published": "1"}).get_data(as_text=True)
    assert "Tarik dari etalase" in html
    db.session.expire_all()
    assert db.session.get(Proposal, p.id).published
    assert client.post(f"/proposals/{p.id}/publish", data={"published": "0"}).status_code == 302
    db.session.expire_all()
    assert not db.session.get(Proposal, p.id).published


def test_publishing_an_undecided_proposal_is_refused(admin_client):
    client, _ = admin_client
    p = factories.submitted()
    db.session.commit()
    html = client.post(f"/proposals/{p.id}/publish", headers=HX, data={"published": "1"}).get_data(as_text=True)
    assert "Hanya inovasi yang disetujui" in html
    db.session.expire_all()
    assert not db.session.get(Proposal, p.id).published


@pytest.mark.parametrize("role", ["innovator", "reviewer"])
def test_only_admins_decide_and_publish(client, login_as, role):
    p = factories.submitted(status="approved")
    db.session.commit()
    login_as(role)
    assert client.post(f"/proposals/{p.id}/decision", data=decision_form(p.id, "implemented")).status_code == 403
    assert client.post(f"/proposals/{p.id}/publish", data={"published": "1"}).status_code == 403


def test_unknown_proposal_is_404(client, login_as):
    login_as("admin")
    assert client.post("/proposals/999/decision", data=decision_form(999, "approved")).status_code == 404
    assert client.get("/proposals/999/review").status_code == 404


def render_panel(app, user, proposal):
    with app.test_request_context(f"/proposals/{proposal.id}"):
        login_user(user)
        return render_template("reviews/_proposal_panel.html", proposal=proposal)


def test_panel_for_reviewer_shows_breakdown_mean_and_calibrated(app, make):
    viewer = make.user(role="reviewer")
    other = make.user(role="reviewer", name="Penilai Lain")
    p = factories.submitted(status="in_review")
    factories.review(p, other, score=2, comment="Kurang rinci.")
    html = render_panel(app, viewer, p)
    assert "Penilai Lain" in html and "Kurang rinci." in html and "40,0" in html
    assert "Rata-rata terkalibrasi" in html and f'id="vote-button-{p.id}"' in html
    assert 'aria-pressed="false"' in html and "Simpan penilaian" in html  # not reviewed yet: the form
    assert "Keputusan admin" not in html


def test_panel_for_innovator_shows_votes_but_no_scores(app, make):
    p = factories.submitted(status="in_review")
    factories.review(p, make.user(role="reviewer", name="Penilai Rahasia"))
    html = render_panel(app, make.user(role="innovator"), p)
    assert "Penilai Rahasia" not in html and "Rata-rata" not in html and "Simpan penilaian" not in html
    assert f'id="vote-button-{p.id}"' in html
    member_html = render_panel(app, p.author, p)
    assert "vote-button" not in member_html and "tidak dapat didukung" in member_html


def test_panel_for_admin_has_the_decisions(app, make):
    p = factories.submitted(status="in_review")
    html = render_panel(app, make.user(role="admin"), p)
    for text in ("Keputusan admin", "Setujui", "Minta revisi", "Tolak"):
        assert text in html
    assert "Tandai sudah diterapkan" not in html  # not an edge from in_review


def test_dashboard_shows_the_reviewers_queue(client, login_as, make):
    factories.submitted()
    factories.submitted()
    db.session.commit()
    login_as("reviewer")
    html = client.get("/dashboard").get_data(as_text=True)
    assert "2 usulan menunggu penilaian Anda" in html and "/proposals/review-queue" in html


def test_dashboard_has_no_queue_for_innovators(client, login_as):
    login_as("innovator")
    assert "Antrean penilaian Anda" not in client.get("/dashboard").get_data(as_text=True)


def test_vote_counts_of_a_list_page_in_one_query(app, make, count_queries):
    from app.models import vote_counts

    a, b = factories.submitted(), factories.submitted()
    factories.vote(a, make.user())
    factories.vote(a, make.user())
    with count_queries() as counter:
        counts = vote_counts([a.id, b.id])
    assert counts == {a.id: 2, b.id: 0} and counter.count == 1
