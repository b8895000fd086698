"""Indicators, per-cycle levels, evidence claims, verification and scores.

Indicators and their levels come from the year's indicator set (indicator_sets). A cycle
without stored levels uses the levels of the newest earlier cycle that has some for the
indicators of its set (or the set's own); the first change
in the cycle (a claim, a verification, an admin edit) stores that copy, so a
later edit of another cycle never moves them. Verified points are copied onto
the claim when it is verified, so no level edit ever rewrites a verified score.

Services validate, change, flush and audit; they never commit (the view does).
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.core import audit, signals
from app.core.cycles import city_today
from app.core.extensions import db
from app.core.i18n import DEFAULT_LANGUAGE, current_language, gettext
from app.core.messages import register_data
from app.maturity import indicator_sets
from app.models import (
    APPROVED_STATUSES,
    VERIFIED_STATUSES,
    Attachment,
    Claim,
    Cycle,
    Indicator,
    IndicatorLevel,
    Proposal,
    User,
    VerifiedClaim,
)
from app.models._types import utcnow
from app.proposals.services import ServiceError, add_attachment

DECISIONS = ("accept", "downgrade", "needs_evidence")
MAX_LEVELS = indicator_sets.MAX_LEVELS


class FieldError(ServiceError):
    """A refused change caused by one form field (named), so the view shows it beside that field."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


# --- indicators ----------------------------------------------------------------

def indicator_text(text: str) -> str:
    """An indicator's name, evidence or level text in the current language.

    The shipped texts are data in two languages (app/data/indicators/), so
    English shows the English row of the same indicator; a text an admin typed
    or changed has no English and is shown as written. Generic levels come from
    the catalogue."""
    if not text or current_language() == DEFAULT_LANGUAGE:
        return text
    return indicator_sets.english_texts().get(text) or gettext(text)


register_data("indicator", indicator_text)  # notifications name indicators in the reader's language


def load_indicators(actor: User | None = None, year: int | None = None) -> int:
    """Add the shipped indicator sets and indicators that are missing; returns how many were added."""
    return indicator_sets.load_shipped(year, actor)


def save_indicator(indicator: Indicator | None, actor: User, *, code: str, name: str, evidence: str,
                   order: int, active: bool) -> Indicator:
    """Create an indicator or change its name, evidence text, order and active flag."""
    code = (code or "").strip().lower()
    if indicator is None:
        # A new indicator joins the innovation set the current year uses.
        indicator_set = indicator_sets.set_for(city_today().year, "innovation")
        if indicator_set is None:
            raise ServiceError(_("Muat set indikator nasional terlebih dahulu."))
        if db.session.scalar(select(Indicator.id).where(Indicator.set_id == indicator_set.id,
                                                        Indicator.code == code)) is not None:
            raise ServiceError(_("Kode indikator \"%(code)s\" sudah dipakai.", code=code))
        indicator = Indicator(code=code, set=indicator_set)
        indicator_sets.add_generic_levels(indicator)
        db.session.add(indicator)
    indicator.name = name.strip()
    indicator.evidence = (evidence or "").replace("\r\n", "\n").strip()
    indicator.order = order
    indicator.active = active
    db.session.flush()
    audit.record("maturity_indicator_saved", target=indicator, actor=actor, summary=indicator.name,
                 code=indicator.code, active=indicator.active)
    return indicator


# --- levels per cycle --------------------------------------------------------------

@dataclass(frozen=True)
class LevelValue:
    level: int
    description: str
    points: int


class LevelLookup:
    """Reading an indicator's levels from `levels` (by indicator id), for any scale of indicators."""

    indicators: list[Indicator]
    levels: dict[int, list[LevelValue]]

    def levels_of(self, indicator_id: int) -> list[LevelValue]:
        return self.levels.get(indicator_id, [])

    def level(self, indicator_id: int, number: int | None) -> LevelValue | None:
        return next((value for value in self.levels_of(indicator_id) if value.level == number), None)

    def max_points_of(self, indicator_id: int) -> int:
        return max((value.points for value in self.levels_of(indicator_id)), default=0)

    @property
    def max_points(self) -> int:
        return sum(self.max_points_of(indicator.id) for indicator in self.indicators)

    def includes(self, indicator_id: int) -> bool:
        return any(indicator.id == indicator_id for indicator in self.indicators)


