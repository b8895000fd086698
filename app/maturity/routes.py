"""Maturity pages: an innovation's evidence as a task list of the national indicators, one page
per indicator (claim, verify, publish; the forms swap their panel with HTMX),
the admins' indicators, per-cycle levels and export, and the dashboard panel."""
from dataclasses import dataclass
from decimal import Decimal

import click
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from jinja2 import pass_context
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.auth.permissions import admin_only
from app.core import signals
from app.core.cycles import city_today, current_cycle, cycle_of_year
from app.core.extensions import db
from app.core.labels import label
from app.maturity import bp, indicator_sets, permissions, report, services
from app.maturity.forms import (
    ClaimForm,
    IndicatorForm,
    LevelsForm,
    PublicForm,
    SetImportForm,
    VerifyForm,
)
from app.maturity.profile import ProfileClaim, ProfileData, profile_pdf
from app.models import Claim, Cycle, Indicator, IndicatorSet, Proposal
from app.proposals.permissions import load_with_evidence
from app.proposals.visibility import hides_identity, shown_agency, shown_author
from app.results.permissions import has_results
from app.results.services import chart_series
from app.showcase.services import load_public
from app.web.htmx import announced, is_htmx
from app.web.inputs import form_status


@dataclass
class Row:
    """One indicator of an innovation with its claim; on the indicator's page, the forms the person may use."""

    indicator: Indicator
    levels: list
    claim: Claim | None
    claim_form: ClaimForm | None = None
    verify_form: VerifyForm | None = None
    public_form: PublicForm | None = None

    @property
    def state(self) -> str:
        return self.claim.status if self.claim else "missing"


def _claim_form(proposal: Proposal, indicator: Indicator, levels, claim: Claim | None,
                submitted: bool = False) -> ClaimForm:
    """The claim form of one indicator (prefixed, so every row's fields have their own ids);
    `submitted` reads the request's form and files, otherwise it shows the current claim."""
    kwargs = {"prefix": f"c{indicator.id}"}
    if not submitted:
        kwargs["formdata"] = None
        if claim is not None:
            # The level is left unchosen (see ClaimForm.level); the evidence and note are kept.
            kwargs.update(note=claim.note, attachment_id=claim.attachment_id or 0)
    form = ClaimForm(**kwargs)
    form.level.choices = [(value.level, ngettext("Level %(n)d — %(text)s (%(num)d poin)",
                                                 "Level %(n)d — %(text)s (%(num)d poin)", value.points,
                                                 n=value.level, text=services.indicator_text(value.description)))
                          for value in levels]
    form.attachment_id.choices = [(0, _("— unggah berkas baru di bawah —"))] + [
        (attachment.id, attachment.original_name) for attachment in proposal.attachments]
    return form


def _verify_form(indicator: Indicator, levels, claim: Claim, submitted: bool = False) -> VerifyForm:
    """The verification form of one claim, offering only levels below the claimed one."""
    kwargs = {} if submitted else {"formdata": None}
    form = VerifyForm(prefix=f"v{indicator.id}", **kwargs)
    form.level.choices = [(0, _("— pilih level lebih rendah —"))] + [
        (value.level, ngettext("Level %(n)d (%(num)d poin)", "Level %(n)d (%(num)d poin)", value.points, n=value.level))
        for value in levels if value.level < claim.claimed_level]
    return form


def _claims(proposal: Proposal) -> dict[int, Claim]:
    """The proposal's claims by indicator, with what the pages show of them, in one query."""
    return {claim.indicator_id: claim for claim in db.session.scalars(
        select(Claim).options(joinedload(Claim.attachment), joinedload(Claim.verifier), joinedload(Claim.claimant))
        .where(Claim.proposal_id == proposal.id))}


def _overview(proposal: Proposal) -> dict:
    """The task list: every indicator of the cycle with its state, and the score.
    A constant number of queries whatever the number of indicators."""
    scale = services.scale_for(proposal.cycle)
    claims = _claims(proposal)
    rows = [Row(indicator, scale.levels_of(indicator.id), claims.get(indicator.id))
            for indicator in scale.indicators]
    return {
        "proposal": proposal, "scale": scale, "rows": rows,
        "score": services.score_claims(proposal, scale, list(claims.values())),
        "has_maturity": permissions.has_maturity(proposal),
    }


