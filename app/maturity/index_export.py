"""The national index package as files (DESIGN §9): a workbook of the innovations' profiles
and levels and of the region's indicators, and every evidence file in a ZIP with a manifest.

Both are streamed (app.web.streaming): the rows are read from the database once, before the
response starts (a constant number of queries), and each evidence file flows from the disk in chunks, so an evidence set
of gigabytes never sits in memory. The workbook follows the reader's language, as every other
report does; the ZIP's folder names are the innovations' ids and the indicators' codes.
"""
import csv
import io
import re
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.core.affairs import affair_name
from app.core.extensions import db
from app.core.sdgs import goal_label
from app.core.labels import label
from app.maturity import region, services
from app.maturity.simulator import Simulation
from app.models import Claim, Cycle, Proposal, User
from app.proposals import storage
from app.proposals.visibility import hides_team, shown_agency
from app.web.streaming import Sheet, ZipEntry, stream_xlsx, stream_zip

MANIFEST_NAME = "manifest.csv"


def _slug(text: str, limit: int = 40) -> str:
    """A folder name from a title: letters, digits and hyphens only."""
    slug = re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")
    return slug[:limit].rstrip("-") or "inovasi"


def workbook(simulation: Simulation, viewer: User):
    """The XLSX as chunks: the innovations (profile fields, then the verified level per indicator),
    the region's indicators, and the estimate."""
    cycle = simulation.cycle
    scale = services.scale_for(cycle)
    proposals = [share.proposal for share in simulation.innovations]
    claims = services.claims_of([proposal.id for proposal in proposals])
    contributions = simulation.estimate.contributions
    # The goals and teams the national contests ask for (DESIGN §10), loaded onto these same
    # objects in two queries whatever their number.
    if proposals:
        db.session.scalars(select(Proposal).where(Proposal.id.in_([proposal.id for proposal in proposals]))
                           .options(selectinload(Proposal.sdg_links), selectinload(Proposal.team_members))).all()

    def team_cell(proposal):
        if hides_team(viewer, proposal):
            return None
        return "\n".join(f"{name} \u2014 {role}" if role else name for name, role in proposal.team) or None

    def level_cell(claim: Claim | None):
        if claim is None:
            return None
        return claim.verified_level if claim.verified else _("menunggu: level %(n)d", n=claim.claimed_level)

    def innovation_rows():
        for proposal in sorted(proposals, key=lambda p: (p.title, p.id)):
            by_indicator = {claim.indicator_id: claim for claim in claims[proposal.id]}
            yield [
                proposal.id, proposal.title, shown_agency(viewer, proposal, code=True), shown_agency(viewer, proposal),
                label("maturity", proposal.maturity) if proposal.maturity else None,
                label("initiator", proposal.initiator) if proposal.initiator else None,
                label("innovation_type", proposal.innovation_type) if proposal.innovation_type else None,
                label("form", proposal.form) if proposal.form else None,
                affair_name(proposal.affair) if proposal.affair else None,
                proposal.trial_date, proposal.implementation_date,
                proposal.summary, proposal.problem, proposal.design, proposal.goals, proposal.benefits,
                proposal.results,
                "\n".join(goal_label(goal) for goal in proposal.sdg_goals) or None,
                proposal.video_url or None, team_cell(proposal),
                round(contributions.get(proposal.id, 0.0), 4),
                *[level_cell(by_indicator.get(indicator.id)) for indicator in scale.indicators],
            ]

    profile_header = [
        _("ID inovasi"), _("Judul inovasi"), _("Kode perangkat daerah"), _("Perangkat daerah"), _("Tahapan inovasi"),
        _("Inisiator inovasi"), _("Jenis inovasi"), _("Bentuk inovasi"), _("Urusan pemerintahan"),
        _("Waktu uji coba"), _("Waktu penerapan"), _("Ringkasan"), _("Permasalahan"), _("Rancang bangun"),
        _("Tujuan inovasi"), _("Manfaat yang diperoleh"), _("Hasil inovasi"),
        _("Tujuan pembangunan berkelanjutan (SDGs)"), _("Tautan video"), _("Tim inovasi"), _("Sumbangan pada indeks"),
        *[f"{indicator.code}: {services.indicator_text(indicator.name)}" for indicator in scale.indicators],
    ]
    profile_widths = [10, 36, 14, 30, 14, 14, 12, 18, 24, 14, 14, 40, 40, 40, 40, 40, 40, 36, 30, 36, 12] + \
        [14] * len(scale.indicators)

    area = simulation.region_scale

    def region_rows():
        for indicator in area.indicators:
            claim = simulation.region_claims.get(indicator.id)
            yield [
                indicator.code, services.indicator_text(indicator.name), float(indicator.weight),
                area.max_points_of(indicator.id),
                claim.claimed_level if claim else None,
                label("claim_status", claim.status) if claim else _("Belum ada bukti"),
                claim.verified_level if claim else None, claim.verified_points if claim else None,
                claim.original_name if claim else None, claim.claimant.name if claim else None,
                claim.verifier.name if claim and claim.verifier else None,
                claim.verified_at if claim else None,  # aware: written in the city's time (WIB)
            ]

    region_header = [_("Kode indikator"), _("Indikator"), _("Bobot"), _("Poin maksimum"), _("Level diklaim"),
                     _("Status verifikasi"), _("Level terverifikasi"), _("Poin terverifikasi"), _("Berkas bukti"),
                     _("Diklaim oleh"), _("Diverifikasi oleh"), _("Waktu verifikasi")]

    estimate = simulation.estimate
    summary_rows = [
        [_("Tahun"), cycle.year],
        [_("Perkiraan skor"), estimate.score],
        [_("Predikat"), simulation.category_name],
        [_("Satuan pemerintah daerah"), round(estimate.region_part, 4)],
        [_("Satuan inovasi"), round(estimate.innovation_part, 4)],
        [_("Jumlah inovasi"), len(proposals)],
        [_("Pembagi inovasi"), estimate.divisor],
    ]
    # The rows are read now, inside the request's database session: the body streams after the
    # view returned, when the session's objects can no longer load what they lack. A row is a
    # few short values per innovation; the workbook's XML is what streams.
    return stream_xlsx([
        Sheet(_("Profil inovasi"), profile_header, list(innovation_rows()), profile_widths),
        Sheet(_("Indikator daerah"), region_header, list(region_rows()), [16, 40, 8, 12, 12, 20, 14, 14, 30, 24, 24, 18]),
        Sheet(_("Ringkasan"), [_("Ukuran"), _("Nilai")], summary_rows, [30, 30]),
    ])


