"""Views of the review panel, the review queue and the notifications.

Every POST answers an HTMX request with the fragment that changed (and an
announcement for the live region), and a plain request with a redirect back,
so everything works without JavaScript.
"""
from datetime import date
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.auth.permissions import admin_required
from app.auth.services import safe_next_url
from app.core import signals
from app.core.cycles import city_today, current_cycle
from app.core.extensions import db
from app.core.labels import label
from app.models import (
    DECIDED_STATUSES,
    IN_REVIEW_STATUSES,
    ConflictDeclaration,
    Notification,
    Proposal,
    Review,
)
from app.notifications import services as notifications
from app.proposals import permissions
from app.proposals.permissions import load_proposal
from app.proposals.status import TransitionError
from app.reviews import bp, services
from app.reviews.forms import ConflictForm, DecisionForm, PublishForm, VoteForm
from app.reviews.panel import VoteState, build_panel, review_form_for
from app.web.htmx import announced, is_htmx, render_page_or_block
from app.web.inputs import page_number
from app.web.templating import score_text


def proposal_url(proposal: Proposal) -> str:
    """The proposal page (DESIGN §4: /proposals/<id>), owned by the proposals feature."""
    return request.script_root + notifications.proposal_link(proposal)


def back_url(proposal: Proposal) -> str:
    """Where a plain POST returns: a safe `next`, else the referring page of this site, else the proposal."""
    target = safe_next_url(request.form.get("next"))
    if target:
        return target
    if request.referrer:
        parts = urlsplit(request.referrer)
        if parts.scheme in ("http", "https") and parts.netloc == request.host and parts.path.startswith("/"):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return proposal_url(proposal)


def fragment(part: str, **context) -> str:
    return render_template("reviews/_fragment.html", part=part, **context)


def full_page(panel, status: int = 200):
    """The panel on a page of its own: the no-JavaScript answer to a form with errors."""
    return render_template("reviews/proposal.html", rp=panel), status


# --- template globals for the proposal page ------------------------------------------

@bp.app_template_global()
def review_panel(proposal: Proposal):
    """The panel data for `proposal` and the current user (used by _proposal_panel.html)."""
    return build_panel(proposal, current_user)




@bp.app_template_global()
def unread_notification_count() -> int:
    if not current_user.is_authenticated:
        return 0
    return notifications.unread_count(current_user)


BELL_ID = 'id="notification-count"'


@bp.after_app_request
def bell_follows_in_page_actions(response):
    """After an in-page (HTMX) action that notified the person who took it (an admin deciding
    on their own agency's proposal), the bell in the menu shows the new unread count out of
    band, and no feature has to remember the bell. Other actions (a vote, a comment) do not
    count it again. Only fragments htmx swaps get it (2xx, and 422 forms sent back)."""
    if (request.method != "POST" or not is_htmx() or not notifications.bell_changed()
            or not (200 <= response.status_code < 300 or response.status_code == 422)
            or response.status_code == 204 or response.mimetype != "text/html" or response.direct_passthrough
            or any(name in response.headers for name in ("HX-Redirect", "HX-Location", "HX-Refresh"))):
        return response
    body = response.get_data(as_text=True)
    if BELL_ID in body:  # the fragment carries the bell already (a notification marked read)
        return response
    response.set_data(body + render_template("reviews/_bell_oob.html",
                                             unread=notifications.unread_count(current_user)))
    return response


# --- reviews -----------------------------------------------------------------------------

