"""Rubric arithmetic, calibration and reviewer statistics."""
import random

import pytest
from sqlalchemy import func, select

from app.core.extensions import db
from app.models import RUBRIC, Review, rubric_score
from app.reviews import services
from tests import factories


def test_rubric_weights_add_up_to_one_hundred():
    assert sum(RUBRIC.values()) == 100


@pytest.mark.parametrize("scores, expected", [
    ({name: 1 for name in RUBRIC}, 20.0),
    ({name: 5 for name in RUBRIC}, 100.0),
    ({name: 3 for name in RUBRIC}, 60.0),
    # significance (weight 30) at 5, the rest at 1: (10+15+5+150+20+5+15) / 5
    ({**{name: 1 for name in RUBRIC}, "significance": 5}, 44.0),
    # novelty 4 (60), adaptability 2 (40), sustainability 5 (75), rest 3: (30+60+15+90+40+15+75) / 5
    ({name: 3 for name in RUBRIC} | {"novelty": 4, "adaptability": 2, "sustainability": 5}, 65.0),
])
def test_rubric_score(scores, expected):
    assert rubric_score(scores) == pytest.approx(expected)


def test_model_weighted_score_matches_rubric_score(make):
    proposal = factories.submitted()
    review = factories.review(proposal, make.user(role="reviewer"), score=1, significance=5)
    assert review.weighted_score == 44.0


def test_weighted_score_in_sql_equals_weighted_score_in_python(make):
    # Review.weighted_score is one hybrid: the database computes the same number, to the
    # last digit, as Python does from the loaded review (random scores, this engine).
    rng = random.Random(15)
    reviewer = make.user(role="reviewer")
    reviews = [factories.review(factories.submitted(), reviewer, **{name: rng.randint(1, 5) for name in RUBRIC})
               for _ in range(40)]
    in_sql = dict(db.session.execute(select(Review.id, Review.weighted_score)).all())
    assert in_sql == {review.id: review.weighted_score for review in reviews}
    assert all(type(value) is float for value in in_sql.values())
    mean = db.session.scalar(select(func.avg(Review.weighted_score)))
    assert mean == pytest.approx(sum(review.weighted_score for review in reviews) / len(reviews), abs=1e-9)


def test_calibration_hand_computed():
    # Reviewer 1 is harsh (40 and 60), reviewer 2 lenient (80 and 100), both on
    # proposals A=1 and B=2; reviewer 3 reviewed only C=3 (z = 0).
    # Reviewer z-scores: A -1, B +1 for both reviewers. All five reviews:
    # 40, 60, 80, 100, 70 -> mean 70, population sd sqrt((900+100+100+900+0)/5) = 20.
    # Calibrated: A = 70 - 20 = 50, B = 70 + 20 = 90, C = 70 + 0 = 70.
    entries = [(1, 1, 40.0), (2, 1, 60.0), (1, 2, 80.0), (2, 2, 100.0), (3, 3, 70.0)]
    result = services.calibrate(entries)
    assert result[1].mean == pytest.approx(60.0) and result[1].calibrated == pytest.approx(50.0)
    assert result[2].mean == pytest.approx(80.0) and result[2].calibrated == pytest.approx(90.0)
    assert result[3].mean == pytest.approx(70.0) and result[3].calibrated == pytest.approx(70.0)
    assert result[1].count == 2 and result[3].count == 1


def test_calibration_reviewer_without_spread_gets_z_zero():
    # One reviewer gave both proposals 60: no information, both at the overall mean.
    result = services.calibrate([(1, 1, 60.0), (2, 1, 60.0), (1, 2, 40.0), (2, 2, 80.0)])
    # overall mean 60, sd sqrt((0+0+400+400)/4) = sqrt(200); z for proposal 1: (0 + -1)/2
    assert result[1].calibrated == pytest.approx(60 - 0.5 * 200 ** 0.5)
    assert result[2].calibrated == pytest.approx(60 + 0.5 * 200 ** 0.5)


def test_calibration_stays_on_the_scale():
    entries = [(1, 1, 20.0), (2, 1, 100.0), (3, 1, 100.0), (4, 1, 100.0), (5, 1, 100.0)]
    for summary in services.calibrate(entries).values():
        assert 20.0 <= summary.calibrated <= 100.0
    assert services.calibrate([]) == {}


def test_cycle_scores_from_the_database(make):
    harsh, lenient = make.user(role="reviewer"), make.user(role="reviewer")
    a, b = factories.submitted(status="in_review"), factories.submitted(status="in_review")
    factories.review(a, harsh, score=2)     # 40
    factories.review(b, harsh, score=3)     # 60
    factories.review(a, lenient, score=4)   # 80
    factories.review(b, lenient, score=5)   # 100
    other_cycle = factories.submitted(cycle_=make.cycle(year=2001))
    factories.review(other_cycle, harsh, score=1)  # another cycle: not part of the calibration
    scores = services.cycle_scores(a.cycle_id)
    # overall mean 70, sd sqrt(500); z: a -1, b +1
    assert scores[a.id].mean == pytest.approx(60.0)
    assert scores[a.id].calibrated == pytest.approx(70 - 500 ** 0.5)
    assert scores[b.id].calibrated == pytest.approx(70 + 500 ** 0.5)
    assert other_cycle.id not in scores


def test_reviewer_stats_show_idle_and_harsh_reviewers(make):
    harsh = make.user(role="reviewer", name="Harsh")
    idle = make.user(role="reviewer", name="Idle")
    lenient = make.user(role="admin", name="Lenient")
    a, b = factories.submitted(), factories.submitted()
    factories.review(a, harsh, score=1)
    factories.review(b, harsh, score=2)
    factories.review(a, lenient, score=5)
    stats, overall = services.reviewer_stats(a.cycle_id)
    by_name = {s.reviewer.name: s for s in stats}
    assert stats[0].reviewer.name == "Idle" and by_name["Idle"].count == 0 and by_name["Idle"].mean is None
    assert by_name["Harsh"].count == 2 and by_name["Harsh"].mean == pytest.approx(30.0)
    assert by_name["Harsh"].spread == pytest.approx(10.0)
    assert overall == pytest.approx((20 + 40 + 100) / 3)
    assert by_name["Harsh"].offset < 0 < by_name["Lenient"].offset
    assert idle.id in {s.reviewer.id for s in stats}
