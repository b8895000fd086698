"""Large demo data (`demo-data --proposals N --votes M`): counts, rules and running twice."""
import pytest
from sqlalchemy import func, select

from app.core.extensions import db
from app.demo.large import BULK_DOMAIN, BULK_PASSWORD
from app.models import (
    SUBMITTED_STATUSES,
    VOTABLE_STATUSES,
    Agency,
    Comment,
    Proposal,
    Registration,
    Review,
    StatusChange,
    User,
    Vote,
)
from app.proposals import search


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def test_large_data_has_the_asked_counts_and_keeps_the_rules(runner, app_ctx):
    runner.invoke(args=["demo-data"])
    base_proposals, base_votes = count(Proposal), count(Vote)
    result = runner.invoke(args=["demo-data", "--proposals", "50", "--votes", "300", "--seed", "1"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert count(Proposal) == base_proposals + 50
    assert count(Vote) == base_votes + 300
    # Votes: one per person and proposal, only on votable proposals, never one's own agency.
    pairs = db.session.execute(select(Vote.proposal_id, Vote.user_id)).all()
    assert len(pairs) == len(set(pairs))
    bad = db.session.scalar(
        select(func.count()).select_from(Vote).join(Proposal, Proposal.id == Vote.proposal_id)
        .join(User, User.id == Vote.user_id)
        .where((Proposal.agency_id == User.agency_id) | Proposal.status.not_in(VOTABLE_STATUSES))
    )
    assert bad == 0
    # Spread over agencies and statuses; reviews, comments, timelines, registrations in proportion.
    generated = Proposal.title.like("% 1.%")
    assert db.session.scalar(select(func.count(func.distinct(Proposal.agency_id))).where(generated)) >= 20
    assert db.session.scalar(select(func.count(func.distinct(Proposal.status))).where(generated)) >= 5
    assert count(Review, Review.reviewer.has(User.email.like(f"%@{BULK_DOMAIN}"))) > 0
    assert count(Comment, Comment.author.has(User.email.like(f"%@{BULK_DOMAIN}"))) > 0
    submitted = count(Proposal, generated, Proposal.submitted_at.is_not(None))
    assert count(StatusChange, StatusChange.to_status == "submitted",
                 StatusChange.proposal.has(generated)) == submitted
    assert count(Registration, Registration.user.has(User.email.like(f"%@{BULK_DOMAIN}"))) == 5
    assert count(Proposal, generated, Proposal.status.in_(SUBMITTED_STATUSES)) > 0
    # The generated accounts can log in with the documented password.
    voter = db.session.scalar(select(User).where(User.email.like(f"pemilih-b1-1@{BULK_DOMAIN}")))
    assert voter.check_password(BULK_PASSWORD) and voter.agency_id is not None


def test_large_data_runs_twice_and_the_search_index_follows(runner, app_ctx):
    runner.invoke(args=["demo-data"])
    base_proposals, base_votes, base_users = count(Proposal), count(Vote), count(User)
    for _ in range(2):
        result = runner.invoke(args=["demo-data", "--proposals", "50", "--votes", "300"])
        assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert count(Proposal) == base_proposals + 100
    assert count(Vote) == base_votes + 600
    assert count(User) > base_users
    agencies = count(Agency, Agency.active.is_(True))
    # Each run has its own authors (one per agency) and voters (new e-mail batch).
    assert count(User, User.email.like(f"penulis-b2-%@{BULK_DOMAIN}")) == agencies
    # Inserted in bulk, still found by full-text search (FTS5 triggers / the generated column).
    title = db.session.scalar(select(Proposal.title).where(Proposal.title.like("% 2.7")))
    words = " ".join(title.split()[:-1])  # the batch.number suffix tokenizes differently per engine
    found = db.session.scalars(search.matching_ids(db.engine.dialect.name, words)).all()
    wanted = db.session.scalar(select(Proposal.id).where(Proposal.title == title))
    assert wanted in found


def test_large_data_refuses_votes_without_anything_to_vote_on(runner, app_ctx):
    runner.invoke(args=["demo-data"])
    result = runner.invoke(args=["demo-data", "--proposals", "0", "--votes", "10"])
    assert result.exit_code != 0
    assert "votable" in result.output
