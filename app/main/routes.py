from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.auth.services import safe_next_url
from app.core import signals
from app.core.cycles import current_cycle
from app.core.database import health_problem
from app.core.extensions import db
from app.main import bp
from app.models import SUBMITTED_STATUSES, Proposal


@bp.route("/healthz")
def healthz():
    """200 "ok" when the database is reachable, migrated to head and writable;
    503 with the reason otherwise (for load balancers and operators)."""
    problem = health_problem()
    headers = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
    return (problem, 503, headers) if problem else ("ok", 200, headers)


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch between Indonesian and English; stays on the same page."""
    language = request.form.get("lang", "")
    if language in current_app.config["LANGUAGES"]:
        session["lang"] = language
    return redirect(safe_next_url(request.form.get("next")) or url_for("showcase.index"))


@bp.route("/dashboard")
@login_required
def dashboard():
    """Home after login: my agency's progress toward this year's target."""
    cycle = current_cycle()
    by_status: dict[str, int] = {}
    if cycle is not None and current_user.agency_id is not None:
        rows = db.session.execute(
            select(Proposal.status, func.count())
            .where(Proposal.cycle_id == cycle.id, Proposal.agency_id == current_user.agency_id)
            .group_by(Proposal.status)
        )
        by_status = {status: count for status, count in rows}
    submitted = sum(count for status, count in by_status.items() if status in SUBMITTED_STATUSES)
    target = cycle.target_per_agency if cycle else 1
    # Features add their own sections through the dashboard_panels signal (app.core.signals).
    panels = signals.collect_dashboard_panels(current_user)
    return render_template(
        "main/dashboard.html", cycle=cycle, by_status=by_status, submitted=submitted, target=target, panels=panels
    )
