"""The region's own evidence for the national index (DESIGN §9): Bappeda claims a level per
region indicator of the cycle's set with a document, and a second admin verifies it (never
the admin who claimed it, also enforced by the database).

The region's levels are the set's own (no per-cycle copy: no agency adjusts them); the points
of the verified level are copied onto the claim as for an innovation's claim. A cycle whose
region indicators have claims keeps the set of those claims.
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core import audit
from app.core.extensions import db
from app.maturity import indicator_sets, services
from app.maturity.services import FieldError, LevelValue, ServiceError, apply_verdict
from app.models import Cycle, Indicator, IndicatorSet, RegionClaim, User
from app.models._types import utcnow
from app.proposals.services import store_checked_file


@dataclass
class RegionScale(services.LevelLookup):
    """The region indicators a cycle uses and the levels of each."""

    set: IndicatorSet | None
    indicators: list[Indicator]
    levels: dict[int, list[LevelValue]]


def region_scale(cycle: Cycle) -> RegionScale:
    """The cycle's region set (the one its claims were made on, else the newest of its year or
    before), its active indicators and their levels: at most four queries."""
    claimed_set = db.session.scalar(
        select(Indicator.set_id).join(RegionClaim, RegionClaim.indicator_id == Indicator.id)
        .where(RegionClaim.cycle_id == cycle.id).limit(1))
    chosen = (db.session.get(IndicatorSet, claimed_set) if claimed_set is not None
              else indicator_sets.set_for(cycle.year, "region"))
    if chosen is None:
        return RegionScale(None, [], {})
    indicators = list(db.session.scalars(select(Indicator).where(Indicator.set_id == chosen.id, Indicator.active)
                                         .order_by(Indicator.order, Indicator.id)))
    levels = {indicator_id: [LevelValue(*value) for value in values]
              for indicator_id, values in indicator_sets.set_levels(chosen.id).items()}
    return RegionScale(chosen, indicators, levels)


def claims_of(cycle: Cycle) -> dict[int, RegionClaim]:
    """The cycle's region claims by indicator, in one query."""
    return {claim.indicator_id: claim
            for claim in db.session.scalars(select(RegionClaim).where(RegionClaim.cycle_id == cycle.id))}


def get_claim(cycle: Cycle, indicator_id: int) -> RegionClaim | None:
    return db.session.scalar(select(RegionClaim).where(RegionClaim.cycle_id == cycle.id,
                                                       RegionClaim.indicator_id == indicator_id))


def claim(cycle: Cycle, indicator: Indicator, admin: User, *, level: int | None, note: str,
          filename: str | None = None, stream=None) -> RegionClaim:
    """Claim a level on one region indicator with its evidence. A new claim needs a document;
    a re-claim may keep the document it had. Either way it goes back to verification."""
    if cycle.closed:
        raise ServiceError(_("Siklus %(year)d sudah ditutup; bukti tidak dapat diubah.", year=cycle.year))
    scale = region_scale(cycle)
    if not scale.includes(indicator.id):
        raise ServiceError(_("Indikator ini tidak dipakai pada siklus %(year)d.", year=cycle.year))
    if scale.level(indicator.id, level) is None:
        raise FieldError(_("Pilih level yang diklaim."), "level")
    existing = get_claim(cycle, indicator.id)
    if not filename and existing is None:
        raise FieldError(_("Unggah dokumen bukti."), "file")
    stored = store_checked_file(filename, stream) if filename else None
    note = (note or "").replace("\r\n", "\n").strip()
    claimed = existing
    if claimed is None:
        claimed = RegionClaim(cycle_id=cycle.id, indicator_id=indicator.id, claimant_id=admin.id,
                              claimed_level=level, original_name=stored.original_name,
                              stored_name=stored.stored_name, content_type=stored.content_type,
                              size=stored.size, sha256=stored.sha256)
        try:
            with db.session.begin_nested():
                db.session.add(claimed)
        except IntegrityError:  # claimed in a parallel request: this claim replaces that one
            claimed = get_claim(cycle, indicator.id)
    if stored is not None:
        claimed.original_name, claimed.stored_name = stored.original_name, stored.stored_name
        claimed.content_type, claimed.size, claimed.sha256 = stored.content_type, stored.size, stored.sha256
    claimed.claimed_level = level
    claimed.note = note
    claimed.claimant_id = admin.id
    claimed.claimed_at = utcnow()
    claimed.status = "pending"
    claimed.verified_level = claimed.verified_points = claimed.verifier_id = claimed.verified_at = None
    claimed.reason = ""
    db.session.flush()
    audit.record("region_claimed", actor=admin, summary=f"{indicator.name}: level {level}",
                 indicator=indicator.code, indicator_name=indicator.name, level=level, year=cycle.year,
                 claim_id=claimed.id, sha256=claimed.sha256)
    return claimed


def verify(claimed: RegionClaim, verifier: User, decision: str, *, level: int | None = None,
           reason: str = "") -> RegionClaim:
    """A second admin's verdict on a region claim (the rule of apply_verdict)."""
    if claimed.cycle.closed:
        raise ServiceError(_("Siklus %(year)d sudah ditutup; verifikasi tidak dapat diubah.", year=claimed.cycle.year))
    if verifier.id == claimed.claimant_id:
        raise FieldError(_("Klaim ini Anda buat sendiri; admin lain yang memverifikasinya."), "decision")
    scale = region_scale(claimed.cycle)
    apply_verdict(claimed, verifier, decision, lambda number: scale.level(claimed.indicator_id, number),
                  level=level, reason=reason)
    db.session.flush()
    audit.record("region_verified", actor=verifier, summary=f"{claimed.indicator.name}: {claimed.status}",
                 indicator=claimed.indicator.code, indicator_name=claimed.indicator.name, claim_id=claimed.id,
                 decision=claimed.status, claimed_level=claimed.claimed_level,
                 verified_level=claimed.verified_level, verified_points=claimed.verified_points,
                 reason=claimed.reason, year=claimed.cycle.year)
    return claimed
