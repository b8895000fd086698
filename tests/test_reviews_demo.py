"""Demo reviews and votes: valid rows, never on one's own agency, idempotent."""
from sqlalchemy import func, select

from app.core.extensions import db
from app.models import Review, Vote
from app.reviews import demo
from tests import factories


def test_demo_reviews_and_votes_load_once(make):
    reviewer, admin = make.user(role="reviewer", agency_=make.agency()), make.user(role="admin")
    voters = [make.user() for _ in range(3)]
    proposals = [factories.submitted(status="in_review") for _ in range(3)]
    own = factories.submitted(status="in_review", agency_=reviewer.agency)
    demo.load()
    reviews = db.session.scalar(select(func.count()).select_from(Review))
    votes = db.session.scalar(select(func.count()).select_from(Vote))
    assert reviews == 2 * len(proposals) + 1  # the reviewer skips their own agency's proposal
    assert votes > 0
    assert db.session.scalar(select(Review).where(Review.proposal_id == own.id, Review.reviewer_id == reviewer.id)) is None
    demo.load()
    assert db.session.scalar(select(func.count()).select_from(Review)) == reviews
    assert db.session.scalar(select(func.count()).select_from(Vote)) == votes
    assert admin and voters
