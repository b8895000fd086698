"""/admin/index: the national index package (DESIGN §9): the simulator, the readiness checks,
the region's evidence (claimed by one admin, verified by another) and the exports.

Admins only: the blueprint's before_request refuses every /admin/ path to anyone else.
A claim or a verification is a plain form: the answer is the whole page again, so every
number it changed (the score, the category, the lists) is shown at once; a refused form
answers 422 with the message beside its field, in its indicator's row.
"""
from flask import Response, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.core import audit
from app.core.cycles import current_cycle, cycle_of_year
from app.core.extensions import db
from app.maturity import bp, index_export, region, services, simulator
from app.maturity.forms import RegionClaimForm, VerifyForm
from app.models import Cycle, Indicator
from app.proposals import storage
from app.web.inputs import form_status, int_arg


def _cycle() -> Cycle:
    year = int_arg("year")
    cycle = cycle_of_year(year) if year else current_cycle()
    return cycle or abort(404)


def _region_claim_form(indicator: Indicator, scale: "region.RegionScale", submitted: bool = False) -> RegionClaimForm:
    form = RegionClaimForm(prefix=f"r{indicator.id}", **({} if submitted else {"formdata": None}))
    form.level.choices = [(value.level, ngettext("Level %(n)d — %(text)s (%(num)d poin)",
                                                 "Level %(n)d — %(text)s (%(num)d poin)", value.points,
                                                 n=value.level, text=services.indicator_text(value.description)))
                          for value in scale.levels_of(indicator.id)]
    return form


def _region_verify_form(indicator: Indicator, scale, claimed, submitted: bool = False) -> VerifyForm:
    form = VerifyForm(prefix=f"rv{indicator.id}", **({} if submitted else {"formdata": None}))
    form.level.choices = [(0, _("— pilih level lebih rendah —"))] + [
        (value.level, ngettext("Level %(n)d (%(num)d poin)", "Level %(n)d (%(num)d poin)", value.points,
                               n=value.level))
        for value in scale.levels_of(indicator.id) if value.level < claimed.claimed_level]
    return form


def _page(cycle: Cycle, status: int = 200, forms: dict | None = None):
    """The whole simulator page; `forms` holds a refused form by indicator id, shown open."""
    simulation = simulator.simulate(cycle, url_for)
    scale = simulation.region_scale
    rows = []
    for indicator in scale.indicators:
        claimed = simulation.region_claims.get(indicator.id)
        own = (forms or {}).get(indicator.id, {})
        verify_form = own.get("verify")  # a refused verification is shown with its message, to anyone
        if verify_form is None and claimed is not None and claimed.claimant_id != current_user.id and not cycle.closed:
            verify_form = _region_verify_form(indicator, scale, claimed)
        rows.append({"indicator": indicator, "claim": claimed, "levels": scale.levels_of(indicator.id),
                     "claim_form": None if cycle.closed else own.get("claim") or _region_claim_form(indicator, scale),
                     "verify_form": verify_form,
                     "level": scale.level(indicator.id, claimed.verified_level) if claimed else None})
    return render_template("maturity/index.html", cycle=cycle, simulation=simulation, region_rows=rows,
                           gap_states=simulator.GAP_STATES), status


@bp.route("/admin/index")
def index_page():
    """The estimated national index of the cycle, what would raise it most, and the checks."""
    return _page(_cycle())


def _region_indicator(cycle: Cycle, indicator_id: int) -> tuple[Indicator, "region.RegionScale"]:
    scale = region.region_scale(cycle)
    indicator = next((i for i in scale.indicators if i.id == indicator_id), None)
    if indicator is None:
        abort(404)
    return indicator, scale


def _back(cycle: Cycle, indicator: Indicator):
    return redirect(url_for("maturity.index_page", year=cycle.year, _anchor=f"region-{indicator.id}"))


