"""Result indicators and yearly reports: `/proposals/<id>/indicators`, `/proposals/<id>/reports`,
and the city's list of yearly reports for admins (`/reports`)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from jinja2 import pass_context
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.auth.permissions import admin_required
from app.core import signals
from app.core.cycles import city_today, current_cycle, cycle_of_year
from app.core.extensions import db
from app.core.labels import label
from app.models import MAX_RESULT_INDICATORS, Agency, Cycle, Proposal, ReportValue, ResultIndicator, YearlyReport
from app.proposals.permissions import load_with_evidence
from app.results import bp, charts, permissions, rules, services
from app.results.forms import DeleteIndicatorForm, indicator_form, plain_decimal, report_form
from app.web.htmx import announced, is_htmx, render_block
from app.web.inputs import int_arg, show_refusal
from app.web.paging import paginate


# --- indicators ---------------------------------------------------------------------

INDICATORS = "results/indicators.html"


def _reported_years(proposal: Proposal) -> dict[int, list[int]]:
    """{indicator id: years whose reports hold its value}, for all the proposal's indicators in one query."""
    rows = db.session.execute(
        select(ReportValue.indicator_id, Cycle.year)
        .join(YearlyReport, YearlyReport.id == ReportValue.report_id).join(Cycle, Cycle.id == YearlyReport.cycle_id)
        .join(ResultIndicator, ResultIndicator.id == ReportValue.indicator_id)
        .where(ResultIndicator.proposal_id == proposal.id).order_by(Cycle.year))
    years: dict[int, list[int]] = {}
    for indicator_id, year in rows:
        years.setdefault(indicator_id, []).append(year)
    return years


def _indicators_page(proposal: Proposal, forms: dict | None = None, saved: str | None = None,
                     changed: int | None = None, refusal: str | None = None) -> dict:
    """The indicators page: each indicator with the years it was reported in, and, for its agency
    and admins, its edit and delete forms and the form adding one more (up to the limit).
    `forms` holds a form to show instead of a fresh one ("new", or an indicator's id)."""
    forms = forms or {}
    indicators = services.indicators_of(proposal)
    editable = permissions.can_edit_indicators(current_user, proposal)
    years = _reported_years(proposal)
    rows = [{
        "indicator": indicator, "years": years.get(indicator.id, []),
        "form": (forms.get(indicator.id) or indicator_form(indicator)) if editable else None,
        "delete_form": DeleteIndicatorForm(formdata=None, prefix=f"d{indicator.id}", version=str(indicator.version))
        if editable and not years.get(indicator.id) else None,
    } for indicator in indicators]
    full = len(indicators) >= MAX_RESULT_INDICATORS
    return {
        "proposal": proposal, "rows": rows, "editable": editable, "full": full,
        "add_form": (forms.get("new") or indicator_form()) if editable and not full else None,
        "limit": MAX_RESULT_INDICATORS, "saved": saved, "changed": changed, "refusal": refusal,
        "number_example": plain_decimal(12.5),
    }


def _indicator_input(form) -> services.IndicatorInput:
    version = form.version.data or ""
    return services.IndicatorInput(name=form.name.data or "", unit=form.unit.data or "", baseline=form.baseline.data,
                                   target=form.target.data, direction=form.direction.data,
                                   version=int(version) if version.isdigit() else None)


def _indicators_answer(proposal_id: int, message: str, anchor: str, status: int = 200, forms: dict | None = None,
                       changed: int | None = None, refusal: str | None = None):
    """After a change (or its refusal): the region again for HTMX, with the message announced;
    else a redirect with the message. Refused, the page again with the form's messages or the
    `refusal` at the top (422, or 409 when someone else changed the indicator meanwhile)."""
    proposal = load_with_evidence(proposal_id, permissions.can_see)
    if is_htmx():
        saved = message if status == 200 else None
        html = render_block(INDICATORS, "indicators_region",
                            **_indicators_page(proposal, forms, saved, changed, refusal))
        return announced(html, message, status)
    if status == 200:
        flash(message, "success")
        return redirect(url_for("results.indicators", proposal_id=proposal_id, _anchor=anchor))
    return render_template(INDICATORS, **_indicators_page(proposal, forms, refusal=refusal)), status


def _stale(proposal: Proposal, indicator_id: int, form, error: Exception) -> None:
    """A stale edit keeps what the person typed, says the values now stored, and takes the current
    version, so saving again is a decision made knowing them (never a blind overwrite)."""
    form.form_errors.append(str(error))
    current = services.indicator_of(proposal, indicator_id)
    if current is not None:
        form.form_errors.append(_("Tersimpan sekarang: %(name)s — baseline %(baseline)s, target %(target)s %(unit)s, "
                                  "%(direction)s.", name=current.name, baseline=plain_decimal(current.baseline),
                                  target=plain_decimal(current.target), unit=current.unit,
                                  direction=label("direction", current.direction)))
        form.version.data = str(current.version)


def _indicators_to_change(proposal_id: int) -> Proposal:
    """The proposal whose indicators the person changes: 404/403 as the page, 403 unless they may set them."""
    proposal = load_with_evidence(proposal_id, permissions.can_see)
    if not permissions.can_edit_indicators(current_user, proposal):
        abort(403)
    return proposal


