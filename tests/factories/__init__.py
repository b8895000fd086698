"""Factories: each makes one valid object with sensible defaults and flushes it.

`from tests import factories` then `factories.user(role="admin")`, `factories.proposal_in("approved")`,
`factories.event(capacity=3)`... (the `make` fixture is this package inside an app context).
Every person a factory makes has the fast password hash (core.FAST_HASH_METHOD) unless
`real_hash=True` asks for werkzeug's default, as the app's own accounts have.
"""
from tests.factories.coaching import action_item, coach_assignment, coaching_session, readiness
from tests.factories.competitions import AWARD_CRITERIA, assignment, award_rubric, competition, entry
from tests.factories.core import FAST_HASH_METHOD, PASSWORD, agency, cycle, password_hash, user
from tests.factories.events import event, registration, signature
from tests.factories.maturity import claim, indicator, indicator_set, levels, region_claim, upload_routes
from tests.factories.proposals import (
    DESIGN_TEXT, EXE_BYTES, PATHS, PDF_BYTES, PNG_BYTES, attachment, office_file, proposal, proposal_in,
)
from tests.factories.plans import milestone
from tests.factories.results import cycle_of, earlier_innovation, result_indicator, yearly_report
from tests.factories.reviews import (
    KIPP_CRITERIA, comment, decision_form, review, review_form, status_change, submitted, vote, votes,
)
from tests.factories.security import PROPOSAL_FOR, ROLES, url_for_rule, world
from tests.factories.showcase import published

__all__ = [
    "action_item", "coach_assignment", "coaching_session", "readiness",
    "AWARD_CRITERIA", "assignment", "award_rubric", "competition", "entry",
    "DESIGN_TEXT", "EXE_BYTES", "KIPP_CRITERIA", "FAST_HASH_METHOD", "PASSWORD", "PATHS", "PDF_BYTES", "PNG_BYTES", "PROPOSAL_FOR",
    "ROLES", "agency", "attachment", "claim", "comment", "cycle", "decision_form", "event", "indicator",
    "indicator_set", "levels", "region_claim",
    "office_file", "password_hash", "proposal", "proposal_in", "published", "registration", "review",
    "review_form", "signature", "status_change", "submitted", "upload_routes", "url_for_rule", "user", "vote",
    "votes", "world", "milestone", "cycle_of", "earlier_innovation", "result_indicator", "yearly_report",
]
