"""Absolute URLs of the site, for what leaves the browser's address bar: the
iCalendar feed, open data, the Atom feed, link previews and e-mails.

They are built from the configured address, never from the request's Host
header: a forged Host would otherwise travel into a page shared by every
visitor (app.web.caching), a feed that other sites keep, or an e-mail. The
address is the first entry of TRUSTED_HOSTS and the scheme is
PREFERRED_URL_SCHEME (https when TRUST_PROXY is set, see app.core.config). Only
when no TRUSTED_HOSTS are configured (development) is the request's own host
used, or, outside a request, no host at all (links stay relative).
"""
from flask import current_app, has_request_context, request, url_for


def site_origin() -> str:
    """scheme://host of the site, without a trailing slash; "" when it cannot be known."""
    hosts = current_app.config.get("TRUSTED_HOSTS")
    if hosts:
        return f"{current_app.config['PREFERRED_URL_SCHEME']}://{hosts[0]}"
    if has_request_context():
        return request.host_url.rstrip("/")
    return ""


def site_root() -> str:
    """The site's base URL (with the path the app is mounted under), without a trailing slash."""
    return site_origin() + (request.script_root if has_request_context() else "")


def absolute_url(endpoint: str, **values) -> str:
    """url_for(endpoint, **values) as an absolute URL on the configured host."""
    return site_origin() + url_for(endpoint, **values)
