"""Changes to an innovation's results after approval: validate, change, flush, audit; never commit."""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.core import audit, signals
from app.core.extensions import db
from app.models import (
    DIRECTIONS, MAX_RESULT_INDICATORS, REASON_REQUIRED_REPORT_STATUSES, REPORT_STATUSES, Attachment, Cycle, Proposal,
    ReportValue, ResultIndicator, User, YearlyReport,
)
from app.proposals.services import FieldError, ServiceError, add_attachment
from app.results import charts, rules


def indicators_of(proposal: Proposal) -> list[ResultIndicator]:
    """The proposal's result indicators in the order the agency listed them."""
    return list(db.session.scalars(select(ResultIndicator).where(ResultIndicator.proposal_id == proposal.id)
                                   .order_by(ResultIndicator.position, ResultIndicator.id)))


# --- indicators ---------------------------------------------------------------------

class StaleIndicator(ServiceError):
    """The indicator was changed or deleted by someone else after the form was read."""


@dataclass
class IndicatorInput:
    """What the indicator form says; numbers already parsed (None where left empty)."""

    name: str
    unit: str
    baseline: float | None
    target: float | None
    direction: str | None
    version: int | None = None  # the indicator's version the form was read at (an edit)


def _checked(proposal: Proposal, given: IndicatorInput, indicator: ResultIndicator | None = None) -> IndicatorInput:
    """The input cleaned, or FieldError naming the first field that is wrong."""
    name = " ".join((given.name or "").split())
    unit = " ".join((given.unit or "").split())
    if not name:
        raise FieldError(_("Isi nama indikator."), "name")
    if not unit:
        raise FieldError(_("Isi satuannya, misalnya hari, orang per bulan, atau skor."), "unit")
    if given.baseline is None:
        raise FieldError(_("Isi nilai awal (baseline) sebelum inovasi."), "baseline")
    if given.target is None:
        raise FieldError(_("Isi target yang ingin dicapai."), "target")
    if given.direction not in DIRECTIONS:
        raise FieldError(_("Pilih arah yang lebih baik."), "direction")
    # A target on the wrong side of the baseline is almost always a slip of the direction.
    if given.direction == "up" and given.target < given.baseline:
        raise FieldError(_("Untuk indikator yang makin tinggi makin baik, target tidak boleh di bawah baseline."),
                         "target")
    if given.direction == "down" and given.target > given.baseline:
        raise FieldError(_("Untuk indikator yang makin rendah makin baik, target tidak boleh di atas baseline."),
                         "target")
    same_name = select(ResultIndicator.id).where(ResultIndicator.proposal_id == proposal.id,
                                                 func.lower(ResultIndicator.name) == name.lower())
    if indicator is not None:
        same_name = same_name.where(ResultIndicator.id != indicator.id)
    if db.session.scalar(same_name) is not None:
        raise FieldError(_("Inovasi ini sudah punya indikator bernama “%(name)s”.", name=name), "name")
    return IndicatorInput(name=name, unit=unit, baseline=given.baseline, target=given.target,
                          direction=given.direction, version=given.version)


def _audit_indicator(action: str, proposal: Proposal, indicator: ResultIndicator, actor: User) -> None:
    audit.record(action, target=proposal, actor=actor, summary=proposal.title, indicator_id=indicator.id,
                 indicator_name=indicator.name, unit=indicator.unit, baseline=indicator.baseline,
                 target_value=indicator.target, direction=indicator.direction)


def add_indicator(proposal: Proposal, actor: User, given: IndicatorInput) -> ResultIndicator:
    """A new result indicator at the end of the proposal's list; at most MAX_RESULT_INDICATORS."""
    # Locks the proposal's row (PostgreSQL) so that two parallel adds cannot pass the limit together.
    db.session.execute(select(Proposal.id).where(Proposal.id == proposal.id).with_for_update())
    count, last = db.session.execute(
        select(func.count(ResultIndicator.id), func.max(ResultIndicator.position))
        .where(ResultIndicator.proposal_id == proposal.id)).one()
    if count >= MAX_RESULT_INDICATORS:
        raise ServiceError(_("Sebuah inovasi punya paling banyak %(max)d indikator hasil; ubah atau hapus yang ada.",
                             max=MAX_RESULT_INDICATORS))
    clean = _checked(proposal, given)
    indicator = ResultIndicator(proposal_id=proposal.id, name=clean.name, unit=clean.unit, baseline=clean.baseline,
                                target=clean.target, direction=clean.direction, position=(last or 0) + 1)
    db.session.add(indicator)
    db.session.flush()
    _audit_indicator("result_indicator_added", proposal, indicator, actor)
    return indicator


