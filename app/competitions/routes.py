"""Competitions: the admin's pages under /admin/competitions (set up, assign reviewers,
results and the judge, exports) and an agency's entry at /proposals/<id>/competition.

Every /admin/ path here is for admins only (the before_request below); the entry page is
for the proposal's agency (and admins), checked by the service.
"""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from jinja2 import pass_context
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.auth.permissions import admin_only
from app.competitions import bp, services
from app.competitions.forms import ActionForm, BulkAssignForm, CompetitionForm, EntryForm, judge_form_class
from app.core import audit
from app.core.cycles import city_today, current_cycle
from app.core.extensions import db
from app.models import Competition, CompetitionEntry, CompetitionTrack, Cycle, Review, ReviewAssignment, Rubric, User
from app.proposals.permissions import is_member, load_proposal
from app.web.htmx import announced, is_htmx
from app.web.inputs import form_status
from app.web.streaming import Sheet, clean_name, stream_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.before_request
def _admin_pages():
    """Every /admin/competitions route: anonymous people to the login page, non-admins 403."""
    if request.path.startswith("/admin/"):
        return admin_only()
    return None


def _competition(competition_id: int) -> Competition:
    competition = db.session.scalar(select(Competition).options(
        selectinload(Competition.tracks), selectinload(Competition.rubric), selectinload(Competition.cycle))
        .where(Competition.id == competition_id))
    if competition is None:
        abort(404)
    return competition


# --- list and form ---------------------------------------------------------------

@bp.route("/admin/competitions")
def competitions():
    """Every competition, newest cycle first, with its entries and reviews in."""
    rows = db.session.scalars(select(Competition).options(
        selectinload(Competition.tracks), selectinload(Competition.cycle), selectinload(Competition.rubric))
        .join(Cycle, Cycle.id == Competition.cycle_id).order_by(Cycle.year.desc(), Competition.name)).all()
    counts = dict(db.session.execute(select(CompetitionEntry.competition_id, func.count(CompetitionEntry.id))
                                     .group_by(CompetitionEntry.competition_id)).all())
    return render_template("competitions/list.html", competitions=rows, counts=counts, today=city_today())


def _form(competition: Competition | None) -> CompetitionForm:
    form = CompetitionForm(obj=competition)
    form.cycle_id.choices = [(c.id, str(c.year)) for c in db.session.scalars(
        select(Cycle).order_by(Cycle.year.desc()))]
    form.rubric_id.choices = [(r.id, r.title) for r in db.session.scalars(
        select(Rubric).order_by(Rubric.name, Rubric.version.desc()))]
    if request.method == "GET":
        if competition is not None:
            form.tracks.data = services.tracks_text(competition)
        else:
            cycle = current_cycle()
            form.cycle_id.data = cycle.id if cycle else None
            form.tracks.data = form.tracks.data or _("opd: Perangkat daerah")
    return form


@bp.route("/admin/competitions/new", methods=["GET", "POST"])
@bp.route("/admin/competitions/<int:competition_id>/edit", methods=["GET", "POST"])
def competition_form(competition_id: int | None = None):
    """Create or change a competition: cycle, name, rubric, tracks, deadlines, blind review."""
    competition = _competition(competition_id) if competition_id else None
    form = _form(competition)
    if form.validate_on_submit():
        try:
            saved = services.save_competition(
                competition, cycle=db.session.get(Cycle, form.cycle_id.data), name=form.name.data,
                description=form.description.data, rubric=db.session.get(Rubric, form.rubric_id.data),
                entry_deadline=form.entry_deadline.data, review_deadline=form.review_deadline.data,
                blind_review=form.blind_review.data, tracks=form.parsed_tracks, actor=current_user)
        except services.CompetitionError as error:
            db.session.rollback()
            getattr(form, error.field or "name").errors.append(str(error))
        else:
            db.session.commit()
            flash(_("%(name)s disimpan.", name=saved.name), "success")
            return redirect(url_for("competitions.detail", competition_id=saved.id))
    return render_template("competitions/form.html", form=form, competition=competition), form_status(form)


# --- entries and reviewer assignment ----------------------------------------------

