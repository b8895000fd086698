"""Result indicators and yearly reports: `/proposals/<id>/indicators`, `/proposals/<id>/reports`,
and the city's list of yearly reports for admins (`/reports`)."""
import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.auth.permissions import admin_required
from app.core import signals
from app.core.cycles import city_today, current_cycle, cycle_of_year
from app.core.extensions import db
from app.core.labels import label
from app.models import Agency, Cycle, Proposal, YearlyReport
from app.proposals.permissions import load_with_evidence
from app.results import bp, permissions, rules, services
from app.results.forms import plain_decimal, report_form
from app.web.htmx import is_htmx, render_block
from app.web.inputs import int_arg
from app.web.paging import paginate


# --- reports ------------------------------------------------------------------------

REPORTS = "results/reports.html"


def _writable(proposal: Proposal, cycle: Cycle | None) -> bool:
    """May the person write `cycle`'s report of the proposal now?"""
    return (cycle is not None and permissions.can_report(current_user, proposal, cycle)
            and services.refusal(proposal, cycle) is None)


def _reports_page(proposal: Proposal, cycle: Cycle | None, form=None) -> dict:
    """Everything the reports page shows: the innovation's indicators, every report, and the form
    for `cycle`'s report when the person may write it (the current cycle's, or the year edited)."""
    indicators = services.indicators_of(proposal)
    reports = services.reports_of(proposal)
    existing = next((report for report in reports if cycle is not None and report.cycle_id == cycle.id), None)
    why_not = services.refusal(proposal, cycle) if cycle is not None else None
    writable = why_not is None and cycle is not None and permissions.can_report(current_user, proposal, cycle)
    if form is None and writable:
        form = report_form(indicators, existing, attachments=proposal.attachments)
    return {
        "proposal": proposal, "indicators": indicators, "reports": reports, "cycle": cycle,
        "form": form if writable else None, "existing": existing, "writable": writable, "why_not": why_not,
        "can_edit_year": lambda report: _writable(proposal, report.cycle),
        "late": cycle is not None and rules.report_late(cycle, city_today()),
        # Formatted here, per request: Jinja folds a filter on a literal once, in the language of
        # the first rendering.
        "number_example": plain_decimal(12.5),
    }


def _save(proposal: Proposal, cycle: Cycle):
    """Validate and save `cycle`'s report; the page again with the messages beside the fields (422)
    when refused, else back to the list (or, for HTMX, the list and form in place)."""
    if not permissions.can_report(current_user, proposal, cycle):
        abort(403)
    indicators = services.indicators_of(proposal)
    form = report_form(indicators, submitted=True, attachments=proposal.attachments)
    if form.validate_on_submit():
        upload = form.file.data
        filename = upload.filename if upload is not None and getattr(upload, "filename", None) else None
        given = services.ReportInput(
            status=form.status.data, reason=form.reason.data or "",
            actuals={indicator.id: field.data for indicator, field in form.actual_fields()},
            attachment_id=form.attachment_id.data or None, filename=filename,
            stream=upload.stream if filename else None,
            version=int(form.version.data) if (form.version.data or "").isdigit() else None)
        try:
            report, created = services.save_report(proposal, cycle, current_user, given)
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            form.form_errors.append(_("Laporan %(year)d diubah orang lain setelah Anda membukanya. Isian Anda belum "
                                      "disimpan; muat ulang laporannya, lalu ubah lagi.", year=cycle.year))
        except services.ServiceError as error:
            db.session.rollback()
            field = getattr(error, "field", None)
            if field:
                form[field].errors = [str(error)]
            else:
                form.form_errors.append(str(error))
        else:
            message = (_("Laporan %(year)d disimpan: %(status)s.", year=cycle.year,
                         status=label("report_status", report.status)) if created
                       else _("Laporan %(year)d diperbarui: %(status)s.", year=cycle.year,
                              status=label("report_status", report.status)))
            if is_htmx():
                context = _reports_page(load_with_evidence(proposal.id, permissions.can_see), current_cycle())
                html = render_block(REPORTS, "reports_region", saved=message, **context)
                return html, 200, {"HX-Trigger": json.dumps({"announce": message})}
            flash(message, "success")
            return redirect(url_for("results.reports", proposal_id=proposal.id, _anchor=f"report-{cycle.year}"))
    proposal = load_with_evidence(proposal.id, permissions.can_see)
    context = _reports_page(proposal, cycle, form=form)
    if is_htmx():
        html = render_block(REPORTS, "reports_region", **context)
        return html, 422, {"HX-Trigger": json.dumps({"announce": _("Laporan belum disimpan; periksa isiannya.")})}
    return render_template(REPORTS, **context), 422


