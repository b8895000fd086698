"""Apusida benchmark: gunicorn (2 workers) on the large data set, driven by wrk on loopback.

Run it as `bench/run` (see README.md, "Benchmark"). For each database engine
(SQLite, then PostgreSQL) it

1. creates the large data set once (`demo-data --proposals N --votes 10N`) and
   keeps it for the next run: a SQLite file in bench/.data/, or a PostgreSQL
   database named apusida_benchrun_<N>;
2. starts `gunicorn --workers 2 wsgi:app` on a free loopback port, and the bare
   endpoint (bench/bare.py) the same way;
3. drives each page with wrk at 32 connections for a fixed time and prints
   requests per second, median and 95th-percentile latency, the ratio to the
   bare endpoint and the peak resident memory (VmHWM) of each worker;
   the proposal list and page are also measured "rendered every time": what
   they cost right after the data changed (see UNCACHED_APP), a target of their own;
   then people browse while others vote (the mixed workload);
4. toggles votes as many different people and then checks that no vote was
   lost or doubled;
5. measures the showcase and the list again on a 1,000-proposal data set, to
   show the cost stays flat as data grows.

Nothing listens beyond 127.0.0.1.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
PYTHON = sys.executable
BIN = Path(PYTHON).parent
HOST = "127.0.0.1"
SECRET = "apusida-bench-secret-key-not-for-production"
USER_AGENT = "apusida-bench"  # Flask-Login's strong session protection ties a session to it
CONNECTIONS = 32
THREADS = 2
LIST_USER = ("inovator@demo.apusida.id", "inovator-demo-2026")
VOTE_SESSIONS = 200

REFERENCE_SUFFIX = ", rendered every time"
TARGETS = {  # page: minimum ratio to the bare endpoint (issue 21, point 2; set for PostgreSQL)
    "showcase": 0.35, "leaderboard 304": 0.8, "list filter+search" + REFERENCE_SUFFIX: 0.08,
    "proposal page" + REFERENCE_SUFFIX: 0.06, "vote toggle": 0.1, "mixed: browse": 0.1,
}
P95_LIMIT_MS = 100  # every page at 32 connections
RSS_LIMIT_MB = 150  # peak per worker
FLAT_LIMIT = 1.2  # speed at the small data set ÷ speed at the large one

# Printed by every wrk run: one JSON line read back by parse_wrk().
LUA_DONE = r"""
threads = {}
function setup(thread) table.insert(threads, thread) end
function done(summary, latency, requests)
  local ok, bad = 0, 0
  for _, t in ipairs(threads) do ok = ok + (t:get("ok") or 0); bad = bad + (t:get("bad") or 0) end
  io.write(string.format('BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"errors": %d, "non2xx": %d, "ok": %d, "bad": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, ok, bad))
end
"""

# Counts answers by status in each thread (a 304 is a success for the conditional page).
LUA_COUNT = r"""
ok, bad = 0, 0
function response(status, headers, body)
  if status == 200 or status == 304 then ok = ok + 1 else bad = bad + 1 end
end
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# --- data sets -------------------------------------------------------------------------

def app_env(database_url: str, code: Path = ROOT) -> dict:
    env = dict(os.environ)
    env.update(APUSIDA_ENV="production", SECRET_KEY=SECRET, DATABASE_URL=database_url,
               RATELIMIT_STORAGE_URI="memory://", UPLOAD_DIR=str(DATA / "uploads"), PYTHONPATH=str(code))
    return env


def flask(database_url: str, *args: str) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=app_env(database_url),
                   check=True, stdout=subprocess.DEVNULL)


def pg_database_exists(admin_url: str, name: str) -> bool:
    out = subprocess.run(["psql", admin_url, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                         capture_output=True, text=True, check=True).stdout
    return out.strip() == "1"


def dataset(engine: str, size: int, pg_base: str) -> str:
    """The database URL of a data set with `size` generated proposals, created once and reused."""
    DATA.mkdir(parents=True, exist_ok=True)
    if engine == "sqlite":
        path = DATA / f"apusida_benchrun_{size}.db"
        url = f"sqlite:///{path}"
        ready = path.exists() and (DATA / f"apusida_benchrun_{size}.done").exists()
        if not ready:
            for leftover in DATA.glob(f"apusida_benchrun_{size}.db*"):
                leftover.unlink()
    else:
        name = f"apusida_benchrun_{size}"
        url = f"{pg_base.rstrip('/')}/{name}"
        admin = f"{pg_base.rstrip('/')}/postgres"
        marker = DATA / f"{name}.pg.done"
        ready = pg_database_exists(admin, name) and marker.exists()
        if not ready:
            subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
            subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
    if ready:
        log(f"[{engine}] reusing the {size}-proposal data set")
        flask(url, "db", "upgrade")  # a data set made before a newer migration (the app refuses to start)
        return url
    log(f"[{engine}] creating the {size}-proposal data set (once; kept for later runs) ...")
    started = time.monotonic()
    flask(url, "db", "upgrade")
    flask(url, "demo-data", "--proposals", str(size), "--votes", str(size * 10), "--seed", "8")
    log(f"[{engine}] data set ready in {time.monotonic() - started:.0f} s")
    if engine == "sqlite":
        (DATA / f"apusida_benchrun_{size}.done").touch()
    else:
        # What autovacuum would do a little later: statistics, and the visibility
        # map that lets index-only scans skip the table.
        subprocess.run(["psql", url, "-qc", "VACUUM ANALYZE"], check=True)
        (DATA / f"apusida_benchrun_{size}.pg.done").touch()
    return url


# --- servers ----------------------------------------------------------------------------

class Server:
    """gunicorn with 2 sync workers on a free loopback port."""

    def __init__(self, app: str, env: dict, chdir: Path):
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"{HOST}:{self.port}", "--chdir", str(chdir),
             "--backlog", "2048", "--log-level", "warning", app],
            env=env, cwd=chdir, start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + ("/healthz" if app == "wsgi:app" else "/"), timeout=2)
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{app} did not start")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def peak_rss_mb(self) -> list[float]:
        """VmHWM (peak resident set) of each worker, in MB."""
        peaks = []
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return peaks

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # gunicorn's master stops its own workers
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