def _detail_context(competition: Competition, message: str = "", error: str = "",
                    bulk_form: BulkAssignForm | None = None) -> dict:
    entries = services.entries_of(competition)
    pool = services.reviewer_pool()
    conflicts = services.conflicts_of(e.proposal_id for e in entries)
    reviewed = {(proposal_id, reviewer_id) for proposal_id, reviewer_id in db.session.execute(
        services.competition_reviews(competition).with_only_columns(
            Review.proposal_id, Review.reviewer_id))}
    by_track = {track.id: [] for track in competition.tracks}
    for entry in entries:
        have = {a.reviewer_id for a in entry.assignments}
        choices = [u for u in pool if u.id not in have and services.refusal(entry, u, conflicts) is None]
        by_track.setdefault(entry.track_id, []).append({"entry": entry, "choices": choices})
    return {
        "competition": competition, "tracks": [(t, by_track.get(t.id, [])) for t in competition.tracks],
        "entries": entries, "conflicts": conflicts, "reviewed": reviewed,
        "assigned_total": sum(len(e.assignments) for e in entries),
        "short": sum(1 for e in entries if len(e.assignments) < services.REVIEWERS_PER_ENTRY),
        "bulk_form": bulk_form or BulkAssignForm(formdata=None), "action_form": ActionForm(formdata=None),
        "message": message, "error": error, "today": city_today(), "minimum": services.REVIEWERS_PER_ENTRY,
    }


@bp.route("/admin/competitions/<int:competition_id>")
def detail(competition_id: int):
    """The competition's entries per track with their reviewers: assign in bulk, adjust by hand."""
    competition = _competition(competition_id)
    return render_template("competitions/detail.html", **_detail_context(competition))


def _after_assignment(competition: Competition, message: str, error: str = "",
                      bulk_form: BulkAssignForm | None = None):
    """HTMX: the entries region again with the message; else back to the page with it flashed."""
    if is_htmx():
        html = render_template("competitions/detail.html", **_detail_context(
            competition, message=message, error=error, bulk_form=bulk_form))
        return announced(html, error or message, 422 if error else 200)
    flash(error or message, "error" if error else "success")
    return redirect(url_for("competitions.detail", competition_id=competition.id) + "#entries")


@bp.route("/admin/competitions/<int:competition_id>/assign", methods=["POST"])
def assign_bulk(competition_id: int):
    """Give every entry N reviewers, balancing the load; assignments already made stay."""
    competition = _competition(competition_id)
    form = BulkAssignForm()
    if not form.validate_on_submit():  # the page again, the message beside the number
        html = render_template("competitions/detail.html", **_detail_context(competition, bulk_form=form))
        message = str(next(iter(form.errors.values()))[0])
        return announced(html, message, 422) if is_htmx() else (html, 422)
    result = services.assign_balanced(competition, current_user, per_entry=form.per_entry.data)
    db.session.commit()
    message = ngettext("%(num)d penugasan baru.", "%(num)d penugasan baru.", result.added)
    if result.short:
        message += " " + ngettext(
            "%(num)d peserta belum mendapat cukup penilai yang memenuhi syarat: tugaskan penilai lain atau "
            "tambah penilai.",
            "%(num)d peserta belum mendapat cukup penilai yang memenuhi syarat: tugaskan penilai lain atau "
            "tambah penilai.", len(result.short))
    return _after_assignment(competition, message)


def _entry(competition: Competition, entry_id: int) -> CompetitionEntry:
    entry = db.session.get(CompetitionEntry, entry_id)
    if entry is None or entry.competition_id != competition.id:
        abort(404)
    return entry


@bp.route("/admin/competitions/<int:competition_id>/entries/<int:entry_id>/assign", methods=["POST"])
def assign_one(competition_id: int, entry_id: int):
    """Assign one reviewer to one entry by hand."""
    competition = _competition(competition_id)
    entry = _entry(competition, entry_id)
    form = ActionForm()
    reviewer_id = request.form.get("reviewer_id", "")
    reviewer = db.session.get(User, int(reviewer_id)) if reviewer_id.isdigit() and len(reviewer_id) < 10 else None
    if not form.validate_on_submit():
        abort(400)
    if reviewer is None:
        return _after_assignment(competition, "", error=_("Pilih penilai."))
    try:
        services.assign(entry, reviewer, current_user)
    except services.CompetitionError as error:
        db.session.rollback()
        return _after_assignment(competition, "", error=str(error))
    db.session.commit()
    return _after_assignment(competition, _("%(name)s ditugaskan menilai “%(title)s”.", name=reviewer.name,
                                            title=entry.proposal.title))


