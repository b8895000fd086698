"""Reviews, votes, comments and status changes, and the POST data of the review forms."""
from datetime import datetime

from app.core.extensions import db
from app.models import Comment, Review, Rubric, StatusChange, User, Vote
from app.reviews import rubrics
from app.models._types import utcnow
from tests.factories.core import user
from tests.factories.proposals import proposal


# The criteria of the default rubric, KIPP 2023 (app/data/rubrics/criteria.csv).
KIPP_CRITERIA = ("background", "novelty", "implementation", "significance", "adaptability", "resources",
                 "sustainability")


def submitted(status: str = "submitted", **fields):
    """A proposal that was submitted (and may have moved on to `status`)."""
    return proposal(status=status, submitted_at=utcnow(), **fields)


def review(proposal_, reviewer: User | None = None, score: int = 3, recommendation: str = "approve",
           comment: str = "Cukup baik.", rubric: Rubric | None = None, **scores) -> Review:
    """A review on `rubric` (default KIPP 2023) with every criterion at `score` unless given
    (background=5, ...); by default from a new reviewer."""
    reviewer = reviewer or user(role="reviewer")
    rubric = rubric or rubrics.default_rubric()
    unknown = set(scores) - set(rubric.weights)
    assert not unknown, f"not criteria of {rubric.code}: {unknown}"
    obj = Review(proposal_id=proposal_.id, reviewer_id=reviewer.id, recommendation=recommendation, comment=comment)
    obj.set_scores(rubric, {code: scores.get(code, score) for code in rubric.weights})
    db.session.add(obj)
    db.session.flush()
    return obj


def vote(proposal_, voter: User | None = None) -> Vote:
    """A vote; by default from a reviewer without an agency, so no extra agency shows on the board."""
    voter = voter or user(role="reviewer")
    obj = Vote(proposal_id=proposal_.id, user_id=voter.id)
    db.session.add(obj)
    db.session.flush()
    return obj


def votes(proposal_, count: int) -> None:
    """`count` votes from `count` new people."""
    for _ in range(count):
        vote(proposal_)


def status_change(proposal_, to_status: str, from_status: str = "draft", note: str = "", actor=None,
                  when: datetime | None = None) -> StatusChange:
    obj = StatusChange(proposal=proposal_, actor_id=getattr(actor, "id", None), from_status=from_status,
                       to_status=to_status, note=note, created_at=when or utcnow())
    db.session.add(obj)
    db.session.flush()
    return obj


def comment(proposal_, body: str, author: User | None = None) -> Comment:
    author = author or user(role="reviewer")
    obj = Comment(proposal=proposal_, author_id=author.id, body=body)
    db.session.add(obj)
    db.session.flush()
    return obj


def review_form(proposal_id: int, score: int = 4, recommendation: str = "approve",
                comment: str = "Manfaat jelas bagi warga.", rubric: Rubric | None = None, **scores) -> dict:
    """POST data of the rubric form of `rubric` (default KIPP 2023); fields carry the prefix
    r<proposal id>."""
    rubric = rubric or rubrics.default_rubric()
    data = {f"r{proposal_id}-score_{code}": str(scores.get(code, score)) for code in rubric.weights}
    data[f"r{proposal_id}-recommendation"] = recommendation
    data[f"r{proposal_id}-comment"] = comment
    return data


def decision_form(proposal_id: int, decision: str, note: str | None = None) -> dict:
    """POST data of the admin decision form (prefix d<proposal id>)."""
    data = {f"d{proposal_id}-decision": decision}
    if note is not None:
        data[f"d{proposal_id}-note"] = note
    return data