@contextmanager
def serving(app: str, env: dict, chdir: Path):
    server = Server(app, env, chdir)
    try:
        yield server
    finally:
        server.stop()


# --- HTTP helpers --------------------------------------------------------------------------

def opener_with_cookies():
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    return opener, jar


def csrf_token(html: str) -> str:
    match = re.search(r'"X-CSRFToken": "([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token in the page")
    return match.group(1)


def login(base: str, email: str, password: str) -> str:
    """Log in through the real login form; returns the Cookie header value."""
    opener, jar = opener_with_cookies()
    page = opener.open(base + "/auth/login").read().decode()
    data = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": csrf_token(page)}).encode()
    opener.open(base + "/auth/login", data=data)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookie:
        raise RuntimeError(f"login of {email} failed")
    return cookie


def fetch(base: str, path: str, headers: dict | None = None, data: bytes | None = None) -> tuple[int, dict, str]:
    request = urllib.request.Request(base + path, data=data, headers={"User-Agent": USER_AGENT, **(headers or {})})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


# --- wrk ----------------------------------------------------------------------------------

def wrk(base: str, path: str, seconds: int, headers: dict | None = None, lua_extra: str = "") -> dict:
    """Run wrk and return requests/s, median and p95 in ms, and error counts.

    The page is fetched a few times first, so that each worker has loaded its
    templates and filled its caches: what is measured is the steady state.
    """
    if not lua_extra:
        for _ in range(6):
            fetch(base, path, {"User-Agent": USER_AGENT, **(headers or {})})
    return wrk_together([WrkJob(base, path, headers or {}, lua_extra)], seconds)[0]


@dataclass
class WrkJob:
    """One wrk process of a run: its URL, headers, Lua script and share of the connections."""
    base: str
    path: str
    headers: dict
    lua: str = ""
    connections: int = CONNECTIONS
    threads: int = THREADS


def wrk_together(jobs: list[WrkJob], seconds: int) -> list[dict]:
    """Run the jobs' wrk processes at the same time, for the same duration; one result each."""
    running = []
    try:
        for job in jobs:
            with tempfile.NamedTemporaryFile("w", suffix=".lua", dir=DATA, delete=False) as script:
                script.write((job.lua or LUA_COUNT) + LUA_DONE)
            args = ["wrk", "-t", str(job.threads), "-c", str(job.connections), "-d", f"{seconds}s",
                    "--timeout", "10s", "-s", script.name]
            for name, value in {"User-Agent": USER_AGENT, **job.headers}.items():
                args += ["-H", f"{name}: {value}"]
            process = subprocess.Popen(args + [job.base + job.path], stdout=subprocess.PIPE, text=True)
            running.append((process, script.name))
        outputs = []
        for process, _script in running:
            output, _ = process.communicate()
            if process.returncode:
                raise RuntimeError(f"wrk exited with {process.returncode}")
            outputs.append(output)
    finally:
        for process, script in running:
            if process.poll() is None:
                process.kill()
            os.unlink(script)
    return [parse_wrk(output) for output in outputs]


def parse_wrk(output: str) -> dict:
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    raw = json.loads(line[len("BENCH "):])
    duration = raw["duration_us"] / 1e6
    return {
        "rps": raw["requests"] / duration if duration else 0.0, "p50": raw["p50_us"] / 1000,
        "p95": raw["p95_us"] / 1000, "requests": raw["requests"], "errors": raw["errors"],
        "non2xx": raw["non2xx"], "ok": raw["ok"], "bad": raw["bad"],
    }


# The reference rows ("rendered every time") are measured on a second
# gunicorn whose shared page store keeps nothing (PAGE_CACHE_MAX_BYTES=0, read
# by app.web.caching), so every request renders the page in full, as right
# after a change of the data, through the very same code otherwise. An ignored
# query argument with a new value each time no longer does that: the store's
# key holds only the arguments a page reads, as parsed, so such an argument
# finds the same copy. LUA_FRESH still adds one, for a baseline from before
# that change (--baseline), which keyed by the whole URL and does not read the
# setting. gunicorn calls the factory with these literal arguments.
UNCACHED_APP = "app:create_app({'PAGE_CACHE_MAX_BYTES': 0})"

# A new ignored argument per request (wrk's own path is replaced); see UNCACHED_APP.
LUA_FRESH = r"""
ok, bad, counter = 0, 0, 0
function init(args) counter = math.random(1, 1000000000) end
function request()
  counter = counter + 1
  local separator = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. separator .. "fresh=" .. counter)
end
function response(status, headers, body)
  if status == 200 then ok = ok + 1 else bad = bad + 1 end
end
"""


def lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal for ASCII text


def vote_script(entries: list[dict]) -> str:
    """A wrk script that cycles through many voters' sessions, each toggling its vote."""
    rows = ",\n".join(
        "{path=%s, cookie=%s, token=%s}" % (lua_string(e["path"]), lua_string(e["cookie"]), lua_string(e["token"]))
        for e in entries
    )
    return ("entries = {\n" + rows + "\n}\n" + r"""
ok, bad, counter = 0, 0, 0
function init(args) counter = math.random(1, #entries) end
function request()
  counter = counter + 1
  local e = entries[(counter % #entries) + 1]
  return wrk.format("POST", e.path, {
    ["Cookie"] = e.cookie, ["X-CSRFToken"] = e.token, ["HX-Request"] = "true",
    ["Content-Type"] = "application/x-www-form-urlencoded", ["User-Agent"] = "apusida-bench"}, "")
end
function response(status, headers, body)
  if status == 200 then ok = ok + 1 else bad = bad + 1 end
end
""")


def browse_script(paths: list[str]) -> str:
    """A wrk script that walks through many pages (the list with its filters, many proposals)."""
    rows = ",\n".join(lua_string(path) for path in paths)
    return ("paths = {\n" + rows + "\n}\n" + r"""
ok, bad, counter = 0, 0, 0
function init(args) counter = math.random(1, #paths) end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
function response(status, headers, body)
  if status == 200 then ok = ok + 1 else bad = bad + 1 end
end
""")


# The mixed workload (issue 21): of the 32 connections, these few vote while the rest browse;
# with votes slower than page views this makes about one request in ten a vote (the run
# prints the share it got).
MIXED_VOTE_CONNECTIONS = 3


def mixed_paths(entries: list[dict]) -> list[str]:
    """What the browsing people open: the voted proposals' pages and the list, filtered and searched
    in a few ways over several pages, so that each vote renews parts that others then read."""
    lists = []
    for query in ({}, {"status": "in_review"}, {"innovation_type": "digital", "sort": "newest"}, {"q": "sampah"},
                  {"q": "layanan", "status": "approved"}):
        for page in (1, 2, 3):
            lists.append("/proposals/?" + urllib.parse.urlencode({**query, "page": page}))
    pages = [f"/proposals/{entry['proposal_id']}" for entry in entries]
    # Two proposal pages for each list page, as people open what they found.
    return [path for visit in zip(pages[::2], pages[1::2], lists * (len(pages) // len(lists) + 1)) for path in visit]


def measure_mixed(base: str, cookie: str, entries: list[dict], seconds: int) -> tuple[dict, dict]:
    """Browse and vote at once: the browse requests' figures, and the votes'.

    Measured after as long a warm-up of browsing alone, unmeasured: a busy hour is not the
    first minute after a restart, when each worker renders each of the 200 pages once."""
    wrk_together([WrkJob(base, "/", {"Cookie": cookie}, browse_script(mixed_paths(entries)),
                         connections=CONNECTIONS - MIXED_VOTE_CONNECTIONS)], seconds)
    browse, votes = wrk_together([
        WrkJob(base, "/", {"Cookie": cookie}, browse_script(mixed_paths(entries)),
               connections=CONNECTIONS - MIXED_VOTE_CONNECTIONS),
        WrkJob(base, "/", {}, vote_script(entries), connections=MIXED_VOTE_CONNECTIONS, threads=1),
    ], seconds)
    total = browse["requests"] + votes["requests"]
    browse["note"] = f"{votes['requests']} of {total} requests were votes ({votes['requests'] / total:.0%})" \
        if total else ""
    return browse, votes


# --- the measured scenario ----------------------------------------------------------------

def database_rows(url: str, sql: str, params: dict | None = None) -> list[tuple]:
    from sqlalchemy import create_engine, text

    sys.path.insert(0, str(ROOT))
    from app.core.config import normalise_database_url

    engine = create_engine(normalise_database_url(url))
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), params or {})]
    finally:
        engine.dispose()


def voter_sessions(url: str, base: str, count: int) -> list[dict]:
    """Session cookie and CSRF token of `count` distinct voters, each with a proposal to vote on.

    The sessions are signed in-process with the servers' SECRET_KEY (through the
    app's own login view, with the rate limit off): logging 200 people in
    through the servers would trip the login rate limit (10 a minute), which is
    exactly what it is for. The cookies are then used against the real servers.
    """
    sys.path.insert(0, str(ROOT))
    os.environ.update(app_env(url))
    from app import create_app

    app = create_app({"RATELIMIT_ENABLED": False})
    voters = database_rows(url, "SELECT u.id, u.email, u.agency_id FROM user_account u "
                                "WHERE u.email LIKE 'pemilih-b1-%' ORDER BY u.id LIMIT :n", {"n": count})
    current = database_rows(url, "SELECT id FROM cycle ORDER BY year DESC LIMIT 1")[0][0]
    proposals = database_rows(
        url, "SELECT id, agency_id FROM proposal WHERE cycle_id = :c AND status IN "
             "('submitted', 'in_review', 'approved', 'implemented') ORDER BY id LIMIT 400", {"c": current})
    entries = []
    client = app.test_client()
    used: set[int] = set()
    for index, (user_id, email, agency_id) in enumerate(voters):
        # A proposal of its own for each voter, of another agency.
        proposal_id = next(pid for pid, owner in proposals[index % len(proposals):] + proposals
                           if owner != agency_id and pid not in used)
        used.add(proposal_id)
        client.delete_cookie("session")
        page = client.get("/auth/login", headers={"User-Agent": USER_AGENT}).get_data(as_text=True)
        client.post("/auth/login", data={"email": email, "password": "bulk-demo-2026", "csrf_token": csrf_token(page)},
                    headers={"User-Agent": USER_AGENT})
        # The login renews the session's CSRF token, which the first page after it
        # then makes: so the cookie to vote with is the one that page answers with.
        html = client.get(f"/proposals/{proposal_id}", headers={"User-Agent": USER_AGENT}).get_data(as_text=True)
        cookie = client.get_cookie("session")
        if cookie is None:
            raise RuntimeError(f"could not sign in {email}")
        cookie_header = f"session={cookie.value}"
        entries.append({"user_id": user_id, "proposal_id": proposal_id, "path": f"/proposals/{proposal_id}/vote",
                        "cookie": cookie_header, "token": csrf_token(html)})
    return entries


def check_votes(url: str, base: str, entries: list[dict]) -> tuple[bool, str]:
    """No vote lost or doubled, checked once the servers are quiet:

    - every (proposal, person) pair has at most one row (the unique constraint at work);
    - for a sample of the voted proposals, supporting once more (want=1, idempotent)
      answers with a count equal to the rows in the database, and the row exists.
    """
    time.sleep(3)  # wrk stops at its deadline; let the requests still in the workers finish
    total, distinct = database_rows(
        url, "SELECT count(*), count(DISTINCT proposal_id || '-' || user_id) FROM vote")[0]
    problems = []
    if total != distinct:
        problems.append(f"{total - distinct} doubled votes")
    sample = entries[:: max(1, len(entries) // 20)]
    for entry in sample:
        status, _headers, html = fetch(base, entry["path"], {
            "Cookie": entry["cookie"], "X-CSRFToken": entry["token"], "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded"}, data=b"want=1")
        shown = re.search(r'vote-button__count[^"]*">(\d+)<', html)
        rows, mine = database_rows(url, "SELECT count(*), count(*) FILTER (WHERE user_id = :u) FROM vote "
                                        "WHERE proposal_id = :p" if "postgresql" in url else
                                   "SELECT count(*), sum(user_id = :u) FROM vote WHERE proposal_id = :p",
                                   {"u": entry["user_id"], "p": entry["proposal_id"]})[0]
        if status != 200 or not shown or int(shown.group(1)) != rows or mine != 1:
            problems.append(f"proposal {entry['proposal_id']}: answer {status}, shown "
                            f"{shown.group(1) if shown else '?'}, rows {rows}, own row {mine}")
    summary = f"{total} rows, all pairs unique; count shown = rows for {len(sample)} sampled proposals"
    return not problems, ("ok: " + summary) if not problems else "FAILED: " + "; ".join(problems[:5])


def board_count_matches(url: str) -> tuple[bool, str]:
    """The leaderboard's votes (computed by the app, as the page shows them) equal the vote rows."""
    from app.core.cycles import current_cycle
    from app.core.extensions import db as app_db
    from app.leaderboard.services import compute_board

    rows = database_rows(url, (
        "SELECT count(*) FROM vote v JOIN proposal p ON p.id = v.proposal_id JOIN agency a ON a.id = p.agency_id "
        "WHERE a.active AND p.cycle_id = (SELECT id FROM cycle ORDER BY year DESC LIMIT 1) AND p.status IN "
        "('submitted','in_review','revision_requested','approved','rejected','implemented')"))[0][0]
    from app import create_app

    with create_app({"RATELIMIT_ENABLED": False}).app_context():
        shown = sum(s.votes for s in compute_board(current_cycle()).standings)
        app_db.session.remove()
    return shown == rows, f"board {shown} votes = {rows} rows" if shown == rows else f"board {shown} != rows {rows}"


def measure_app(engine: str, url: str, seconds: int, full: bool, code: Path = ROOT) -> dict:
    """All pages of one engine's data set against a fresh gunicorn serving `code`."""
    results = {}
    with serving("wsgi:app", app_env(url, code), code) as server:
        base = server.base
        cookie = login(base, *LIST_USER)
        results["showcase"] = wrk(base, "/", seconds)
        list_path = "/proposals/?" + urllib.parse.urlencode(
            {"q": "sampah", "status": "in_review", "innovation_type": "digital", "sort": "newest"})
        results["list filter+search"] = wrk(base, list_path, seconds, {"Cookie": cookie})
        results["list filter+search" + REFERENCE_SUFFIX] = None  # measured below, on UNCACHED_APP
        proposal_id = None
        if full:
            current = database_rows(url, "SELECT id FROM cycle ORDER BY year DESC LIMIT 1")[0][0]
            proposal_id = database_rows(
                url, "SELECT p.id FROM proposal p WHERE p.cycle_id = :c AND p.status = 'approved' "
                     "AND EXISTS (SELECT 1 FROM comment c WHERE c.proposal_id = p.id) ORDER BY p.id LIMIT 1",
                {"c": current})[0][0]
            results["proposal page"] = wrk(base, f"/proposals/{proposal_id}", seconds, {"Cookie": cookie})
            results["proposal page" + REFERENCE_SUFFIX] = None  # measured below
            results["leaderboard full"] = wrk(base, "/leaderboard", seconds)
            _status, headers, _body = fetch(base, "/leaderboard", {"HX-Request": "true"})
            etag = headers.get("ETag")
            status, _h, _b = fetch(base, "/leaderboard", {"HX-Request": "true", "If-None-Match": etag})
            if status != 304:
                raise RuntimeError(f"the leaderboard answered {status} to its own ETag")
            results["leaderboard 304"] = wrk(base, "/leaderboard", seconds,
                                             {"HX-Request": "true", "If-None-Match": etag})
            # Issue 17: participation across the years, and an innovation's public page
            # (its charts and its timeline).
            results["trend full"] = wrk(base, "/leaderboard/trend", seconds)
            published_id = database_rows(
                url, "SELECT p.id FROM proposal p WHERE p.published ORDER BY p.id LIMIT 1")[0][0]
            results["innovation page"] = wrk(base, f"/innovations/{published_id}", seconds)
            entries = voter_sessions(url, base, VOTE_SESSIONS)
            vote = wrk(base, "/", seconds, {}, lua_extra=vote_script(entries))
            ok_before_mixed = vote["bad"] == 0
            results["vote toggle"] = vote
            # Then people browse while others vote; the vote check below covers these votes too.
            results["mixed: browse"], results["mixed: votes"] = measure_mixed(base, cookie, entries, seconds)
            ok, message = check_votes(url, base, entries)
            board_ok, board_message = board_count_matches(url)
            vote["check"] = f"{message}; {board_message}"
            vote["check_ok"] = ok and board_ok and ok_before_mixed
        results["_rss"] = server.peak_rss_mb()
    with serving(UNCACHED_APP, app_env(url, code), code) as server:
        base = server.base
        cookie = login(base, *LIST_USER)
        results["list filter+search" + REFERENCE_SUFFIX] = wrk(base, list_path, seconds, {"Cookie": cookie},
                                                                 lua_extra=LUA_FRESH)
        if proposal_id is not None:
            results["proposal page" + REFERENCE_SUFFIX] = wrk(base, f"/proposals/{proposal_id}", seconds,
                                                                {"Cookie": cookie}, lua_extra=LUA_FRESH)
    return results


def measure_bare(seconds: int) -> dict:
    env = dict(os.environ)
    with serving("bare:app", env, ROOT / "bench") as server:
        fetch(server.base, "/")
        result = wrk(server.base, "/", seconds)
        result["_rss"] = server.peak_rss_mb()
    return result


# Indexes added by the performance work (migrations a2a9cffdfdcd, c41d7e2b9f10); a baseline
# run measures older code on a copy of the data set without them.
PERFORMANCE_INDEXES = ("ix_proposal_showcase", "ix_proposal_cycle_status_agency", "ix_proposal_created_at",
                       "ix_proposal_updated_at", "ix_proposal_visibility")


def baseline_copy(engine: str, size: int, pg_base: str) -> str:
    """A copy of the large data set without the performance indexes."""
    if engine == "sqlite":
        import sqlite3

        source = sqlite3.connect(DATA / f"apusida_benchrun_{size}.db")
        target_path = DATA / f"apusida_benchrun_{size}_baseline.db"
        for leftover in DATA.glob(f"apusida_benchrun_{size}_baseline.db*"):
            leftover.unlink()
        target = sqlite3.connect(target_path)
        source.backup(target)
        source.close()
        for index in PERFORMANCE_INDEXES:
            target.execute(f"DROP INDEX IF EXISTS {index}")
        target.commit()
        target.close()
        return f"sqlite:///{target_path}"
    name = f"apusida_benchrun_{size}"
    admin = f"{pg_base.rstrip('/')}/postgres"
    subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}_baseline"], check=True)
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}_baseline TEMPLATE {name}"], check=True)
    url = f"{pg_base.rstrip('/')}/{name}_baseline"
    for index in PERFORMANCE_INDEXES:
        subprocess.run(["psql", url, "-qc", f"DROP INDEX IF EXISTS {index}"], check=True)
    return url


# --- report ---------------------------------------------------------------------------------

def print_table(engine: str, size: int, bare: dict, results: dict) -> list[str]:
    lines = [f"\n## {engine}, {size} proposals, {size * 10} votes ({CONNECTIONS} connections, 2 workers)\n",
             "| page | req/s | median ms | p95 ms | ratio to bare | target | met |",
             "|---|---:|---:|---:|---:|---|---|",
             f"| bare endpoint | {bare['rps']:.0f} | {bare['p50']:.1f} | {bare['p95']:.1f} | 1.00 | | |"]
    for page, r in results.items():
        if page.startswith("_"):
            continue
        ratio = r["rps"] / bare["rps"] if bare["rps"] else 0
        target = TARGETS.get(page)
        met = (target is None or ratio >= target) and r["p95"] < P95_LIMIT_MS and not r["errors"] \
            and not r.get("bad") and r.get("check_ok", True)
        target_text = (f"≥ {target}, " if target else "") + f"p95 < {P95_LIMIT_MS}"
        verdict = "yes" if met else "NO"
        lines.append(f"| {page} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {ratio:.3f} | "
                     f"{target_text} | {verdict} |")
        if r.get("note"):
            lines.append(f"|  ↳ {r['note']} | | | | | | |")
        if r.get("errors") or r.get("bad"):
            lines.append(f"|  ↳ {r.get('errors', 0)} socket errors, {r.get('bad', 0)} bad answers | | | | | | |")
    rss = results.get("_rss", [])
    lines.append("")
    lines.append("Peak RSS per app worker (VmHWM): " + ", ".join(f"{mb:.0f} MB" for mb in rss)
                 + (f" (target < {RSS_LIMIT_MB} MB: {'met' if rss and max(rss) < RSS_LIMIT_MB else 'NOT met'})"))
    if "vote toggle" in results:
        lines.append(f"Vote check: {results['vote toggle']['check']}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql")
    parser.add_argument("--size", type=int, default=20000, help="generated proposals (votes: 10 per proposal)")
    parser.add_argument("--small", type=int, default=1000, help="the small data set for the flat-cost check (0: skip)")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgresql://127.0.0.1:5432"),
                        help="PostgreSQL server URL without database (apusida_benchrun_* databases are made there)")
    parser.add_argument("--output", help="also write the Markdown tables to this file")
    parser.add_argument("--baseline", type=Path,
                        help="measure the code in this directory instead (e.g. an export of an older commit), "
                             "on a copy of the large data set without the performance indexes")
    parser.add_argument("--code", type=Path,
                        help="measure the code in this directory (e.g. an export of an older commit) on the same "
                             "data set, indexes and all: a before-and-after of one change on one machine")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        log("wrk is missing: apt-get install -y wrk")
        return 1
    DATA.mkdir(parents=True, exist_ok=True)
    report = [f"# Apusida benchmark, {time.strftime('%Y-%m-%d %H:%M')}",
              f"Machine: {os.cpu_count()} CPUs, {machine_facts()}; wrk {THREADS} threads, {CONNECTIONS} connections, "
              f"{args.seconds} s per page; gunicorn 2 sync workers."]
    for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
        url = dataset(engine, args.size, args.pg)
        # The bare endpoint is measured right before each engine's pages: this
        # machine's speed drifts by a third over minutes, and a ratio is only
        # fair between figures taken close together.
        bare = measure_bare(args.seconds)
        report.append(f"\nBare endpoint before the {engine} pages: {bare['rps']:.0f} req/s, "
                      f"median {bare['p50']:.1f} ms, p95 {bare['p95']:.1f} ms.")
        if args.baseline:
            url = baseline_copy(engine, args.size, args.pg)
            log(f"[{engine}] measuring the baseline code in {args.baseline} ...")
            large = measure_app(engine, url, args.seconds, full=True, code=args.baseline.resolve())
            report += print_table(f"{engine} (baseline: {args.baseline})", args.size, bare, large)
            continue
        code = args.code.resolve() if args.code else ROOT
        log(f"[{engine}] measuring {args.size} proposals of the code in {code} ...")
        large = measure_app(engine, url, args.seconds, full=True, code=code)
        report += print_table(f"{engine} (code: {args.code})" if args.code else engine, args.size, bare, large)
        if args.small:
            small_url = dataset(engine, args.small, args.pg)
            log(f"[{engine}] measuring {args.small} proposals ...")
            small = measure_app(engine, small_url, args.seconds, full=False)
            report.append(f"\nFlat cost ({engine}): speed at {args.small} ÷ speed at {args.size} proposals "
                          f"(target ≤ {FLAT_LIMIT}):")
            for page in ("showcase", "list filter+search", "list filter+search" + REFERENCE_SUFFIX):
                factor = small[page]["rps"] / large[page]["rps"] if large[page]["rps"] else float("inf")
                report.append(f"- {page}: {small[page]['rps']:.0f} vs {large[page]['rps']:.0f} req/s → "
                              f"{factor:.2f}× {'(met)' if factor <= FLAT_LIMIT else '(NOT met)'}")
    text = "\n".join(report)
    print(text)
    if args.output:
        Path(args.output).write_text(text + "\n")
    return 0


def machine_facts() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        memory_gb = int(memory.split()[1]) / 1024 / 1024
    except (OSError, StopIteration):
        memory_gb = 0
    return f"{model or 'unknown CPU'}, {memory_gb:.0f} GB RAM, Python {sys.version.split()[0]}"


if __name__ == "__main__":
    sys.exit(main())
