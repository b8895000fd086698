"""Coaching pages: the admin's /admin/coaches and /admin/readiness; the coach's dashboard
/coaching; an agency's coaching page /coaching/agencies/<id>; sessions and their action items
under /coaching/sessions and /coaching/items; the agency's readiness self-assessment at
/coaching/readiness. Every /admin/ path is for admins only (the before_request below); the
others check coaching.permissions on the server, and answer 404 to whoever may not see the agency.
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from app.auth.permissions import admin_only
from app.auth.services import safe_next_url
from app.coaching import bp, permissions, services
from app.coaching.forms import (
    ActionForm, AddItemForm, AssignCoachForm, EditSessionForm, MarkForm, SessionForm, readiness_form_class,
)
from app.coaching.readiness import questions
from app.core import signals
from app.core.cycles import city_today, current_cycle
from app.core.extensions import db
from app.models import LAB_STAGES, Agency, CoachAssignment, User
from app.proposals.permissions import can_view
from app.web.htmx import announced, is_htmx
from app.web.inputs import form_status, int_arg


@bp.before_request
def _admin_pages():
    """/admin/coaches and /admin/readiness: anonymous people to the login page, non-admins 403."""
    if request.path.startswith("/admin/"):
        return admin_only()
    return None


def _cycle_or_404():
    return current_cycle() or abort(404)


# --- the admin's coaches ------------------------------------------------------------------

def _coaches_page(cycle, form: AssignCoachForm | None = None, status: int = 200):
    agencies = services.active_agencies() if cycle else []
    assignments = services.assignments_of(cycle) if cycle else {}
    if form is None:
        form = AssignCoachForm(formdata=None)
    _coach_choices(form, agencies)
    return render_template("coaching/coaches.html", cycle=cycle, agencies=agencies, assignments=assignments,
                           form=form, remove_form=ActionForm(formdata=None)), status


def _coach_choices(form: AssignCoachForm, agencies) -> None:
    """Who may coach (named with their own agency, if any) and the agencies to choose from."""
    form.coach_id.choices = [(0, _("— pilih pendamping —"))] + [
        (u.id, f"{u.name} ({u.agency.name})" if u.agency else u.name) for u in services.coach_candidates()]
    form.agency_ids.choices = [(a.id, a.name) for a in agencies]


@bp.route("/admin/coaches", methods=["GET", "POST"])
def coaches():
    """The current cycle's active agencies with their coach; the form assigns one coach to one or
    several agencies (or changes theirs)."""
    cycle = current_cycle()
    if request.method == "GET" or cycle is None:
        return _coaches_page(cycle)
    form = AssignCoachForm()
    _coach_choices(form, services.active_agencies())
    if form.validate_on_submit() and form.coach_id.data:
        coach = db.session.get(User, form.coach_id.data)
        agencies = list(db.session.scalars(select(Agency).where(Agency.id.in_(form.agency_ids.data))
                                           .order_by(Agency.name)))
        try:
            changed = services.assign_coach(cycle, agencies, coach, current_user)
        except services.CoachingError as error:
            db.session.rollback()
            form[error.field or "coach_id"].errors = [str(error)]
        else:
            db.session.commit()
            flash(ngettext("%(name)s menjadi pendamping %(num)d perangkat daerah.",
                           "%(name)s menjadi pendamping %(num)d perangkat daerah.", changed, name=coach.name)
                  if changed else _("Tidak ada yang berubah: %(name)s sudah mendampingi perangkat daerah itu.",
                                    name=coach.name), "success")
            return redirect(url_for("coaching.coaches"))
    elif form.is_submitted() and not form.coach_id.data and not form.coach_id.errors:
        form.coach_id.errors = [_("Pilih pendamping.")]
    return _coaches_page(cycle, form, 422)


@bp.route("/admin/coaches/<int:assignment_id>/remove", methods=["POST"])
def remove_coach(assignment_id: int):
    """The agency has no coach in that cycle any more."""
    assignment = db.session.get(CoachAssignment, assignment_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    name, agency = assignment.coach.name, assignment.agency.name
    services.remove_coach(assignment, current_user)
    db.session.commit()
    flash(_("%(name)s tidak lagi mendampingi %(agency)s.", name=name, agency=agency), "success")
    return redirect(url_for("coaching.coaches"))


# --- the coach's dashboard --------------------------------------------------------------

@bp.route("/coaching")
@login_required
def dashboard():
    """The agencies I coach this cycle (an admin: every coached agency) with their progress."""
    cycle = current_cycle()
    today = city_today()
    assignments = services.coached(current_user, cycle)
    progress = services.progress(cycle, [a.agency_id for a in assignments], today) if cycle else {}
    return render_template("coaching/dashboard.html", cycle=cycle, assignments=assignments, progress=progress,
                           stages=LAB_STAGES, today=today)


# --- an agency's coaching page ----------------------------------------------------------

def _visible_agency(agency_id: int, cycle):
    """The agency and its coach assignment of `cycle`; 404 for whoever may not see its coaching."""
    agency = db.session.get(Agency, agency_id)
    if agency is None:
        abort(404)
    assignment = services.coach_of(agency.id, cycle)
    if not permissions.can_see_agency(current_user, agency, assignment):
        abort(404)
    return agency, assignment


@bp.route("/coaching/agencies/<int:agency_id>")
@login_required
def agency(agency_id: int):
    """The agency's coaching: its proposals by lab stage, readiness answers, sessions, action items."""
    cycle = current_cycle()
    agency, assignment = _visible_agency(agency_id, cycle)
    sessions = services.sessions_of(agency.id)
    items = [item for session in sessions for item in session.items]
    return render_template(
        "coaching/agency.html", agency=agency, cycle=cycle, assignment=assignment,
        proposals=services.proposals_of(agency.id, cycle), readiness=services.readiness_of(cycle, agency.id),
        questions=questions(), sessions=sessions, today=city_today(),
        open_items=sorted((i for i in items if not i.done), key=lambda i: (i.due_on, i.id)),
        done_items=sorted((i for i in items if i.done), key=lambda i: (i.due_on, i.id)),
        may_record=permissions.can_record(current_user, assignment), mark_form=MarkForm(formdata=None),
        may_mark=lambda item: permissions.can_mark(current_user, item, assignment),
        may_open=lambda proposal: can_view(current_user, proposal))