@bp.route("/proposals/<int:proposal_id>/reports", methods=["GET", "POST"])
@login_required
def reports(proposal_id: int):
    """The innovation's yearly reports, one per cycle after its own, and the form of this cycle's
    report while it is due (DESIGN §8)."""
    proposal = load_with_evidence(proposal_id, permissions.can_see)
    cycle = current_cycle()
    if request.method == "POST":
        if cycle is None:
            abort(404)
        return _save(proposal, cycle)
    return render_template(REPORTS, **_reports_page(proposal, cycle))


@bp.route("/proposals/<int:proposal_id>/reports/<int:year>", methods=["GET", "POST"])
@login_required
def report(proposal_id: int, year: int):
    """One year's report: its form while that cycle is open and the person may write it, else the
    list at that year."""
    proposal = load_with_evidence(proposal_id, permissions.can_see)
    cycle = cycle_of_year(year) or abort(404)
    if request.method == "POST":
        return _save(proposal, cycle)
    if not _writable(proposal, cycle):
        return redirect(url_for("results.reports", proposal_id=proposal.id, _anchor=f"report-{year}"))
    return render_template(REPORTS, **_reports_page(proposal, cycle))


# --- the city's list, dashboards ----------------------------------------------------

REPORT_FILTERS = ("all", "missing", "late", "reported")


@bp.route("/reports")
@admin_required
def city():
    """For admins: every innovation that owes a cycle its yearly report, by agency, with what is
    missing and who is late; counts at the top."""
    year = int_arg("year", minimum=2000, maximum=2100)
    cycle = (cycle_of_year(year) if year else current_cycle()) or abort(404)
    shown = request.args.get("show", "all")
    shown = shown if shown in REPORT_FILTERS else "all"
    late = rules.report_late(cycle, city_today())
    owing = select(Proposal.id).where(rules.needs_report_in(cycle))
    reported = select(YearlyReport.proposal_id).where(YearlyReport.cycle_id == cycle.id)
    due = db.session.scalar(select(func.count()).select_from(owing.subquery())) or 0
    done = db.session.scalar(select(func.count()).select_from(
        owing.where(Proposal.id.in_(reported)).subquery())) or 0
    query = (select(Proposal, YearlyReport)
             .join(Agency, Agency.id == Proposal.agency_id)
             .join(YearlyReport, (YearlyReport.proposal_id == Proposal.id) & (YearlyReport.cycle_id == cycle.id),
                   isouter=True)
             .options(joinedload(Proposal.agency), joinedload(Proposal.cycle))
             .where(rules.needs_report_in(cycle))
             .order_by(Agency.name, Proposal.title, Proposal.id))
    if shown == "missing" or (shown == "late" and late):
        query = query.where(YearlyReport.id.is_(None))
    elif shown == "late":
        query = query.where(False)
    elif shown == "reported":
        query = query.where(YearlyReport.id.is_not(None))
    page = paginate(query, per_page=50, as_rows=True)
    cycles = db.session.scalars(select(Cycle).order_by(Cycle.year.desc())).all()
    return render_template("results/city.html", cycle=cycle, cycles=cycles, page=page, shown=shown,
                           late=late, due=due, done=done, missing=due - done)


@signals.dashboard_panels.connect
def reports_panel(user):
    """The agency's innovations that still need this cycle's report; for admins, the late ones."""
    cycle = current_cycle()
    if cycle is None or not rules.report_open(cycle):
        return None
    if user.is_admin:
        if not rules.report_late(cycle, city_today()):
            return None
        count = db.session.scalar(select(func.count()).select_from(rules.missing_reports(cycle).subquery())) or 0
        if not count:
            return None
        return signals.DashboardPanel(-30, "results/_late_panel.html", {"cycle": cycle, "count": count})
    if user.agency_id is None:
        return None
    due = db.session.scalars(rules.missing_reports(cycle).options(joinedload(Proposal.cycle))
                             .where(Proposal.agency_id == user.agency_id).order_by(Proposal.title)).all()
    if not due:
        return None
    return signals.DashboardPanel(-30, "results/_due_panel.html", {
        "cycle": cycle, "due": due, "late": rules.report_late(cycle, city_today())})