def _page(proposal: Proposal, indicator: Indicator, forms: dict | None = None) -> dict:
    """Everything one indicator's page shows: its levels, the claim, the forms the person may
    use, the innovation's score, and the indicators before and after it in the task list."""
    forms = forms or {}
    context = _overview(proposal)
    rows = context["rows"]
    position = next(n for n, row in enumerate(rows) if row.indicator.id == indicator.id)
    row = rows[position]
    if permissions.can_claim(current_user, proposal):
        row.claim_form = forms.get("claim") or _claim_form(proposal, indicator, row.levels, row.claim)
    if permissions.can_verify(current_user, proposal) and row.claim is not None:
        row.verify_form = forms.get("verify") or _verify_form(indicator, row.levels, row.claim)
    if permissions.can_publish(current_user, proposal) and row.claim is not None and row.claim.verified:
        row.public_form = PublicForm(prefix=f"p{indicator.id}", formdata=None, public=row.claim.public)
    context.update(row=row, position=position + 1,
                   previous_row=rows[position - 1] if position > 0 else None,
                   next_row=rows[position + 1] if position + 1 < len(rows) else None)
    return context


def _row_response(proposal: Proposal, indicator: Indicator, announce: str, forms: dict | None = None,
                  status: int = 200):
    """The HTMX answer: the indicator's panel, and the score summary out of band (422 with a form's errors)."""
    html = render_template("maturity/_row_response.html", swapped=True, **_page(proposal, indicator, forms))
    return announced(html, announce, status)


def _indicator(proposal: Proposal, indicator_id: int) -> Indicator:
    indicator = db.get_or_404(Indicator, indicator_id)
    if not services.scale_for(proposal.cycle).includes(indicator.id):
        abort(404)
    return indicator


def _claim_or_404(proposal: Proposal, indicator_id: int) -> tuple[Indicator, Claim]:
    """The indicator and the proposal's claim on it, or 404 when nothing was claimed."""
    indicator = _indicator(proposal, indicator_id)
    found = services.get_claim(proposal.id, indicator.id)
    if found is None:
        abort(404)
    return indicator, found


def _to_task_list(proposal: Proposal, indicator: Indicator):
    """After a saved claim or verdict: back to the task list, at the indicator just done."""
    return redirect(url_for("maturity.proposal", proposal_id=proposal.id, _anchor=f"task-{indicator.id}"))


@bp.route("/proposals/<int:proposal_id>/maturity")
@login_required
def proposal(proposal_id: int):
    """The innovation's evidence as a task list: each national indicator with its state
    (not started, waiting for verification, verified, downgraded, needs better evidence) and the score."""
    item = load_with_evidence(proposal_id, permissions.can_see)
    return render_template("maturity/proposal.html", **_overview(item))


@bp.route("/proposals/<int:proposal_id>/maturity/<int:indicator_id>")
@login_required
def indicator(proposal_id: int, indicator_id: int):
    """One indicator of the innovation: its levels, the claim and its verification, and the
    claim, verification or publication form the person may use."""
    item = load_with_evidence(proposal_id, permissions.can_see)
    return render_template("maturity/indicator.html", **_page(item, _indicator(item, indicator_id)))


@bp.route("/proposals/<int:proposal_id>/maturity/<int:indicator_id>/claim", methods=["POST"])
@login_required
def claim(proposal_id: int, indicator_id: int):
    """The agency claims a level on one indicator with a document from the attachments or a new upload."""
    item = load_with_evidence(proposal_id, permissions.can_claim)
    indicator = _indicator(item, indicator_id)
    levels = services.scale_for(item.cycle).levels_of(indicator.id)
    form = _claim_form(item, indicator, levels, None, submitted=True)
    if form.validate_on_submit():
        upload = form.file.data
        filename = upload.filename if upload is not None and getattr(upload, "filename", None) else None
        try:
            saved = services.claim_level(item, indicator, current_user, level=form.level.data, note=form.note.data,
                                         attachment_id=form.attachment_id.data or None, filename=filename,
                                         stream=upload.stream if filename else None)
            db.session.commit()
        except services.ServiceError as error:
            db.session.rollback()
            field = getattr(error, "field", None) or ("file" if filename else "attachment_id")
            form[field].errors = [str(error)]
        else:
            message = _("Klaim %(name)s level %(level)d disimpan dan menunggu verifikasi.",
                        name=services.indicator_text(indicator.name), level=saved.claimed_level)
            if is_htmx():
                return _row_response(db.session.get(Proposal, item.id), indicator, message)
            flash(message, "success")
            return _to_task_list(item, indicator)
    item = load_with_evidence(proposal_id, permissions.can_claim)
    if is_htmx():
        return _row_response(item, indicator, _("Klaim belum disimpan; periksa isiannya."), {"claim": form}, 422)
    return render_template("maturity/indicator.html", **_page(item, indicator, {"claim": form})), 422


@bp.route("/proposals/<int:proposal_id>/maturity/<int:indicator_id>/verify", methods=["POST"])
@login_required
def verify(proposal_id: int, indicator_id: int):
    """A reviewer or admin of another agency accepts, lowers (with a reason) or sends back (with a reason)."""
    item = load_with_evidence(proposal_id, permissions.can_verify)
    indicator, found = _claim_or_404(item, indicator_id)
    levels = services.scale_for(item.cycle).levels_of(indicator.id)
    form = _verify_form(indicator, levels, found, submitted=True)
    if form.validate_on_submit():
        try:
            services.verify_claim(found, current_user, form.decision.data, level=form.level.data or None,
                                  reason=form.reason.data)
            db.session.commit()
        except services.ServiceError as error:
            db.session.rollback()
            form[getattr(error, "field", "decision")].errors = [str(error)]
        else:
            message = _("Verifikasi %(name)s disimpan.", name=services.indicator_text(indicator.name))
            if is_htmx():
                return _row_response(load_with_evidence(proposal_id, permissions.can_see), indicator, message)
            flash(message, "success")
            return _to_task_list(item, indicator)
    item = load_with_evidence(proposal_id, permissions.can_see)
    if is_htmx():
        return _row_response(item, indicator, _("Verifikasi belum disimpan; periksa isiannya."), {"verify": form}, 422)
    return render_template("maturity/indicator.html", **_page(item, indicator, {"verify": form})), 422


@bp.route("/proposals/<int:proposal_id>/maturity/<int:indicator_id>/public", methods=["POST"])
@login_required
def publish(proposal_id: int, indicator_id: int):
    """An admin shows or hides one verified indicator on the public innovation page."""
    item = load_with_evidence(proposal_id, permissions.can_publish)
    indicator, found = _claim_or_404(item, indicator_id)
    form = PublicForm(prefix=f"p{indicator.id}")
    if form.validate_on_submit():
        try:
            services.set_claim_public(found, current_user, bool(form.public.data))
            db.session.commit()
        except services.ServiceError as error:
            db.session.rollback()
            message = str(error)
        else:
            message = (_("%(name)s ditampilkan di halaman publik.", name=services.indicator_text(indicator.name)) if form.public.data
                       else _("%(name)s tidak lagi ditampilkan di halaman publik.", name=services.indicator_text(indicator.name)))
        if is_htmx():
            return _row_response(load_with_evidence(proposal_id, permissions.can_see), indicator, message)
        flash(message, "info")
    return redirect(url_for("maturity.indicator", proposal_id=item.id, indicator_id=indicator.id))


# --- admin: indicators, levels, export ---------------------------------------------

# --- the profile document (DESIGN §9) -------------------------------------------------

def _level_text(level) -> str:
    return f"Level {level.level}: {level.description}" if level else "—"


