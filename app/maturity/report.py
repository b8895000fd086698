"""The admins' maturity export: one XLSX row per innovation × indicator of a cycle,
in the order of the national system's form, ready to transcribe."""
from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core.extensions import db
from app.core.labels import label
from app.maturity import services
from app.models import Claim, Cycle, User
from app.proposals.visibility import shown_agency
from app.web.xlsx import append_row, header_row


def workbook(cycle: Cycle, viewer: User) -> BytesIO:
    """Sheet 1: every innovation × indicator (claimed and verified level, points, evidence file).
    Sheet 2: one row per innovation with its score and readiness. A constant number of queries."""
    scale = services.scale_for(cycle)
    proposals = services.innovations(cycle)
    claims: dict[tuple[int, int], Claim] = {}
    if proposals:
        for claim in db.session.scalars(select(Claim).options(joinedload(Claim.attachment))
                                        .where(Claim.proposal_id.in_([p.id for p in proposals]))):
            claims[(claim.proposal_id, claim.indicator_id)] = claim

    book = Workbook()
    detail = book.active
    detail.title = _("Indikator")
    header_row(detail, [
        _("ID inovasi"), _("Judul inovasi"), _("Kode perangkat daerah"), _("Perangkat daerah"), _("Kode indikator"),
        _("Indikator"), _("Level diklaim"), _("Status verifikasi"), _("Level terverifikasi"), _("Poin terverifikasi"),
        _("Poin maksimum"), _("Berkas bukti"), _("Catatan"), _("Alasan verifikator"),
    ])
    for proposal in proposals:
        for indicator in scale.indicators:
            claim = claims.get((proposal.id, indicator.id))
            append_row(detail, [
                proposal.id, proposal.title, shown_agency(viewer, proposal, code=True), shown_agency(viewer, proposal),
                indicator.code,
                services.indicator_text(indicator.name), claim.claimed_level if claim else None,
                label("claim_status", claim.status) if claim else _("Belum ada bukti"),
                claim.verified_level if claim else None, claim.verified_points if claim else None,
                scale.max_points_of(indicator.id),
                claim.attachment.original_name if claim and claim.attachment else None,
                claim.note if claim else None, claim.reason if claim else None,
            ])

    summary = book.create_sheet(_("Ringkasan"))
    header_row(summary, [
        _("ID inovasi"), _("Judul inovasi"), _("Perangkat daerah"), _("Poin terverifikasi"), _("Poin maksimum"),
        _("Skor kematangan"), _("Indikator terverifikasi"), _("Jumlah indikator"), _("Siap dinilai"),
    ])
    by_proposal: dict[int, list[Claim]] = {}
    for (proposal_id, _indicator_id), claim in claims.items():
        by_proposal.setdefault(proposal_id, []).append(claim)
    for proposal in proposals:
        score = services.score_claims(proposal, scale, by_proposal.get(proposal.id, []))
        append_row(summary, [
            proposal.id, proposal.title, shown_agency(viewer, proposal), score.verified_points, score.max_points,
            round(score.score, 2), score.verified, score.indicators, _("Ya") if score.ready else _("Tidak"),
        ])

    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer
