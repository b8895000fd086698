"""Reviews, decisions and votes (dukungan) on proposals, and the notification pages.

The routes live under /proposals/… (DESIGN §4) and /notifications, so the
blueprint is registered without a url_prefix. Its template globals
(review_panel, shown_agency, unread_notification_count) feed the panel that the
proposal page includes: `{% include "reviews/_proposal_panel.html" ignore missing %}`.
What a notification says, and to whom, is app.notifications' business: it
hears of reviews and decisions through app.core.signals.
"""
from flask import Blueprint

bp = Blueprint("reviews", __name__)

from app.reviews import routes, timeline  # noqa: E402,F401  (routes, timeline part)