def _profile_claims(proposal: Proposal) -> list[ProfileClaim]:
    """Every indicator of the cycle with its claim: the verified level once verified, else the one claimed."""
    scale = services.scale_for(proposal.cycle)
    claims = _claims(proposal)
    rows = []
    with force_locale("id"):
        for indicator in scale.indicators:
            claim = claims.get(indicator.id)
            if claim is None:
                rows.append(ProfileClaim(indicator.name, "—", "Belum diklaim"))
                continue
            number = claim.verified_level if claim.verified else claim.claimed_level
            rows.append(ProfileClaim(indicator.name, _level_text(scale.level(indicator.id, number)),
                                     label("claim_status", claim.status)))
    return rows


def _pdf(buffer, name: str):
    return send_file(buffer, mimetype="application/pdf", download_name=name, as_attachment=False)


@bp.route("/proposals/<int:proposal_id>/profile.pdf")
@login_required
def profile(proposal_id: int):
    """The innovation's profile for whoever may see the proposal: the agency and author as they
    may read them (hidden under blind review), every indicator with its claim."""
    proposal = load_with_evidence(proposal_id, permissions.can_see)
    with force_locale("id"):  # the profile is Indonesian (app/maturity/profile.py), its hidden names too
        agency, author = shown_agency(current_user, proposal), shown_author(current_user, proposal)
    data = ProfileData(proposal=proposal, agency=agency, author=author,
                       agency_hidden=hides_identity(current_user, proposal),
                       claims=_profile_claims(proposal) if permissions.has_maturity(proposal) else [],
                       results=chart_series(proposal) if has_results(proposal) else [], public=False)
    return _pdf(profile_pdf(data), f"profil-inovasi-{proposal.id}.pdf")


@bp.route("/innovations/<int:proposal_id>.pdf")
def public_profile(proposal_id: int):
    """The profile of a published innovation, for anyone: only the verified evidence an admin made public."""
    proposal = load_public(proposal_id)
    if proposal is None:
        abort(404)
    claims = [ProfileClaim(indicator.name, _level_text(level), "Terverifikasi")
              for indicator, level, _count in services.public_indicators(proposal)]
    data = ProfileData(proposal=proposal, agency=proposal.agency.name, author=proposal.agency.name, claims=claims,
                       results=chart_series(proposal) if has_results(proposal) else [], public=True)
    return _pdf(profile_pdf(data), f"profil-inovasi-{proposal.id}.pdf")


@bp.before_request
def _admin_pages():
    """Every /admin/maturity route: anonymous to the login page, non-admins 403."""
    if request.path.startswith("/admin/"):
        return admin_only()
    return None


@bp.route("/admin/maturity/indicators")
def indicators():
    """Every indicator in order, active or not, with what proves it."""
    cycle = current_cycle()
    missing = indicator_sets.missing_shipped()
    sets = db.session.scalars(select(IndicatorSet).order_by(IndicatorSet.year.desc(), IndicatorSet.aspect)
                              .options(selectinload(IndicatorSet.indicators))).all()
    return render_template("maturity/indicators.html", sets=sets, cycle=cycle, missing=missing,
                           aspect_names=indicator_sets.ASPECT_NAMES)


@bp.route("/admin/maturity/indicators/load", methods=["POST"])
def load_indicators():
    """Add the shipped national indicators that are missing."""
    added = services.load_indicators(current_user)
    db.session.commit()
    flash(_("%(n)d indikator ditambahkan.", n=added), "success")
    return redirect(url_for("maturity.indicators"))


