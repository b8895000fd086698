"""Demo reviews and votes on the demo proposals (run after the proposals' demo data).

Creates only what is missing, so running it twice changes nothing.
"""
from sqlalchemy import select

from app.core.extensions import db
from app.models import VOTABLE_STATUSES, Proposal, Review, User, Vote
from app.proposals import permissions
from app.reviews import rubrics

# Each demo reviewer's habit: a harsh and a lenient one make calibration visible.
BIASES = {"reviewer": -1, "admin": 0}


def load() -> None:
    """Reviews by the demo reviewer and admin on proposals under review or decided, and votes."""
    # The votable ones for votes, and the rejected ones too for their reviews.
    proposals = db.session.scalars(select(Proposal).where(
        Proposal.status.in_((*VOTABLE_STATUSES, "rejected"))).order_by(Proposal.id)).all()
    rubrics.load_shipped()
    if not proposals:
        return
    rubric = rubrics.default_rubric()
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)).all()
    reviewed = {tuple(row) for row in db.session.execute(select(Review.proposal_id, Review.reviewer_id))}
    voted = {tuple(row) for row in db.session.execute(select(Vote.proposal_id, Vote.user_id))}
    for index, proposal in enumerate(proposals):
        for user in users:
            if user.role in BIASES and proposal.status != "submitted" and not permissions.is_member(user, proposal) \
                    and (proposal.id, user.id) not in reviewed:
                base = 3 + (index % 3) - 1 + BIASES[user.role]
                scores = {c.code: max(1, min(5, base + (i % 2))) for i, c in enumerate(rubric.criteria)}
                review = Review(proposal_id=proposal.id, reviewer_id=user.id,
                                recommendation="approve" if base >= 3 else "revise",
                                comment="Penilaian contoh untuk demo.")
                review.set_scores(rubric, scores)
                db.session.add(review)
            if permissions.can_vote(user, proposal) and (index + user.id) % 2 == 0 and (proposal.id, user.id) not in voted:
                db.session.add(Vote(proposal_id=proposal.id, user_id=user.id))
    db.session.flush()
