"""Rubrics as versioned data: the migration moves every existing review onto KIPP 2023 with
the score it had, a review keeps its version, and the form follows the review's rubric."""
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from app.core.extensions import db
from app.models import Review, Rubric, RubricCriterion
from app.reviews import rubrics, services
from tests import factories
from tests.conftest import login
from tests.test_migrations import _migrated_app, empty_database_url  # noqa: F401 (the fixture)

BEFORE_RUBRICS = "190273b5a5c1"
# The seven columns of the old review table and the DESIGN §2 weights, written out here so
# the test does not take them from the code it checks.
OLD_WEIGHTS = {"background": 10, "novelty": 15, "implementation": 5, "significance": 30, "adaptability": 20,
               "resources": 5, "sustainability": 15}


def test_the_migration_keeps_every_existing_score(empty_database_url, tmp_path):  # noqa: F811 (the fixture)
    application = _migrated_app(empty_database_url, tmp_path)
    with application.app_context():
        # People and proposals are written by today's models at today's schema, then taken
        # down with them to the revision before rubrics, where reviews get the old columns.
        upgrade()
        for _ in range(4):
            factories.submitted("in_review")
        for _ in range(3):
            factories.user(role="reviewer")
        db.session.commit()
        db.session.remove()
        downgrade(revision=BEFORE_RUBRICS)
        # Every reviewer scores every proposal, each criterion differently.
        old = {}
        proposal_ids = db.session.scalars(text("SELECT id FROM proposal ORDER BY id")).all()
        reviewer_ids = db.session.scalars(text("SELECT id FROM user_account WHERE role = 'reviewer'")).all()
        for p_index, proposal_id in enumerate(proposal_ids):
            for r_index, reviewer_id in enumerate(reviewer_ids):
                scores = {code: 1 + (p_index + r_index + i) % 5 for i, code in enumerate(OLD_WEIGHTS)}
                columns = ", ".join(f"score_{code}" for code in scores)
                values = ", ".join(str(v) for v in scores.values())
                db.session.execute(text(
                    f"INSERT INTO review (proposal_id, reviewer_id, {columns}, recommendation, comment, created_at, "
                    f"updated_at) VALUES (:p, :r, {values}, 'approve', 'Baik', CURRENT_TIMESTAMP, "
                    f"CURRENT_TIMESTAMP)"), {"p": proposal_id, "r": reviewer_id})
                old[(proposal_id, reviewer_id)] = scores
        db.session.commit()
        # What the app showed before: Σ weight × score / 5, computed here by hand.
        expected = {key: sum(OLD_WEIGHTS[c] * s for c, s in scores.items()) / 5 for key, scores in old.items()}
        assert len(set(expected.values())) > 3

        upgrade()
        reviews = db.session.scalars(select(Review)).all()
        assert len(reviews) == len(old) == 12
        for review in reviews:
            key = (review.proposal_id, review.reviewer_id)
            assert review.rubric.code == "kipp-2023"
            assert review.scores == old[key]
            assert review.weighted_score == pytest.approx(expected[key], abs=1e-9)
            assert review.rubric.weighted(review.scores) == pytest.approx(expected[key], abs=1e-9)
        assert {r.code for r in db.session.scalars(select(Rubric))} == {"kipp-2023", "penghargaan-presentasi"}
        db.session.remove()
        db.engine.dispose()


def _new_kipp_version(weights: dict[str, int]) -> Rubric:
    """A second KIPP version, as an admin would add it: the same criteria, other weights."""
    current = rubrics.default_rubric()
    rubric = Rubric(code=current.code, version=current.version + 1, name=current.name, criteria=[
        RubricCriterion(position=c.position, code=c.code, label=c.label, weight=weights[c.code])
        for c in current.criteria])
    db.session.add(rubric)
    db.session.flush()
    return rubric


def test_a_new_rubric_version_leaves_scores_already_given(make):
    proposal = factories.submitted()
    reviewer = make.user(role="reviewer")
    review, _ = services.save_review(proposal, reviewer, {c: 1 for c in factories.KIPP_CRITERIA} | {
        "significance": 5}, "approve", "Bagus.")
    assert review.weighted_score == 44.0
    _new_kipp_version({c: 10 for c in factories.KIPP_CRITERIA} | {"significance": 40})
    # The old review, edited after the new version came, stays on its own version and formula.
    again, created = services.save_review(proposal, reviewer, {c: 1 for c in factories.KIPP_CRITERIA} | {
        "significance": 5}, "approve", "Tetap.")
    assert not created and again.rubric.version == 1 and again.weighted_score == 44.0
    # A new review takes the new version: significance now weighs 40 of 100.
    other, _ = services.save_review(proposal, make.user(role="reviewer"), {c: 1 for c in factories.KIPP_CRITERIA} | {
        "significance": 5}, "approve", "Baru.")
    assert other.rubric.version == 2 and other.weighted_score == pytest.approx((60 + 200) / 5)


def test_scores_of_another_rubric_are_refused_and_nothing_is_stored(make):
    proposal = factories.submitted()
    with pytest.raises(services.ReviewError):
        services.save_review(proposal, make.user(role="reviewer"), {"novelty": 5, "benefit": 5}, "approve", "x")
    assert db.session.scalar(select(Review.id)) is None


def test_the_form_of_an_existing_review_shows_its_own_rubric(client, make):
    proposal = factories.submitted("in_review")
    reviewer = make.user(role="reviewer")
    award = rubrics.latest("penghargaan-presentasi")
    factories.review(proposal, reviewer, rubric=award, score=4, benefit=2)
    db.session.commit()
    login(client, reviewer)
    html = client.get(f"/proposals/{proposal.id}/review").get_data(as_text=True)
    assert f'name="r{proposal.id}-score_mastery"' in html and f'name="r{proposal.id}-score_significance"' not in html
    assert f'<input checked class="radios__input" id="r{proposal.id}-score_benefit-1"' in html  # its 2 kept
    assert "Penguasaan materi" in html
    # Saving it scores the award's criteria.
    data = factories.review_form(proposal.id, rubric=award, score=5)
    assert client.post(f"/proposals/{proposal.id}/review", data=data).status_code == 302
    db.session.expire_all()
    review = db.session.scalar(select(Review))
    assert review.rubric_id == award.id and review.weighted_score == 100.0