@bp.route("/admin/maturity/sets/import", methods=["GET", "POST"])
def set_import():
    """Import a year's indicator set of one aspect from a CSV, all or nothing."""
    form = SetImportForm()
    if request.method == "GET":
        form.year.data = form.year.data or city_today().year
    if form.validate_on_submit():
        try:
            text = indicator_sets.read_upload(form.file.data.stream)
            exists = db.session.scalar(select(IndicatorSet.id).where(
                IndicatorSet.year == form.year.data, IndicatorSet.aspect == form.aspect.data))
            if exists is not None and not form.replace.data:
                raise services.ServiceError(_("Set %(year)d untuk aspek ini sudah ada. Centang \"Ganti\" untuk "
                                              "menggantinya.", year=form.year.data))
            imported = indicator_sets.import_set(
                form.year.data, form.aspect.data, Decimal(str(form.weight.data)) / 100,
                text, current_user, source=form.source.data or "")
        except indicator_sets.SetFileError as error:
            db.session.rollback()
            form.file.errors = list(error.problems)
        except services.ServiceError as error:
            db.session.rollback()
            form.file.errors = [str(error)]
        else:
            count = len(imported.indicators)
            db.session.commit()
            flash(ngettext("Set %(year)d diimpor: %(num)d indikator.", "Set %(year)d diimpor: %(num)d indikator.",
                           count, year=imported.year), "success")
            return redirect(url_for("maturity.indicators", _anchor=f"set-{imported.id}"))
    return render_template("maturity/set_import.html", form=form, columns=indicator_sets.KNOWN_COLUMNS,
                           example=indicator_sets.example_csv(services.indicator_text)), form_status(form)


@bp.route("/admin/maturity/indicators/new", methods=["GET", "POST"])
@bp.route("/admin/maturity/indicators/<int:indicator_id>/edit", methods=["GET", "POST"])
def indicator_form(indicator_id: int | None = None):
    """Create an indicator or change its name, evidence, order and whether it is used."""
    indicator = db.get_or_404(Indicator, indicator_id) if indicator_id else None
    form = IndicatorForm(obj=indicator)
    if indicator is not None:
        form.code.data = indicator.code  # the code is fixed once created
    if form.validate_on_submit():
        try:
            saved = services.save_indicator(indicator, current_user, code=form.code.data, name=form.name.data,
                                            evidence=form.evidence.data, order=form.order.data,
                                            active=form.active.data)
        except services.ServiceError as error:
            db.session.rollback()
            form.code.errors = [str(error)]
        else:
            db.session.commit()
            flash(_("Indikator %(name)s disimpan.", name=saved.name), "success")
            return redirect(url_for("maturity.indicators"))
    return render_template("maturity/indicator_form.html", form=form, indicator=indicator), form_status(form)


@bp.route("/admin/maturity/levels")
def levels_current():
    """The levels of the current cycle."""
    cycle = current_cycle()
    if cycle is None:
        flash(_("Belum ada siklus tahunan."), "info")
        return redirect(url_for("maturity.indicators"))
    return redirect(url_for("maturity.levels", year=cycle.year))


@bp.route("/admin/maturity/levels/<int:year>")
def levels(year: int):
    """The levels and points of every indicator in one cycle (read-only once the cycle is closed)."""
    cycle = cycle_of_year(year) or abort(404)
    cycles = db.session.scalars(select(Cycle).order_by(Cycle.year.desc())).all()
    return render_template("maturity/levels.html", cycle=cycle, cycles=cycles, scale=services.scale_for(cycle))


@bp.route("/admin/maturity/levels/<int:year>/<int:indicator_id>", methods=["GET", "POST"])
def level_form(year: int, indicator_id: int):
    """Edit one indicator's levels and points in an open cycle."""
    cycle = cycle_of_year(year) or abort(404)
    indicator = db.get_or_404(Indicator, indicator_id)
    scale = services.scale_for(cycle)
    if not scale.includes(indicator.id):
        abort(404)
    if cycle.closed:
        flash(_("Siklus %(year)d sudah ditutup; level dan poinnya hanya dapat dibaca.", year=year), "info")
        return redirect(url_for("maturity.levels", year=year))
    current = scale.levels_of(indicator.id)
    if request.method == "POST":
        form = LevelsForm()
    else:
        form = LevelsForm(formdata=None, data={"levels": [
            {"description": value.description, "points": value.points} for value in current]})
    if form.validate_on_submit():
        values, problem = _level_values(form)
        if problem:
            form.form_errors.append(problem)
        else:
            try:
                services.save_levels(cycle, indicator, current_user, values)
            except services.ServiceError as error:
                db.session.rollback()
                form.form_errors.append(str(error))
            else:
                db.session.commit()
                flash(_("Level %(name)s untuk %(year)d disimpan.", name=services.indicator_text(indicator.name), year=year), "success")
                return redirect(url_for("maturity.levels", year=year, _anchor=f"indicator-{indicator.id}"))
    return render_template("maturity/level_form.html", form=form, cycle=cycle, indicator=indicator), form_status(form)