def indicator_of(proposal: Proposal, indicator_id: int) -> ResultIndicator | None:
    """The proposal's indicator by id; None when it is gone or belongs to another proposal."""
    indicator = db.session.get(ResultIndicator, indicator_id)
    return indicator if indicator is not None and indicator.proposal_id == proposal.id else None


def _current(proposal: Proposal, indicator_id: int, version: int | None) -> ResultIndicator:
    indicator = indicator_of(proposal, indicator_id)
    if indicator is None:
        raise StaleIndicator(_("Indikator ini sudah dihapus orang lain; muat ulang halaman."))
    if version != indicator.version:
        raise StaleIndicator(_("Indikator “%(name)s” diubah orang lain setelah Anda membukanya. Isian Anda belum "
                               "disimpan; periksa nilainya yang sekarang, lalu ubah lagi.", name=indicator.name))
    return indicator


def update_indicator(proposal: Proposal, indicator_id: int, actor: User, given: IndicatorInput) -> ResultIndicator:
    """Correct an indicator; refused (StaleIndicator) when it changed since the form was read."""
    indicator = _current(proposal, indicator_id, given.version)
    clean = _checked(proposal, given, indicator)
    indicator.name, indicator.unit, indicator.direction = clean.name, clean.unit, clean.direction
    indicator.baseline, indicator.target = clean.baseline, clean.target
    db.session.flush()
    _audit_indicator("result_indicator_updated", proposal, indicator, actor)
    return indicator


def reported_years(indicator: ResultIndicator) -> list[int]:
    """The years whose reports hold a value of the indicator."""
    return list(db.session.scalars(
        select(Cycle.year).join(YearlyReport, YearlyReport.cycle_id == Cycle.id)
        .join(ReportValue, ReportValue.report_id == YearlyReport.id)
        .where(ReportValue.indicator_id == indicator.id).order_by(Cycle.year)))


def delete_indicator(proposal: Proposal, indicator_id: int, actor: User, version: int | None) -> str:
    """Delete an indicator no report has a value of yet; returns its name. An indicator with
    reported values is kept: those values are the innovation's history."""
    indicator = _current(proposal, indicator_id, version)
    years = reported_years(indicator)
    if years:
        raise ServiceError(ngettext(
            "Indikator “%(name)s” sudah punya nilai di laporan %(years)s, jadi tidak dapat dihapus; ubah saja "
            "nama atau targetnya bila perlu.",
            "Indikator “%(name)s” sudah punya nilai di laporan %(years)s, jadi tidak dapat dihapus; ubah saja "
            "nama atau targetnya bila perlu.", len(years), name=indicator.name,
            years=", ".join(str(year) for year in years)))
    name = indicator.name
    _audit_indicator("result_indicator_deleted", proposal, indicator, actor)
    db.session.delete(indicator)
    db.session.flush()
    return name


def chart_series(proposal: Proposal) -> list["charts.Series"]:
    """Each indicator of the proposal with its reported values by year, for its chart (one query)."""
    rows = db.session.execute(
        select(ResultIndicator, Cycle.year, ReportValue.actual)
        .outerjoin(ReportValue, ReportValue.indicator_id == ResultIndicator.id)
        .outerjoin(YearlyReport, YearlyReport.id == ReportValue.report_id)
        .outerjoin(Cycle, Cycle.id == YearlyReport.cycle_id)
        .where(ResultIndicator.proposal_id == proposal.id)
        .order_by(ResultIndicator.position, ResultIndicator.id, Cycle.year))
    series: dict[int, charts.Series] = {}
    for indicator, year, actual in rows:
        found = series.setdefault(indicator.id, charts.Series(indicator, proposal.cycle.year, {}))
        if year is not None:
            found.actuals[year] = actual
    # Every chart runs to the last year any indicator has a value: a year missing one shows as a gap.
    last_year = max((year for found in series.values() for year in found.actuals), default=0)
    for found in series.values():
        found.last_year = last_year
    return list(series.values())


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
