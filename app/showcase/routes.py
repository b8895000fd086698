from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.showcase import bp
from app.models import SHOWCASE_STATUSES, Proposal


def published_proposals():
    """The only proposals the public may ever see."""
    return select(Proposal).where(Proposal.published.is_(True), Proposal.status.in_(SHOWCASE_STATUSES))


@bp.route("/")
def index():
    """Showcase: the newest published innovations."""
    stmt = (
        published_proposals()
        .options(joinedload(Proposal.agency))
        .order_by(Proposal.published_at.desc(), Proposal.id.desc())
    )
    page = db.paginate(stmt, per_page=12, error_out=False)
    return render_template("showcase/index.html", page=page)
