"""Changes to an innovation's results after approval: validate, change, flush, audit; never commit."""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.core import audit, signals
from app.core.extensions import db
from app.models import (
    REASON_REQUIRED_REPORT_STATUSES, REPORT_STATUSES, Attachment, Cycle, Proposal, ReportValue, ResultIndicator, User,
    YearlyReport,
)
from app.proposals.services import ServiceError, add_attachment
from app.results import rules


class FieldError(ServiceError):
    """A refused change caused by one form field (named), so the view shows it beside that field."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def indicators_of(proposal: Proposal) -> list[ResultIndicator]:
    """The proposal's result indicators in the order the agency listed them."""
    return list(db.session.scalars(select(ResultIndicator).where(ResultIndicator.proposal_id == proposal.id)
                                   .order_by(ResultIndicator.position, ResultIndicator.id)))


# --- reports ------------------------------------------------------------------------

class StaleReport(ServiceError):
    """The report was changed by someone else after the form was read."""


def reports_of(proposal: Proposal) -> list[YearlyReport]:
    """Every yearly report of the proposal, newest year first, with its values, evidence and reporter."""
    return list(db.session.scalars(
        select(YearlyReport).join(Cycle, Cycle.id == YearlyReport.cycle_id)
        .options(selectinload(YearlyReport.values), selectinload(YearlyReport.attachment),
                 selectinload(YearlyReport.reporter), selectinload(YearlyReport.cycle))
        .where(YearlyReport.proposal_id == proposal.id).order_by(Cycle.year.desc())))


def report_for(proposal: Proposal, cycle: Cycle) -> YearlyReport | None:
    return db.session.scalar(select(YearlyReport).where(YearlyReport.proposal_id == proposal.id,
                                                        YearlyReport.cycle_id == cycle.id))


def owes_report(proposal: Proposal, cycle: Cycle) -> bool:
    """Does the innovation owe `cycle` a report (written yet or not)? The rule of app.results.rules."""
    return db.session.scalar(select(Proposal.id).where(Proposal.id == proposal.id, rules.needs_report_in(cycle))) \
        is not None


def refusal(proposal: Proposal, cycle: Cycle) -> str | None:
    """Why no report of `cycle` can be written for the proposal, or None when one can."""
    if cycle.year <= proposal.cycle.year:
        return _("Laporan tahunan dimulai pada siklus setelah tahun usulan (%(year)d).", year=proposal.cycle.year)
    if not rules.report_open(cycle):
        return _("Siklus %(year)d sudah ditutup; laporannya tidak dapat diubah lagi.", year=cycle.year)
    if not owes_report(proposal, cycle):
        return _("Inovasi ini tidak perlu dilaporkan untuk %(year)d: hanya inovasi yang disetujui atau diterapkan, "
                 "dan belum dilaporkan berhenti, yang dilaporkan.", year=cycle.year)
    return None


@dataclass
class ReportInput:
    """What the report form says: the status, the reason, the actual value of each indicator
    (None where left empty) and the evidence (an attachment of the proposal, or a new file)."""

    status: str | None
    reason: str = ""
    actuals: dict[int, float | None] = field(default_factory=dict)
    attachment_id: int | None = None
    filename: str | None = None
    stream: object = None
    version: int | None = None  # the report's version the form was read at (an edit)


def save_report(proposal: Proposal, cycle: Cycle, actor: User, given: ReportInput) -> tuple[YearlyReport, bool]:
    """Write or correct the innovation's report for `cycle`; returns the report and whether it is new.
    Refuses (ServiceError, FieldError for one field) when the report may not be written, a
    stale form, a stopped innovation without a reason, or an indicator without its value."""
    why_not = refusal(proposal, cycle)
    if why_not:
        raise ServiceError(why_not)
    if given.status not in REPORT_STATUSES:
        raise FieldError(_("Pilih status inovasi tahun ini."), "status")
    reason = (given.reason or "").replace("\r\n", "\n").strip()
    if given.status in REASON_REQUIRED_REPORT_STATUSES and not reason:
        raise FieldError(_("Tuliskan mengapa inovasi ini dihentikan."), "reason")
    indicators = indicators_of(proposal)
    actuals = given.actuals
    if given.status not in REASON_REQUIRED_REPORT_STATUSES:
        for indicator in indicators:
            if actuals.get(indicator.id) is None:
                raise FieldError(_("Isi nilai %(name)s tahun %(year)d.", name=indicator.name, year=cycle.year),
                                 f"actual_{indicator.id}")

    report = report_for(proposal, cycle)
    if report is not None and given.version is None:
        # A second "new report" form (a double submit, another tab): the first one was kept.
        raise StaleReport(_("Laporan %(year)d sudah disimpan sebelumnya; ubah laporan itu bila perlu.",
                            year=cycle.year))
    if report is not None and given.version != report.version:
        raise StaleReport(_("Laporan %(year)d diubah orang lain setelah Anda membukanya. Isian Anda belum disimpan; "
                            "muat ulang laporannya, lalu ubah lagi.", year=cycle.year))
    if report is None and given.version is not None:
        raise StaleReport(_("Laporan %(year)d tidak ditemukan lagi; muat ulang halaman.", year=cycle.year))

    attachment = None
    if given.filename:
        # Checked last so that a refused report never leaves an uploaded file behind.
        attachment = add_attachment(proposal, actor, given.filename, given.stream)
    elif given.attachment_id:
        attachment = db.session.get(Attachment, given.attachment_id)
        if attachment is None or attachment.proposal_id != proposal.id:
            raise FieldError(_("Pilih dokumen dari lampiran inovasi ini atau unggah berkas baru."), "attachment_id")

    created = report is None
    if created:
        report = YearlyReport(proposal_id=proposal.id, cycle_id=cycle.id, reporter_id=actor.id, status=given.status,
                              reason=reason)
        try:
            with db.session.begin_nested():
                db.session.add(report)
        except IntegrityError:  # the same report written by a parallel request: keep that one
            raise StaleReport(_("Laporan %(year)d sudah disimpan sebelumnya; ubah laporan itu bila perlu.",
                                year=cycle.year)) from None
    report.status = given.status
    report.reason = reason
    report.attachment = attachment
    report.reporter_id = actor.id
    known = {indicator.id for indicator in indicators}
    values = {value.indicator_id: value for value in report.values}
    for indicator_id in known:
        actual = actuals.get(indicator_id)
        if actual is None:
            if indicator_id in values:
                report.values.remove(values[indicator_id])
        elif indicator_id in values:
            values[indicator_id].actual = actual
        else:
            report.values.append(ReportValue(indicator_id=indicator_id, actual=actual))
    db.session.flush()
    audit.record("yearly_report_created" if created else "yearly_report_updated", target=proposal, actor=actor,
                 summary=proposal.title, year=cycle.year, status=report.status, report_id=report.id,
                 values={str(value.indicator_id): value.actual for value in report.values},
                 attachment_id=attachment.id if attachment else None)
    signals.yearly_report_saved.send(proposal, report=report, created=created, actor=actor)
    return report, created
