"""The leaderboard's poll, answered ahead of Flask while the board is unchanged.

Every open leaderboard asks every few seconds whether the board changed
(HTMX polling with If-None-Match; on the Display day it is on every screen
in the hall). Nearly always it has not, and the answer is a bodiless 304.
That answer needs the data version (one read), which board and its language
(from the query and the session cookie) and nothing else: no login, no form
token, no templates. PollShortcut answers exactly that case in front of Flask
and hands every other request, and every poll of a changed board, to Flask
untouched. The ETag and the headers come from the same functions Flask's
view and after-request hook use, and a test holds both answers equal.
The trend across years (/leaderboard/trend) is polled the same way.

The data version itself is read at most once per POLL_VERSION_SECONDS in each worker (half a
second by default): on the Display day hundreds of screens poll, and the read is most of a
poll's cost (0.12 ms of 0.18 on PostgreSQL here). A screen then sees a change at most that
much later than it could, on a board it polls every few seconds; a poll whose tag this
worker does not know yet (another worker saw the change first) goes to Flask, which reads
the version afresh.
"""
import time

from flask import Flask
from itsdangerous import BadSignature
from werkzeug.exceptions import SecurityError
from werkzeug.wrappers import Request

from app.auth import signed_in
from app.core import live
from app.core.extensions import db
from app.core.i18n import language_of
from app.leaderboard.services import BOARD_CACHE_CONTROL, board_etag, requested_board, requested_kind
from app.leaderboard.trend import trend_etag
from app.web.security import default_headers, private_cache_control

# Each polled path, and its ETag from (data version, query arguments, language): the views' own.
POLLED = {
    "/leaderboard": lambda version, args, language: board_etag(version, *requested_board(args), language),
    "/leaderboard/trend": lambda version, args, language: trend_etag(version, requested_kind(args), language),
}


class PollShortcut:
    """WSGI middleware: 304 for a leaderboard poll whose ETag is still current."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self._engine = None
        self._read = (0.0, None)  # (time.monotonic() of the read, the version read)

    def __call__(self, environ, start_response):
        if not self._is_poll(environ):
            return self.wsgi_app(environ, start_response)
        headers = self._not_modified(Request(environ))
        if headers is None:
            return self.wsgi_app(environ, start_response)
        start_response("304 NOT MODIFIED", headers)
        return []

    @staticmethod
    def _is_poll(environ) -> bool:
        return (environ.get("PATH_INFO") in POLLED and environ.get("REQUEST_METHOD") == "GET"
                and environ.get("HTTP_HX_REQUEST") == "true" and "HTTP_IF_NONE_MATCH" in environ
                and environ.get("HTTP_HX_HISTORY_RESTORE_REQUEST") != "true")

    def _not_modified(self, request: Request) -> list[tuple[str, str]] | None:
        """The 304's headers when the client holds the current board (or trend), else None."""
        app = self.app
        if not self._host_is_trusted(request):
            return None  # Flask refuses it (TRUSTED_HOSTS)
        session_data = self._session(request)
        etag = POLLED[request.path](self._version(), request.args, language_of(session_data, app.config))
        if not request.if_none_match.contains(etag):
            return None
        # As Flask's after-request hook: a logged-in viewer's answer is private.
        cache_control = private_cache_control(polled=True) if signed_in(session_data) else BOARD_CACHE_CONTROL
        headers = [("ETag", f'"{etag}"'), ("Cache-Control", cache_control), *default_headers(app)]
        if request.is_secure:
            headers.append(("Strict-Transport-Security", "max-age=31536000"))
        # As Flask's answer: it varies on the fragment header and on the session (the language).
        headers.append(("Vary", "HX-Request, Cookie"))
        return headers

    def _version(self) -> str:
        """The data version, read again once the last read is POLL_VERSION_SECONDS old."""
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        read_at, version = self._read
        now = time.monotonic()
        if version is None or now - read_at >= self.app.config["POLL_VERSION_SECONDS"]:
            version = live.version(engine=self._engine)
            self._read = (now, version)  # one assignment: a thread of a threaded server sees both or neither
        return version

    def _host_is_trusted(self, request: Request) -> bool:
        """The Host header is one of TRUSTED_HOSTS (or none are configured), as Flask checks it."""
        request.trusted_hosts = self.app.config.get("TRUSTED_HOSTS")
        try:
            return bool(request.host)
        except SecurityError:
            return False

    def _session(self, request: Request) -> dict:
        """The session's data as Flask would read it (an unreadable cookie reads as empty)."""
        cookie = request.cookies.get(self.app.config["SESSION_COOKIE_NAME"])
        if not cookie:
            return {}
        serializer = self.app.session_interface.get_signing_serializer(self.app)
        try:
            return serializer.loads(cookie, max_age=int(self.app.permanent_session_lifetime.total_seconds()))
        except BadSignature:
            return {}
