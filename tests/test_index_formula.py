"""The national index formula (issue 18, DESIGN §9) against hand-worked examples.

The set of every example: the region aspect weighs 0.25 and has two indicators of at most 3
points (its maximum 6); an innovation has two indicators of at most 3 points (its maximum 6),
and its aspect weighs 0.75. So one region point is worth 100 × 0.25 / 6 = 4.1667 index points,
and one innovation point 100 × 0.75 / (6 × MAX(10, n)): 1.25 with up to ten innovations."""
import pytest

from app.maturity.index import IndicatorPoints, InnovationPoints, Weights, category_of, estimate

WEIGHTS = Weights(region=0.25, innovation=0.75)
INNOVATION_MAX = 6


def verified(code, points):
    return IndicatorPoints(code, 3, points, verified=True)


def unverified(code, points):
    return IndicatorPoints(code, 3, points, verified=False)


def innovation(key, *indicators):
    return InnovationPoints(key, tuple(indicators))


def full(key):
    return innovation(key, verified("i1", 3), verified("i2", 3))


FULL_REGION = [verified("r1", 3), verified("r2", 3)]


def test_fewer_than_ten_innovations_are_divided_by_ten_and_unverified_claims_count_nothing():
    region = [verified("r1", 3), unverified("r2", 3)]
    innovations = [full(1), innovation(2, verified("i1", 3), unverified("i2", 3))]
    result = estimate(region, innovations, WEIGHTS, INNOVATION_MAX)
    # Region: 3 of 6 verified points × 25 = 12.5. Innovations: (6 + 3) / MAX(10, 2) = 0.9 of
    # the 6 points, × 75 = 11.25; innovation 1 brings 6 × 1.25 = 7.5, innovation 2 3.75.
    assert result.divisor == 10
    assert result.region_part == pytest.approx(12.5)
    assert result.contributions == pytest.approx({1: 7.5, 2: 3.75})
    assert result.score == pytest.approx(23.75)
    assert result.category == "kurang_inovatif"
    # What would raise it most: the region's unverified indicator (3 × 4.1667 = 12.5), then
    # innovation 2's (3 × 1.25 = 3.75). Full, verified indicators gain nothing.
    assert [(g.innovation, g.code, round(g.index_points, 4)) for g in result.gains] == [
        (None, "r2", 12.5), (2, "i2", 3.75)]


def test_exactly_ten_full_innovations_and_a_full_region_make_one_hundred():
    result = estimate(FULL_REGION, [full(n) for n in range(10)], WEIGHTS, INNOVATION_MAX)
    assert (result.divisor, result.score, result.category) == (10, 100.0, "sangat_inovatif")
    assert result.gains == []


def test_five_full_innovations_score_as_half_of_ten():
    result = estimate(FULL_REGION, [full(n) for n in range(5)], WEIGHTS, INNOVATION_MAX)
    # 30 points / MAX(10, 5) = 3 of 6 per innovation: half the aspect, 37.5, plus the region's 25.
    assert result.innovation_part == pytest.approx(37.5) and result.score == pytest.approx(62.5)


def test_many_innovations_divide_by_their_number():
    empty = [innovation(100 + n, unverified("i1", 3), IndicatorPoints("i2", 3)) for n in range(10)]
    result = estimate(FULL_REGION, [full(n) for n in range(10)] + empty, WEIGHTS, INNOVATION_MAX)
    # 60 points / 20 innovations = 3 of 6: 37.5; each full one brings 6 × 75 / (6 × 20) = 3.75.
    assert result.divisor == 20
    assert result.innovation_part == pytest.approx(37.5) and result.score == pytest.approx(62.5)
    assert result.contributions[0] == pytest.approx(3.75) and result.contributions[100] == 0
    assert all(g.index_points == pytest.approx(1.875) for g in result.gains)  # 3 points × 0.625


@pytest.mark.parametrize("score, category", [
    (60.01, "sangat_inovatif"), (60.004, "inovatif"), (60.0, "inovatif"), (35.0, "inovatif"),
    (34.996, "inovatif"), (34.99, "kurang_inovatif"), (0.01, "kurang_inovatif"), (0, "disclaimer"),
])
def test_categories_by_the_score_rounded_to_two_decimals(score, category):
    assert category_of(score) == category


def test_nothing_verified_is_a_disclaimer():
    region = [unverified("r1", 3), unverified("r2", 2)]
    result = estimate(region, [innovation(1, unverified("i1", 3), unverified("i2", 3))], WEIGHTS, INNOVATION_MAX)
    assert (result.score, result.category) == (0, "disclaimer")
    assert len(result.gains) == 4


def test_weights_must_add_up_to_one():
    with pytest.raises(ValueError):
        Weights(region=0.3, innovation=0.8)