@dataclass
class Scale(LevelLookup):
    """The indicators that count in a cycle and the levels of each."""

    cycle: Cycle
    indicators: list[Indicator]
    levels: dict[int, list[LevelValue]]
    stored: bool  # the cycle has its own level rows


def _level_rows(cycle_id: int):
    """(indicator_id, set_id, level, description, points) rows of the cycle's stored levels:
    plain rows, since every proposal page reads them; the set is the one the cycle keeps."""
    return db.session.execute(
        select(IndicatorLevel.indicator_id, Indicator.set_id, IndicatorLevel.level, IndicatorLevel.description,
               IndicatorLevel.points)
        .join(Indicator, Indicator.id == IndicatorLevel.indicator_id)
        .where(IndicatorLevel.cycle_id == cycle_id).order_by(IndicatorLevel.indicator_id, IndicatorLevel.level)
    ).all()


def scale_for(cycle: Cycle) -> Scale:
    """The cycle's indicators and levels in at most five queries, two when the cycle has its
    levels stored for every indicator (nothing is written)."""
    rows = _level_rows(cycle.id)
    stored = bool(rows)
    set_id = rows[0].set_id if stored else None
    if set_id is None:
        chosen = indicator_sets.set_for(cycle.year, "innovation")
        set_id = chosen.id if chosen else None
    if not stored:
        source_id = db.session.scalar(
            select(IndicatorLevel.cycle_id).join(Cycle, Cycle.id == IndicatorLevel.cycle_id)
            .where(Cycle.year < cycle.year).order_by(Cycle.year.desc()).limit(1))
        if source_id is not None:
            rows = _level_rows(source_id)
    levels: dict[int, list[LevelValue]] = {}
    for row in rows:
        levels.setdefault(row.indicator_id, []).append(LevelValue(row.level, row.description, row.points))
    indicators = list(db.session.scalars(select(Indicator).where(Indicator.set_id == set_id)
                                         .order_by(Indicator.order, Indicator.id)))
    if cycle.closed and stored:
        # A closed cycle keeps exactly the indicators it was scored on.
        indicators = [indicator for indicator in indicators if indicator.id in levels]
    else:
        indicators = [indicator for indicator in indicators if indicator.active]
        missing = [indicator for indicator in indicators if indicator.id not in levels]
        # The set's own levels, for an indicator added since the cycle's levels were stored.
        defaults = indicator_sets.set_levels(set_id) if missing and set_id is not None else {}
        for indicator in missing:
            levels[indicator.id] = [LevelValue(*value) for value in defaults.get(indicator.id, [])]
    return Scale(cycle=cycle, indicators=indicators, levels=levels, stored=stored)


def store_levels(cycle: Cycle) -> Scale:
    """Store the cycle's levels as rows (copied from the scale it uses now) where missing."""
    scale = scale_for(cycle)
    if cycle.closed:
        return scale
    present = set()
    if scale.stored:
        present = set(db.session.scalars(select(IndicatorLevel.indicator_id)
                                         .where(IndicatorLevel.cycle_id == cycle.id).distinct()))
    added = False
    for indicator in scale.indicators:
        if indicator.id in present:
            continue
        for value in scale.levels_of(indicator.id):
            db.session.add(IndicatorLevel(cycle_id=cycle.id, indicator_id=indicator.id, level=value.level,
                                          description=value.description, points=value.points))
            added = True
    if added:
        db.session.flush()
        scale.stored = True
    return scale


