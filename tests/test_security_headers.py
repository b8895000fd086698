"""Security headers on every response, session cookie flags, and login `next` redirects."""
from urllib.parse import urlsplit

import pytest

from app.core.extensions import db
from tests.conftest import login, make_app
from tests.factories import url_for_rule, world

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def assert_secure_headers(url, response):
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, f"{url}: {name}"
    csp = response.headers.get("Content-Security-Policy", "")
    for directive in ("default-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'self'"):
        assert directive in csp, f"{url}: CSP lacks {directive}"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
    for cookie in response.headers.getlist("Set-Cookie"):
        if "Max-Age=0" in cookie:
            continue  # a deletion (empty value, already expired) carries nothing to protect
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie, f"{url}: {cookie}"


@pytest.mark.parametrize("role", ["anonymous", "innovator_a", "admin"])
def test_every_get_route_sends_the_security_headers(app, client, make, role):
    w = world()
    if role != "anonymous":
        login(client, w["users"][role])
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        url = url_for_rule(rule, w)
        for headers in ({}, {"HX-Request": "true"}):
            assert_secure_headers(url, client.get(url, headers=headers))


def test_error_responses_send_them_too(client, login_as):
    assert_secure_headers("404", client.get("/no-such-page"))
    assert_secure_headers("405", client.get("/auth/logout"))
    login_as("innovator")
    assert_secure_headers("403", client.get("/admin/"))


def test_https_adds_hsts_and_secure_cookies(client, make):
    user = make.user()
    db.session.commit()
    response = client.post("/auth/login", data={"email": user.email, "password": "correct-horse-battery"},
                           base_url="https://apusida.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c and "HttpOnly" in c and "SameSite=Lax" in c for c in cookies)
    language = client.post("/language", data={"lang": "en", "next": "/"}, base_url="https://apusida.example")
    for cookie in language.headers.getlist("Set-Cookie"):
        assert "Secure" in cookie and "SameSite=Lax" in cookie, cookie


@pytest.mark.parametrize("evil", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example", "/\\/evil.example",
    "javascript:alert(1)", "http:/evil.example", "https:evil.example", "/%2F%2Fevil.example", "//evil.example@x",
    " //evil.example", "\t//evil.example", "/\t/evil.example", "https://127.0.0.1.evil.example/", "data:text/html,x",
    "%2F%2Fevil.example", "/dashboard\r\nSet-Cookie: x=1",
])
def test_login_next_never_leaves_the_site(client, make, evil):
    user = make.user()
    db.session.commit()
    response = client.post("/auth/login", query_string={"next": evil},
                           data={"email": user.email, "password": "correct-horse-battery"})
    assert response.status_code == 302
    location = response.headers["Location"]
    # A path on this site: one leading slash, no host, nothing a browser would strip or turn into one.
    assert urlsplit(location).netloc == "" and urlsplit(location).scheme == "", location
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert not any(ord(ch) < 32 for ch in location), location


@pytest.mark.parametrize("where", ["form", "query"])
def test_nul_characters_are_refused_as_malformed(client, login_as, where):
    """PostgreSQL cannot store NUL; found by the form fuzzer as a 500 on comments and logins."""
    if where == "form":
        response = client.post("/auth/login", data={"email": "a\x00@example.com", "password": "x"})
    else:
        response = client.get("/", query_string={"q": "inovasi\x00"})
    assert response.status_code == 400


def script_src(response) -> str:
    directives = [d.strip() for d in response.headers["Content-Security-Policy"].split(";")]
    return next(d for d in directives if d.startswith("script-src "))


def test_the_script_policy_allows_only_the_pinned_htmx_file_and_its_hash(client):
    """Not the whole CDN: a CSP path without a trailing slash matches that one file."""
    from app.core.config import DEFAULT_HTMX_SRI, DEFAULT_HTMX_URL

    assert DEFAULT_HTMX_URL == "https://cdn.jsdelivr.net/npm/htmx.org@2.0.8/dist/htmx.min.js"
    for path in ("/", "/auth/login", "/no-such-page"):
        assert script_src(client.get(path)) == (
            "script-src 'self' https://cdn.jsdelivr.net/npm/htmx.org@2.0.8/dist/htmx.min.js "
            f"'{DEFAULT_HTMX_SRI}'")


@pytest.mark.parametrize("htmx_url, expected", [
    ("https://intranet.probolinggokota.go.id/vendor/htmx.min.js?v=2",
     "script-src 'self' https://intranet.probolinggokota.go.id/vendor/htmx.min.js"),
    ("/static/vendor/htmx.min.js", "script-src 'self'"),  # this site's own: 'self' covers it
])
def test_a_custom_htmx_url_without_integrity_hash(tmp_path_factory, app, htmx_url, expected):
    custom = make_app(tmp_path_factory, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                      HTMX_URL=htmx_url, HTMX_SRI="")
    response = custom.test_client().get("/auth/login")
    assert response.status_code == 200 and 'integrity=' not in response.get_data(as_text=True)
    assert script_src(response) == expected
