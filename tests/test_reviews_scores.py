"""Rubric arithmetic, calibration and reviewer statistics."""
import random

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.core.extensions import db
from app.models import Review, Rubric, RubricCriterion
from app.reviews import rubrics, services
from tests import factories


KIPP = factories.KIPP_CRITERIA


def test_the_default_rubric_is_kipp_2023_with_weights_adding_up_to_one_hundred(app_ctx):
    rubric = rubrics.default_rubric()
    assert (rubric.code, rubric.version) == ("kipp-2023", 1)
    assert rubric.weights == {"background": 10, "novelty": 15, "implementation": 5, "significance": 30,
                              "adaptability": 20, "resources": 5, "sustainability": 15}


@pytest.mark.parametrize("scores, expected", [
    ({name: 1 for name in KIPP}, 20.0),
    ({name: 5 for name in KIPP}, 100.0),
    ({name: 3 for name in KIPP}, 60.0),
    # significance (weight 30) at 5, the rest at 1: (10+15+5+150+20+5+15) / 5
    ({**{name: 1 for name in KIPP}, "significance": 5}, 44.0),
    # novelty 4 (60), adaptability 2 (40), sustainability 5 (75), rest 3: (30+60+15+90+40+15+75) / 5
    ({name: 3 for name in KIPP} | {"novelty": 4, "adaptability": 2, "sustainability": 5}, 65.0),
])
def test_kipp_weighted_score(app_ctx, scores, expected):
    assert rubrics.default_rubric().weighted(scores) == pytest.approx(expected)


def test_the_award_rubric_scores_by_its_own_weights(app_ctx):
    award = rubrics.latest("penghargaan-presentasi")
    assert award.weights == {"novelty": 30, "benefit": 25, "collaboration": 15, "replicability": 20, "mastery": 10}
    # novelty 5 (150), benefit 1 (25), the rest 3 (45 + 60 + 30): 310 / 5
    assert award.weighted({"novelty": 5, "benefit": 1, "collaboration": 3, "replicability": 3, "mastery": 3}) == 62.0


def test_a_rubric_whose_weights_do_not_add_up_to_one_hundred_still_spans_20_to_100(app_ctx):
    rubric = Rubric(code="uji", name="Uji", criteria=[
        RubricCriterion(code="a", label="A", weight=1), RubricCriterion(code="b", label="B", weight=3)])
    assert rubric.weighted({"a": 1, "b": 1}) == 20.0 and rubric.weighted({"a": 5, "b": 5}) == 100.0
    assert rubric.weighted({"a": 5, "b": 1}) == pytest.approx((5 + 3) * 100 / 20)


def test_a_review_stores_the_weighted_score_of_its_rubric(make):
    proposal = factories.submitted()
    review = factories.review(proposal, make.user(role="reviewer"), score=1, significance=5)
    db.session.expire_all()
    stored = db.session.get(Review, review.id)
    assert stored.weighted_score == 44.0 and stored.rubric.code == "kipp-2023"
    assert stored.scores == {name: (5 if name == "significance" else 1) for name in KIPP}


def test_every_stored_score_equals_its_rubric_formula_and_sql_averages_them(make):
    # The stored column is what boards average: it equals the rubric's formula over the
    # review's own criterion rows, on this engine, under two rubrics at once.
    rng = random.Random(15)
    reviewer = make.user(role="reviewer")
    award = rubrics.latest("penghargaan-presentasi")
    reviews = [factories.review(factories.submitted(), reviewer, rubric=award if i % 2 else None,
                                **{name: rng.randint(1, 5) for name in (award.weights if i % 2 else KIPP)})
               for i in range(40)]
    db.session.expire_all()
    for review in db.session.scalars(select(Review)):
        assert review.weighted_score == review.rubric.weighted(review.scores)
    in_sql = dict(db.session.execute(select(Review.id, Review.weighted_score)).all())
    assert all(type(value) is float for value in in_sql.values())
    mean = db.session.scalar(select(func.avg(Review.weighted_score)))
    assert mean == pytest.approx(sum(review.weighted_score for review in reviews) / len(reviews), abs=1e-9)


def test_a_weighted_score_outside_20_to_100_is_refused_by_the_database(make):
    review = factories.review(factories.submitted(), make.user(role="reviewer"))
    review.weighted_score = 101
    with pytest.raises(IntegrityError):
        db.session.flush()


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
