"""The signals of app.core.signals fire once, after the change is flushed, with the right arguments,
when the change is made through its service."""
from contextlib import contextmanager

from sqlalchemy import func, select

from app.core import signals
from app.core.extensions import db
from app.models import Review, StatusChange, Vote
from app.proposals import services as proposal_services
from app.reviews import services
from tests import factories

SCORES = {name: 4 for name in factories.KIPP_CRITERIA}


@contextmanager
def receiving(signal, seen=lambda sender, extra: None):
    """Connect a receiver for the block; yields the list of (sender, keyword arguments) it got.
    `seen` runs in the receiver, to look at the database as the receiver finds it."""
    calls = []

    def receiver(sender, **extra):
        calls.append((sender, extra))
        seen(sender, extra)

    with signal.connected_to(receiver):
        yield calls


def count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def test_submitting_sends_status_changed_once_after_the_change_is_recorded(make):
    proposal = make.proposal()
    found = []
    rows_seen = lambda sender, extra: found.append(count(select(StatusChange).where(  # noqa: E731
        StatusChange.proposal_id == sender.id, StatusChange.to_status == "submitted")))
    with receiving(signals.proposal_status_changed, rows_seen) as calls:
        change = proposal_services.submit_proposal(proposal, proposal.author)
    assert calls == [(proposal, {"change": change, "actor": proposal.author})]
    assert (change.from_status, change.to_status) == ("draft", "submitted")
    assert found == [1]  # the receiver can already query the change


def test_a_vote_and_its_withdrawal_each_send_vote_toggled(make):
    proposal = factories.submitted()
    voter = make.user()
    votes = []
    with receiving(signals.vote_toggled, lambda sender, extra: votes.append(
            count(select(Vote).where(Vote.proposal_id == sender.id)))) as calls:
        services.toggle_vote(proposal, voter)
        services.toggle_vote(proposal, voter, want=False)
    assert calls == [(proposal, {"voter": voter, "voted": True}), (proposal, {"voter": voter, "voted": False})]
    assert votes == [1, 0]


def test_a_repeated_vote_changes_nothing_and_sends_nothing(make):
    proposal = factories.submitted()
    voter = make.user()
    services.toggle_vote(proposal, voter, want=True)
    with receiving(signals.vote_toggled) as calls:
        services.toggle_vote(proposal, voter, want=True)  # a double click
    assert calls == []


def test_saving_a_review_sends_review_saved_new_then_edited(make):
    proposal = factories.submitted()
    reviewer = make.user(role="reviewer")
    with receiving(signals.review_saved, lambda sender, extra: db.session.refresh(extra["review"])) as calls:
        first, _ = services.save_review(proposal, reviewer, SCORES, "approve", "Bagus.")
        again, _ = services.save_review(proposal, reviewer, {**SCORES, "novelty": 5}, "revise", "Perlu data.")
    assert calls == [(proposal, {"review": first, "created": True}), (proposal, {"review": again, "created": False})]
    assert first is again and again.scores["novelty"] == 5  # the receiver saw the flushed row
    assert count(select(Review).where(Review.proposal_id == proposal.id)) == 1


def test_a_decision_sends_decision_made_once_after_its_status_change(make):
    proposal = factories.submitted("in_review")
    admin = make.user(role="admin")
    order = []
    with receiving(signals.proposal_status_changed, lambda sender, extra: order.append("status")) as moves, \
            receiving(signals.decision_made, lambda sender, extra: order.append("decision")) as decisions:
        change = services.decide(proposal, admin, "revision_requested", "Tambah data.")
    assert decisions == [(proposal, {"change": change, "actor": admin})]
    assert moves == [(proposal, {"change": change, "actor": admin})]
    assert order == ["status", "decision"]
    assert (change.to_status, change.note) == ("revision_requested", "Tambah data.")


def test_publishing_sends_proposal_published_when_the_flag_changes(make):
    proposal = factories.submitted("approved")
    admin = make.user(role="admin")
    with receiving(signals.proposal_published) as calls:
        services.publish(proposal, admin, True)
        services.publish(proposal, admin, True)  # already on the showcase: nothing changes
        services.publish(proposal, admin, False)
    assert calls == [(proposal, {"published": True, "actor": admin}),
                     (proposal, {"published": False, "actor": admin})]


def test_a_refused_action_sends_nothing(make):
    proposal = factories.submitted()
    own = make.user(agency_=proposal.agency)
    with receiving(signals.vote_toggled) as votes, receiving(signals.decision_made) as decisions:
        for refused in (lambda: services.toggle_vote(proposal, own), lambda: services.decide(proposal, own, "approved")):
            try:
                refused()
            except services.NotAllowed:
                pass
    assert votes == [] and decisions == []


def test_dashboard_sections_come_from_the_features_in_their_order(client, login_as):
    """main asks through dashboard_panels; each feature answers for itself, and a section
    connected by a test shows up too, without main knowing the feature."""
    login_as("reviewer")

    def extra_panel(user):
        return signals.DashboardPanel(15, "reviews/_dashboard.html", {"waiting": 4242})

    with signals.dashboard_panels.connected_to(extra_panel):
        page = client.get("/dashboard").get_data(as_text=True)
    assert "4.242" in page  # the count as Babel writes it in Indonesian
    assert "4.242" not in client.get("/dashboard").get_data(as_text=True)
