"""Scale-out: two app servers (separate gunicorn processes) over one PostgreSQL
database and one Redis behave as one application.

Runs only where PostgreSQL (DATABASE_URL) and Redis (127.0.0.1:6379) are up, as
in CI (`.ci/run`); skipped otherwise.
"""
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from app.core.extensions import db
from tests import factories
from tests.conftest import DATABASE_URL, is_postgres

ROOT = Path(__file__).resolve().parent.parent
REDIS_DB = 11  # a database of its own; keys also carry a fresh e-mail per run
SECRET = "scale-out-test-secret-key-0123456789abcdef"


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.committing,  # the servers are other processes: they see committed rows only
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.skipif(not redis_answers(), reason="needs Redis on 127.0.0.1:6379"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """`gunicorn --workers 2 wsgi:app` on a free loopback port, configured as in production."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, APUSIDA_ENV="production", SECRET_KEY=SECRET, DATABASE_URL=DATABASE_URL,
                   RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:6379/{REDIS_DB}", UPLOAD_DIR=str(tmp_path / "uploads"))
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server stopped: {self.process.stderr.read().decode()[-2000:]}")
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=2)
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def servers(app, tmp_path):
    started = []
    try:
        for _ in range(2):
            started.append(AppServer(tmp_path))
        yield started
    finally:
        for server in started:
            server.stop()


class Browser:
    """One person's cookies, used against whichever server the balancer picks."""

    def __init__(self):
        self.jar = CookieJar()
        # Never follow redirects: a redirect to the login page must be seen.
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def request(self, url: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def token(self, url: str) -> str:
        _status, _headers, html = self.request(url)
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def login(self, base: str, email: str, password: str):
        token = self.token(base + "/auth/login")
        return self.request(base + "/auth/login", {"email": email, "password": password, "csrf_token": token})


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def votes_on_board(html: str, agency_name: str) -> int:
    """The 'Dukungan' (votes) cell of an agency's row on the leaderboard."""
    row = re.search(re.escape(agency_name) + r" <span.*?</th>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r'<td class="numeric"[^>]*>(\d+)</td>', row)
    return int(cells[3])  # submitted, approved, implemented, votes


def _setup(make):
    """A submitted proposal of one agency and a voter of another, committed for the servers."""
    cycle = make.cycle()
    owner = make.agency(name="Dinas Skala Pemilik")
    proposal = make.proposal(agency_=owner, cycle_=cycle, status="submitted")
    voter = make.user(role="innovator", agency_=make.agency(name="Dinas Skala Pemilih"),
                      email=f"skala-{uuid.uuid4().hex[:8]}@example.com")
    db.session.commit()
    return proposal, voter


def test_a_session_made_on_one_server_is_valid_on_the_other(servers, make):
    one, two = servers
    _proposal, voter = _setup(make)
    browser = Browser()
    status, headers, _ = browser.login(one.base, voter.email, factories.PASSWORD)
    assert status == 302 and "/auth/login" not in headers["Location"]
    status, _headers, html = browser.request(two.base + "/dashboard")
    assert status == 200
    assert voter.name in html


def test_a_vote_through_one_server_shows_on_the_other_servers_board(servers, make):
    one, two = servers
    proposal, voter = _setup(make)
    board_url = two.base + "/leaderboard"
    status, headers, html = Browser().request(board_url, headers={"HX-Request": "true"})
    assert status == 200 and votes_on_board(html, "Dinas Skala Pemilik") == 0
    etag = headers["ETag"]

    browser = Browser()
    browser.login(one.base, voter.email, factories.PASSWORD)
    token = browser.token(f"{one.base}/proposals/{proposal.id}")
    status, _headers, _html = browser.request(f"{one.base}/proposals/{proposal.id}/vote",
                                              {"csrf_token": token, "want": "1"})
    assert status == 302

    # The other server's conditional poll sees the change at once (no 304) and the new count.
    status, headers, html = Browser().request(board_url, headers={"HX-Request": "true", "If-None-Match": etag})
    assert status == 200 and headers["ETag"] != etag
    assert votes_on_board(html, "Dinas Skala Pemilik") == 1


def test_the_login_rate_limit_is_shared_by_both_servers(servers, make):
    one, two = servers
    _proposal, voter = _setup(make)
    browser = Browser()
    token = browser.token(one.base + "/auth/login")
    answers = []
    # 10 failed logins of one e-mail (LOGIN_LIMIT_PER_EMAIL), split over both servers.
    for attempt in range(11):
        base = (one, two)[attempt % 2].base
        status, _headers, _html = browser.request(
            base + "/auth/login", {"email": voter.email, "password": "wrong-password", "csrf_token": token})
        answers.append(status)
    assert answers[:10] == [422] * 10  # the form again, with its error
    assert answers[10] == 429
    # The limit holds on both servers, even for the right password.
    status, _headers, _html = browser.request(
        one.base + "/auth/login", {"email": voter.email, "password": factories.PASSWORD, "csrf_token": token})
    assert status == 429
