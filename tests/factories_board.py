"""Factories for the leaderboard and showcase tests: votes, reviews, published innovations."""
from datetime import datetime, timezone

from app.extensions import db
from app.models import RUBRIC, Comment, Review, StatusChange, User, Vote
from app.models._types import utcnow
from tests import factories


def vote(proposal, user: User | None = None) -> Vote:
    """A vote; by default from a reviewer without an agency, so no extra agency shows on the board."""
    user = user or factories.user(role="reviewer")
    obj = Vote(proposal_id=proposal.id, user_id=user.id)
    db.session.add(obj)
    db.session.flush()
    return obj


def votes(proposal, count: int) -> None:
    """`count` votes from `count` new people."""
    for _ in range(count):
        vote(proposal)


def review(proposal, reviewer: User | None = None, score: int = 3, recommendation: str = "approve",
           comment: str = "Cukup baik.", **scores) -> Review:
    """A review with every criterion at `score` unless given (score_<name>=...)."""
    reviewer = reviewer or factories.user(role="reviewer")
    values = {f"score_{name}": scores.get(f"score_{name}", score) for name in RUBRIC}
    obj = Review(proposal_id=proposal.id, reviewer_id=reviewer.id, recommendation=recommendation,
                 comment=comment, **values)
    db.session.add(obj)
    db.session.flush()
    return obj


def status_change(proposal, to_status: str, from_status: str = "draft", note: str = "", actor=None,
                  when: datetime | None = None) -> StatusChange:
    obj = StatusChange(proposal=proposal, actor_id=getattr(actor, "id", None), from_status=from_status,
                       to_status=to_status, note=note, created_at=when or utcnow())
    db.session.add(obj)
    db.session.flush()
    return obj


def comment(proposal, body: str, author: User | None = None) -> Comment:
    author = author or factories.user(role="reviewer")
    obj = Comment(proposal=proposal, author_id=author.id, body=body)
    db.session.add(obj)
    db.session.flush()
    return obj


def published(agency_=None, status: str = "approved", published_at: datetime | None = None, **fields):
    """An approved (or implemented) innovation on the showcase, with its milestones."""
    obj = factories.proposal(agency_=agency_, status=status, published=True,
                             published_at=published_at or datetime.now(timezone.utc),
                             submitted_at=utcnow(), **fields)
    status_change(obj, "submitted", "draft")
    status_change(obj, "approved", "submitted")
    if status == "implemented":
        status_change(obj, "implemented", "approved")
    return obj
