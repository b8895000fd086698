"""The admins' annual report: an XLSX workbook of one cycle (openpyxl)."""
from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import func, select

from app.core.affairs import affair_name
from app.core.extensions import db
from app.core.labels import label
from app.leaderboard.services import compute_board
from app.models import Agency, Cycle, Proposal, Review, User, vote_count_query
from app.proposals.visibility import shown_agency_sql
from app.web.xlsx import append_row, city_time, header_row


def proposal_rows(cycle: Cycle, viewer: User):
    """Every proposal of the cycle with its agency (as `viewer` may read it), review count,
    mean score and votes (one query)."""
    reviews = (
        select(Review.proposal_id.label("proposal_id"), func.count(Review.id).label("reviews"),
               func.avg(Review.weighted_score).label("mean_score"))
        .group_by(Review.proposal_id).subquery("reviews")
    )
    votes = vote_count_query().subquery("votes")
    stmt = (
        select(Proposal.id, Proposal.title, Proposal.status, Proposal.published, Proposal.affair,
               Proposal.innovation_type, Proposal.lab_stage, Proposal.submitted_at,
               shown_agency_sql(viewer, Agency.code).label("agency_code"),
               shown_agency_sql(viewer).label("agency_name"),
               func.coalesce(reviews.c.reviews, 0).label("reviews"), reviews.c.mean_score,
               func.coalesce(votes.c.votes, 0).label("votes"))
        .join(Agency, Agency.id == Proposal.agency_id)
        .join(Cycle, Cycle.id == Proposal.cycle_id)
        .outerjoin(votes, votes.c.proposal_id == Proposal.id)
        .outerjoin(reviews, reviews.c.proposal_id == Proposal.id)
        .where(Proposal.cycle_id == cycle.id)
        .order_by(Agency.name, Proposal.id)
    )
    return db.session.execute(stmt)


def annual_report(cycle: Cycle, viewer: User) -> BytesIO:
    """Workbook with a sheet of the cycle's proposals and a sheet of the leaderboard, for `viewer`."""
    workbook = Workbook()
    proposals = workbook.active
    proposals.title = _("Usulan")
    header_row(proposals, [
        _("ID"), _("Judul"), _("Kode perangkat daerah"), _("Perangkat daerah"), _("Status"), _("Dipublikasikan"),
        _("Urusan"), _("Jenis"), _("Tahap lab"), _("Diajukan (WIB)"), _("Jumlah penilaian"),
        _("Rerata skor tertimbang"), _("Dukungan"),
    ])
    for row in proposal_rows(cycle, viewer):
        append_row(proposals, [
            row.id, row.title, row.agency_code, row.agency_name, label("status", row.status),
            _("Ya") if row.published else _("Tidak"), affair_name(row.affair),
            label("innovation_type", row.innovation_type), label("lab_stage", row.lab_stage),
            city_time(row.submitted_at), int(row.reviews),
            round(float(row.mean_score), 2) if row.mean_score is not None else None, int(row.votes),
        ])

    standings = workbook.create_sheet(_("Peringkat"))
    header_row(standings, [
        _("Peringkat"), _("Kode"), _("Perangkat daerah"), _("Jenis"), _("Diajukan"), _("Disetujui"),
        _("Diterapkan"), _("Dukungan"), _("Rerata skor"), _("Poin"), _("Target tercapai"), _("Pertama kali berinovasi"),
        _("Inovasi tahun sebelumnya yang berlanjut"),
    ])
    for s in compute_board(cycle).standings:
        append_row(standings, [
            s.rank, s.code, s.name, label("agency_kind", s.kind), s.submitted, s.approved, s.implemented, s.votes,
            round(s.mean_score, 2) if s.mean_score is not None else None, s.points,
            _("Ya") if s.met_target else _("Tidak"), _("Ya") if s.first_time else _("Tidak"), s.continuing,
        ])

    stream = BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream
