"""Every route × every kind of visitor, from the URL map: anonymous, an innovator of agency A
(whose proposals these are), an innovator of agency B, a reviewer and an admin.

The expectation table must name every (path, method) the app serves, so a route added
later without an entry here fails the test until someone decides who may use it.
Requests carry no form data: an allowed POST reaches its form validation (200/302/400/422)
and changes nothing that matters to the next row; a refused one never gets that far.
"""
import pytest

from app.core.extensions import db
from tests.conftest import login
from tests.factories import ROLES, url_for_rule, world

LOGIN = "login"  # 302 to the login page

# (path, method): expected status for (anonymous, innovator_b, reviewer, innovator_a, admin).
EXPECTED = {
    ("/", "GET"): (200, 200, 200, 200, 200),
    ("/admin/", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/agencies", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/agencies/<int:agency_id>/edit", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/agencies/<int:agency_id>/edit", "POST"): (LOGIN, 403, 403, 403, 422),
    ("/admin/agencies/import", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/agencies/import", "POST"): (LOGIN, 403, 403, 403, 422),  # no file
    ("/admin/agencies/import/confirm", "POST"): (LOGIN, 403, 403, 403, 422),  # no signed preview
    ("/admin/agencies/new", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/agencies/new", "POST"): (LOGIN, 403, 403, 403, 422),
    ("/admin/audit", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/cycles", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/cycles/<int:cycle_id>/edit", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/cycles/<int:cycle_id>/edit", "POST"): (LOGIN, 403, 403, 403, 422),
    ("/admin/cycles/new", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/cycles/new", "POST"): (LOGIN, 403, 403, 403, 422),
    # Competitions (issue 19): admins only; an empty POST reaches its validation.
    ("/admin/competitions", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/competitions/new", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/competitions/new", "POST"): (LOGIN, 403, 403, 403, 422),
    ("/admin/competitions/<int:competition_id>", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/competitions/<int:competition_id>/edit", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/competitions/<int:competition_id>/edit", "POST"): (LOGIN, 403, 403, 403, 422),
    ("/admin/competitions/<int:competition_id>/assign", "POST"): (LOGIN, 403, 403, 403, 422),  # no number: the message beside it
    ("/admin/competitions/<int:competition_id>/entries/<int:entry_id>/assign", "POST"): (LOGIN, 403, 403, 403, 302),  # no reviewer: the message
    ("/admin/competitions/<int:competition_id>/assignments/<int:assignment_id>/remove", "POST"): (LOGIN, 403, 403, 403, 302),
    ("/admin/competitions/<int:competition_id>/results", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/competitions/<int:competition_id>/tracks/<int:track_id>/judge", "POST"): (LOGIN, 403, 403, 403, 302),  # nothing ranked
    ("/admin/competitions/<int:competition_id>/publish", "POST"): (LOGIN, 403, 403, 403, 302),
    ("/admin/competitions/<int:competition_id>/reviews.xlsx", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/competitions/<int:competition_id>/reviewers", "GET"): (LOGIN, 403, 403, 403, 200),
    # A's submitted proposal is entered: its agency and admins see the entry and may withdraw it.
    ("/proposals/<int:proposal_id>/competition", "GET"): (LOGIN, 403, 403, 200, 200),
    ("/proposals/<int:proposal_id>/competition", "POST"): (LOGIN, 403, 403, 422, 422),
    ("/proposals/<int:proposal_id>/competition/withdraw", "POST"): (LOGIN, 403, 403, 302, 302),
    # Coaching (issue 20): the reviewer coaches agency A; B's innovator is outside it (404).
    ("/admin/coaches", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/coaches", "POST"): (LOGIN, 403, 403, 403, 422),
    ("/admin/coaches/<int:assignment_id>/remove", "POST"): (LOGIN, 403, 403, 403, 302),
    ("/admin/readiness", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/coaching", "GET"): (LOGIN, 200, 200, 200, 200),
    ("/coaching/agencies/<int:agency_id>", "GET"): (LOGIN, 404, 200, 200, 200),
    ("/coaching/sessions/new", "GET"): (LOGIN, 404, 200, 403, 200),  # ?agency=A: its coach and admins record
    ("/coaching/sessions/new", "POST"): (LOGIN, 404, 422, 403, 422),
    ("/coaching/sessions/<int:session_id>", "GET"): (LOGIN, 404, 200, 200, 200),
    ("/coaching/sessions/<int:session_id>/edit", "GET"): (LOGIN, 404, 200, 403, 200),
    ("/coaching/sessions/<int:session_id>/edit", "POST"): (LOGIN, 404, 422, 403, 422),
    ("/coaching/sessions/<int:session_id>/items", "POST"): (LOGIN, 404, 422, 403, 422),
    ("/coaching/items/<int:item_id>/done", "POST"): (LOGIN, 404, 400, 400, 400),  # no done=0/1
    # The agency's own readiness: whoever belongs to an agency (the reviewer and admin here do not).
    ("/coaching/readiness", "GET"): (LOGIN, 200, 403, 200, 403),
    ("/coaching/readiness", "POST"): (LOGIN, 422, 403, 422, 403),
    ("/admin/maturity", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/maturity/<int:year>.xlsx", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/maturity/indicators", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/maturity/indicators/<int:indicator_id>/edit", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/maturity/indicators/<int:indicator_id>/edit", "POST"): (LOGIN, 403, 403, 403, 422),
    ("/admin/maturity/indicators/load", "POST"): (LOGIN, 403, 403, 403, 302),
    ("/admin/maturity/indicators/new", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/maturity/indicators/new", "POST"): (LOGIN, 403, 403, 403, 422),
    ("/admin/maturity/levels", "GET"): (LOGIN, 403, 403, 403, 302),  # to the current cycle's year
    ("/admin/maturity/sets/import", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/index", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/index/export.xlsx", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/index/evidence.zip", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/index/<int:year>/region/<int:indicator_id>/claim", "POST"): (LOGIN, 403, 403, 403, 422),
    # An empty verdict: 422 with the message beside the decision.
    ("/admin/index/<int:year>/region/<int:indicator_id>/verify", "POST"): (LOGIN, 403, 403, 403, 422),
    ("/admin/index/<int:year>/region/<int:indicator_id>/evidence", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/maturity/sets/import", "POST"): (LOGIN, 403, 403, 403, 422),
    ("/admin/maturity/levels/<int:year>", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/maturity/levels/<int:year>/<int:indicator_id>", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/maturity/levels/<int:year>/<int:indicator_id>", "POST"): (LOGIN, 403, 403, 403, 422),
    # Evidence of an approved proposal: every logged-in user reads it; only its agency claims;
    # only reviewers and admins of other agencies verify; only admins make evidence public.
    ("/proposals/<int:proposal_id>/maturity", "GET"): (LOGIN, 200, 200, 200, 200),
    ("/proposals/<int:proposal_id>/profile.pdf", "GET"): (LOGIN, 200, 200, 200, 200),
    ("/proposals/<int:proposal_id>/maturity/<int:indicator_id>", "GET"): (LOGIN, 200, 200, 200, 200),
    ("/proposals/<int:proposal_id>/maturity/<int:indicator_id>/claim", "POST"): (LOGIN, 403, 403, 422, 403),
    ("/proposals/<int:proposal_id>/maturity/<int:indicator_id>/public", "POST"): (LOGIN, 403, 403, 403, 302),
    ("/proposals/<int:proposal_id>/maturity/<int:indicator_id>/verify", "POST"): (LOGIN, 403, 422, 403, 422),
    ("/admin/users", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/users/<int:user_id>/edit", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/users/<int:user_id>/edit", "POST"): (LOGIN, 403, 403, 403, 302),
    ("/admin/users/<int:user_id>/invite", "POST"): (LOGIN, 403, 403, 403, 200),  # the link to copy (no mail)
    ("/admin/users/new", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/admin/users/new", "POST"): (LOGIN, 403, 403, 403, 422),
    # One's own account: the e-mail choice (an empty POST reaches the message beside it).
    ("/auth/account", "GET"): (LOGIN, 200, 200, 200, 200),
    ("/auth/account", "POST"): (LOGIN, 422, 422, 422, 422),
    # The link every notification e-mail carries works logged out; this one is not a valid token.
    ("/auth/unsubscribe/<token>", "GET"): (400, 400, 400, 400, 400),
    ("/auth/unsubscribe/<token>", "POST"): (400, 400, 400, 400, 400),
    ("/auth/forgot", "GET"): (200, 200, 200, 200, 200),
    ("/auth/forgot", "POST"): (422, 422, 422, 422, 422),
    ("/auth/login", "GET"): (200, 302, 302, 302, 302),
    ("/auth/login", "POST"): (422, 302, 302, 302, 302),
    ("/auth/logout", "POST"): (302, 302, 302, 302, 302),
    ("/auth/password", "GET"): (LOGIN, 200, 200, 200, 200),
    ("/auth/password", "POST"): (LOGIN, 422, 422, 422, 422),
    # The link is the authority, for anyone holding it; this one is not a valid token.
    ("/auth/set-password/<token>", "GET"): (400, 400, 400, 400, 400),
    ("/auth/set-password/<token>", "POST"): (400, 400, 400, 400, 400),
    ("/dashboard", "GET"): (LOGIN, 200, 200, 200, 200),
    ("/events", "GET"): (200, 200, 200, 200, 200),
    ("/events.ics", "GET"): (200, 200, 200, 200, 200),
    ("/events/<int:event_id>", "GET"): (200, 200, 200, 200, 200),
    ("/events/<int:event_id>.ics", "GET"): (200, 200, 200, 200, 200),
    ("/events/<int:event_id>/attendance", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/events/<int:event_id>/attendance", "POST"): (LOGIN, 403, 403, 403, 404),
    ("/events/<int:event_id>/attendance.csv", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/events/<int:event_id>/attendance.xlsx", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/events/<int:event_id>/cancel", "POST"): (LOGIN, 302, 302, 302, 302),
    ("/events/<int:event_id>/cancel-event", "POST"): (LOGIN, 403, 403, 403, 302),
    # The close report: admins only; the world's event has not ended, so the page says so and a save is refused.
    ("/events/<int:event_id>/close", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/events/<int:event_id>/close", "POST"): (LOGIN, 403, 403, 403, 422),
    ("/events/<int:event_id>/edit", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/events/<int:event_id>/edit", "POST"): (LOGIN, 403, 403, 403, 422),
    ("/events/<int:event_id>/proposals", "POST"): (LOGIN, 422, 422, 422, 422),
    ("/events/<int:event_id>/proposals/<int:proposal_id>/stage", "POST"): (LOGIN, 403, 403, 403, 302),
    ("/events/<int:event_id>/proposals/<int:proposal_id>/unlink", "POST"): (LOGIN, 403, 403, 302, 302),  # the idea's own agency or an admin
    ("/events/<int:event_id>/register", "POST"): (LOGIN, 302, 302, 302, 302),
    ("/events/<int:event_id>/sign", "POST"): (LOGIN, 302, 302, 302, 302),
    ("/events/new", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/events/new", "POST"): (LOGIN, 403, 403, 403, 422),
    ("/feed.atom", "GET"): (200, 200, 200, 200, 200),
    ("/healthz", "GET"): (200, 200, 200, 200, 200),
    ("/innovations/<int:proposal_id>", "GET"): (200, 200, 200, 200, 200),
    ("/innovations/<int:proposal_id>.pdf", "GET"): (200, 200, 200, 200, 200),
    ("/language", "POST"): (302, 302, 302, 302, 302),
    ("/leaderboard", "GET"): (200, 200, 200, 200, 200),
    ("/leaderboard/trend", "GET"): (200, 200, 200, 200, 200),
    ("/leaderboard/report-<int:year>.xlsx", "GET"): (LOGIN, 403, 403, 403, 200),
    ("/notifications", "GET"): (LOGIN, 200, 200, 200, 200),
    ("/notifications/<int:notification_id>/read", "POST"): (LOGIN, 404, 404, 302, 404),  # A's notification: 404 for everyone else
    ("/notifications/read-all", "POST"): (LOGIN, 302, 302, 302, 302),
    ("/open-data", "GET"): (200, 200, 200, 200, 200),
    ("/open-data/innovations.csv", "GET"): (200, 200, 200, 200, 200),
    ("/open-data/innovations.json", "GET"): (200, 200, 200, 200, 200),
    ("/open-data/results.csv", "GET"): (200, 200, 200, 200, 200),
    ("/proposals/", "GET"): (LOGIN, 200, 200, 200, 200),
    ("/proposals/<int:proposal_id>", "GET"): (LOGIN, 200, 200, 200, 200),
    ("/proposals/<int:proposal_id>/attachments", "POST"): (LOGIN, 403, 403, 422, 422),  # only the agency and admins add evidence
    ("/proposals/<int:proposal_id>/attachments/<int:attachment_id>", "GET"): (LOGIN, 200, 200, 200, 200),
    ("/proposals/<int:proposal_id>/comments", "POST"): (LOGIN, 422, 422, 422, 422),
    ("/proposals/<int:proposal_id>/conflict", "POST"): (LOGIN, 403, 302, 403, 302),
    ("/proposals/<int:proposal_id>/decision", "POST"): (LOGIN, 403, 403, 403, 422),  # admins decide
    ("/proposals/<int:proposal_id>/edit", "GET"): (LOGIN, 403, 403, 200, 200),  # a draft: only its agency and admins
    ("/proposals/<int:proposal_id>/edit", "POST"): (LOGIN, 403, 403, 422, 422),
    ("/proposals/<int:proposal_id>/publish", "POST"): (LOGIN, 403, 403, 403, 400),  # admins publish
    # Yearly reports of an innovation approved last year: its agency and admins write them.
    ("/proposals/<int:proposal_id>/reports", "GET"): (LOGIN, 200, 200, 200, 200),
    ("/proposals/<int:proposal_id>/reports", "POST"): (LOGIN, 403, 403, 422, 422),
    ("/proposals/<int:proposal_id>/reports/<int:year>", "GET"): (LOGIN, 302, 302, 200, 200),  # others: to the list
    ("/proposals/<int:proposal_id>/reports/<int:year>", "POST"): (LOGIN, 403, 403, 422, 422),
    ("/reports", "GET"): (LOGIN, 403, 403, 403, 200),
    # Its result indicators: everyone who may see the proposal reads them; its agency and admins set them.
    ("/proposals/<int:proposal_id>/indicators", "GET"): (LOGIN, 200, 200, 200, 200),
    ("/proposals/<int:proposal_id>/indicators", "POST"): (LOGIN, 403, 403, 422, 422),
    ("/proposals/<int:proposal_id>/indicators/<int:result_indicator_id>", "POST"): (LOGIN, 403, 403, 422, 422),
    ("/proposals/<int:proposal_id>/indicators/<int:result_indicator_id>/delete", "POST"): (LOGIN, 403, 403, 409, 409),
    # The action plan of A's proposal at the Design stage: everyone who may see it reads it; its agency
    # and admins change it (an empty mark or delete carries no version: refused as stale).
    ("/proposals/<int:proposal_id>/plan", "GET"): (LOGIN, 200, 200, 200, 200),
    ("/proposals/<int:proposal_id>/plan", "POST"): (LOGIN, 403, 403, 422, 422),
    ("/proposals/<int:proposal_id>/plan/<int:milestone_id>", "POST"): (LOGIN, 403, 403, 422, 422),
    ("/proposals/<int:proposal_id>/plan/<int:milestone_id>/done", "POST"): (LOGIN, 403, 403, 409, 409),
    ("/proposals/<int:proposal_id>/plan/<int:milestone_id>/delete", "POST"): (LOGIN, 403, 403, 409, 409),
    ("/proposals/<int:proposal_id>/review", "GET"): (LOGIN, 403, 200, 403, 200),  # reviewers and admins, never their own agency
    ("/proposals/<int:proposal_id>/review", "POST"): (LOGIN, 403, 422, 403, 422),
    ("/proposals/<int:proposal_id>/submit", "POST"): (LOGIN, 403, 403, 302, 302),  # a draft of A
    ("/proposals/<int:proposal_id>/vote", "POST"): (LOGIN, 302, 302, 403, 302),  # never one's own agency
    ("/proposals/<int:proposal_id>/withdraw", "POST"): (LOGIN, 403, 403, 302, 302),  # a draft of A
    ("/proposals/new", "GET"): (LOGIN, 200, 403, 200, 200),  # a reviewer without an agency writes no proposals
    ("/proposals/new", "POST"): (LOGIN, 422, 403, 422, 422),
    ("/proposals/review-queue", "GET"): (LOGIN, 403, 200, 403, 200),
    ("/proposals/suggest", "GET"): (LOGIN, 200, 200, 200, 200),
    ("/static/<path:filename>", "GET"): (200, 200, 200, 200, 200),
}


def served_routes(app):
    return sorted({(rule.rule, method) for rule in app.url_map.iter_rules()
                   for method in rule.methods - {"HEAD", "OPTIONS"}})


def test_every_route_has_an_expectation(app):
    served = set(served_routes(app))
    assert served - set(EXPECTED) == set(), "routes without an entry in EXPECTED"
    assert set(EXPECTED) - served == set(), "entries for routes that no longer exist"


def status_of(response):
    if response.status_code == 302 and "/auth/login" in response.headers.get("Location", ""):
        return LOGIN
    return response.status_code


# /healthz probes a write on a connection of its own, which on SQLite would wait for the lock
# that the test's transaction holds from its first write: it runs committing.
@pytest.mark.parametrize(("path", "method"), [
    pytest.param(path, method, marks=pytest.mark.committing) if path == "/healthz" else (path, method)
    for path, method in sorted(EXPECTED)])
def test_route_role_matrix(app, make, database, path, method):
    rule = next(r for r in app.url_map.iter_rules() if r.rule == path and method in r.methods)
    actual = []
    w = world()
    url, emails = url_for_rule(rule, w), {role: user.email for role, user in w["users"].items()}
    db.session.commit()  # the test's own session holds no savepoint while the visitors' are rolled back
    for role in ROLES:
        if method != "GET":
            visit = database.begin_nested()  # the next visitor meets the same untouched world
        client = app.test_client()
        if role != "anonymous":
            login(client, emails[role])
        actual.append(status_of(client.open(url, method=method, data={})))
        if method != "GET":
            visit.rollback()
    assert dict(zip(ROLES, actual)) == dict(zip(ROLES, EXPECTED[(path, method)]))
