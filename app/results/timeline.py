"""The results' part of an innovation's timeline (DESIGN §8): each yearly report, and today's
status in plain words ("Berlanjut sejak 2024"). The public page gets no reasons or reporters."""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core import signals
from app.core.extensions import db
from app.core.labels import label
from app.models import Cycle, Proposal, YearlyReport
from app.models._types import utcnow
from app.results import rules
from app.results.permissions import has_results


def plain_words(life: rules.LifeStatus) -> str:
    """The latest yearly status as a person says it."""
    if life.status == "stopped":
        return _("Dihentikan pada %(year)d", year=life.year)
    if life.status == "developed":
        if life.since < life.year:
            return _("Dikembangkan pada %(year)d, dipakai sejak %(since)d", year=life.year, since=life.since)
        return _("Dikembangkan pada %(year)d", year=life.year)
    return _("Berlanjut sejak %(since)d", since=life.since)


@signals.timeline_entries.connect
def report_moments(proposal: Proposal, public: bool = False, viewer=None, **extra) -> list[signals.TimelineEntry]:
    if not has_results(proposal):
        return []
    reports = db.session.execute(
        select(YearlyReport, Cycle.year).join(Cycle, Cycle.id == YearlyReport.cycle_id)
        .options(joinedload(YearlyReport.reporter))
        .where(YearlyReport.proposal_id == proposal.id).order_by(Cycle.year)).all()
    entries = []
    for report, year in reports:
        text = _("Laporan %(year)d: %(status)s", year=year, status=label("report_status", report.status))
        detail = "" if public else "\n\n".join(part for part in (report.reason, report.reporter.name) if part)
        entries.append(signals.TimelineEntry(report.reported_at, "report", text, detail))
    life = rules.life_status([(year, report.status) for report, year in reports])
    if life is not None:
        entries.append(signals.TimelineEntry(utcnow(), "now", plain_words(life)))
    return entries
