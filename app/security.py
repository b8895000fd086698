"""Response headers that every page carries."""
from urllib.parse import urlsplit

from flask import Flask


def content_security_policy(htmx_url: str) -> str:
    """Only this site, plus the origin htmx is loaded from."""
    script_src = "'self'"
    parts = urlsplit(htmx_url)
    if parts.scheme and parts.netloc:
        script_src += f" {parts.scheme}://{parts.netloc}"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {script_src}",
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


def _has_nul(pairs) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in pairs)


def default_headers(app: Flask) -> tuple[tuple[str, str], ...]:
    """The headers every answer carries unless its view set its own."""
    return (
        ("Content-Security-Policy", content_security_policy(app.config["HTMX_URL"])),
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

    @app.after_request
    def add_security_headers(response):
        from flask import request

        headers = response.headers
        present = {name.lower() for name, _value in headers.items()}
        for name, value in defaults:
            if name.lower() not in present:
                headers.add(name, value)
        if request.is_secure and "strict-transport-security" not in present:
            headers.add("Strict-Transport-Security", "max-age=31536000")
        # One URL answers with a page or an HTMX fragment: caches must tell them apart.
        headers.add("Vary", "HX-Request")
        return response
