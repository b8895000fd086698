"""The signals through which features hear of each other's changes (blinker, Flask's own).

A feature that changes something sends a signal once the change is flushed (so
receivers can query it, in the same transaction: whatever they add is committed,
or rolled back, with it); features that care connect a receiver in their own
package, at import. So the sender never imports its listeners: proposals and
reviews do not know that notifications exist, and main's dashboard does not
know which features add a panel to it.

    from app.core import signals

    @signals.vote_toggled.connect
    def _on_vote(proposal, voter, voted, **extra): ...

Receivers take `**extra`, so a signal can gain an argument without breaking them.
"""
from datetime import datetime, time, timezone
from typing import Any, NamedTuple

from blinker import Namespace

_signals = Namespace()

proposal_status_changed = _signals.signal("proposal-status-changed", doc="""
A proposal moved along one edge of the status machine (app.proposals.status.change_status):
submitted, in review, a decision, withdrawn, resubmitted.

sender: the Proposal (its `status` already the new one)
change: the StatusChange just recorded (from_status, to_status, note)
actor: the User who made the move
""")

vote_toggled = _signals.signal("vote-toggled", doc="""
Someone gave or took back their support (dukungan) for a proposal
(app.reviews.services.toggle_vote); sent only when the vote really changed.

sender: the Proposal
voter: the User who voted
voted: True when they now support it, False when they took the vote back
""")

review_saved = _signals.signal("review-saved", doc="""
A reviewer saved their review of a proposal (app.reviews.services.save_review).

sender: the Proposal
review: the Review, flushed, with its scores
created: True for a first review, False for an edit of one given before
""")

decision_made = _signals.signal("decision-made", doc="""
An admin decided on a proposal: approved, revision requested, rejected or marked
implemented (app.reviews.services.decide). proposal_status_changed was sent for
the same move just before; this one says the move was a decision.

sender: the Proposal
change: the StatusChange of the decision (to_status, note)
actor: the admin
""")

proposal_published = _signals.signal("proposal-published", doc="""
An approved or implemented proposal was put on the public showcase or taken off
it (app.proposals.status.set_published); sent only when the flag changed.
Publishing is not a status move, so it is a signal of its own.

sender: the Proposal
published: True when it is now on the showcase, False when it was taken off
actor: the admin
""")

reviewers_assigned = _signals.signal("reviewers-assigned", doc="""
An admin assigned reviewers to competition entries, by hand or in bulk
(app.competitions.services.assign, assign_balanced); sent once per action, after
the assignments were flushed, when at least one was made.

sender: the Competition
assignments: list of (reviewer User, Proposal) pairs made by this action
actor: the admin
""")

claim_verified = _signals.signal("claim-verified", doc="""
A reviewer or admin gave their verdict on a maturity evidence claim
(app.maturity.services.verify_claim): accepted, downgraded (a lower level than
claimed) or sent back for better evidence. Sent for every verdict saved.

sender: the Proposal whose evidence it is
claim: the Claim, flushed (status, verified_level, reason, indicator)
actor: the User who verified
""")

yearly_report_saved = _signals.signal("yearly-report-saved", doc="""
An agency saved its yearly report on an approved or implemented innovation for one
cycle (app.results.services): continuing, developed or stopped, with the actual values.

sender: the Proposal
report: the YearlyReport, flushed, with its values
created: True for the cycle's first report, False for an edit of it
actor: the User who reported
""")

timeline_entries = _signals.signal("timeline-entries", doc="""
The proposal page and the public innovation page ask for the moments of one innovation's
story (DESIGN §8: first draft, status moves, lab stages, linked events, reviews in summary,
yearly reports, the latest status in plain words). Each feature returns a list of
TimelineEntry for its own part, or []. Collected by collect_timeline.

sender: the Proposal
public: True for the public innovation page: only what the public may see (no individual
        scores, no notes meant for the agency, no names of staff)
viewer: who reads the internal page (the User, or the Audience of a shared page part:
        read it only through role and agency, as blind review does); None when public
""")

reminders_due = _signals.signal("reminders-due", doc="""
`flask --app wsgi send-reminders` (app.notifications.reminders, DESIGN §11) asks each feature
which reminders are due today: agencies below target before the submission window closes
(proposals), reviewers near or past a competition's review deadline (competitions), agencies
missing a yearly report (results), owners of overdue action items (coaching). Each receiver
returns a list of Reminder, or []; a reminder already sent under its key is not sent again,
so a receiver returns what is due without remembering what it sent.

sender: today's date in the city (app.core.cycles.city_today, WIB)
""")

dashboard_panels = _signals.signal("dashboard-panels", doc="""
Main's dashboard asks for the sections features add to it. Each receiver returns
a DashboardPanel, or None to show nothing to this person.

sender: the User whose dashboard is built
""")


class DashboardPanel(NamedTuple):
    """A section of the dashboard: the template included and its `panel` context.
    Sections are shown by `order` (lowest first): receivers are called in no set order.
    A negative order puts the section in the part the page opens with, "what waits for
    you", above the person's own progress (the admin's decision queue); such a section
    titles itself with an h3 under that part's h2."""

    order: int
    template: str
    context: dict[str, Any]


class Reminder(NamedTuple):
    """One reminder to send once: `key` is unique for ever across every kind and names what it is
    about, its kind first ("below-target:7d:<cycle id>:<agency id>"; the command counts by that
    first part); `users` are told in the app (the inactive skipped) and by e-mail as each chose;
    `message` is a StoredText (app.core.messages.stored) and `link` the site-relative page it is about."""

    key: str
    users: list
    message: Any
    link: str = ""

    @property
    def kind(self) -> str:
        return self.key.split(":", 1)[0]


class TimelineEntry(NamedTuple):
    """One moment on an innovation's timeline. `when` is an aware datetime (UTC) or a date;
    `kind` names the feature's kind of moment (a CSS hook and a test handle: "draft",
    "status", "lab_stage", "event", "reviews", "milestone", "report", "now" for the plain-words status of
    today); `text` is the translated line
    and `detail` an optional second one, both plain text (the template escapes them)."""

    when: Any
    kind: str
    text: str
    detail: str = ""


def _moment(when) -> datetime:
    """A timeline entry's time as an aware datetime, so dates and times sort together
    (a date counts from the start of its day in UTC)."""
    if isinstance(when, datetime):
        return when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    return datetime.combine(when, time.min, tzinfo=timezone.utc)


def collect_timeline(proposal, public: bool = False, viewer=None) -> list[TimelineEntry]:
    """Every feature's moments of the innovation's story, oldest first (a tie keeps the
    kinds in story order: a draft before its first move)."""
    entries = [entry for _, found in timeline_entries.send(proposal, public=public, viewer=viewer)
               for entry in (found or [])]
    return sorted(entries, key=lambda entry: (_moment(entry.when), TIMELINE_ORDER.get(entry.kind, 50)))


# Which of two moments at the same time comes first (the first review before the move into review it causes).
TIMELINE_ORDER = {"draft": 0, "reviews": 5, "status": 10, "event": 20, "lab_stage": 30, "milestone": 40, "report": 60, "now": 99}


def collect_dashboard_panels(user) -> list[DashboardPanel]:
    """Every feature's dashboard section for `user`, in their order."""
    panels = [panel for _, panel in dashboard_panels.send(user) if panel is not None]
    return sorted(panels, key=lambda panel: (panel.order, panel.template))