@bp.route("/admin/index/<int:year>/region/<int:indicator_id>/claim", methods=["POST"])
def region_claim(year: int, indicator_id: int):
    """Claim a level on one region indicator with its evidence document."""
    cycle = cycle_of_year(year) or abort(404)
    indicator, scale = _region_indicator(cycle, indicator_id)
    form = _region_claim_form(indicator, scale, submitted=True)
    if form.validate_on_submit():
        upload = form.file.data
        try:
            region.claim(cycle, indicator, current_user, level=form.level.data, note=form.note.data,
                         filename=upload.filename if upload else None, stream=upload.stream if upload else None)
        except services.FieldError as error:
            db.session.rollback()
            getattr(form, error.field).errors = [str(error)]
        except services.ServiceError as error:
            db.session.rollback()
            form.file.errors = [str(error)]
        else:
            db.session.commit()
            flash(_("Klaim %(name)s disimpan dan menunggu verifikasi admin lain.",
                    name=services.indicator_text(indicator.name)), "success")
            return _back(cycle, indicator)
    return _page(cycle, form_status(form), {indicator.id: {"claim": form}})


@bp.route("/admin/index/<int:year>/region/<int:indicator_id>/verify", methods=["POST"])
def region_verify(year: int, indicator_id: int):
    """A second admin's verdict on a region claim."""
    cycle = cycle_of_year(year) or abort(404)
    indicator, scale = _region_indicator(cycle, indicator_id)
    claimed = region.get_claim(cycle, indicator.id) or abort(404)
    form = _region_verify_form(indicator, scale, claimed, submitted=True)
    if form.validate_on_submit():
        try:
            region.verify(claimed, current_user, form.decision.data, level=form.level.data or None,
                          reason=form.reason.data)
        except services.FieldError as error:
            db.session.rollback()
            getattr(form, error.field).errors = [str(error)]
        except services.ServiceError as error:
            db.session.rollback()
            form.decision.errors = [str(error)]
        else:
            db.session.commit()
            flash(_("Verifikasi %(name)s disimpan.", name=services.indicator_text(indicator.name)), "success")
            return _back(cycle, indicator)
    return _page(cycle, form_status(form), {indicator.id: {"verify": form}})


@bp.route("/admin/index/<int:year>/region/<int:indicator_id>/evidence")
def region_evidence(year: int, indicator_id: int):
    """The region claim's evidence document, as a download."""
    cycle = cycle_of_year(year) or abort(404)
    claimed = region.get_claim(cycle, indicator_id) or abort(404)
    try:
        response = send_file(storage.upload_path(claimed.stored_name), mimetype=claimed.content_type,
                             as_attachment=True, download_name=claimed.original_name, max_age=0, etag=claimed.sha256)
    except FileNotFoundError:
        abort(404)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _download(chunks, name: str, mimetype: str) -> Response:
    """A streamed download: the body is produced while it is sent, never whole in memory. The
    database was read before (index_export), so the body needs no request context: an answer
    abandoned before its end leaves no context behind to be torn down out of turn."""
    response = Response(chunks, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _audited(cycle: Cycle, file: str) -> None:
    """Who took the package, and when: committed before the first byte goes out."""
    audit.record("index_exported", actor=current_user, summary=f"{file} {cycle.year}", file=file, year=cycle.year)
    db.session.commit()


@bp.route("/admin/index/export.xlsx")
def index_export_xlsx():
    """The innovations' profiles and levels, the region's indicators and the estimate, as XLSX."""
    cycle = _cycle()
    chunks = index_export.workbook(simulator.simulate(cycle, url_for), current_user)
    _audited(cycle, "export.xlsx")
    return _download(chunks, f"indeks-inovasi-daerah-{cycle.year}.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/admin/index/evidence.zip")
def index_evidence_zip():
    """Every evidence file of the cycle's innovations and of the region, with a manifest, as ZIP."""
    cycle = _cycle()
    chunks = index_export.evidence_archive(cycle)
    _audited(cycle, "evidence.zip")
    return _download(chunks, f"bukti-indeks-inovasi-daerah-{cycle.year}.zip", "application/zip")
