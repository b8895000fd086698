"""Answers to someone logged in are never kept by a cache (Cache-Control: private, no-store),
except the polled leaderboard (private, no-cache); public pages keep their caching."""
from tests.conftest import login
from tests.factories import url_for_rule, world

HX = {"HX-Request": "true"}


def expected_cache_control(endpoint: str, headers: dict) -> str | None:
    if endpoint == "static":
        return None  # the same file for everyone: its own caching
    if endpoint in ("leaderboard.index", "leaderboard.trend") and headers:
        return "private, no-cache"  # polled every few seconds, revalidated with its ETag
    return "private, no-store"


def test_every_get_route_is_private_for_someone_logged_in(app, client, make):
    w = world()
    login(client, w["users"]["admin"])
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        url = url_for_rule(rule, w)
        for headers in ({}, HX):
            expected = expected_cache_control(rule.endpoint, headers)
            if expected is None:
                continue
            response = client.get(url, headers=headers)
            assert response.headers.get("Cache-Control") == expected, (url, headers, response.status_code)


def test_pages_fragments_and_downloads_of_an_admin(client, make):
    w = world()
    login(client, w["users"]["admin"])
    submitted, event = w["submitted"], w["event"]
    answers = {
        "dashboard": client.get("/dashboard"),
        "proposal page": client.get(f"/proposals/{submitted.id}"),
        "proposal list fragment": client.get("/proposals/", headers=HX),
        "showcase": client.get("/"),
        "attachment": client.get(f"/proposals/{submitted.id}/attachments/{w['attachment'].id}"),
        "attendance CSV (e-mail addresses)": client.get(f"/events/{event.id}/attendance.csv"),
        "events feed": client.get("/events.ics"),
        "open data": client.get("/open-data/innovations.json"),
        "not found": client.get("/proposals/999999"),
    }
    for name, response in answers.items():
        assert response.headers["Cache-Control"] == "private, no-store", name
    assert all(answers[name].status_code == 200 for name in answers if name != "not found")
    assert answers["not found"].status_code == 404
    assert "text/csv" in answers["attendance CSV (e-mail addresses)"].headers["Content-Type"]


def test_the_leaderboard_poll_of_someone_logged_in_is_private_but_revalidated(app, client, make):
    w = world()
    login(client, w["users"]["innovator_a"])
    first = client.get("/leaderboard", headers=HX)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "private, no-cache"
    poll = {**HX, "If-None-Match": first.headers["ETag"]}
    through_shortcut = client.get("/leaderboard", headers=poll)  # answered ahead of Flask (app.leaderboard.poll)
    assert through_shortcut.status_code == 304
    assert through_shortcut.headers["Cache-Control"] == "private, no-cache"
    assert client.get("/leaderboard").headers["Cache-Control"] == "private, no-store"  # the whole page


def test_public_pages_keep_their_caching_for_anonymous_visitors(client, make):
    w = world()
    assert client.get("/open-data/innovations.json").headers["Cache-Control"] == "public, max-age=300"
    board = client.get("/leaderboard", headers=HX)
    assert board.headers["Cache-Control"] == "no-cache"
    assert client.get("/leaderboard", headers={**HX, "If-None-Match": board.headers["ETag"]}).status_code == 304
    page = client.get(f"/innovations/{w['public'].id}")
    assert page.headers["ETag"] and page.headers["Cache-Control"] in ("public, max-age=60", "private, no-cache")
