"""The leaderboard poll answered ahead of Flask (app.leaderboard.poll) while the board is unchanged."""
import ast
import importlib.util
import inspect

from werkzeug.test import Client

from app.core.extensions import db
from app.leaderboard import poll
from tests import factories

HX = {"HX-Request": "true"}


def _board(make):
    cycle = make.cycle()
    proposal = make.proposal(agency_=make.agency(name="Alpha"), cycle_=cycle, status="submitted")
    factories.votes(proposal, 3)
    db.session.commit()
    return proposal


def test_the_shortcut_answers_exactly_as_flask_would(app, client, make):
    _board(make)
    etag = client.get("/leaderboard?kind=opd", headers=HX).headers["ETag"]
    poll = {**HX, "If-None-Match": etag}
    through_shortcut = client.get("/leaderboard?kind=opd", headers=poll)
    # The app behind the shortcut: Flask's own view and after-request hooks.
    flask_only = Client(app.wsgi_app.wsgi_app).get("/leaderboard?kind=opd", headers=poll)
    assert through_shortcut.status_code == flask_only.status_code == 304
    assert sorted(through_shortcut.headers.items()) == sorted(flask_only.headers.items())
    assert through_shortcut.get_data() == b""


def test_a_poll_costs_one_read_and_a_changed_board_goes_to_flask(client, make, count_queries, version_reads):
    proposal = _board(make)
    etag = client.get("/leaderboard", headers=HX).headers["ETag"]
    version_reads.clear()
    with count_queries() as counter:
        assert client.get("/leaderboard", headers={**HX, "If-None-Match": etag}).status_code == 304
    assert counter.count == 0 and len(version_reads) == 1  # the data version, nothing else
    factories.vote(proposal)
    db.session.commit()
    changed = client.get("/leaderboard", headers={**HX, "If-None-Match": etag})
    assert changed.status_code == 200 and "Alpha" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != etag


def test_the_shortcut_follows_the_language_in_the_session(app, make):
    _board(make)
    english, indonesian = app.test_client(), app.test_client()
    english.post("/language", data={"lang": "en", "next": "/leaderboard"})
    english_tag = english.get("/leaderboard", headers=HX).headers["ETag"]
    indonesian_tag = indonesian.get("/leaderboard", headers=HX).headers["ETag"]
    assert english_tag != indonesian_tag
    assert english.get("/leaderboard", headers={**HX, "If-None-Match": english_tag}).status_code == 304
    assert indonesian.get("/leaderboard", headers={**HX, "If-None-Match": english_tag}).status_code == 200
    # A session cookie that does not verify reads as an empty session, as in Flask: Indonesian.
    forged = app.test_client()
    forged.set_cookie("session", "not-a-signed-session")
    assert forged.get("/leaderboard", headers={**HX, "If-None-Match": indonesian_tag}).status_code == 304


def test_only_htmx_polls_take_the_shortcut(client, make):
    _board(make)
    etag = client.get("/leaderboard", headers=HX).headers["ETag"]
    # The whole page, and a history restore, are always rendered by Flask.
    assert client.get("/leaderboard", headers={"If-None-Match": etag}).status_code == 200
    restore = {**HX, "HX-History-Restore-Request": "true", "If-None-Match": etag}
    assert client.get("/leaderboard", headers=restore).status_code == 200


def test_the_shortcut_imports_neither_the_app_factory_nor_a_view_module():
    """It takes each function from the module that owns it (language_of from app.core.i18n,
    the board's ETag from leaderboard.services), never from app/__init__.py or routes."""
    imported = []
    for node in ast.walk(ast.parse(inspect.getsource(poll))):
        if isinstance(node, ast.ImportFrom):
            imported += [node.module] if node.module != "app" else [f"app.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
    own = [name for name in imported if name.startswith("app.")]
    assert own and all(importlib.util.find_spec(name) is not None for name in own)  # modules, not the factory's names
    assert not any(name.endswith(".routes") for name in own)


def test_a_worker_reads_the_version_at_most_once_per_poll_interval(app, client, make, version_reads, monkeypatch):
    """POLL_VERSION_SECONDS (half a second in production): polls within it are answered from the
    version last read; the first poll after it reads again and sees the change."""
    proposal = _board(make)
    etag = client.get("/leaderboard", headers=HX).headers["ETag"]
    shortcut = app.wsgi_app
    now = [1000.0]
    monkeypatch.setattr(poll.time, "monotonic", lambda: now[0])
    monkeypatch.setitem(app.config, "POLL_VERSION_SECONDS", 0.5)
    monkeypatch.setattr(shortcut, "_read", (0.0, None))
    version_reads.clear()
    conditional = {**HX, "If-None-Match": etag}
    assert client.get("/leaderboard", headers=conditional).status_code == 304
    factories.vote(proposal)
    db.session.commit()
    now[0] += 0.4
    assert client.get("/leaderboard", headers=conditional).status_code == 304  # within the half second
    assert len(version_reads) == 1
    now[0] += 0.2
    changed = client.get("/leaderboard", headers=conditional)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