def _level_values(form: LevelsForm) -> tuple[list[tuple[str, int]], str | None]:
    """The filled rows as (description, points); rows must be filled from level 1 without gaps."""
    filled = []
    for entry in form.levels.entries:
        description = (entry.form.description.data or "").strip()
        points = entry.form.points.data
        if not description and points is None:
            continue
        if not description or points is None:
            return [], _("Setiap level perlu uraian dan poin.")
        # The row's position comes from its field name, since missing rows are not posted.
        filled.append((int(entry.name.rsplit("-", 1)[1]), description, points))
    filled.sort()
    if [index for index, _description, _points in filled] != list(range(len(filled))):
        return [], _("Isi level berurutan dari level 1 tanpa baris kosong di antaranya.")
    return [(description, points) for _index, description, points in filled], None


@bp.route("/admin/maturity/<int:year>.xlsx")
def export(year: int):
    """Every innovation × indicator of the cycle, ready to transcribe into the national system."""
    cycle = cycle_of_year(year) or abort(404)
    return send_file(report.workbook(cycle, current_user), as_attachment=True,
                     download_name=f"kematangan-inovasi-{year}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", max_age=0)


@bp.route("/admin/maturity")
def overview():
    """The city's maturity summary for the current cycle (admins)."""
    cycle = current_cycle()
    summary = services.city_summary(cycle) if cycle else None
    return render_template("maturity/overview.html", cycle=cycle, summary=summary)


# --- dashboard, templates, command line -------------------------------------------

@signals.dashboard_panels.connect
def maturity_panel(user):
    """My agency's innovations with their maturity and what is missing; for admins the city summary."""
    cycle = current_cycle()
    if cycle is None:
        return None
    own = []
    if user.agency_id is not None:
        scale = services.scale_for(cycle)
        own = services.scores_for(services.innovations(cycle, user.agency_id), scale)
    city = services.city_summary(cycle) if user.is_admin else None
    if not own and city is None:
        return None
    return signals.DashboardPanel(40, "maturity/_dashboard_panel.html", {"cycle": cycle, "own": own, "city": city})


bp.add_app_template_global(services.indicator_text, "indicator_text")


@bp.app_template_global("maturity_summary")
@pass_context
def maturity_summary(context, proposal: Proposal):
    """The proposal page's maturity box: the score, for those who may see the proposal, or None.

    The viewer is the template's current_user: the Audience in the shared part of the page."""
    viewer = context["current_user"]
    if not (viewer.is_authenticated and permissions.has_maturity(proposal)
            and permissions.can_see(viewer, proposal)):
        return None
    scale = services.scale_for(proposal.cycle)
    return services.scores_for([proposal], scale)[0]


@bp.app_template_global("public_maturity")
def public_maturity(proposal: Proposal):
    """The verified indicators an admin published, for an innovation on the showcase only."""
    return services.public_indicators(proposal)


@bp.app_template_global("maturity_city_summary")
def maturity_city_summary(cycle: Cycle | None):
    """The city summary for the leaderboard page, for admins only."""
    if cycle is None or not permissions.can_manage(current_user):
        return None
    return services.city_summary(cycle)


@bp.cli.command("load-indicators")
@click.option("--year", type=click.IntRange(2000, 2100), default=None,
              help="Only the shipped sets of this year (default: every shipped set).")
def load_indicators_command(year: int | None):
    """Add the shipped national index indicator sets and indicators that are missing."""
    try:
        added = services.load_indicators(year=year)
    except services.ServiceError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"{added} indicators added.")
