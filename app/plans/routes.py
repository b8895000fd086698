"""A proposal's action plan: `/proposals/<id>/plan`, its milestones added, corrected, marked done
(with evidence) and deleted in place with HTMX, or by post and redirect without JavaScript."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required
from jinja2 import pass_context
from sqlalchemy.orm.exc import StaleDataError

from app.core.cycles import city_today
from app.core.extensions import db
from app.models import MAX_MILESTONES, Proposal
from app.plans import bp, permissions, services
from app.plans.forms import DeleteMilestoneForm, done_form, milestone_form
from app.proposals.permissions import load_with_evidence
from app.web.htmx import announced, is_htmx, render_block
from app.web.inputs import show_refusal

PLAN = "plans/plan.html"


def _version(field) -> int | None:
    value = field.data or ""
    return int(value) if value.isdigit() else None


def _plan_page(proposal: Proposal, forms: dict | None = None, saved: str | None = None,
               changed: int | None = None, refusal: str | None = None) -> dict:
    """The plan page: the milestones by due date and, for the agency and admins, each one's edit,
    mark-done and delete forms and the form adding one more (up to the limit). `forms` holds a
    form to show instead of a fresh one ("new", ("edit", id) or ("done", id))."""
    forms = forms or {}
    milestones = services.milestones_of(proposal)
    editable = permissions.can_edit_plan(current_user, proposal)
    rows = [{
        "milestone": milestone,
        "form": (forms.get(("edit", milestone.id)) or milestone_form(milestone)) if editable else None,
        "done_form": (forms.get(("done", milestone.id)) or done_form(milestone, proposal.attachments))
        if editable else None,
        "delete_form": DeleteMilestoneForm(formdata=None, prefix=f"d{milestone.id}",
                                           version=str(milestone.version)) if editable else None,
    } for milestone in milestones]
    full = len(milestones) >= MAX_MILESTONES
    first, last = services.due_range()
    return {
        "proposal": proposal, "rows": rows, "editable": editable, "full": full,
        "has_plan": permissions.has_plan(proposal), "today": city_today(),
        "add_form": (forms.get("new") or milestone_form()) if editable and not full else None,
        "limit": MAX_MILESTONES, "saved": saved, "changed": changed, "refusal": refusal,
        "due_first": first, "due_last": last,
    }


def _answer(proposal_id: int, message: str, anchor: str, status: int = 200, forms: dict | None = None,
            changed: int | None = None, refusal: str | None = None):
    """After a change (or its refusal): the region again for HTMX, with the message announced;
    else a redirect with the message. Refused, the page again with the form's messages or the
    `refusal` at the top (422, or 409 when someone else changed the milestone meanwhile)."""
    proposal = load_with_evidence(proposal_id, permissions.can_see)
    if is_htmx():
        html = render_block(PLAN, "plan_region", **_plan_page(proposal, forms, message if status == 200 else None,
                                                               changed, refusal))
        return announced(html, message, status)
    if status == 200:
        flash(message, "success")
        return redirect(url_for("plans.plan", proposal_id=proposal_id, _anchor=anchor))
    return render_template(PLAN, **_plan_page(proposal, forms, refusal=refusal)), status


def _stale(proposal: Proposal, milestone_id: int, form, message: str) -> None:
    """A stale edit keeps what the person typed, says what is stored now, and takes the current
    version, so saving again is a decision made knowing it (never a blind overwrite)."""
    form.form_errors.append(message)
    current = services.milestone_of(proposal, milestone_id)
    if current is not None:
        form.form_errors.append(_("Tersimpan sekarang: %(what)s — target %(due)s.", what=current.what,
                                  due=format_date(current.due_on, "long")))
        form.version.data = str(current.version)


def _stale_message(error: Exception) -> str:
    return str(error) if isinstance(error, services.StaleMilestone) else _(
        "Tonggak ini diubah orang lain pada saat yang sama. Isian Anda belum disimpan; periksa isinya yang "
        "sekarang, lalu ubah lagi.")


def _plan_to_change(proposal_id: int) -> Proposal:
    """The proposal whose plan the person changes: 404/403 as the page, 403 unless they may change it."""
    proposal = load_with_evidence(proposal_id, permissions.can_see)
    if not permissions.can_edit_plan(current_user, proposal):
        abort(403)
    return proposal


def _milestone_input(form) -> services.MilestoneInput:
    return services.MilestoneInput(what=form.what.data or "", due_on=form.due_on.data, version=_version(form.version))


@bp.route("/proposals/<int:proposal_id>/plan", methods=["GET", "POST"])
@login_required
def plan(proposal_id: int):
    """The proposal's action plan (DESIGN §11): its milestones by due date; POST adds one. Kept by
    its agency (or an admin) from the Design stage on; everyone who may see the proposal reads it."""
    if request.method == "GET":
        return render_template(PLAN, **_plan_page(load_with_evidence(proposal_id, permissions.can_see)))
    proposal = _plan_to_change(proposal_id)
    form = milestone_form(submitted=True)
    if form.validate_on_submit():
        try:
            milestone = services.add_milestone(proposal, current_user, _milestone_input(form))
            db.session.commit()
        except services.FieldError as error:
            db.session.rollback()
            show_refusal(form, error)
        except services.ServiceError as error:  # the limit reached meanwhile
            db.session.rollback()
            return _answer(proposal_id, str(error), "plan", 422, refusal=str(error))
        else:
            return _answer(proposal_id, _("Tonggak “%(what)s” ditambahkan.", what=milestone.what),
                           f"milestone-{milestone.id}", changed=milestone.id)
    return _answer(proposal_id, _("Tonggak belum ditambahkan; periksa isiannya."), "add-milestone", 422,
                   {"new": form})


@bp.route("/proposals/<int:proposal_id>/plan/<int:milestone_id>", methods=["POST"])
@login_required
def milestone_edit(proposal_id: int, milestone_id: int):
    """Correct a milestone; an edit of an older version is refused (409) keeping what was typed."""
    proposal = _plan_to_change(proposal_id)
    milestone = services.milestone_of(proposal, milestone_id)
    if milestone is None:
        message = _("Tonggak ini sudah dihapus orang lain; isian Anda tidak disimpan.")
        return _answer(proposal_id, message, "plan", 409, refusal=message)
    form = milestone_form(milestone, submitted=True)
    key = ("edit", milestone_id)
    if form.validate_on_submit():
        try:
            milestone = services.update_milestone(proposal, milestone_id, current_user, _milestone_input(form))
            db.session.commit()
        except (services.StaleMilestone, StaleDataError) as error:
            db.session.rollback()
            message = _stale_message(error)
            _stale(proposal, milestone_id, form, message)
            return _answer(proposal_id, message, f"milestone-{milestone_id}", 409, {key: form})
        except services.ServiceError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            return _answer(proposal_id, _("Tonggak “%(what)s” diperbarui.", what=milestone.what),
                           f"milestone-{milestone.id}", changed=milestone.id)
    return _answer(proposal_id, _("Tonggak belum diperbarui; periksa isiannya."), f"milestone-{milestone_id}", 422,
                   {key: form})


@bp.route("/proposals/<int:proposal_id>/plan/<int:milestone_id>/done", methods=["POST"])
@login_required
def milestone_done(proposal_id: int, milestone_id: int):
    """Mark a milestone done today, with its evidence (an attachment of the proposal or a new
    upload, checked as every upload is); a done one is opened again."""
    proposal = _plan_to_change(proposal_id)
    milestone = services.milestone_of(proposal, milestone_id)
    if milestone is None:
        message = _("Tonggak ini sudah dihapus orang lain; muat ulang halaman.")
        return _answer(proposal_id, message, "plan", 409, refusal=message)
    form = done_form(milestone, proposal.attachments, submitted=True)
    key = ("done", milestone_id)
    if form.validate_on_submit():
        upload = form.file.data
        filename = upload.filename if upload is not None and getattr(upload, "filename", None) else None
        given = services.DoneInput(attachment_id=form.attachment_id.data or None, filename=filename,
                                   stream=upload.stream if filename else None, version=_version(form.version))
        try:
            milestone = services.mark_done(proposal, milestone_id, current_user, given)
            db.session.commit()
        except (services.StaleMilestone, StaleDataError) as error:
            db.session.rollback()
            message = _stale_message(error)
            return _answer(proposal_id, message, f"milestone-{milestone_id}", 409, refusal=message)
        except services.ServiceError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            message = (_("Tonggak “%(what)s” selesai.", what=milestone.what) if milestone.done
                       else _("Tonggak “%(what)s” dibuka lagi.", what=milestone.what))
            return _answer(proposal_id, message, f"milestone-{milestone.id}", changed=milestone.id)
    return _answer(proposal_id, _("Tonggak belum ditandai selesai; periksa buktinya."), f"milestone-{milestone_id}",
                   422, {key: form})


@bp.route("/proposals/<int:proposal_id>/plan/<int:milestone_id>/delete", methods=["POST"])
@login_required
def milestone_delete(proposal_id: int, milestone_id: int):
    """Delete a milestone (its evidence stays among the proposal's attachments)."""
    proposal = _plan_to_change(proposal_id)
    form = DeleteMilestoneForm(prefix=f"d{milestone_id}")
    if not form.validate_on_submit():
        abort(400)
    try:
        what = services.delete_milestone(proposal, milestone_id, current_user, _version(form.version))
        db.session.commit()
    except (services.StaleMilestone, StaleDataError) as error:
        db.session.rollback()
        message = _stale_message(error)
        return _answer(proposal_id, message, f"milestone-{milestone_id}", 409, refusal=message)
    return _answer(proposal_id, _("Tonggak “%(what)s” dihapus.", what=what), "plan")


# --- the proposal page's section ----------------------------------------------------

@bp.app_template_global("plan_summary")
@pass_context
def plan_summary(context, proposal: Proposal) -> dict | None:
    """The proposal page's plan section, for those who may see the proposal (the template's viewer,
    the Audience in the shared part of the page), or None when the proposal has no plan."""
    viewer = context["current_user"]
    if not (viewer.is_authenticated and permissions.can_see(viewer, proposal)):
        return None
    milestones = services.milestones_of(proposal)
    if not milestones and not permissions.has_plan(proposal):
        return None
    today = city_today()
    return {"milestones": milestones, "today": today, "done": sum(1 for m in milestones if m.done),
            "overdue": sum(1 for m in milestones if m.overdue(today))}