def save_levels(cycle: Cycle, indicator: Indicator, actor: User, values: list[tuple[str, int]]) -> list[LevelValue]:
    """Replace an indicator's levels in an open cycle by `values` (description, points), level 1 first.

    Refused for a closed cycle (its verified scores are final), for points that
    fall as the level rises, and for removing a level that a claim of the cycle uses.
    """
    if cycle.closed:
        raise ServiceError(_("Siklus %(year)d sudah ditutup; level dan poinnya tidak dapat diubah.", year=cycle.year))
    if not values:
        raise ServiceError(_("Isi paling sedikit satu level."))
    if len(values) > MAX_LEVELS:
        raise ServiceError(_("Paling banyak %(n)d level.", n=MAX_LEVELS))
    points = [value[1] for value in values]
    if any(p < 0 for p in points) or points != sorted(points):
        raise ServiceError(_("Poin tidak boleh negatif dan tidak boleh turun ketika level naik."))
    highest_claimed = db.session.scalar(
        select(Claim.claimed_level).join(Proposal, Proposal.id == Claim.proposal_id)
        .where(Proposal.cycle_id == cycle.id, Claim.indicator_id == indicator.id)
        .order_by(Claim.claimed_level.desc()).limit(1))
    if highest_claimed is not None and highest_claimed > len(values):
        raise ServiceError(_("Level %(level)d sudah diklaim pada siklus ini, jadi tidak dapat dihapus.",
                             level=highest_claimed))
    store_levels(cycle)
    before = [(row.level, row.description, row.points) for row in db.session.scalars(
        select(IndicatorLevel).where(IndicatorLevel.cycle_id == cycle.id, IndicatorLevel.indicator_id == indicator.id)
        .order_by(IndicatorLevel.level))]
    db.session.execute(delete(IndicatorLevel).where(IndicatorLevel.cycle_id == cycle.id,
                                                    IndicatorLevel.indicator_id == indicator.id))
    for number, (description, point) in enumerate(values, start=1):
        db.session.add(IndicatorLevel(cycle_id=cycle.id, indicator_id=indicator.id, level=number,
                                      description=description.strip(), points=point))
    db.session.flush()
    audit.record("maturity_levels_changed", target=indicator, actor=actor,
                 summary=f"{indicator.name} ({cycle.year})", year=cycle.year,
                 before=[list(row) for row in before],
                 after=[[number, d.strip(), p] for number, (d, p) in enumerate(values, start=1)])
    return [LevelValue(number, d.strip(), p) for number, (d, p) in enumerate(values, start=1)]


# --- claims and verification -------------------------------------------------------

def get_claim(proposal_id: int, indicator_id: int) -> Claim | None:
    return db.session.scalar(select(Claim).where(Claim.proposal_id == proposal_id, Claim.indicator_id == indicator_id))


def claim_level(proposal: Proposal, indicator: Indicator, claimant: User, *, level: int | None, note: str,
                attachment_id: int | None = None, filename: str | None = None, stream=None) -> Claim:
    """Claim a level on one indicator with its evidence: an attachment of the proposal, or a new
    upload (checked by the proposals' upload service). Re-claiming replaces the claim and sends it
    back to verification; the public flag is cleared since the evidence is no longer the one vetted.
    """
    if proposal.cycle.closed:
        raise ServiceError(_("Siklus %(year)d sudah ditutup; bukti tidak dapat diubah.", year=proposal.cycle.year))
    scale = store_levels(proposal.cycle)
    if not scale.includes(indicator.id):
        raise ServiceError(_("Indikator ini tidak dipakai pada siklus %(year)d.", year=proposal.cycle.year))
    if scale.level(indicator.id, level) is None:
        raise FieldError(_("Pilih level yang diklaim."), "level")
    note = (note or "").replace("\r\n", "\n").strip()
    attachment = None
    if not filename:
        if attachment_id:
            attachment = db.session.get(Attachment, attachment_id)
        if attachment is None or attachment.proposal_id != proposal.id:
            raise FieldError(_("Pilih dokumen bukti dari lampiran usulan atau unggah berkas baru."), "attachment_id")
    else:
        # Checked last so that a refused claim never leaves an uploaded file behind.
        attachment = add_attachment(proposal, claimant, filename, stream)

    claim = get_claim(proposal.id, indicator.id)
    if claim is None:
        claim = Claim(proposal_id=proposal.id, indicator_id=indicator.id, claimant_id=claimant.id,
                      claimed_level=level, attachment=attachment)
        try:
            with db.session.begin_nested():
                db.session.add(claim)
        except IntegrityError:  # the same indicator claimed in a parallel request: update that claim
            claim = get_claim(proposal.id, indicator.id)
    claim.claimed_level = level
    claim.note = note
    claim.attachment = attachment
    claim.claimant_id = claimant.id
    claim.claimed_at = utcnow()
    claim.status = "pending"
    claim.verified_level = None
    claim.verified_points = None
    claim.verifier_id = None
    claim.reason = ""
    claim.verified_at = None
    claim.public = False
    db.session.flush()
    audit.record("maturity_claimed", target=proposal, actor=claimant,
                 summary=f"{indicator.name}: level {level}", indicator=indicator.code, indicator_name=indicator.name,
                 level=level, attachment_id=attachment.id, claim_id=claim.id)
    return claim