@bp.route("/proposals/<int:proposal_id>/indicators", methods=["GET", "POST"])
@login_required
def indicators(proposal_id: int):
    """The innovation's result indicators (1–5, DESIGN §8); POST adds one. Set by its agency
    (or an admin) from approval on; everyone who may see the proposal reads them."""
    if request.method == "GET":
        return render_template(INDICATORS, **_indicators_page(load_with_evidence(proposal_id, permissions.can_see)))
    proposal = _indicators_to_change(proposal_id)
    form = indicator_form(submitted=True)
    if form.validate_on_submit():
        try:
            indicator = services.add_indicator(proposal, current_user, _indicator_input(form))
            db.session.commit()
        except services.FieldError as error:
            db.session.rollback()
            show_refusal(form, error)
        except services.ServiceError as error:  # the limit reached meanwhile
            db.session.rollback()
            return _indicators_answer(proposal_id, str(error), "indicators", 422, refusal=str(error))
        else:
            return _indicators_answer(proposal_id, _("Indikator “%(name)s” ditambahkan.", name=indicator.name),
                                      f"indicator-{indicator.id}", changed=indicator.id)
    return _indicators_answer(proposal_id, _("Indikator belum ditambahkan; periksa isiannya."), "add-indicator",
                              422, {"new": form})


@bp.route("/proposals/<int:proposal_id>/indicators/<int:result_indicator_id>", methods=["POST"])
@login_required
def indicator_edit(proposal_id: int, result_indicator_id: int):
    """Correct one indicator; an edit of an older version is refused with the values now stored."""
    proposal = _indicators_to_change(proposal_id)
    indicator = services.indicator_of(proposal, result_indicator_id)
    if indicator is None:
        message = _("Indikator ini sudah dihapus orang lain; isian Anda tidak disimpan.")
        return _indicators_answer(proposal_id, message, "indicators", 409, refusal=message)
    form = indicator_form(indicator, submitted=True)
    if form.validate_on_submit():
        try:
            indicator = services.update_indicator(proposal, indicator.id, current_user, _indicator_input(form))
            db.session.commit()
        except (services.StaleIndicator, StaleDataError) as error:
            db.session.rollback()
            message = str(error) if isinstance(error, services.StaleIndicator) else _(
                "Indikator ini diubah orang lain pada saat yang sama. Isian Anda belum disimpan; periksa nilainya "
                "yang sekarang, lalu ubah lagi.")
            _stale(proposal, result_indicator_id, form, message)
            return _indicators_answer(proposal_id, message, f"indicator-{result_indicator_id}", 409,
                                      {result_indicator_id: form})
        except services.ServiceError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            return _indicators_answer(proposal_id, _("Indikator “%(name)s” diperbarui.", name=indicator.name),
                                      f"indicator-{indicator.id}", changed=indicator.id)
    return _indicators_answer(proposal_id, _("Indikator belum diperbarui; periksa isiannya."),
                              f"indicator-{result_indicator_id}", 422, {result_indicator_id: form})


@bp.route("/proposals/<int:proposal_id>/indicators/<int:result_indicator_id>/delete", methods=["POST"])
@login_required
def indicator_delete(proposal_id: int, result_indicator_id: int):
    """Delete an indicator no yearly report has a value of; refused for one that has (its history)."""
    proposal = _indicators_to_change(proposal_id)
    form = DeleteIndicatorForm(prefix=f"d{result_indicator_id}")
    if not form.validate_on_submit():
        abort(400)
    version = form.version.data or ""
    try:
        name = services.delete_indicator(proposal, result_indicator_id, current_user,
                                         int(version) if version.isdigit() else None)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        message = _("Indikator ini diubah orang lain pada saat yang sama; periksa nilainya yang sekarang, lalu coba "
                    "lagi.")
        return _indicators_answer(proposal_id, message, f"indicator-{result_indicator_id}", 409, refusal=message)
    except services.ServiceError as error:
        db.session.rollback()
        status = 409 if isinstance(error, services.StaleIndicator) else 422
        return _indicators_answer(proposal_id, str(error), f"indicator-{result_indicator_id}", status,
                                  refusal=str(error))
    return _indicators_answer(proposal_id, _("Indikator “%(name)s” dihapus.", name=name), "indicators")


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
            show_refusal(form, error)
        else:
            message = (_("Laporan %(year)d disimpan: %(status)s.", year=cycle.year,
                         status=label("report_status", report.status)) if created
                       else _("Laporan %(year)d diperbarui: %(status)s.", year=cycle.year,
                              status=label("report_status", report.status)))
            if is_htmx():
                context = _reports_page(load_with_evidence(proposal.id, permissions.can_see), current_cycle())
                html = render_block(REPORTS, "reports_region", saved=message, **context)
                return announced(html, message)
            flash(message, "success")
            return redirect(url_for("results.reports", proposal_id=proposal.id, _anchor=f"report-{cycle.year}"))
    proposal = load_with_evidence(proposal.id, permissions.can_see)
    context = _reports_page(proposal, cycle, form=form)
    if is_htmx():
        html = render_block(REPORTS, "reports_region", **context)
        return announced(html, _("Laporan belum disimpan; periksa isiannya."), 422)
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


# --- charts on the proposal page and the public page --------------------------------

@bp.app_template_global("result_charts")
@pass_context
def result_charts(context, proposal: Proposal) -> list:
    """The proposal page's indicator charts, for those who may see the proposal (the template's viewer)."""
    viewer = context["current_user"]
    if not (permissions.has_results(proposal) and viewer.is_authenticated and permissions.can_see(viewer, proposal)):
        return []
    return services.chart_series(proposal)


@bp.app_template_global("public_result_charts")
def public_result_charts(proposal: Proposal) -> list:
    """The charts of an innovation the showcase shows (it loads only published ones)."""
    return services.chart_series(proposal) if permissions.has_results(proposal) else []


bp.add_app_template_global(charts.chart_svg, "result_chart_svg")


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