# --- sessions ---------------------------------------------------------------------------

def _items_of(form) -> list[services.ItemInput]:
    return [services.ItemInput(what=row.what.data or "", owner_id=row.owner_id.data or None, due_on=row.due_on.data)
            for row in form.items]


def _refused(form, error: services.CoachingError) -> int:
    """A service's refusal beside its field (an item row's field by its id), or at the top; 422.
    (The form's own `errors` were gathered when it validated, so the status is said here.)"""
    target = next((f for f in _fields(form) if f.id == error.field), None) if error.field else None
    if target is not None:
        target.errors = list(target.errors or []) + [str(error)]
    else:
        form.form_errors.append(str(error))
    return 422


def _fields(form):
    for f in form:
        if f.type == "FieldList":
            for row in f:
                yield from row.form
        else:
            yield f


@bp.route("/coaching/sessions/new", methods=["GET", "POST"])
@login_required
def session_new():
    """Record a session held with an agency (?agency=<id>): date, proposals discussed, notes and
    the first action items. For the agency's coach and admins."""
    cycle = _cycle_or_404()
    agency_id = int_arg("agency") or int_arg("agency", request.form) or abort(404)
    agency, assignment = _visible_agency(agency_id, cycle)
    if not permissions.can_record(current_user, assignment):
        abort(403)
    people = services.owner_choices(agency.id, assignment, current_user)
    proposals = services.proposals_of(agency.id, cycle)
    form = SessionForm(formdata=request.form if request.method == "POST" else None).fill_choices(proposals, people)
    status = None
    if request.method == "GET":
        form.held_on.data = city_today()
    elif form.validate_on_submit():
        try:
            session = services.record_session(agency, cycle, current_user, form.held_on.data,
                                               form.proposal_ids.data or [], form.notes.data, _items_of(form),
                                               city_today())
        except services.CoachingError as error:
            db.session.rollback()
            status = _refused(form, error)
        else:
            db.session.commit()
            flash(ngettext("Pendampingan dicatat dengan %(num)d tindak lanjut.",
                           "Pendampingan dicatat dengan %(num)d tindak lanjut.", len(session.items)), "success")
            return redirect(url_for("coaching.session_detail", session_id=session.id))
    return render_template("coaching/session_form.html", form=form, agency=agency, cycle=cycle,
                           session=None), status or form_status(form)