@bp.route("/admin/competitions/<int:competition_id>/assignments/<int:assignment_id>/remove", methods=["POST"])
def unassign(competition_id: int, assignment_id: int):
    """Take an assignment back (their review, if any, stays)."""
    competition = _competition(competition_id)
    assignment = db.session.get(ReviewAssignment, assignment_id)
    if assignment is None or assignment.entry.competition_id != competition.id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    name, title = assignment.reviewer.name, assignment.entry.proposal.title
    services.unassign(assignment, current_user)
    db.session.commit()
    return _after_assignment(competition, _("Tugas %(name)s menilai “%(title)s” dicabut.", name=name, title=title))


# --- results and the judge ---------------------------------------------------------

def _results_context(competition: Competition, forms: dict | None = None, message: str = "") -> dict:
    entries = services.entries_of(competition)
    tracks = services.results(competition, entries)
    forms = forms or {}
    judged = []
    for track_results in tracks:
        form = forms.get(track_results.track.id)
        if form is None:
            form = judge_form_class([r.entry for r in track_results.rows])(
                formdata=None, prefix=f"t{track_results.track.id}")
        judged.append((track_results, form))
    return {"competition": competition, "tracks": judged, "message": message, "today": city_today(),
            "publish_form": ActionForm(formdata=None), "has_winner": any(e.winner for e in entries)}


@bp.route("/admin/competitions/<int:competition_id>/results")
def results(competition_id: int):
    """Per track, entries ranked by calibrated mean with spread and reviews in; the judge's form."""
    competition = _competition(competition_id)
    return render_template("competitions/results.html", **_results_context(competition))


@bp.route("/admin/competitions/<int:competition_id>/tracks/<int:track_id>/judge", methods=["POST"])
def judge(competition_id: int, track_id: int):
    """Record the final ranking, winners and notes of one track."""
    competition = _competition(competition_id)
    track = db.session.get(CompetitionTrack, track_id)
    if track is None or track.competition_id != competition.id:
        abort(404)
    entries = [e for e in services.entries_of(competition) if e.track_id == track.id]
    form = judge_form_class(entries)(prefix=f"t{track.id}")
    if form.validate_on_submit():
        try:
            services.judge_track(track, form.judgements(entries), current_user)
        except services.CompetitionError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            message = _("Hasil kategori %(track)s disimpan.", track=track.name)
            if is_htmx():
                html = render_template("competitions/results.html", **_results_context(competition, message=message))
                return announced(html, message)
            flash(message, "success")
            return redirect(url_for("competitions.results", competition_id=competition.id))
    html = render_template("competitions/results.html", **_results_context(competition, forms={track.id: form}))
    return html, 422


@bp.route("/admin/competitions/<int:competition_id>/publish", methods=["POST"])
def publish(competition_id: int):
    """Announce the winners on the showcase, or take the announcement back."""
    competition = _competition(competition_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    wanted = request.form.get("published") == "1"
    try:
        services.publish_results(competition, wanted, current_user)
    except services.CompetitionError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Pemenang %(name)s diumumkan di etalase.", name=competition.name) if wanted
              else _("Pengumuman pemenang %(name)s ditarik dari etalase.", name=competition.name), "success")
    return redirect(url_for("competitions.results", competition_id=competition.id))


# --- exports and statistics ----------------------------------------------------------

