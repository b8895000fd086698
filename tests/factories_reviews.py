"""Factories for reviews, votes and the review forms."""
from app.extensions import db
from app.models import RUBRIC, Review, Vote
from app.models._types import utcnow
from tests import factories


def submitted(status: str = "submitted", **fields):
    """A proposal that was submitted (and may have moved on to `status`)."""
    return factories.proposal(status=status, submitted_at=utcnow(), **fields)


def review(proposal, reviewer, score: int = 3, recommendation: str = "approve", comment: str = "Cukup baik.",
           **scores) -> Review:
    """A review with every criterion at `score` unless given (background=5, ...)."""
    values = {f"score_{name}": scores.get(name, score) for name in RUBRIC}
    obj = Review(proposal_id=proposal.id, reviewer_id=reviewer.id, recommendation=recommendation,
                 comment=comment, **values)
    db.session.add(obj)
    db.session.flush()
    return obj


def vote(proposal, user) -> Vote:
    obj = Vote(proposal_id=proposal.id, user_id=user.id)
    db.session.add(obj)
    db.session.flush()
    return obj


def review_form(proposal_id: int, score: int = 4, recommendation: str = "approve",
                comment: str = "Manfaat jelas bagi warga.", **scores) -> dict:
    """POST data of the rubric form (fields carry the prefix r<proposal id>)."""
    data = {f"r{proposal_id}-score_{name}": str(scores.get(name, score)) for name in RUBRIC}
    data[f"r{proposal_id}-recommendation"] = recommendation
    data[f"r{proposal_id}-comment"] = comment
    return data


def decision_form(proposal_id: int, decision: str, note: str | None = None) -> dict:
    """POST data of the admin decision form (prefix d<proposal id>)."""
    data = {f"d{proposal_id}-decision": decision}
    if note is not None:
        data[f"d{proposal_id}-note"] = note
    return data
