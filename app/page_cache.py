"""Public pages rendered once per data version and shared by anonymous visitors.

A citizen's showcase page or leaderboard differs from the next citizen's
only by the form token in it (the language switch is a POST form). So the
page is rendered once per (data version, host, page and its arguments,
language, page or fragment) with a placeholder where the token goes, kept in
this worker's memory, and every anonymous visitor gets a copy carrying their
own token.

A page's arguments are those its view reads, as the view parsed them (a
filter's code once checked, a number once read), never the raw query string:
a query argument the page does not read, or a value it does not understand,
finds the same copy instead of making a new one, and the copy's own links
(paging, the language switch) are built from the same arguments
(`known_args`), so nothing of an ignored argument shows in it. The store is
bounded by the memory of what it keeps (MAX_BYTES), least recently used
first out.

The key holds the database's change counter (app.live.version), read on every
request, so a worker never serves a page older than the database says,
whichever app server made the change. People who are logged in see their own
menu and are rendered afresh every time.

Logged-in pages share what is the same for everyone of one *audience*: the
proposal list's filters and results, and a proposal page's fields, evidence,
maturity box and timeline, depend on the viewer only through their role and
agency (which proposals they may see, whose identity blind review hides), so
those parts are kept per (data version, host, page and its arguments,
language, page or fragment, audience), and the page around them (menu,
notifications, discussion, actions, form tokens) is rendered for the person.
Such a fragment must hold no form token and nothing else of one person's.
"""
import secrets
import sys
import threading
from collections import OrderedDict
from typing import Callable

from flask import current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.htmx import is_htmx

# Random per process, so no text a person typed can ever match it.
_TOKEN_PLACEHOLDER = "apusida-form-token-" + secrets.token_hex(16)
# What one worker keeps at most, counted as the memory of the kept strings
# (a page or fragment is 5-50 KB). The app's config may lower it
# (PAGE_CACHE_MAX_BYTES; 0 keeps nothing, as the benchmark's reference rows need).
MAX_BYTES = 32 * 1024 * 1024
_lock = threading.Lock()


class _Store:
    """Kept pages by key, least recently used first, with the bytes they take."""

    def __init__(self):
        self.pages: OrderedDict[tuple, str] = OrderedDict()
        self.size = 0


def shareable() -> bool:
    """Is this request's page the same for everyone? Anonymous, and no flash message waiting."""
    return not current_user.is_authenticated and not session.get("_flashes")


def _store() -> _Store:
    # Kept per app object: tests build several apps over different databases.
    return current_app.extensions.setdefault("apusida_page_cache", _Store())


def _max_bytes() -> int:
    return current_app.config.get("PAGE_CACHE_MAX_BYTES", MAX_BYTES)


def _size(html: str) -> int:
    """The memory the string takes: 1, 2 or 4 bytes a character, as Python stores it."""
    return sys.getsizeof(html)


def clear() -> None:
    store = _store()
    with _lock:
        store.pages.clear()
        store.size = 0


def kept_bytes() -> tuple[int, int]:
    """(number of kept pages and fragments, the bytes they take)."""
    store = _store()
    with _lock:
        return len(store.pages), store.size


def _normalised(args: dict) -> tuple:
    """The arguments in one order, without those that say nothing (None or "")."""
    return tuple(sorted((name, value) for name, value in args.items() if value is not None and value != ""))


def known_args() -> dict | None:
    """The arguments of this request's page as its view read them (see `page`, `fragment_key`),
    or None when the page declared none; links to the same page are built from them."""
    return g.get("page_args")


def _request_key(version: str, args: dict) -> tuple:
    """What every kept page or fragment of this request differs by."""
    g.page_args = dict(_normalised(args))
    locale = get_locale()
    return (version, request.host, request.endpoint, _normalised(request.view_args or {}), _normalised(args),
            locale.language if locale else "id", is_htmx())


def cached(key: tuple) -> str | None:
    """A kept page or fragment, or None."""
    store = _store()
    with _lock:
        html = store.pages.get(key)
        if html is not None:
            store.pages.move_to_end(key)
        return html


def keep(key: tuple, html: str) -> str:
    """Keep `html` under `key`, dropping the least recently used beyond the byte bound."""
    store, limit, size = _store(), _max_bytes(), _size(html)
    with _lock:
        previous = store.pages.pop(key, None)
        if previous is not None:
            store.size -= _size(previous)
        if size <= limit:
            store.pages[key] = html
            store.size += size
            while store.size > limit:
                _key, dropped = store.pages.popitem(last=False)
                store.size -= _size(dropped)
    return html


def page(version: str, render: Callable[..., str], args: dict) -> str:
    """The page for this request: shared when it can be, else rendered for this person.

    `args` are the query arguments the view reads, as it parsed them (names as
    in the URL). `render(**context)` renders the page, passing `context` on to
    the template.
    """
    key = _request_key(version, args)
    if not shareable():
        return render()
    html = cached(key)
    if html is None:
        html = keep(key, render(csrf_token=lambda: _TOKEN_PLACEHOLDER))
    if _TOKEN_PLACEHOLDER not in html:
        return html
    return html.replace(_TOKEN_PLACEHOLDER, generate_csrf())


def fragment_key(version: str, audience: tuple, args: dict) -> tuple:
    """The key of this request's shared fragment; `audience` must hold everything of
    the viewer that the fragment shows or depends on (say, role and agency), `args`
    the query arguments the view reads, as parsed."""
    return ("fragment", *_request_key(version, args), audience)


def fragment(version: str, audience: tuple, render: Callable[[], str], args: dict) -> str:
    """The part of this request's page that everyone of `audience` sees alike,
    rendered by `render()` once per data version."""
    key = fragment_key(version, audience, args)
    html = cached(key)
    return html if html is not None else keep(key, render())
