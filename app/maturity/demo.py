"""Demo maturity evidence: the national indicator sets, claims on the demo's approved and
implemented innovations, some verified, and the region's evidence for the current cycle
(claimed by one admin, partly verified by the other). Creates only what is missing (safe to
run twice)."""
import io

from sqlalchemy import select

from app.core.extensions import db
from app.core.cycles import current_cycle
from app.maturity import region, services
from app.models import APPROVED_STATUSES, Attachment, Claim, Proposal, RegionClaim, User

DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def load() -> None:
    """Indicators, then on each approved or implemented demo innovation: claims on the first
    indicators; the first two accepted, the third lowered with a reason, the fourth sent back."""
    services.load_indicators()
    proposals = db.session.scalars(select(Proposal).where(Proposal.status.in_(APPROVED_STATUSES))
                                   .order_by(Proposal.id)).all()
    verifier = db.session.scalar(select(User).where(User.role == "reviewer", User.active.is_(True)).order_by(User.id))
    for proposal in proposals:
        if proposal.cycle.closed:
            continue
        if db.session.scalar(select(Claim.id).where(Claim.proposal_id == proposal.id).limit(1)) is not None:
            continue
        claimant = db.session.scalar(select(User).where(User.agency_id == proposal.agency_id, User.active.is_(True))
                                     .order_by(User.id))
        if claimant is None:
            continue
        scale = services.store_levels(proposal.cycle)
        attachment = db.session.scalar(select(Attachment).where(Attachment.proposal_id == proposal.id)
                                       .order_by(Attachment.id))
        for index, indicator in enumerate(scale.indicators[:5]):
            top = len(scale.levels_of(indicator.id))
            if attachment is not None:
                claim = services.claim_level(proposal, indicator, claimant, level=top, note="Bukti contoh untuk demo.",
                                             attachment_id=attachment.id)
            else:
                claim = services.claim_level(proposal, indicator, claimant, level=top, note="Bukti contoh untuk demo.",
                                             filename=f"bukti-{indicator.code}.pdf", stream=io.BytesIO(DEMO_PDF))
                attachment = claim.attachment
            if verifier is None or verifier.agency_id == proposal.agency_id:
                continue
            if index < 2:
                services.verify_claim(claim, verifier, "accept")
            elif index == 2 and top > 1:
                services.verify_claim(claim, verifier, "downgrade", level=top - 1,
                                      reason="Dokumen baru mencakup sebagian tahun anggaran.")
            elif index == 3:
                services.verify_claim(claim, verifier, "needs_evidence",
                                      reason="Lampirkan dokumen yang ditandatangani dan bertanggal.")
    db.session.flush()
    load_region()


def load_region() -> None:
    """The first six region indicators claimed at their top level by the first admin; the second
    admin accepts three, lowers one and leaves two waiting."""
    cycle = current_cycle()
    admins = db.session.scalars(select(User).where(User.role == "admin", User.active.is_(True))
                                .order_by(User.id).limit(2)).all()
    if cycle is None or cycle.closed or not admins:
        return
    if db.session.scalar(select(RegionClaim.id).where(RegionClaim.cycle_id == cycle.id).limit(1)) is not None:
        return
    scale = region.region_scale(cycle)
    for index, indicator in enumerate(scale.indicators[:6]):
        top = len(scale.levels_of(indicator.id))
        claimed = region.claim(cycle, indicator, admins[0], level=top, note="Dokumen contoh untuk demo.",
                               filename=f"bukti-daerah-{indicator.code}.pdf", stream=io.BytesIO(DEMO_PDF))
        if len(admins) < 2 or index >= 4:
            continue
        if index == 3 and top > 1:
            region.verify(claimed, admins[1], "downgrade", level=top - 1,
                          reason="Dokumen belum ditandatangani kepala daerah.")
        else:
            region.verify(claimed, admins[1], "accept")
    db.session.flush()
