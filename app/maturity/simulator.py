"""The index simulator and readiness checks of /admin/index (DESIGN §9), on the formula of
app/maturity/index.py.

The innovations are the cycle's approved and implemented ones. An indicator's points are its
verified level's points times the indicator's weight; only verified claims count, and the
claims still waiting (pending, or sent back for better evidence) are listed apart with what
they would add if verified as claimed. The aspects' weights are those of their sets; when two
sets of different guides do not add up to 100 % they are scaled to, and the page says so.

A constant number of queries, whatever the number of innovations and claims.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.affairs import all_affairs
from app.maturity import index, region, services
from app.models import Claim, Cycle, Indicator, Proposal, RegionClaim, VERIFIED_STATUSES
from app.proposals.status import DESIGN_MIN_WORDS, word_count

MIN_INNOVATIONS = index.MIN_DIVISOR
TOP_GAINS = 10
# The priority affairs a city's innovations should cover: the basic services every region must
# provide (urusan wajib pelayanan dasar, the "wajib_dasar" group of app/data/affairs.csv).
PRIORITY_AFFAIR_GROUP = "wajib_dasar"
CATEGORY_NAMES = {
    "sangat_inovatif": _l("Sangat Inovatif"),
    "inovatif": _l("Inovatif"),
    "kurang_inovatif": _l("Kurang Inovatif"),
    index.NO_SCORE_CATEGORY: _l("Tidak dapat dinilai (disclaimer)"),
}

# What stands between an indicator and its top verified level.
GAP_STATES = {
    "missing": _l("Belum ada bukti"),
    "pending": _l("Menunggu verifikasi"),
    "needs_evidence": _l("Bukti diminta lagi"),
    "higher": _l("Terverifikasi di bawah level tertinggi"),
}


@dataclass
class Gap:
    """One indicator (of an innovation, or of the region) below its top verified level."""

    indicator: Indicator
    proposal: Proposal | None  # None: a region indicator
    index_points: float
    state: str  # "missing", "pending", "needs_evidence", "higher" (verified below the top)


@dataclass
class Waiting:
    """A claim not verified yet: shown apart, never counted."""

    indicator: Indicator
    proposal: Proposal | None
    claim: Claim | RegionClaim
    index_points: float  # what it would add if verified as claimed


@dataclass
class InnovationShare:
    proposal: Proposal
    index_points: float
    verified: int
    indicators: int


@dataclass
class Check:
    """One readiness check: passed, or the lines that fail it, each with the page that fixes it."""

    title: str
    passed: bool
    failures: list[tuple[str, str]] = field(default_factory=list)  # (what, url)


@dataclass
class Simulation:
    cycle: Cycle
    estimate: index.Estimate
    weights: index.Weights
    weights_rescaled: bool
    region_scale: "region.RegionScale"
    region_claims: dict[int, RegionClaim]
    innovations: list[InnovationShare]
    gaps: list[Gap]
    waiting: list[Waiting]
    checks: list[Check]

    @property
    def category_name(self) -> str:
        return str(CATEGORY_NAMES[self.estimate.category])

    @property
    def ready(self) -> bool:
        return all(check.passed for check in self.checks)


def _points(position: int, claim, max_points: float, weight: float) -> index.IndicatorPoints:
    """An indicator's points for the formula; its code is its position in the scale, so the
    formula's gains map back to indicators."""
    verified = claim is not None and claim.status in VERIFIED_STATUSES
    return index.IndicatorPoints(code=f"{position:04d}", max_points=max_points * weight,
                                 points=(claim.verified_points or 0) * weight if verified else 0.0,
                                 verified=verified)


def _weights(innovation_weight: Decimal | None, region_weight: Decimal | None) -> tuple[index.Weights, bool]:
    innovation_share = float(innovation_weight or 0)
    region_share = float(region_weight or 0)
    total = innovation_share + region_share
    if total <= 0:
        return index.Weights(region=0.0, innovation=1.0), False
    rescaled = abs(total - 1) > 1e-9
    return index.Weights(region=region_share / total, innovation=innovation_share / total), rescaled