@bp.route("/admin/competitions/<int:competition_id>/reviews.xlsx")
def reviews_xlsx(competition_id: int):
    """Every review of the competition, one row each, one column per criterion."""
    competition = _competition(competition_id)
    header, rows = services.review_rows(competition)
    audit.record("competition_exported", target=competition, actor=current_user, summary=competition.name)
    db.session.commit()
    widths = [18, 10, 40, 30, 24] + [14] * len(competition.rubric.criteria) + [12, 14, 50, 16, 16]
    response = Response(stream_xlsx([Sheet(_("Penilaian"), header, rows, widths)]), mimetype=XLSX)
    name = clean_name(f"penilaian-{competition.name}-{competition.cycle.year}.xlsx")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/admin/competitions/<int:competition_id>/reviewers")
def reviewers(competition_id: int):
    """Per reviewer: assigned, done, overdue, mean and spread of their scores, days to review."""
    competition = _competition(competition_id)
    today = city_today()
    return render_template("competitions/reviewers.html", competition=competition, today=today,
                           loads=services.reviewer_loads(competition, today))


# --- an agency's entry -----------------------------------------------------------------

def _entry_page(proposal, form: EntryForm | None = None, status: int = 200):
    entry = services.entry_of(proposal)
    today = city_today()
    competitions = services.open_competitions(proposal, today) if entry is None else []
    if form is None:
        form = EntryForm(formdata=None)
    form.track_id.choices = [(t.id, f"{c.name} — {t.name}") for c in competitions for t in c.tracks]
    return render_template("competitions/entry.html", proposal=proposal, entry=entry, form=form,
                           competitions=competitions, may_enter=services.may_enter(current_user, proposal),
                           withdraw_form=ActionForm(formdata=None), today=today), status


@bp.route("/proposals/<int:proposal_id>/competition", methods=["GET", "POST"])
@login_required
def entry(proposal_id: int):
    """Enter the proposal in a competition and track of its cycle, before the entry deadline."""
    proposal = load_proposal(proposal_id)
    if not (is_member(current_user, proposal) or current_user.is_admin):
        abort(403)
    if request.method == "GET":
        return _entry_page(proposal)
    form = EntryForm()
    form.track_id.choices = [(t.id, t.name) for c in services.open_competitions(proposal, city_today())
                             for t in c.tracks]
    if not form.validate_on_submit():
        return _entry_page(proposal, form, 422)
    track = db.session.get(CompetitionTrack, form.track_id.data)
    try:
        services.enter(proposal, track, current_user, city_today())
    except services.NotAllowed:
        abort(403)
    except services.CompetitionError as error:
        db.session.rollback()
        form.track_id.errors.append(str(error))
        return _entry_page(proposal, form, 422)
    db.session.commit()
    flash(_("“%(title)s” diikutkan ke %(name)s, kategori %(track)s.", title=proposal.title,
            name=track.competition.name, track=track.name), "success")
    return redirect(url_for("competitions.entry", proposal_id=proposal.id))


@bp.route("/proposals/<int:proposal_id>/competition/withdraw", methods=["POST"])
@login_required
def withdraw(proposal_id: int):
    """Take the proposal out of its competition, before the entry deadline."""
    proposal = load_proposal(proposal_id)
    entry = services.entry_of(proposal)
    if entry is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    name = entry.competition.name
    try:
        services.withdraw_entry(entry, current_user, city_today())
    except services.NotAllowed:
        abort(403)
    except services.CompetitionError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("“%(title)s” ditarik dari %(name)s.", title=proposal.title, name=name), "success")
    return redirect(url_for("competitions.entry", proposal_id=proposal.id))


# --- parts other pages show ---------------------------------------------------------------

@bp.app_template_global("competition_box")
@pass_context
def competition_box(context, proposal) -> dict | None:
    """The proposal page's box: the competition entry, and whether the template's viewer (the
    Audience in the shared part of the page) may enter or withdraw it; None when there is
    nothing to show them. One query."""
    viewer = context["current_user"]
    entry = services.entry_of(proposal)
    may_enter = services.may_enter(viewer, proposal)
    if entry is None and not may_enter:
        return None
    return {"entry": entry, "may_enter": may_enter or bool(getattr(viewer, "is_admin", False))}


@bp.app_template_global("competition_awards")
def competition_awards(proposals) -> dict:
    """{proposal id: award} for the showcase's winner marks, in one query for a page of cards."""
    return services.awards(p.id for p in proposals)
