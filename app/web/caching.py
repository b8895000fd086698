"""The one store of what Apusida renders or computes once per data version.

Shared public pages, the shared fragments of logged-in pages, the computed
leaderboard and the fixed filter options all live in one least-recently-used
store per app (cachetools.LRUCache behind one lock), bounded by the memory of
what it keeps (PAGE_CACHE_MAX_BYTES; 0 keeps nothing, as the benchmark's
reference rows need).

Every key is built by `key()`: what is kept, the data version, the host, the
language and whether the request is an HTMX one, then whatever else the value
depends on. The data version is the database's change counter
(app.core.live.version), read on every request, so a worker never serves anything
older than the database says, whichever app server made the change.

Public pages. A citizen's showcase page or leaderboard differs from the next
citizen's only by the form token in it (the language switch is a POST form),
so it is rendered once with a placeholder where the token goes and every
anonymous visitor gets a copy carrying their own token (`page`). A page's
arguments are those its view reads, as the view parsed them (a filter's code
once checked, a number once read), never the raw query string: an argument the
page does not read, or a value it does not understand, finds the same copy,
and the copy's own links are built from the same arguments (`known_args`).

Shared fragments. Parts of logged-in pages (the proposal list's filters and
results, a proposal page's fields, evidence, maturity box and timeline) depend
on the viewer only through their role and agency. They are rendered with an
`Audience` (role and agency, nothing else) in place of the person: in the
template `current_user` is the Audience, and the Python helpers of the render
path are handed it as their viewer. Reading anything else of it raises
AudienceLeak, which Jinja does not swallow, so a block that reads more fails
its test instead of leaking one person's page to their colleagues. The page
around the fragment (menu, notifications, discussion, actions, form tokens) is
rendered for the person.

HTTP validators. ETags are built from what the database says (the data
version), never from process memory, so every app server behind the load
balancer computes the same tag for the same state (`make_etag`,
`not_modified`, `finish`).
"""
import hashlib
import re
import secrets
import sys
import threading
from dataclasses import dataclass
from typing import Callable, TypeVar

from cachetools import LRUCache
from flask import Response, current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from app.core.i18n import current_language
from app.models import RoleChecks
from app.web.htmx import is_htmx, render_block

T = TypeVar("T")

# Random per process, so no text a person typed can ever match it.
_TOKEN_PLACEHOLDER = "apusida-form-token-" + secrets.token_hex(16)
# What one worker keeps at most (a page or fragment is 5-50 KB); the app's
# config may set another bound (PAGE_CACHE_MAX_BYTES).
MAX_BYTES = 32 * 1024 * 1024


# --- the store ------------------------------------------------------------------------------

class _Store:
    """Kept values by key as (value, bytes it takes), least recently used first out."""

    def __init__(self, max_bytes: int):
        self.lock = threading.Lock()
        self.entries = LRUCache(maxsize=max_bytes, getsizeof=lambda entry: entry[1])


def _new_store() -> _Store:
    return _Store(current_app.config.get("PAGE_CACHE_MAX_BYTES", MAX_BYTES))


def _store() -> _Store:
    # Kept per app object: tests build several apps over different databases.
    extensions = current_app.extensions
    store = extensions.get("apusida_cache")
    if store is None:
        store = extensions.setdefault("apusida_cache", _new_store())
    return store


def clear() -> None:
    """Forget everything kept, and take the configured bound anew."""
    current_app.extensions["apusida_cache"] = _new_store()


def kept_bytes() -> tuple[int, int]:
    """(number of kept values, the bytes they take)."""
    store = _store()
    with store.lock:
        return len(store.entries), int(store.entries.currsize)


def key(kind: str, version: str, *parts) -> tuple:
    """The key of every kept value: what it is (`kind`), the data version, this
    request's host, language and HTMX-or-not, then `parts` (what else it depends on)."""
    return (kind, version, request.host, current_language(), is_htmx(), *parts)


def cached(entry_key: tuple):
    """A kept value, or None."""
    store = _store()
    with store.lock:
        try:
            return store.entries[entry_key][0]
        except KeyError:
            return None


def keep(entry_key: tuple, value: T, size: int | None = None) -> T:
    """Keep `value` under `entry_key`, dropping the least recently used beyond the bound.

    `size` is the memory the value takes; by default that of the value itself
    (right for a string: 1, 2 or 4 bytes a character, as Python stores it).
    A value larger than the whole bound is not kept."""
    entry = (value, sys.getsizeof(value) if size is None else size)
    store = _store()
    with store.lock:
        store.entries.pop(entry_key, None)
        try:
            store.entries[entry_key] = entry
        except ValueError:  # larger than the bound (cachetools' "value too large")
            pass
    return value


def remember(entry_key: tuple, compute: Callable[[], T], size: Callable[[T], int] | None = None) -> T:
    """The value kept under `entry_key`, else `compute()` kept there (its memory
    measured by `size`, by default as a string's)."""
    value = cached(entry_key)
    if value is None:
        value = compute()
        keep(entry_key, value, size(value) if size else None)
    return value


# --- HTTP validators ------------------------------------------------------------------------

def make_etag(*parts) -> str:
    """A short opaque tag from the given parts (unquoted; Werkzeug quotes it)."""
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode("utf-8")).hexdigest()
    return digest[:32]


def not_modified(etag: str, cache_control: str) -> Response | None:
    """A bodiless 304 when the client already holds this version, else None."""
    if not request.if_none_match.contains(etag):
        return None
    response = Response(status=304)
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache_control
    return response


def finish(response: Response, etag: str | None, cache_control: str) -> Response:
    """Put the validators and the caching policy on a fresh 200 response."""
    if etag:
        response.set_etag(etag)
    response.headers["Cache-Control"] = cache_control
    return response


# --- public pages ---------------------------------------------------------------------------

def shareable() -> bool:
    """Is this request's page the same for everyone? Anonymous, and no flash message waiting."""
    return not current_user.is_authenticated and not session.get("_flashes")


def _normalised(args: dict) -> tuple:
    """The arguments in one order, without those that say nothing (None or "")."""
    return tuple(sorted((name, value) for name, value in args.items() if value is not None and value != ""))


def known_args() -> dict | None:
    """The arguments of this request's page as its view read them (see `page`, `fragment`),
    or None when the page declared none; links to the same page are built from them."""
    return g.get("page_args")


def _request_key(kind: str, version: str, args: dict, *parts) -> tuple:
    """The key of this request's page or fragment: its view and the arguments it read."""
    normalised = _normalised(args)
    g.page_args = dict(normalised)
    return key(kind, version, request.endpoint, _normalised(request.view_args or {}), normalised, *parts)


def page(version: str, render: Callable[..., str], args: dict) -> str:
    """The page for this request: shared when it can be, else rendered for this person.

    `args` are the query arguments the view reads, as it parsed them (names as
    in the URL). `render(**context)` renders the page, passing `context` on to
    the template.
    """
    page_key = _request_key("page", version, args)
    if not shareable():
        return render()
    html = cached(page_key)
    if html is None:
        html = keep(page_key, render(csrf_token=lambda: _TOKEN_PLACEHOLDER))
    if _TOKEN_PLACEHOLDER not in html:
        return html
    return html.replace(_TOKEN_PLACEHOLDER, generate_csrf())


# --- shared fragments of logged-in pages ----------------------------------------------------

class AudienceLeak(RuntimeError):
    """A shared fragment read something of the viewer beyond their role and agency.

    Not an AttributeError: Jinja turns those into Undefined and would render
    the fragment anyway."""


@dataclass(frozen=True, slots=True)
class Audience(RoleChecks):
    """Everyone of one role and agency, in place of the person in a shared fragment.

    It answers what the render path may ask (role, agency_id, is_authenticated,
    and is_admin / is_reviewer from the role); any other attribute raises
    AudienceLeak. It is also the audience part of the fragment's key."""

    role: str
    agency_id: int | None
    is_authenticated = True  # a shared fragment is only for people who are logged in
    is_anonymous = False

    @classmethod
    def of(cls, user) -> "Audience":
        return cls(role=user.role, agency_id=user.agency_id)

    def __getattr__(self, name: str):
        if name.startswith("__"):  # Python's own protocol lookups (copy, pickle, markup)
            raise AttributeError(name)
        raise AudienceLeak(
            f"A shared fragment read current_user.{name}: it may read only role, agency_id, "
            "is_authenticated, is_admin and is_reviewer (app.web.caching.Audience).")


def _refuse_form_token():
    raise AudienceLeak("A shared fragment may hold no form token: put the form in the person's part of the page.")


def render_shared(audience: Audience, template_name: str, block_name: str, **context) -> str:
    """A block rendered for `audience`: the template's current_user is the Audience
    (explicit context wins over Flask-Login's context processor) and a form token
    in it raises."""
    return render_block(template_name, block_name, current_user=audience, csrf_token=_refuse_form_token,
                        **context)


class Holes:
    """Values a shared fragment leaves open, to be filled in on every request (`fill`): for
    what changes far more often than the rest of it (the vote counts of the proposal list,
    renewed by every vote). `holes.get(id)` in the template marks where the value of `id` goes."""

    def __init__(self, kind: str):
        self.kind = kind

    def get(self, item_id: int, default=None) -> Markup:
        return Markup(f"{_HOLE}:{self.kind}:{int(item_id)}:")


# Random per process, like the form token's placeholder: no text anyone typed can match it.
_HOLE = "apusida-hole-" + secrets.token_hex(8)


def fill(html: str, kind: str, values: Callable[[list[int]], dict[int, str]]) -> str:
    """`html` with its holes of `kind` filled: `values(ids)` gives each id's text (escaped)."""
    pattern = re.compile(re.escape(f"{_HOLE}:{kind}:") + r"(\d+):")
    ids = [int(found) for found in pattern.findall(html)]
    if not ids:
        return html
    texts = values(ids)
    return pattern.sub(lambda match: str(escape(texts[int(match.group(1))])), html)


def fragment(version: str, args: dict, render: Callable[[Audience], str], part: str = "") -> str:
    """The part of this request's page that everyone of the viewer's audience sees
    alike, rendered by `render(audience)` (with `render_shared`) once per data version.

    `args` are the query arguments the view reads, as parsed; `part` names the fragment
    when a view keeps more than one (two versions may read alike)."""
    audience = Audience.of(current_user)
    fragment_key = _request_key("fragment", version, args, audience, part)
    html = cached(fragment_key)
    return html if html is not None else keep(fragment_key, render(audience))