def apply_verdict(claim: VerifiedClaim, verifier: User, decision: str, level_of, *, level: int | None,
                  reason: str) -> LevelValue | None:
    """The one rule of a verification, for an innovation's claim and the region's alike: accept
    the claimed level, set a lower one (reason required) or ask for better evidence (reason
    required). `level_of(number)` is the level as the claim's scale holds it. The verified
    level's points are copied onto the claim; returns that level (None when evidence is asked for)."""
    if decision not in DECISIONS:
        raise FieldError(_("Pilih hasil verifikasi."), "decision")
    reason = (reason or "").replace("\r\n", "\n").strip()
    if decision == "accept":
        verified = level_of(claim.claimed_level)
        if verified is None:
            raise FieldError(_("Level yang diklaim tidak ada lagi pada siklus ini; minta pengusul mengklaim ulang."),
                             "decision")
        status = "accepted"
    elif decision == "downgrade":
        if not reason:
            raise FieldError(_("Tuliskan alasan menurunkan level."), "reason")
        verified = level_of(level)
        if verified is None or verified.level >= claim.claimed_level:
            raise FieldError(_("Pilih level yang lebih rendah dari level yang diklaim."), "level")
        status = "downgraded"
    else:
        if not reason:
            raise FieldError(_("Tuliskan bukti apa yang masih kurang."), "reason")
        verified = None
        status = "needs_evidence"
    claim.status = status
    claim.verified_level = verified.level if verified else None
    claim.verified_points = verified.points if verified else None
    claim.verifier_id = verifier.id
    claim.reason = reason
    claim.verified_at = utcnow()
    return verified


def verify_claim(claim: Claim, verifier: User, decision: str, *, level: int | None = None, reason: str = "") -> Claim:
    """Verify an innovation's claim (apply_verdict) against its cycle's levels."""
    proposal = claim.proposal
    if proposal.cycle.closed:
        raise ServiceError(_("Siklus %(year)d sudah ditutup; verifikasi tidak dapat diubah.", year=proposal.cycle.year))
    if decision not in DECISIONS:
        raise FieldError(_("Pilih hasil verifikasi."), "decision")
    scale = store_levels(proposal.cycle)
    verified = apply_verdict(claim, verifier, decision, lambda number: scale.level(claim.indicator_id, number),
                             level=level, reason=reason)
    if verified is None:
        claim.public = False
    db.session.flush()
    audit.record("maturity_verified", target=proposal, actor=verifier,
                 summary=f"{claim.indicator.name}: {claim.status}", indicator=claim.indicator.code,
                 indicator_name=claim.indicator.name, claim_id=claim.id,
                 decision=claim.status, claimed_level=claim.claimed_level, verified_level=claim.verified_level,
                 verified_points=claim.verified_points, reason=claim.reason)
    signals.claim_verified.send(proposal, claim=claim, actor=verifier)
    return claim


def set_claim_public(claim: Claim, admin: User, public: bool) -> Claim:
    """Let (or stop) the public innovation page show this verified indicator."""
    if public and not claim.verified:
        raise ServiceError(_("Hanya bukti yang sudah diverifikasi yang dapat ditampilkan ke publik."))
    claim.public = public
    db.session.flush()
    audit.record("maturity_claim_public", target=claim.proposal, actor=admin,
                 summary=f"{claim.indicator.name}: {'publik' if public else 'internal'}",
                 indicator=claim.indicator.code, indicator_name=claim.indicator.name, claim_id=claim.id, public=public)
    return claim


# --- scores ---------------------------------------------------------------------

@dataclass
class InnovationScore:
    """Maturity of one innovation against its cycle's scale."""

    proposal: Proposal
    max_points: int
    indicators: int
    verified_points: int = 0
    verified: int = 0
    pending: list[Indicator] = field(default_factory=list)
    needs_evidence: list[Indicator] = field(default_factory=list)
    missing: list[Indicator] = field(default_factory=list)

    @property
    def score(self) -> float:
        """Verified points as a share of the maximum, 0–100."""
        return 100.0 * self.verified_points / self.max_points if self.max_points else 0.0

    @property
    def verified_share(self) -> float:
        """Share (0–100) of the indicators whose evidence is verified."""
        return 100.0 * self.verified / self.indicators if self.indicators else 0.0

    @property
    def ready(self) -> bool:
        """Every indicator has verified evidence: ready for the national assessment."""
        return self.indicators > 0 and self.verified == self.indicators

    @property
    def gaps(self) -> int:
        return self.indicators - self.verified


