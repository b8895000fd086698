"""Stored XSS: a payload in every text field of proposals, comments, events, agencies and names
comes back escaped on every page, fragment and feed that shows it, for every kind of visitor."""
import re

import pytest

from app.core.extensions import db
from app.models import Comment
from tests import factories
from tests.conftest import login
from tests.factories import ROLES, url_for_rule, world
from tests.test_security_matrix import EXPECTED, status_of

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"x{SCRIPT}y{ATTRIBUTE}z"
# What must never reach a page: a live tag built from the payload.
RAW = [re.compile(r"<script>alert\(1\)"), re.compile(r"<img src=x onerror", re.I)]
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"

PROPOSAL_TEXT = ("title", "summary", "problem", "design", "goals", "benefits", "results", "contact")
EVENT_TEXT = ("title", "place", "description", "declaration_text")


@pytest.fixture
def poisoned(make):
    w = world()
    for proposal in (w["draft"], w["submitted"], w["approved"], w["public"]):
        for name in PROPOSAL_TEXT:
            setattr(proposal, name, f"{name} {PAYLOAD}")
        db.session.add(Comment(proposal=proposal, author_id=w["users"]["innovator_b"].id, body=f"komentar {PAYLOAD}"))
    for name in EVENT_TEXT:
        setattr(w["event"], name, f"{name} {PAYLOAD}")
    w["agency_a"].name = f"Dinas {PAYLOAD}"
    for user in w["users"].values():
        user.name = f"Nama {PAYLOAD}"
    w["notification"].message = f"Pesan {PAYLOAD}"
    db.session.commit()
    return w


def get_urls(app, w) -> list[tuple[str, str]]:
    """(URL, its route) for every GET route, and the search and filter echoes. Not /healthz,
    which shows no data, and whose write probe on a connection of its own would wait on
    SQLite for the lock of the test's transaction (the route matrix runs it committing)."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint not in ("static", "main.healthz"):
            urls.append((url_for_rule(rule, w), rule.rule))
    urls += [(f"/?q={PAYLOAD}", "/"), (f"/proposals/?q={PAYLOAD}", "/proposals/"),
             (f"/admin/users?q={PAYLOAD}", "/admin/users"), (f"/proposals/suggest?title={PAYLOAD}", "/proposals/suggest"),
             (f"/auth/login?next={PAYLOAD}", "/auth/login")]
    return urls


def assert_escaped(url, response):
    kind = response.headers.get("Content-Type", "").split(";")[0]
    if not (kind == "text/html" or kind.endswith("/xml") or kind.endswith("+xml")):
        return  # CSV, JSON and iCalendar are data, never rendered as markup (and sent with nosniff)
    body = response.get_data(as_text=True)
    for pattern in RAW:
        assert not pattern.search(body), f"{url} ({kind}) has a live payload"


@pytest.mark.parametrize("role", ["anonymous", "innovator_a", "innovator_b", "reviewer", "admin"])
def test_payload_is_escaped_everywhere(app, client, poisoned, role):
    if role != "anonymous":
        login(client, poisoned["users"][role])
    for url, route in get_urls(app, poisoned):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            # The same answer as the route matrix gives (the world there is the same, unpoisoned).
            assert status_of(response) == EXPECTED[(route, "GET")][ROLES.index(role)], (url, headers)
            assert_escaped(url, response)


def test_the_payload_is_shown_as_text(client, poisoned):
    """The pages do show the text (escaped), so the check above is not passing on empty pages."""
    login(client, poisoned["users"]["admin"])
    pages = [f"/proposals/{poisoned['submitted'].id}", f"/innovations/{poisoned['public'].id}", "/",
             f"/events/{poisoned['event'].id}", "/admin/agencies", "/admin/users", "/leaderboard", "/proposals/",
             "/feed.atom", "/notifications"]
    for url in pages:
        body = client.get(url).get_data(as_text=True)
        assert ESCAPED_SCRIPT in body or "&lt;script&gt;alert(1)" in body, url


def test_payload_typed_into_the_forms_is_stored_as_text(client, make):
    """Through the real forms: the proposal form and the comment form keep the text and escape it."""
    make.cycle()
    author = factories.user("innovator")
    db.session.commit()
    login(client, author)
    response = client.post("/proposals/new", data={"title": PAYLOAD, "summary": PAYLOAD, "lab_stage": "drum_up",
                                                   "replicates": "0", "action": "save"})
    assert response.status_code == 302
    page = response.headers["Location"]
    client.post(f"{page}/comments", data={"body": PAYLOAD})
    body = client.get(page).get_data(as_text=True)
    assert body.count(ESCAPED_SCRIPT) >= 3  # title, summary, comment
    assert not any(pattern.search(body) for pattern in RAW)
