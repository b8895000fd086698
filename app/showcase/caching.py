"""HTTP caching helpers for public pages: ETags from database state, 304 answers.

ETags are built from what the database says (counters, aggregate timestamps),
never from process memory, so every app server behind the load balancer
computes the same tag for the same state.
"""
import hashlib

from flask import Response, request


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
