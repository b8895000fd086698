"""Security headers on every response, session cookie flags, and login `next` redirects."""
from urllib.parse import urlsplit

import pytest

from app.extensions import db
from tests.conftest import login
from tests.factories_security import url_for_rule, world

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
