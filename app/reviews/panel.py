"""What the review panel on a proposal page shows to one person.

`build_panel` gathers it in a handful of queries (vote count, own vote, own
conflict, the reviews, the cycle's scores) whatever the number of reviews.
"""
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core.extensions import db
from app.models import (
    APPROVED_STATUSES,
    IN_REVIEW_STATUSES,
    Proposal,
    Review,
    Rubric,
    User,
)
from app.proposals import permissions
from app.proposals.status import allowed_moves
from app.reviews import rubrics, services
from app.reviews.forms import (
    DECISION_LABELS,
    ConflictForm,
    DecisionForm,
    ReviewForm,
    review_form_class,
)


@dataclass
class VoteState:
    proposal_id: int
    count: int
    voted: bool
    allowed: bool
    own_agency: bool


@dataclass
class ReviewPanel:
    proposal: Proposal
    user: User
    vote: VoteState
    own_agency: bool
    show_reviews: bool
    reviews: list[Review]
    summary: services.ScoreSummary | None
    my_review: Review | None
    may_review: bool
    conflict_declared: bool
    may_declare_conflict: bool
    editing: bool
    review_form: ReviewForm | None
    conflict_form: ConflictForm | None
    decision_form: DecisionForm | None
    decisions: list[str] = field(default_factory=list)
    may_publish: bool = False
    may_unpublish: bool = False
    publish_error: str = ""
    # What the admin's last decision or publication did, shown at the top of the decision panel.
    done: str = ""
    # The competition this entry is in, when the reviewer is not assigned to it (they may not score it).
    unassigned_competition: str = ""
    # A review given before the proposal entered a competition on another rubric: that rubric.
    rescore_rubric: "Rubric | None" = None

    @property
    def is_reviewer(self) -> bool:
        return bool(self.user.is_authenticated and self.user.is_reviewer)

    @property
    def score_tables(self) -> list[tuple["Rubric", list[Review]]]:
        """The reviews grouped by the rubric version they were scored on, in order of first
        review: one table of criteria each (a proposal entered in a competition after a
        first review has reviews on two rubrics)."""
        groups: dict[int, tuple[Rubric, list[Review]]] = {}
        for review in self.reviews:
            groups.setdefault(review.rubric_id, (review.rubric, []))[1].append(review)
        return list(groups.values())


def vote_state(proposal: Proposal, user: User) -> VoteState:
    """The vote button's state for `user` (one query)."""
    count, voted = services.vote_count_and_mine(proposal, user)
    return VoteState(
        proposal_id=proposal.id,
        count=count,
        voted=voted,
        allowed=permissions.can_vote(user, proposal),
        own_agency=permissions.is_member(user, proposal),
    )


def review_form_for(proposal: Proposal, review: Review | None, formdata=None) -> ReviewForm:
    """The rubric form of the review's rubric (a new review: the proposal's), prefixed per
    proposal so several can be open on one page."""
    form_class = review_form_class(rubrics.rubric_for(proposal, review))
    kwargs = {"prefix": f"r{proposal.id}"}
    if review is not None:
        kwargs["data"] = {f"score_{code}": score for code, score in review.scores.items()} | {
            "recommendation": review.recommendation, "comment": review.comment}
    if formdata is not None:
        kwargs["formdata"] = formdata
    return form_class(**kwargs)


def decision_form_for(proposal: Proposal, user: User, form: DecisionForm | None = None) -> tuple[DecisionForm, list[str]]:
    """The decision form offering only the moves the status machine allows now."""
    moves = allowed_moves(user, proposal)
    decisions = [code for code in DECISION_LABELS if code in moves]
    form = form or DecisionForm(prefix=f"d{proposal.id}", formdata=None)
    form.decision.choices = [(code, DECISION_LABELS[code]) for code in decisions]
    return form, decisions


def build_panel(proposal: Proposal, user: User, *, review_form: ReviewForm | None = None,
                decision_form: DecisionForm | None = None, conflict_form: ConflictForm | None = None,
                editing: bool | None = None, publish_error: str = "", done: str = "") -> ReviewPanel:
    """Everything the panel shows `user` about `proposal`; forms passed in keep their errors."""
    is_reviewer = bool(user.is_authenticated and user.is_reviewer)
    own_agency = permissions.is_member(user, proposal)
    show_reviews = services.may_see_reviews(user, proposal)
    conflict = is_reviewer and not own_agency and services.declared_conflict(user, proposal)
    unassigned = (services.unassigned_entry(user, proposal) or "") if is_reviewer and not own_agency else ""
    may_review = is_reviewer and permissions.can_review(user, proposal) and not conflict and not unassigned

    reviews: list[Review] = []
    my_review = None
    if show_reviews:
        reviews = list(db.session.scalars(
            select(Review).options(joinedload(Review.reviewer), joinedload(Review.rubric))
            .where(Review.proposal_id == proposal.id).order_by(Review.created_at, Review.id)))
        my_review = next((review for review in reviews if review.reviewer_id == user.id), None)
    summary = services.cycle_scores(proposal.cycle_id).get(proposal.id) if reviews else None

    rescore = rubrics.rescore_needed(proposal, my_review) if may_review and my_review is not None else None
    if editing is None:
        editing = review_form is not None or (may_review and my_review is None)
    if may_review and editing and review_form is None:
        review_form = review_form_for(proposal, my_review, formdata=None)

    panel = ReviewPanel(
        proposal=proposal, user=user, vote=vote_state(proposal, user),
        own_agency=own_agency,
        show_reviews=show_reviews, reviews=reviews, summary=summary, my_review=my_review,
        may_review=may_review, conflict_declared=conflict,
        may_declare_conflict=is_reviewer and not own_agency and not conflict
        and proposal.status in IN_REVIEW_STATUSES,
        editing=bool(editing and may_review), review_form=review_form,
        conflict_form=conflict_form or ConflictForm(prefix=f"c{proposal.id}", formdata=None),
        decision_form=None, publish_error=publish_error, done=done, unassigned_competition=unassigned,
        rescore_rubric=rescore,
    )
    if permissions.can_decide(user, proposal):
        panel.decision_form, panel.decisions = decision_form_for(proposal, user, decision_form)
        panel.may_publish = proposal.status in APPROVED_STATUSES and not proposal.published
        panel.may_unpublish = proposal.published
    return panel
