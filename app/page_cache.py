"""Public pages rendered once per data version and shared by anonymous visitors.

A citizen's showcase page or leaderboard differs from the next citizen's
only by the form token in it (the language switch is a POST form). So the
page is rendered once per (data version, URL, language, page or fragment)
with a placeholder where the token goes, kept in this worker's memory, and
every anonymous visitor gets a copy carrying their own token.

The key holds the database's change counter (app.live.version), read on every
request, so a worker never serves a page older than the database says,
whichever app server made the change. People who are logged in see their own
menu and are rendered afresh every time.

Logged-in pages share what is the same for everyone of one *audience*: the
proposal list's filters and results, and a proposal page's fields, evidence,
maturity box and timeline, depend on the viewer only through their role and
agency (which proposals they may see, whose identity blind review hides), so
those parts are kept per (data version, URL, language, page or fragment,
audience), and the page around them (menu, notifications, discussion,
actions, form tokens) is rendered for the person. Such a fragment must hold no form
token and nothing else of one person's.
"""
import secrets
import threading
from collections import OrderedDict
from typing import Callable

from flask import current_app, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.htmx import is_htmx

# Random per process, so no text a person typed can ever match it.
_TOKEN_PLACEHOLDER = "apusida-form-token-" + secrets.token_hex(16)
MAX_PAGES = 400  # pages and fragments of 5-50 KB: a few MB per worker at most
_lock = threading.Lock()


def shareable() -> bool:
    """Is this request's page the same for everyone? Anonymous, and no flash message waiting."""
    return not current_user.is_authenticated and not session.get("_flashes")


def _pages() -> OrderedDict:
    # Kept per app object: tests build several apps over different databases.
    return current_app.extensions.setdefault("apusida_page_cache", OrderedDict())


def clear() -> None:
    with _lock:
        _pages().clear()


def _request_key(version: str) -> tuple:
    """What every kept page or fragment of this request differs by."""
    locale = get_locale()
    return (version, request.full_path, locale.language if locale else "id", is_htmx())


def cached(key: tuple) -> str | None:
    """A kept page or fragment, or None."""
    pages = _pages()
    with _lock:
        html = pages.get(key)
        if html is not None:
            pages.move_to_end(key)
        return html


def keep(key: tuple, html: str) -> str:
    """Keep `html` under `key`, dropping the least recently used beyond MAX_PAGES."""
    pages = _pages()
    with _lock:
        pages[key] = html
        while len(pages) > MAX_PAGES:
            pages.popitem(last=False)
    return html


def page(version: str, render: Callable[..., str]) -> str:
    """The page for this request: shared when it can be, else rendered for this person.

    `render(**context)` renders the page, passing `context` on to the template.
    """
    if not shareable():
        return render()
    key = _request_key(version)
    html = cached(key)
    if html is None:
        html = keep(key, render(csrf_token=lambda: _TOKEN_PLACEHOLDER))
    if _TOKEN_PLACEHOLDER not in html:
        return html
    return html.replace(_TOKEN_PLACEHOLDER, generate_csrf())


def fragment_key(version: str, audience: tuple) -> tuple:
    """The key of this request's shared fragment; `audience` must hold everything of
    the viewer that the fragment shows or depends on (say, role and agency)."""
    return ("fragment", *_request_key(version), audience)


def fragment(version: str, audience: tuple, render: Callable[[], str]) -> str:
    """The part of this request's page that everyone of `audience` sees alike,
    rendered by `render()` once per data version."""
    key = fragment_key(version, audience)
    html = cached(key)
    return html if html is not None else keep(key, render())