def score_claims(proposal: Proposal, scale: Scale, claims: list[Claim]) -> InnovationScore:
    """The score of one innovation from its claims (verified points are the stored snapshot)."""
    by_indicator = {claim.indicator_id: claim for claim in claims}
    result = InnovationScore(proposal=proposal, max_points=scale.max_points, indicators=len(scale.indicators))
    for indicator in scale.indicators:
        claim = by_indicator.get(indicator.id)
        if claim is None:
            result.missing.append(indicator)
        elif claim.status in VERIFIED_STATUSES:
            result.verified += 1
            result.verified_points += claim.verified_points or 0
        elif claim.status == "needs_evidence":
            result.needs_evidence.append(indicator)
        else:
            result.pending.append(indicator)
    return result


def claims_of(proposal_ids: list[int]) -> dict[int, list[Claim]]:
    """Claims of many proposals in one query."""
    grouped: dict[int, list[Claim]] = {pid: [] for pid in proposal_ids}
    if proposal_ids:
        for claim in db.session.scalars(select(Claim).where(Claim.proposal_id.in_(proposal_ids))):
            grouped[claim.proposal_id].append(claim)
    return grouped


def scores_for(proposals: list[Proposal], scale: Scale) -> list[InnovationScore]:
    """Scores of many innovations of one cycle: one query for the claims."""
    claims = claims_of([proposal.id for proposal in proposals])
    return [score_claims(proposal, scale, claims[proposal.id]) for proposal in proposals]


def innovations(cycle: Cycle, agency_id: int | None = None) -> list[Proposal]:
    """The cycle's approved and implemented innovations (optionally of one agency), with their agency."""
    stmt = (select(Proposal).options(joinedload(Proposal.agency))
            .where(Proposal.cycle_id == cycle.id, Proposal.status.in_(APPROVED_STATUSES))
            .order_by(Proposal.title, Proposal.id))
    if agency_id is not None:
        stmt = stmt.where(Proposal.agency_id == agency_id)
    return list(db.session.scalars(stmt))


@dataclass
class AgencySummary:
    agency_name: str
    agency_code: str
    scores: list[InnovationScore]

    @property
    def ready(self) -> int:
        return sum(1 for score in self.scores if score.ready)

    @property
    def at_risk(self) -> int:
        return len(self.scores) - self.ready

    @property
    def mean_score(self) -> float:
        return sum(score.score for score in self.scores) / len(self.scores) if self.scores else 0.0


@dataclass
class CitySummary:
    cycle: Cycle
    scale: Scale
    agencies: list[AgencySummary]

    @property
    def scores(self) -> list[InnovationScore]:
        return [score for agency in self.agencies for score in agency.scores]

    @property
    def ready(self) -> int:
        return sum(agency.ready for agency in self.agencies)

    @property
    def at_risk(self) -> int:
        return sum(agency.at_risk for agency in self.agencies)


def city_summary(cycle: Cycle) -> CitySummary:
    """Per agency and for the city: innovations ready for the national assessment and those at
    risk of a "disclaimer" (missing or unverified evidence). A constant number of queries."""
    scale = scale_for(cycle)
    scores = scores_for(innovations(cycle), scale)
    agencies: dict[int, AgencySummary] = {}
    for score in scores:
        agency = score.proposal.agency
        agencies.setdefault(agency.id, AgencySummary(agency.name, agency.code, [])).scores.append(score)
    ordered = sorted(agencies.values(), key=lambda a: (-a.at_risk, a.agency_name))
    return CitySummary(cycle=cycle, scale=scale, agencies=ordered)


def public_indicators(proposal: Proposal) -> list[tuple[Indicator, LevelValue | None, int]]:
    """(indicator, verified level, level count) of the verified claims an admin marked public,
    only for an innovation on the showcase; nothing otherwise."""
    if not proposal.on_showcase:
        return []
    claims = list(db.session.scalars(
        select(Claim).join(Indicator, Indicator.id == Claim.indicator_id).options(joinedload(Claim.indicator))
        .where(Claim.proposal_id == proposal.id, Claim.public.is_(True), Claim.status.in_(VERIFIED_STATUSES))
        .order_by(Indicator.order, Indicator.id)))
    if not claims:
        return []
    scale = scale_for(proposal.cycle)
    return [(claim.indicator, scale.level(claim.indicator_id, claim.verified_level),
             len(scale.levels_of(claim.indicator_id))) for claim in claims]