def evidence_archive(cycle: Cycle):
    """The ZIP as chunks: manifest.csv first, then one folder per innovation and indicator
    (`<id>-<title>/<order>-<code>/<file>`) and `daerah/<order>-<code>/<file>` for the region."""
    scale = services.scale_for(cycle)
    order = {indicator.id: (n, indicator) for n, indicator in enumerate(scale.indicators, start=1)}
    proposals = services.innovations(cycle)
    claims = db.session.scalars(
        select(Claim).options(joinedload(Claim.attachment))
        .where(Claim.proposal_id.in_([p.id for p in proposals]), Claim.attachment_id.is_not(None))
        .order_by(Claim.proposal_id, Claim.indicator_id)).all() if proposals else []
    by_id = {proposal.id: proposal for proposal in proposals}
    area = region.region_scale(cycle)
    region_order = {indicator.id: (n, indicator) for n, indicator in enumerate(area.indicators, start=1)}
    region_claims = region.claims_of(cycle)

    files: list[tuple[str, list, Path]] = []  # (path in the archive, manifest row, file on disk)
    for claim in claims:
        if claim.indicator_id not in order:
            continue
        n, indicator = order[claim.indicator_id]
        proposal = by_id[claim.proposal_id]
        folder = f"{proposal.id}-{_slug(proposal.title)}/{n:02d}-{indicator.code}"
        attachment = claim.attachment
        files.append((f"{folder}/{attachment.original_name}", [
            f"{folder}/{attachment.original_name}", proposal.id, proposal.title, indicator.code,
            services.indicator_text(indicator.name), claim.claimed_level, label("claim_status", claim.status),
            claim.verified_level or "", attachment.original_name, attachment.size, attachment.sha256,
        ], Path(storage.upload_path(attachment.stored_name))))
    for indicator_id, claim in sorted(region_claims.items(), key=lambda item: region_order.get(item[0], (0,))[0]):
        if indicator_id not in region_order:
            continue
        n, indicator = region_order[indicator_id]
        folder = f"daerah/{n:02d}-{indicator.code}"
        files.append((f"{folder}/{claim.original_name}", [
            f"{folder}/{claim.original_name}", "", _("Indikator daerah"), indicator.code,
            services.indicator_text(indicator.name), claim.claimed_level, label("claim_status", claim.status),
            claim.verified_level or "", claim.original_name, claim.size, claim.sha256,
        ], Path(storage.upload_path(claim.stored_name))))

    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow([_("Berkas"), _("ID inovasi"), _("Judul inovasi"), _("Kode indikator"), _("Indikator"),
                     _("Level diklaim"), _("Status verifikasi"), _("Level terverifikasi"), _("Nama asli berkas"),
                     _("Ukuran (byte)"), "SHA-256", _("Catatan")])
    present = []
    for name, row, path in files:
        if path.is_file():
            present.append((name, path))
            writer.writerow([*row, ""])
        else:  # the row stayed, its file is gone: said in the manifest, not hidden
            writer.writerow([*row, _("Berkas tidak ditemukan di penyimpanan")])
    manifest_bytes = manifest.getvalue().encode("utf-8-sig")  # spreadsheet programs read the BOM as UTF-8
    entries = [ZipEntry(MANIFEST_NAME, lambda: [manifest_bytes])]
    entries += [ZipEntry(name, path) for name, path in present]
    return stream_zip(entries)