def simulate(cycle: Cycle, url_for) -> Simulation:
    """Everything /admin/index shows for one cycle. `url_for` builds the links of the checks."""
    scale = services.scale_for(cycle)
    innovation_set_weight = scale.indicators[0].set.weight if scale.indicators else None
    proposals = services.innovations(cycle)
    claims = services.claims_of([proposal.id for proposal in proposals])
    area = region.region_scale(cycle)
    region_claims = region.claims_of(cycle)
    weights, rescaled = _weights(innovation_set_weight, area.set.weight if area.set else None)

    def weight_of(indicator: Indicator) -> float:
        return float(indicator.weight or 1)

    region_points = [_points(n, region_claims.get(indicator.id), area.max_points_of(indicator.id),
                             weight_of(indicator)) for n, indicator in enumerate(area.indicators)]
    innovation_points = []
    for proposal in proposals:
        by_indicator = {claim.indicator_id: claim for claim in claims[proposal.id]}
        innovation_points.append(index.InnovationPoints(key=proposal.id, indicators=tuple(
            _points(n, by_indicator.get(indicator.id), scale.max_points_of(indicator.id), weight_of(indicator))
            for n, indicator in enumerate(scale.indicators))))
    innovation_max = sum(scale.max_points_of(i.id) * weight_of(i) for i in scale.indicators)
    estimate = index.estimate(region_points, innovation_points, weights, innovation_max)

    by_id = {proposal.id: proposal for proposal in proposals}

    def state_of(claim) -> str:
        if claim is None:
            return "missing"
        if claim.status in VERIFIED_STATUSES:
            return "higher"
        return claim.status  # pending, needs_evidence

    gaps = []
    for gain in estimate.gains[:TOP_GAINS]:
        position = int(gain.code)
        if gain.innovation is None:
            indicator = area.indicators[position]
            claim = region_claims.get(indicator.id)
            gaps.append(Gap(indicator, None, gain.index_points, state_of(claim)))
        else:
            indicator = scale.indicators[position]
            claim = next((c for c in claims[gain.innovation] if c.indicator_id == indicator.id), None)
            gaps.append(Gap(indicator, by_id[gain.innovation], gain.index_points, state_of(claim)))

    waiting = []
    for indicator in area.indicators:
        claimed = region_claims.get(indicator.id)
        if claimed is not None and claimed.status not in VERIFIED_STATUSES:
            level = area.level(indicator.id, claimed.claimed_level)
            waiting.append(Waiting(indicator, None, claimed,
                                   estimate.region_point * (level.points if level else 0) * weight_of(indicator)))
    indicators_by_id = {indicator.id: indicator for indicator in scale.indicators}
    for proposal in proposals:
        for claim in claims[proposal.id]:
            indicator = indicators_by_id.get(claim.indicator_id)
            if indicator is None or claim.status in VERIFIED_STATUSES:
                continue
            level = scale.level(indicator.id, claim.claimed_level)
            waiting.append(Waiting(indicator, proposal, claim, estimate.innovation_point
                                   * (level.points if level else 0) * weight_of(indicator)))
    waiting.sort(key=lambda item: -item.index_points)

    shares = []
    for proposal, points in zip(proposals, innovation_points):
        shares.append(InnovationShare(proposal, estimate.contributions.get(proposal.id, 0.0),
                                      sum(1 for p in points.indicators if p.verified), len(points.indicators)))
    shares.sort(key=lambda share: (-share.index_points, share.proposal.title))

    checks = readiness(cycle, proposals, claims, scale, area, region_claims, url_for)
    return Simulation(cycle=cycle, estimate=estimate, weights=weights, weights_rescaled=rescaled,
                      region_scale=area, region_claims=region_claims, innovations=shares, gaps=gaps,
                      waiting=waiting, checks=checks)


def readiness(cycle: Cycle, proposals: list[Proposal], claims: dict[int, list[Claim]], scale, area,
              region_claims: dict[int, RegionClaim], url_for) -> list[Check]:
    """The checks before the export (DESIGN §9), each failing line with the page that fixes it."""
    checks = []
    count = len(proposals)
    checks.append(Check(
        _("Paling sedikit %(min)d inovasi dilaporkan", min=MIN_INNOVATIONS), count >= MIN_INNOVATIONS,
        [] if count >= MIN_INNOVATIONS else [(
            _("Baru %(n)d inovasi disetujui pada siklus %(year)d; kurang %(missing)d. Nilai inovasi dibagi "
              "%(min)d selama kurang dari %(min)d.", n=count, year=cycle.year, missing=MIN_INNOVATIONS - count,
              min=MIN_INNOVATIONS),
            url_for("proposals.index", status="in_review"))]))

    short = [(proposal, word_count(proposal.design)) for proposal in proposals
             if word_count(proposal.design) < DESIGN_MIN_WORDS]
    checks.append(Check(
        _("Rancang bangun setiap inovasi paling sedikit %(min)d kata", min=DESIGN_MIN_WORDS), not short,
        [(_("%(title)s: %(n)d kata", title=proposal.title, n=words),
          url_for("proposals.detail", proposal_id=proposal.id)) for proposal, words in short]))

    unclaimed = []
    for proposal in proposals:
        claimed = {claim.indicator_id for claim in claims[proposal.id] if claim.attachment_id}
        missing = [indicator for indicator in scale.indicators if indicator.id not in claimed]
        if missing:
            unclaimed.append((_("%(title)s: %(n)d indikator belum diklaim dengan bukti", title=proposal.title,
                                n=len(missing)), url_for("maturity.proposal", proposal_id=proposal.id)))
    region_missing = [indicator for indicator in area.indicators if indicator.id not in region_claims]
    if region_missing:
        unclaimed.append((_("Indikator daerah: %(n)d belum diklaim dengan bukti", n=len(region_missing)),
                          url_for("maturity.index_page", _anchor="region")))
    checks.append(Check(_("Setiap indikator diklaim dengan bukti"), not unclaimed, unclaimed))

    year_end = date(cycle.year, 12, 31)
    bad_dates = []
    for proposal in proposals:
        if proposal.implementation_date is None:
            problem = _("%(title)s: tanggal penerapan belum diisi", title=proposal.title)
        elif proposal.implementation_date > year_end:
            problem = _("%(title)s: tanggal penerapan sesudah akhir tahun %(year)d", title=proposal.title,
                        year=cycle.year)
        elif proposal.trial_date and proposal.trial_date > proposal.implementation_date:
            problem = _("%(title)s: uji coba sesudah tanggal penerapan", title=proposal.title)
        else:
            continue
        bad_dates.append((problem, url_for("proposals.detail", proposal_id=proposal.id)))
    checks.append(Check(_("Tanggal uji coba dan penerapan dalam rentang tahun %(year)d", year=cycle.year),
                        not bad_dates, bad_dates))

    priority = [affair for affair in all_affairs().values() if affair.group == PRIORITY_AFFAIR_GROUP]
    covered = {proposal.affair for proposal in proposals}
    uncovered = [(_("Belum ada inovasi urusan %(affair)s", affair=affair.name),
                  url_for("proposals.index", affair=affair.code)) for affair in priority if affair.code not in covered]
    checks.append(Check(_("Urusan wajib pelayanan dasar tercakup"), not uncovered, uncovered))
    return checks