def _visible_session(session_id: int):
    session = services.load_session(session_id) or abort(404)
    _agency, assignment = _visible_agency(session.agency_id, session.cycle)
    return session, assignment


def _session_page(session, assignment, add_form: AddItemForm | None = None, status: int = 200):
    may_edit = permissions.can_edit_session(current_user, session, assignment)
    if may_edit and add_form is None:
        add_form = AddItemForm(formdata=None)
    if add_form is not None:
        add_form.fill_choices(services.owner_choices(session.agency_id, assignment, session.coach))
    return render_template(
        "coaching/session.html", session=session, assignment=assignment, may_edit=may_edit,
        add_form=add_form if may_edit else None, mark_form=MarkForm(formdata=None), today=city_today(),
        may_mark=lambda item: permissions.can_mark(current_user, item, assignment)), status


@bp.route("/coaching/sessions/<int:session_id>")
@login_required
def session_detail(session_id: int):
    """One session: date, coach, proposals discussed, notes, action items (and the form adding more)."""
    session, assignment = _visible_session(session_id)
    return _session_page(session, assignment)


@bp.route("/coaching/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def session_edit(session_id: int):
    """Correct a session's date, proposals discussed and notes."""
    session, assignment = _visible_session(session_id)
    if not permissions.can_edit_session(current_user, session, assignment):
        abort(403)
    proposals = services.proposals_of(session.agency_id, session.cycle)
    if request.method == "GET":
        form = EditSessionForm(formdata=None, obj=session)
        form.proposal_ids.data = [p.id for p in session.proposals]
    else:
        form = EditSessionForm()
    form.fill_choices(proposals, [], with_items=False)
    status = None
    if form.validate_on_submit():
        try:
            services.update_session(session, current_user, form.held_on.data, form.proposal_ids.data or [],
                                    form.notes.data, city_today())
        except services.CoachingError as error:
            db.session.rollback()
            status = _refused(form, error)
        else:
            db.session.commit()
            flash(_("Catatan pendampingan diperbarui."), "success")
            return redirect(url_for("coaching.session_detail", session_id=session.id))
    return render_template("coaching/session_form.html", form=form, agency=session.agency, cycle=session.cycle,
                           session=session), status or form_status(form)


@bp.route("/coaching/sessions/<int:session_id>/items", methods=["POST"])
@login_required
def add_item(session_id: int):
    """Add one more action item to a session."""
    session, assignment = _visible_session(session_id)
    if not permissions.can_edit_session(current_user, session, assignment):
        abort(403)
    form = AddItemForm().fill_choices(services.owner_choices(session.agency_id, assignment, session.coach))
    if form.validate_on_submit():
        try:
            services.add_items(session, current_user, _items_of(form))
        except services.CoachingError as error:
            db.session.rollback()
            _refused(form, error)  # the page below answers 422
        else:
            db.session.commit()
            flash(_("Tindak lanjut ditambahkan."), "success")
            return redirect(url_for("coaching.session_detail", session_id=session.id, _anchor="items"))
    session, assignment = _visible_session(session_id)
    return _session_page(session, assignment, add_form=form, status=422)


@bp.route("/coaching/items/<int:item_id>/done", methods=["POST"])
@login_required
def mark_item(item_id: int):
    """Mark an action item done (done=1) or open again (done=0): one click. HTMX gets the item
    back, announced; without JavaScript, back to the page it was on."""
    item = services.load_item(item_id) or abort(404)
    assignment = services.coach_of(item.session.agency_id, item.session.cycle)
    if not permissions.can_see_agency(current_user, item.session.agency, assignment) and item.owner_id != current_user.id:
        abort(404)
    form = MarkForm()
    if not form.validate_on_submit() or form.done.data not in ("0", "1"):
        abort(400)
    try:
        services.set_done(item, form.done.data == "1", current_user)
    except services.NotAllowed:
        abort(403)
    db.session.commit()
    message = (_("“%(what)s” ditandai selesai.", what=item.what) if item.done
               else _("“%(what)s” dibuka lagi.", what=item.what))
    if is_htmx():
        html = render_template("coaching/_item.html", item=item, today=city_today(), mark_form=MarkForm(formdata=None),
                               may_mark=True, next_url=safe_next_url(form.next.data) or "")
        return announced(html, message)
    flash(message, "success")
    return redirect(request.script_root + (safe_next_url(form.next.data)
                                           or url_for("coaching.session_detail", session_id=item.session_id)))


# --- readiness --------------------------------------------------------------------------

@bp.route("/coaching/readiness", methods=["GET", "POST"])
@login_required
def readiness():
    """My agency's readiness self-assessment of this cycle: once per cycle, editable until it closes."""
    if current_user.agency_id is None:
        abort(403)
    cycle = _cycle_or_404()
    assessment = services.readiness_of(cycle, current_user.agency_id)
    form_class = readiness_form_class()
    status = None
    if request.method == "GET":
        form = form_class(formdata=None)
        if assessment is not None:
            for code, answer in assessment.by_question.items():
                form[f"{code}_score"].data = str(answer.score)
                form[f"{code}_note"].data = answer.note
    else:
        form = form_class()
        if form.validate_on_submit():
            try:
                _saved, created = services.save_readiness(cycle, current_user.agency_id, current_user, form.answers())
            except services.NotAllowed:
                abort(403)
            except services.CoachingError as error:
                db.session.rollback()
                status = _refused(form, error)
            else:
                db.session.commit()
                flash(_("Penilaian kesiapan %(year)d disimpan.", year=cycle.year) if created
                      else _("Penilaian kesiapan %(year)d diperbarui.", year=cycle.year), "success")
                return redirect(url_for("coaching.readiness"))
    return render_template("coaching/readiness.html", form=form, cycle=cycle, assessment=assessment,
                           questions=questions()), status or form_status(form)


@bp.route("/admin/readiness")
def city_readiness():
    """The city's view: every agency's readiness answers and mean this cycle; those not filled in."""
    cycle = _cycle_or_404()
    assessments, missing = services.readiness_table(cycle)
    return render_template("coaching/city_readiness.html", cycle=cycle, assessments=assessments, missing=missing,
                           questions=questions())


# --- dashboard panels -------------------------------------------------------------------

@signals.dashboard_panels.connect
def coach_panel(user):
    """For a coach: the agencies they coach this cycle and their open action items, overdue marked."""
    if user.role != "reviewer":
        return None
    cycle = current_cycle()
    assignments = services.coached(user, cycle)
    if not assignments:
        return None
    items = services.open_items_of_agencies([a.agency_id for a in assignments])
    return signals.DashboardPanel(-20, "coaching/_coach_panel.html", {
        "cycle": cycle, "assignments": assignments, "action_items": items, "today": city_today(),
        "mark_form": MarkForm(formdata=None)})


@signals.dashboard_panels.connect
def agency_items_panel(user):
    """For an agency's members: its open action items, overdue marked; and the readiness
    self-assessment while the cycle's is not filled in."""
    if user.agency_id is None:
        return None
    items = services.open_items_of_agencies([user.agency_id])
    cycle = current_cycle()
    readiness_due = (cycle is not None and not cycle.closed
                     and services.readiness_of(cycle, user.agency_id) is None)
    if not items:  # nothing waits: the readiness prompt alone sits with the agency's progress
        return signals.DashboardPanel(15, "coaching/_readiness_panel.html", {"cycle": cycle}) if readiness_due else None
    return signals.DashboardPanel(-15, "coaching/_agency_panel.html", {
        "cycle": cycle, "action_items": items, "today": city_today(), "readiness_due": readiness_due,
        "mark_form": MarkForm(formdata=None)})