@bp.route("/proposals/<int:proposal_id>/review", methods=["GET", "POST"])
@login_required
def review(proposal_id: int):
    """GET: the rubric form (fragment for HTMX). POST: save my review, answer with the saved scores."""
    proposal = load_proposal(proposal_id)
    if not services.may_review(current_user, proposal):
        abort(403)
    existing = db.session.scalar(select(Review).where(
        Review.proposal_id == proposal.id, Review.reviewer_id == current_user.id))
    if request.method == "GET":
        panel = build_panel(proposal, current_user, editing=True)
        if is_htmx():
            return fragment("review", rp=panel, autofocus=True)
        return full_page(panel)

    form = review_form_for(proposal, existing, formdata=request.form)
    status_before = proposal.status
    if form.validate():
        try:
            saved, created = services.save_review(
                proposal, current_user, form.scores(), form.recommendation.data, form.comment.data)
            score = saved.weighted_score
            db.session.commit()
        except services.NotAllowed:
            abort(403)
        except services.ReviewError as error:
            db.session.rollback()
            form.comment.errors.append(str(error))
        except StaleDataError:
            # Another reviewer's first review moved the proposal at the same moment.
            db.session.rollback()
            form.comment.errors.append(_("Usulan baru saja berubah. Periksa lalu simpan lagi."))
        else:
            message = _("Penilaian disimpan. Skor tertimbang %(score)s.", score=score_text(score))
            if is_htmx():
                panel = build_panel(proposal, current_user, editing=False)
                if panel.summary:
                    message += " " + _("Rata-rata kini %(mean)s, terkalibrasi %(calibrated)s.",
                                       mean=score_text(panel.summary.mean),
                                       calibrated=score_text(panel.summary.calibrated))
                # The first review moves the proposal into review: its status follows out of band
                # and the parts of the page that depend on it refresh (as after a decision).
                moved = proposal.status != status_before
                return announced(fragment("review", rp=panel, autofocus=True, just_saved=True,
                                          status_oob_needed=moved), message, proposal_status_changed=moved,
                                 review_queue_changed=True)
            flash(message, "success")
            return redirect(proposal_url(proposal))
    panel = build_panel(proposal, current_user, review_form=form, editing=True)
    if is_htmx():
        return announced(fragment("review", rp=panel, autofocus=True),
                         _("Penilaian belum tersimpan: ada yang perlu diperbaiki."), 422)
    return full_page(panel, 422)


@bp.route("/proposals/<int:proposal_id>/conflict", methods=["POST"])
@login_required
def conflict(proposal_id: int):
    """Declare a conflict of interest: the proposal leaves my review queue (audited)."""
    proposal = load_proposal(proposal_id)
    if not current_user.is_reviewer:
        abort(403)
    form = ConflictForm(prefix=f"c{proposal.id}")
    from_queue = request.form.get("from") == "queue"
    if form.validate():
        try:
            services.declare_conflict(proposal, current_user, form.reason.data or "")
            db.session.commit()
        except services.NotAllowed:
            abort(403)
        except services.ReviewError as error:
            db.session.rollback()
            form.reason.errors = [str(error)]
    if form.errors:
        panel = build_panel(proposal, current_user, conflict_form=form)
        if is_htmx():
            return announced(fragment("panel", rp=panel), "; ".join(form.reason.errors), 422)
        return full_page(panel, 422)
    message = _("Konflik kepentingan dicatat. Usulan ini dikeluarkan dari antrean penilaian Anda.")
    if is_htmx():
        if from_queue:
            return announced(fragment("queue_removed", proposal=proposal, message=message), message,
                             review_queue_changed=True)
        return announced(fragment("panel", rp=build_panel(proposal, current_user), autofocus=True), message)
    flash(message, "success")
    return redirect(url_for("reviews.queue") if from_queue else proposal_url(proposal))


# --- votes -------------------------------------------------------------------------------

@bp.route("/proposals/<int:proposal_id>/vote", methods=["POST"])
@login_required
def vote(proposal_id: int):
    """Support (or stop supporting) another agency's proposal; the count is exact."""
    proposal = load_proposal(proposal_id, only=permissions.RULE_COLUMNS)
    if not permissions.can_vote(current_user, proposal):
        abort(403)
    form = VoteForm()
    if not form.validate():
        abort(400)
    want = {"1": True, "0": False}.get(form.want.data or "")
    try:
        voted, count = services.toggle_vote(proposal, current_user, want)
    except services.NotAllowed:
        abort(403)
    db.session.commit()
    if voted:
        message = ngettext("Dukungan Anda tercatat. Kini %(num)d dukungan.",
                           "Dukungan Anda tercatat. Kini %(num)d dukungan.", count)
    else:
        message = ngettext("Dukungan Anda dibatalkan. Kini %(num)d dukungan.",
                           "Dukungan Anda dibatalkan. Kini %(num)d dukungan.", count)
    if is_htmx():
        # The toggle just counted the votes and knows this person's: no need to ask again.
        # (proposal_id, not proposal.id: after the commit that would load the proposal again.)
        state = VoteState(proposal_id=proposal_id, count=count, voted=voted, allowed=True, own_agency=False)
        return announced(fragment("vote", vote=state), message)
    flash(message, "success")
    return redirect(back_url(proposal))


# --- decisions ---------------------------------------------------------------------------

def decision_message(proposal: Proposal, decided: str) -> str:
    """What a decision did, in a sentence for the flash, the panel and the live region."""
    title = proposal.title
    if decided == "approved":
        return _("\"%(title)s\" disetujui. Publikasikan ke etalase bila sudah siap dilihat warga.", title=title)
    if decided == "revision_requested":
        return _("Revisi diminta untuk \"%(title)s\". Perangkat daerahnya melihat catatan Anda di halaman usulan.",
                 title=title)
    if decided == "rejected":
        return _("\"%(title)s\" ditolak. Alasannya tampil di bagian atas halaman usulan.", title=title)
    if decided == "implemented" and proposal.on_showcase:
        return _("\"%(title)s\" ditandai sudah diterapkan; halaman etalasenya ikut diperbarui.", title=title)
    if decided == "implemented":
        return _("\"%(title)s\" ditandai sudah diterapkan.", title=title)
    return _("Keputusan disimpan: %(status)s.", status=label("status", decided))


def with_showcase_link(proposal: Proposal, message: str):
    """The flash message, with a link to the public page when the innovation is on the showcase.
    Markup survives the session (Flask's tagged JSON); the message itself is escaped."""
    if not proposal.on_showcase:
        return message
    showcase = url_for("showcase.detail", proposal_id=proposal.id)
    return Markup('{} <a class="notice__link" href="{}">{}</a>').format(message, showcase, _("Lihat halaman etalase"))


@bp.route("/proposals/<int:proposal_id>/decision", methods=["POST"])
@admin_required
def decision(proposal_id: int):
    """An admin approves, requests revision, rejects (note required) or marks implemented."""
    proposal = load_proposal(proposal_id)
    form = DecisionForm(prefix=f"d{proposal.id}")
    form.decision.choices = [(code, code) for code in DECIDED_STATUSES]
    if form.validate():
        try:
            change = services.decide(proposal, current_user, form.decision.data, form.note.data or "")
            db.session.commit()
        except services.NotAllowed:
            abort(403)
        except (TransitionError, services.ReviewError) as error:
            db.session.rollback()
            form.decision.errors.append(str(error))
        except StaleDataError:
            db.session.rollback()
            form.decision.errors.append(_("Usulan baru saja diubah orang lain. Periksa lalu putuskan lagi."))
        else:
            message = decision_message(proposal, change.to_status)
            if is_htmx():
                return announced(fragment("panel", rp=build_panel(proposal, current_user, done=message),
                                          autofocus=True, status_oob_needed=True), message, proposal_status_changed=True)
            flash(with_showcase_link(proposal, message), "success")
            return redirect(proposal_url(proposal))
    panel = build_panel(proposal, current_user, decision_form=form)
    if is_htmx():
        return announced(fragment("panel", rp=panel, autofocus=True),
                         _("Keputusan belum tersimpan: ada yang perlu diperbaiki."), 422)
    return full_page(panel, 422)


@bp.route("/proposals/<int:proposal_id>/publish", methods=["POST"])
@admin_required
def publish(proposal_id: int):
    """An admin puts an approved or implemented innovation on the showcase, or takes it off."""
    proposal = load_proposal(proposal_id)
    form = PublishForm()
    if not form.validate():
        abort(400)
    published = form.published.data == "1"
    try:
        services.publish(proposal, current_user, published)
        db.session.commit()
    except services.NotAllowed:
        abort(403)
    except TransitionError as error:
        db.session.rollback()
        if is_htmx():
            return announced(fragment("panel", rp=build_panel(proposal, current_user, publish_error=str(error)),
                                      autofocus=True), str(error))
        flash(str(error), "error")
        return redirect(proposal_url(proposal))
    if published:
        message = _("\"%(title)s\" kini tampil di etalase publik.", title=proposal.title)
    else:
        message = _("\"%(title)s\" ditarik dari etalase publik.", title=proposal.title)
    if is_htmx():
        return announced(fragment("panel", rp=build_panel(proposal, current_user, done=message), autofocus=True,
                                  showcase_oob_needed=True), message)
    flash(with_showcase_link(proposal, message), "success")
    return redirect(proposal_url(proposal))


# --- review queue ----------------------------------------------------------------------

