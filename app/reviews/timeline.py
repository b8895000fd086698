"""The reviews' part of an innovation's timeline (DESIGN §8): the reviews in one line, never one
reviewer's score or name. The mean score only for the review team (may_see_reviews); the
public page says how many reviewed it, nothing more."""
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.core import signals
from app.core.extensions import db
from app.models import Proposal, Review
from app.reviews.services import may_see_reviews


@signals.timeline_entries.connect
def review_moments(proposal: Proposal, public: bool = False, viewer=None, **extra) -> list[signals.TimelineEntry]:
    # At the first review: reviewing begins there (and moves the proposal into review right after).
    count, first, mean = db.session.execute(
        select(func.count(Review.id), func.min(Review.created_at), func.avg(Review.weighted_score))
        .where(Review.proposal_id == proposal.id)).one()
    if not count:
        return []
    if public:
        return [signals.TimelineEntry(first, "reviews", ngettext("Dinilai oleh %(num)d penilai",
                                                                "Dinilai oleh %(num)d penilai", count))]
    detail = (_("Rata-rata skor tertimbang %(score)s dari 100.", score=format_decimal(mean, format="#,##0.0"))
              if may_see_reviews(viewer, proposal) else "")
    return [signals.TimelineEntry(first, "reviews", ngettext("%(num)d penilaian masuk", "%(num)d penilaian masuk", count),
                                  detail)]
