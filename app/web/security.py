"""Response headers that every page carries."""
import re
from urllib.parse import quote, urlsplit

from flask import Flask, g
from flask_babel import gettext as _
from werkzeug.exceptions import SecurityError

from app.auth import signed_in

# What a CSP hash-source may name (CSP3 hash-algorithm), as SRI writes them.
_SRI_HASH = re.compile(r"^(sha256|sha384|sha512)-[A-Za-z0-9+/]+={0,2}$")


def script_sources(htmx_url: str, htmx_sri: str = "") -> list[str]:
    """This site, the one htmx file by its exact URL, and its integrity hash(es).

    A CSP host-source whose path does not end in "/" matches that one file
    only (CSP3 "path-part matching"; the query is never compared), so no other
    script of the CDN may run. A path is percent-decoded before comparing, and
    ";" and "," would end the source list, so they are written encoded. A
    relative HTMX_URL is covered by 'self'. With an integrity hash (HTMX_SRI)
    the hash is allowed as well, which CSP3 browsers match against the
    script's integrity attribute.
    """
    sources = ["'self'"]
    parts = urlsplit(htmx_url)
    if parts.netloc and parts.scheme in ("http", "https", ""):
        path = quote(parts.path or "/", safe="/:@!$&()*+=-._~%")
        sources.append(f"{parts.scheme}://{parts.netloc}{path}" if parts.scheme else f"{parts.netloc}{path}")
    for token in (htmx_sri or "").split():
        digest = token.split("?", 1)[0]  # SRI allows options after "?"; CSP does not
        if _SRI_HASH.match(digest):
            sources.append(f"'{digest}'")
    return sources


def content_security_policy(htmx_url: str, htmx_sri: str = "") -> str:
    """Only this site, plus the one htmx file (its exact URL and integrity hash)."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src " + " ".join(script_sources(htmx_url, htmx_sri)),
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


# Every answer to someone who is logged in (pages, fragments, downloads,
# exports) is theirs alone: no cache may keep it, the browser's included...
PRIVATE_NO_STORE = "private, no-store"
# ...except an answer that is polled, which their browser may keep as long as it
# asks again each time (ETag, 304): a view says so with mark_polled().
PRIVATE_POLLED = "private, no-cache"


def mark_polled() -> None:
    """Called by a view whose answer is polled (the live leaderboard): a logged-in
    person's copy may be kept by their own browser and revalidated."""
    g.apusida_polled = True


def private_cache_control(polled: bool) -> str:
    """The Cache-Control of an answer to someone logged in."""
    return PRIVATE_POLLED if polled else PRIVATE_NO_STORE


def _has_nul(pairs) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in pairs)


def default_headers(app: Flask) -> tuple[tuple[str, str], ...]:
    """The headers every answer carries unless its view set its own."""
    return (
        ("Content-Security-Policy", content_security_policy(app.config["HTMX_URL"], app.config["HTMX_SRI"])),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    )


def register(app: Flask) -> None:

    @app.before_request
    def refuse_nul_characters():
        """A NUL character never belongs in what people type or link to, and PostgreSQL cannot
        store or compare it (the query would fail with a 500): refuse such requests as malformed."""
        from flask import abort, request

        if _has_nul(request.args.items(multi=True)):
            abort(400)
        if request.method == "POST" and _has_nul(request.form.items(multi=True)):
            abort(400)

    # Set unless a view chose its own. Checked against the names present rather
    # than with Headers.setdefault, which tests each name by raising a KeyError.
    defaults = default_headers(app)

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        """A Host header outside TRUSTED_HOSTS: refused, in plain text (the site layout
        cannot be drawn, since no URL of this site can be built for that host)."""
        return _("Alamat situs ini tidak dikenal."), 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.after_request
    def add_security_headers(response):
        from flask import request, session

        headers = response.headers
        # Static files are the same for everyone and keep their own caching.
        if request.endpoint != "static" and signed_in(session):
            headers["Cache-Control"] = private_cache_control(g.get("apusida_polled", False))
        present = {name.lower() for name, _value in headers.items()}
        for name, value in defaults:
            if name.lower() not in present:
                headers.add(name, value)
        if request.is_secure and "strict-transport-security" not in present:
            headers.add("Strict-Transport-Security", "max-age=31536000")
        # One URL answers with a page or an HTMX fragment: caches must tell them apart.
        headers.add("Vary", "HX-Request")
        return response
