"""The national innovation index (Indeks Inovasi Daerah) formula, DESIGN §9: pure arithmetic.

The index has two aspects. The region's own readiness indicators (satuan pemerintah daerah)
add up; the innovations' indicators add up per innovation, and their sum is divided by
MAX(10, number of innovations), so a city that reports fewer than ten is penalised as if the
missing ones scored nothing. Each aspect is scaled to its maximum and weighted by the share
the indicator set gives it (in the 2023 guide about a quarter for the region, the rest for the
innovations); the index runs 0–100. Only verified evidence counts: a claim not yet verified is
shown apart by the simulator, never scored here.

Nothing here reads the database: the simulator hands in what the claims say, so the hand-worked
examples of tests/test_index_formula.py check the formula itself.
"""
from dataclasses import dataclass, field

# Innovations the divisor counts at least (the national formula's MAX(10, n)).
MIN_DIVISOR = 10
# The categories (predikat) by the index rounded to two decimals: Sangat Inovatif above 60,
# Inovatif from 35 to 60, Kurang Inovatif below 35.
VERY_INNOVATIVE_ABOVE = 60.0
INNOVATIVE_FROM = 35.0
NO_SCORE_CATEGORY = "disclaimer"  # nothing verified at all: the index cannot be assessed


@dataclass(frozen=True)
class Weights:
    """The share of the index each aspect carries (data of the year's indicator set); they add up to 1."""

    region: float
    innovation: float

    def __post_init__(self):
        if self.region < 0 or self.innovation < 0 or abs(self.region + self.innovation - 1) > 1e-9:
            raise ValueError("aspect weights must be non-negative and add up to 1")


@dataclass(frozen=True)
class IndicatorPoints:
    """One indicator of one innovation (or of the region): its verified points and its maximum.
    `verified` is False for a claim not verified yet or no claim at all: it scores 0 here."""

    code: str
    max_points: float
    points: float = 0.0
    verified: bool = False

    @property
    def counted(self) -> float:
        return self.points if self.verified else 0.0

    @property
    def missing(self) -> float:
        """What full, verified evidence would add to this indicator's points."""
        return self.max_points - self.counted


@dataclass(frozen=True)
class InnovationPoints:
    key: int  # the proposal's id
    indicators: tuple[IndicatorPoints, ...]

    @property
    def points(self) -> float:
        return sum(indicator.counted for indicator in self.indicators)


@dataclass(frozen=True)
class Gain:
    """What one indicator's full, verified evidence would add to the index: innovation None is the region's."""

    innovation: int | None
    code: str
    index_points: float


@dataclass
class Estimate:
    score: float  # 0–100, rounded to two decimals
    category: str
    region_part: float  # the region aspect's share of the score
    innovation_part: float
    divisor: int  # MAX(10, n)
    contributions: dict[int, float] = field(default_factory=dict)  # index points per innovation
    gains: list[Gain] = field(default_factory=list)  # largest first
    # What one point of a region indicator, and one point of one innovation's indicator, adds to the index.
    region_point: float = 0.0
    innovation_point: float = 0.0


def category_of(score: float, anything_verified: bool = True) -> str:
    if not anything_verified or score <= 0:
        return NO_SCORE_CATEGORY
    rounded = round(score, 2)
    if rounded > VERY_INNOVATIVE_ABOVE:
        return "sangat_inovatif"
    return "inovatif" if rounded >= INNOVATIVE_FROM else "kurang_inovatif"


def estimate(region: list[IndicatorPoints], innovations: list[InnovationPoints], weights: Weights,
             innovation_max: float) -> Estimate:
    """The index from verified points. `innovation_max` is one innovation's highest possible sum
    (every indicator of the set at its top level): the innovation aspect's maximum."""
    region_max = sum(indicator.max_points for indicator in region)
    divisor = max(MIN_DIVISOR, len(innovations))
    region_scale = 100 * weights.region / region_max if region_max else 0.0
    # One point of one innovation is worth this much of the index: divided by MAX(10, n).
    innovation_scale = 100 * weights.innovation / (innovation_max * divisor) if innovation_max else 0.0

    region_part = region_scale * sum(indicator.counted for indicator in region)
    contributions = {innovation.key: innovation_scale * innovation.points for innovation in innovations}
    innovation_part = sum(contributions.values())
    gains = [Gain(None, indicator.code, region_scale * indicator.missing) for indicator in region]
    gains += [Gain(innovation.key, indicator.code, innovation_scale * indicator.missing)
              for innovation in innovations for indicator in innovation.indicators]
    gains = sorted((gain for gain in gains if gain.index_points > 0),
                   key=lambda gain: (-gain.index_points, gain.innovation is not None, gain.innovation or 0, gain.code))
    anything_verified = any(i.verified for i in region) or any(
        i.verified for innovation in innovations for i in innovation.indicators)
    score = round(region_part + innovation_part, 2)
    return Estimate(score=score, category=category_of(score, anything_verified), region_part=region_part,
                    innovation_part=innovation_part, divisor=divisor, contributions=contributions, gains=gains,
                    region_point=region_scale, innovation_point=innovation_scale)
