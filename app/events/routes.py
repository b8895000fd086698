"""Lab events: public calendar, event pages, registration, attendance, the pledge, linked ideas."""
from datetime import datetime

from flask import (
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.auth.permissions import admin_required
from app.core import signals
from app.core.cycles import city_today
from app.core.extensions import db
from app.core.labels import label
from app.events import bp, services
from app.events.calendar import build_calendar
from app.events.forms import CloseReportForm, EventForm, LinkProposalForm
from app.events.report import attendance_workbook
from app.events.services import EventError
from app.models import (
    ACTIVE_REGISTRATION_STATUSES,
    EVENT_KINDS,
    PENDING_REGISTRATION_STATUSES,
    Agency,
    Event,
    Proposal,
    Registration,
    Signature,
    User,
)
from app.models._types import utcnow
from app.models.events import SEAT_STATUSES
from app.proposals.permissions import visible_to
from app.proposals.visibility import shown_agency
from app.showcase.services import is_public
from app.web.csv_export import to_csv
from app.web.htmx import announced, is_htmx, render_block, render_page_or_block
from app.web.inputs import form_status, int_arg, page_number, show_refusal

DETAIL = "events/detail.html"


def load_event(event_id: int) -> Event:
    """The event, or 404 (also for internal events the viewer may not see:
    the public must not learn that they exist)."""
    event = db.get_or_404(Event, event_id)
    if not services.can_see(current_user, event):
        abort(404)
    return event


# --- lists and pages ---------------------------------------------------------------

# "" rather than "/": the contract path is GET /events, without a trailing slash.
@bp.route("")
def index():
    """Upcoming and past events, filtered by kind; internal ones only for logged-in staff."""
    kind = request.args.get("kind", "")
    now = utcnow()
    base = select(Event).where(services.visible_events(current_user))
    if kind in EVENT_KINDS:
        base = base.where(Event.kind == kind)
    upcoming = db.session.scalars(base.where(Event.ends_at >= now).order_by(Event.starts_at).limit(100)).all()
    past = db.paginate(base.where(Event.ends_at < now).order_by(Event.starts_at.desc()), page=page_number(),
                       per_page=20, error_out=False)
    ids = [e.id for e in upcoming] + [e.id for e in past.items]
    taken = services.seat_counts(ids)
    mine = {}
    if current_user.is_authenticated and ids:
        mine = dict(db.session.execute(
            select(Registration.event_id, Registration.status)
            .where(Registration.user_id == current_user.id, Registration.event_id.in_(ids))
        ).all())
    return render_page_or_block(
        "events/index.html", "results", upcoming=upcoming, past=past, taken=taken, mine=mine,
        kind=kind, kinds=EVENT_KINDS,
    )


def _detail_context(event: Event, **extra) -> dict:
    """Everything the event page and its fragments show, in a fixed number of queries."""
    user = current_user
    staff = user.is_authenticated
    taken = services.seats_taken(event.id)
    waiting = db.session.scalar(
        select(func.count(Registration.id)).where(Registration.event_id == event.id, Registration.status == "waitlisted")
    ) or 0
    registration = services.registration_of(event, user)
    signature = None
    signatures = []
    if staff:
        signatures = db.session.scalars(
            select(Signature).where(Signature.event_id == event.id).order_by(Signature.signed_at, Signature.id)
        ).all()
        signature = next((s for s in signatures if s.user_id == user.id), None)
    signed, signed_agencies = services.signature_counts(event.id)
    agencies = db.session.execute(
        select(Agency.name, func.count(Registration.id))
        .join(User, User.agency_id == Agency.id)
        .join(Registration, Registration.user_id == User.id)
        .where(Registration.event_id == event.id, Registration.status.in_(SEAT_STATUSES))
        .group_by(Agency.name).order_by(Agency.name)
    ).all()
    proposals_stmt = (
        select(Proposal).options(joinedload(Proposal.agency))
        .where(Proposal.event_id == event.id).order_by(Proposal.title)
    )
    if staff:
        proposals_stmt = proposals_stmt.where(visible_to(user))
    else:
        proposals_stmt = proposals_stmt.where(is_public())  # the showcase's rule
    proposals = db.session.scalars(proposals_stmt).all()
    report = services.report_of(event)
    context = dict(
        report=report, attended=services.attendance_counts(event.id)["attended"] if report else 0,
        # By agency for staff only: the public page counts people, it never lists who came.
        attended_by_agency=services.attendance_by_agency(event.id) if report and staff else [],
        event=event, taken=taken, waiting=waiting,
        seats_left=None if event.capacity is None else max(event.capacity - taken, 0),
        registration=registration,
        place=services.waitlist_place(registration) if registration else None,
        can_cancel=bool(registration and registration.status in PENDING_REGISTRATION_STATUSES
                        and not event.cancelled and event.ends_at >= utcnow()),
        problem=services.registration_problem(event),
        signature=signature, signatures=signatures, signed=signed, signed_agencies=signed_agencies,
        agencies=agencies, proposals=proposals, link_form=_link_form(event),
        can_link=services.can_link, next_stage=services.next_stage,
        swapped=False, error=None, link_error=None,
    )
    context.update(extra)
    return context


def _linkable_proposals(event: Event) -> list[Proposal]:
    """Proposals the viewer may link: their agency's, or any for admins; not withdrawn."""
    user = current_user
    if not user.is_authenticated or (not user.is_admin and user.agency_id is None):
        return []
    stmt = (
        select(Proposal).options(joinedload(Proposal.agency))
        .where((Proposal.event_id.is_(None)) | (Proposal.event_id != event.id), Proposal.status != "withdrawn")
        .order_by(Proposal.title).limit(500)
    )
    if not user.is_admin:
        stmt = stmt.where(Proposal.agency_id == user.agency_id)
    return db.session.scalars(stmt).all()


def _link_form(event: Event) -> LinkProposalForm | None:
    proposals = _linkable_proposals(event)
    if not proposals:
        return None
    form = LinkProposalForm(formdata=None)
    # Others link their own agency's proposals only: no agency to name.
    option_text = (lambda p: f"{p.title} ({shown_agency(current_user, p)})") if current_user.is_admin else (lambda p: p.title)
    form.proposal_id.choices = [(0, _("— pilih usulan —"))] + [(p.id, option_text(p)) for p in proposals]
    return form


@bp.route("/<int:event_id>")
def detail(event_id: int):
    """One event: time, place, seats, registration, the pledge, ideas born there."""
    event = load_event(event_id)
    return render_template(DETAIL, **_detail_context(event))


# --- calendar ---------------------------------------------------------------

def _ics_response(body: bytes, filename: str) -> Response:
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def feed():
    """iCalendar feed of the public events that are not cancelled (GET /events.ics)."""
    events = db.session.scalars(
        select(Event).where(Event.is_public.is_(True), Event.cancelled.is_(False)).order_by(Event.starts_at)
    ).all()
    return _ics_response(build_calendar(events, _("Kegiatan Laboratorium Inovasi Kota Probolinggo")), "apusida-kegiatan.ics")


@bp.route("/<int:event_id>.ics")
def event_ics(event_id: int):
    """One event as an iCalendar file (a cancelled one says STATUS:CANCELLED)."""
    event = load_event(event_id)
    return _ics_response(build_calendar([event], event.title), f"kegiatan-{event.id}.ics")


# --- creating, editing, cancelling -------------------------------------------------------

def _fields_from(form: EventForm) -> dict:
    return dict(
        title=form.title.data.strip(), kind=form.kind.data,
        starts_at=services.local_to_utc(form.starts_at.data), ends_at=services.local_to_utc(form.ends_at.data),
        place=form.place.data.strip(), capacity=form.capacity.data, description=form.description.data or "",
        is_public=form.is_public.data, registration_open=form.registration_open.data,
        declaration_text=(form.declaration_text.data or "").strip(),
    )


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    """Admins plan a new event."""
    form = EventForm()
    if form.validate_on_submit():
        event = services.save_event(None, current_user, **_fields_from(form))
        db.session.commit()
        flash(_("Kegiatan \"%(title)s\" dibuat.", title=event.title), "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=None), form_status(form)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(event_id: int):
    """Admins change an event; raising the capacity lets the waitlist in."""
    event = db.get_or_404(Event, event_id)
    form = EventForm(obj=event)
    if request.method == "GET":
        form.starts_at.data = services.utc_to_local(event.starts_at)
        form.ends_at.data = services.utc_to_local(event.ends_at)
    if form.validate_on_submit():
        try:
            services.save_event(event, current_user, **_fields_from(form))
        except EventError as error:
            db.session.rollback()
            form.capacity.errors = list(form.capacity.errors) + [str(error)]
        else:
            db.session.commit()
            flash(_("Kegiatan \"%(title)s\" disimpan.", title=event.title), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=event), form_status(form)


@bp.route("/<int:event_id>/cancel-event", methods=["POST"])
@admin_required
def cancel_event(event_id: int):
    """Admins cancel the whole event; registered and waitlisted people are notified."""
    event = db.get_or_404(Event, event_id)
    try:
        notified = services.cancel_event(event, current_user)
    except EventError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Kegiatan dibatalkan; %(n)d peserta diberi tahu.", n=notified), "success")
    return redirect(url_for("events.detail", event_id=event_id))


# --- the close report ------------------------------------------------------------------

CLOSE = "events/close.html"


def _close_context(event: Event, form: CloseReportForm) -> dict:
    """The close report's page: the form, what is counted (check-ins) and linked (proposals), or
    why there can be no report yet."""
    proposals = db.session.scalars(select(Proposal).options(joinedload(Proposal.agency))
                                   .where(Proposal.event_id == event.id).order_by(Proposal.title)).all()
    return dict(event=event, form=form, refusal=services.close_refusal(event), report=services.report_of(event),
                counts=services.attendance_counts(event.id), by_agency=services.attendance_by_agency(event.id),
                proposals=proposals)


@bp.route("/<int:event_id>/close", methods=["GET", "POST"])
@admin_required
def close(event_id: int):
    """Admins write an ended event's close report (DESIGN §11), and correct it later: minutes,
    a public summary and the ideas born there; attendance and proposals come from the event."""
    event = db.get_or_404(Event, event_id)
    report = services.report_of(event)
    if request.method == "GET":
        form = CloseReportForm(formdata=None)
        if report is not None:
            form.minutes.data, form.public_summary.data = report.minutes, report.public_summary
            form.ideas.data = "\n".join(idea.title for idea in report.ideas)
            form.version.data = str(report.version)
        return render_template(CLOSE, **_close_context(event, form))
    form = CloseReportForm()
    if form.validate_on_submit():
        version = form.version.data or ""
        try:
            _report, created = services.save_close_report(
                event, current_user, form.minutes.data, form.public_summary.data, form.ideas.data,
                int(version) if version.isdigit() else None)
            db.session.commit()
        except (services.StaleEventReport, StaleDataError, IntegrityError) as error:  # a parallel save
            db.session.rollback()
            form.form_errors.append(str(error) if isinstance(error, EventError) else _(
                "Laporan penutupan ini diubah orang lain pada saat yang sama; muat ulang lalu simpan lagi."))
            return render_template(CLOSE, **_close_context(event, form)), 409
        except EventError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            flash(_("Laporan penutupan disimpan.") if created else _("Laporan penutupan diperbarui."), "success")
            return redirect(url_for("events.detail", event_id=event.id, _anchor="close-report"))
    return render_template(CLOSE, **_close_context(event, form)), 422


# --- registration -----------------------------------------------------------------

def _block_answer(event: Event, block: str, message: str, category: str, error_key: str, anchor: str = "",
                  out_of_band: str | None = None):
    """HTMX: one block of the event page, focused and announced, with the error beside it,
    and the `out_of_band` template's parts the change also touched elsewhere on the page.
    Otherwise flash the message and go back to the event page (at `anchor`)."""
    if is_htmx():
        error = message if category == "error" else None
        context = _detail_context(event, swapped=True, **{error_key: error})
        html = render_block(DETAIL, block, **context)
        if out_of_band:
            html += render_template(out_of_band, **context)
        return announced(html, message)
    flash(message, category)
    return redirect(url_for("events.detail", event_id=event.id) + anchor)


def _registration_answer(event: Event, message: str, category: str):
    return _block_answer(event, "registration", message, category, "error",
                         out_of_band="events/_registration_oob.html")


@bp.route("/<int:event_id>/register", methods=["POST"])
@login_required
def register(event_id: int):
    """Take a seat, or a place on the waitlist when the event is full."""
    event = load_event(event_id)
    try:
        registration = services.register(event, current_user)
    except EventError as error:
        db.session.rollback()
        return _registration_answer(event, str(error), "error")
    except IntegrityError:  # the same person's parallel click won the race
        db.session.rollback()
        return _registration_answer(event, _("Anda sudah terdaftar."), "info")
    place = services.waitlist_place(registration)
    db.session.commit()
    if registration.status == "waitlisted":
        message = _("Kegiatan penuh. Anda masuk daftar tunggu nomor %(place)d.", place=place)
    else:
        message = _("Anda terdaftar pada kegiatan ini.")
    return _registration_answer(event, message, "success")


@bp.route("/<int:event_id>/cancel", methods=["POST"])
@login_required
def cancel(event_id: int):
    """Give up one's seat or waitlist place; the first waiting person moves up."""
    event = load_event(event_id)
    try:
        services.cancel_registration(event, current_user)
    except EventError as error:
        db.session.rollback()
        return _registration_answer(event, str(error), "error")
    db.session.commit()
    return _registration_answer(event, _("Pendaftaran Anda dibatalkan."), "success")


# --- attendance ----------------------------------------------------------------

def _attendees(event: Event) -> list[Registration]:
    return db.session.scalars(
        select(Registration)
        .options(joinedload(Registration.user).joinedload(User.agency))
        .where(Registration.event_id == event.id, Registration.status.in_(SEAT_STATUSES))
        .join(User, User.id == Registration.user_id).order_by(User.name, Registration.id)
    ).all()


def _attendance_context(event: Event, toggled: int | None = None, error: str | None = None) -> dict:
    return dict(event=event, attendees=_attendees(event), counts=services.attendance_counts(event.id),
                ended=event.ends_at <= utcnow(), toggled=toggled, error=error)


@bp.route("/<int:event_id>/attendance", methods=["GET", "POST"])
@admin_required
def attendance(event_id: int):
    """Check-in list: admins mark each registered person present (or undo it)."""
    event = db.get_or_404(Event, event_id)
    if request.method == "POST":
        registration = db.session.get(Registration, int_arg("registration_id", request.form) or 0)
        if registration is None or registration.event_id != event.id:
            abort(404)
        try:
            services.toggle_attendance(registration, current_user)
        except EventError as error:
            db.session.rollback()
            if is_htmx():
                html = render_block("events/attendance.html", "attendance",
                                    **_attendance_context(event, toggled=registration.id, error=str(error)))
                return announced(html, str(error))
            flash(str(error), "error")
            return redirect(url_for("events.attendance", event_id=event.id))
        db.session.commit()
        name = registration.user.name
        message = (_("%(name)s dicatat hadir.", name=name) if registration.status == "attended"
                   else _("Kehadiran %(name)s dibatalkan.", name=name))
        if is_htmx():
            html = render_block("events/attendance.html", "attendance",
                                **_attendance_context(event, toggled=registration.id))
            return announced(html, message)
        flash(message, "success")
        return redirect(url_for("events.attendance", event_id=event.id) + f"#attendee-{registration.id}")
    return render_template("events/attendance.html", **_attendance_context(event))


@bp.route("/<int:event_id>/attendance.csv")
@admin_required
def attendance_csv(event_id: int):
    """The check-in list as CSV: name, email, agency, status, registered and checked-in times (WIB)."""
    event = db.get_or_404(Event, event_id)

    def local(value: datetime | None) -> str:
        return value.astimezone(services.JAKARTA).strftime("%Y-%m-%d %H:%M") if value else ""

    rows = (
        (registration.user.name, registration.user.email,
         registration.user.agency.name if registration.user.agency else "", registration.status,
         local(registration.created_at), local(registration.attended_at))
        for registration in _attendees(event)
    )
    response = make_response(to_csv(["name", "email", "agency", "status", "registered_at", "attended_at"], rows,
                                    bom=True))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="kehadiran-kegiatan-{event.id}.csv"'
    return response


@bp.route("/<int:event_id>/attendance.xlsx")
@admin_required
def attendance_xlsx(event_id: int):
    """The check-in list as an XLSX workbook with Indonesian headers, times in WIB."""
    event = db.get_or_404(Event, event_id)
    response = send_file(
        attendance_workbook(event, _attendees(event)), as_attachment=True,
        download_name=f"daftar-hadir-kegiatan-{event.id}.xlsx",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- the pledge ----------------------------------------------------------------

@bp.route("/<int:event_id>/sign", methods=["POST"])
@login_required
def sign(event_id: int):
    """Sign the event's declaration (once)."""
    event = load_event(event_id)
    try:
        _signature, created = services.sign_declaration(event, current_user)
    except EventError as error:
        db.session.rollback()
        message, category = str(error), "error"
    except IntegrityError:  # a parallel double click signed first
        db.session.rollback()
        message, category = _("Anda sudah menandatangani deklarasi ini."), "info"
    else:
        db.session.commit()
        message = _("Terima kasih, tanda tangan Anda tercatat.") if created else _("Anda sudah menandatangani deklarasi ini.")
        category = "success" if created else "info"
    return _block_answer(event, "pledge", message, category, "pledge_error", "#pledge")


# --- ideas born at the event ---------------------------------------------------------

def _proposals_answer(event: Event, message: str, category: str):
    return _block_answer(event, "proposals", message, category, "proposals_error", "#proposals")


def _link_form_error(event: Event, message: str):
    """The link form sent back with its message beside the select: 422, the block for HTMX, else the page."""
    context = _detail_context(event, swapped=True, link_error=message)
    if is_htmx():
        return announced(render_block(DETAIL, "proposals", **context), message, 422)
    return render_template(DETAIL, **context), 422


def _proposal_change_answer(event: Event, change, success_message):
    """Make a change to the event's proposals and answer with the block and what happened.
    A refusal (EventError) or a proposal edited meanwhile (StaleDataError) rolls back and
    says why; otherwise `success_message(result of change)` is shown."""
    try:
        result = change()
        db.session.commit()
    except EventError as error:
        db.session.rollback()
        return _proposals_answer(event, str(error), "error")
    except StaleDataError:
        db.session.rollback()
        return _proposals_answer(event, _("Usulan baru saja diubah orang lain. Muat ulang lalu coba lagi."), "error")
    return _proposals_answer(event, success_message(result), "success")


@bp.route("/<int:event_id>/proposals", methods=["POST"])
@login_required
def link_proposal(event_id: int):
    """Say that a proposal was born at this event (its agency or an admin)."""
    event = load_event(event_id)
    proposal = db.session.get(Proposal, int_arg("proposal_id", request.form) or 0)
    if proposal is None:
        return _link_form_error(event, _("Pilih usulan."))
    if not services.can_link(current_user, proposal):
        abort(403)
    return _proposal_change_answer(
        event, lambda: services.link_proposal(event, proposal, current_user),
        lambda _result: _("Usulan \"%(title)s\" dihubungkan dengan kegiatan ini.", title=proposal.title))


@bp.route("/<int:event_id>/proposals/<int:proposal_id>/unlink", methods=["POST"])
@login_required
def unlink_proposal(event_id: int, proposal_id: int):
    """Remove a wrong link between a proposal and this event."""
    event = load_event(event_id)
    proposal = db.get_or_404(Proposal, proposal_id)
    if not services.can_link(current_user, proposal):
        abort(403)
    return _proposal_change_answer(
        event, lambda: services.unlink_proposal(event, proposal, current_user),
        lambda _result: _("Usulan \"%(title)s\" dilepas dari kegiatan ini.", title=proposal.title))


@bp.route("/<int:event_id>/proposals/<int:proposal_id>/stage", methods=["POST"])
@admin_required
def advance_stage(event_id: int, proposal_id: int):
    """Admins move a linked proposal to the next lab stage (Drum-up → … → Display)."""
    event = db.get_or_404(Event, event_id)
    proposal = db.get_or_404(Proposal, proposal_id)
    return _proposal_change_answer(
        event, lambda: services.advance_stage(event, proposal, current_user),
        lambda stage: _("\"%(title)s\" kini di tahap %(stage)s.", title=proposal.title, stage=label("lab_stage", stage)))


# --- dashboard -----------------------------------------------------------------

@signals.dashboard_panels.connect
def my_upcoming_events(user):
    """Dashboard: the events I am registered or waitlisted for that have not ended."""
    rows = db.session.scalars(
        select(Registration).options(joinedload(Registration.event))
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.user_id == user.id, Registration.status.in_(ACTIVE_REGISTRATION_STATUSES),
               Event.ends_at >= utcnow(), Event.cancelled.is_(False))
        .order_by(Event.starts_at)
    ).all()
    places = {r.id: services.waitlist_place(r) for r in rows if r.status == "waitlisted"}
    return signals.DashboardPanel(30, "events/_dashboard_panel.html", {"registrations": rows, "places": places})


@signals.dashboard_panels.connect
def this_week_for_admin(user):
    """The admin's dashboard opens with this week's events (Monday to Sunday, WIB) and who registered."""
    if not user.is_admin:
        return None
    events = services.events_this_week(city_today())
    return signals.DashboardPanel(-20, "events/_week_panel.html", {
        "events": events, "registered": services.seat_counts([event.id for event in events])})