def waiting_for(user):
    """Proposals waiting for this reviewer: under review, not their agency, no conflict, not
    reviewed, and no competition entry they were not assigned to (admins: every entry)."""
    stmt = (
        select(Proposal)
        .options(joinedload(Proposal.agency), joinedload(Proposal.author), joinedload(Proposal.cycle))
        .where(
            Proposal.status.in_(IN_REVIEW_STATUSES),
            ~exists().where(ConflictDeclaration.proposal_id == Proposal.id, ConflictDeclaration.reviewer_id == user.id),
            ~exists().where(Review.proposal_id == Proposal.id, Review.reviewer_id == user.id),
        )
        .order_by(Proposal.submitted_at.asc().nulls_last(), Proposal.id)
    )
    if user.agency_id is not None:
        stmt = stmt.where(Proposal.agency_id != user.agency_id)
    if not user.is_admin:
        stmt = stmt.where(~services.unassigned_entries_condition(user))
    return stmt


@bp.route("/proposals/review-queue")
@login_required
def queue():
    """My review queue and progress; for admins, every reviewer's numbers."""
    if not current_user.is_reviewer:
        abort(403)
    waiting = db.session.scalars(waiting_for(current_user)).unique().all()
    # Competition entries assigned to me come first, the nearest review deadline first (DESIGN §10).
    assigned = services.assignments_of(current_user)
    waiting.sort(key=lambda p: (p.id not in assigned, assigned[p.id].review_deadline if p.id in assigned
                                else date.max))
    reviewed = db.session.scalars(
        select(Proposal).join(Review, Review.proposal_id == Proposal.id)
        .options(joinedload(Proposal.agency), joinedload(Proposal.author), joinedload(Proposal.cycle))
        .where(Review.reviewer_id == current_user.id, Proposal.status.in_(IN_REVIEW_STATUSES))
        .order_by(Review.updated_at.desc())
    ).unique().all()
    cycle = current_cycle()
    done_in_cycle = 0
    stats, overall = [], None
    if cycle is not None:
        done_in_cycle = db.session.scalar(
            select(func.count()).select_from(Review).join(Proposal, Proposal.id == Review.proposal_id)
            .where(Review.reviewer_id == current_user.id, Proposal.cycle_id == cycle.id)) or 0
        if current_user.is_admin:
            stats, overall = services.reviewer_stats(cycle.id)
    return render_template("reviews/queue.html", waiting=waiting, reviewed=reviewed, cycle=cycle,
                           done_in_cycle=done_in_cycle, stats=stats, overall=overall, assigned=assigned,
                           today=city_today())


@signals.dashboard_panels.connect
def review_queue_panel(user):
    """Dashboard: how many proposals wait for this reviewer."""
    if not user.is_reviewer:
        return None
    count = db.session.scalar(select(func.count()).select_from(waiting_for(user).order_by(None).subquery()))
    return signals.DashboardPanel(20, "reviews/_dashboard.html", {"waiting": count})


@signals.dashboard_panels.connect
def decision_queue_panel(user):
    """The admin's dashboard opens with what waits for their decision, and what waits to be published."""
    if not user.is_admin:
        return None
    awaiting, awaiting_total = services.awaiting_decision()
    pending, pending_total = services.pending_publication()
    return signals.DashboardPanel(-40, "reviews/_decision_queue.html", {
        "awaiting": awaiting, "awaiting_total": awaiting_total, "pending": pending, "pending_total": pending_total})


# --- notifications ---------------------------------------------------------------------

@bp.route("/notifications")
@login_required
def notifications_list():
    """My notifications, newest first."""
    page = db.paginate(
        select(Notification).where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()),
        page=page_number(), per_page=30, error_out=False)
    return render_page_or_block("reviews/notifications.html", "results", page=page,
                                unread=notifications.unread_count(current_user))


def _own_notification(notification_id: int) -> Notification:
    notification = db.get_or_404(Notification, notification_id)
    if notification.user_id != current_user.id:
        abort(404)  # someone else's notification does not exist for me
    return notification


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def notification_read(notification_id: int):
    """Mark one notification read; with open=1, go on to what it is about."""
    notification = _own_notification(notification_id)
    notifications.mark_read(notification)
    db.session.commit()
    if is_htmx():
        return announced(fragment("notification", notification=notification,
                                  unread=notifications.unread_count(current_user)),
                         _("Notifikasi ditandai sudah dibaca."))
    if request.form.get("open") == "1":
        target = safe_next_url(notification.link)
        if target:
            return redirect(request.script_root + target)
    return redirect(url_for("reviews.notifications_list"))


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def notifications_read_all():
    """Mark every notification of mine read."""
    count = notifications.mark_all_read(current_user)
    db.session.commit()
    flash(ngettext("%(num)d notifikasi ditandai sudah dibaca.", "%(num)d notifikasi ditandai sudah dibaca.", count),
          "success")
    return redirect(url_for("reviews.notifications_list"))
