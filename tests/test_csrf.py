"""This module runs the app with CSRF protection on, as in production."""
import re

import pytest

from app.core.extensions import db
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def csrf_user(make):
    """The person every test here logs in as, through csrf_client (the CSRF-on app, conftest)."""
    user = make.user(email="csrf@example.com")
    db.session.commit()
    return user


def token_from(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_login_without_token_is_refused(csrf_client):
    response = csrf_client.post("/auth/login", data={"email": "csrf@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert "Muat ulang halaman" in response.get_data(as_text=True)


def test_login_with_token_works(csrf_client):
    token = token_from(csrf_client.get("/auth/login").get_data(as_text=True))
    response = csrf_client.post("/auth/login", data={"email": "csrf@example.com", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def header_token_from(html: str) -> str:
    return re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', html).group(1)


def test_htmx_header_token_is_accepted_and_missing_one_refused(csrf_client):
    login_token = token_from(csrf_client.get("/auth/login").get_data(as_text=True))
    csrf_client.post("/auth/login", data={"email": "csrf@example.com", "password": PASSWORD, "csrf_token": login_token})
    header_token = header_token_from(csrf_client.get("/dashboard").get_data(as_text=True))
    assert csrf_client.post("/auth/logout", headers={"HX-Request": "true"}).status_code == 400
    assert csrf_client.post("/auth/logout", headers={"HX-Request": "true", "X-CSRFToken": header_token}).status_code == 302


def test_every_post_route_refuses_a_request_without_token(csrf_app, csrf_client):
    token = token_from(csrf_client.get("/auth/login").get_data(as_text=True))
    csrf_client.post("/auth/login", data={"email": "csrf@example.com", "password": PASSWORD, "csrf_token": token})
    for rule in csrf_app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        url = rule.rule
        for argument in rule.arguments:
            url = re.sub(rf"<(?:[^:>]+:)?{argument}>", "1", url)
        response = csrf_client.post(url, data={"x": "1"})
        assert response.status_code == 400, f"{rule.endpoint} accepted a POST without CSRF token"


def test_the_form_token_changes_at_login(csrf_client):
    """A token seen before logging in (a shared computer, a page left open) is no good after."""
    before = csrf_client.get("/auth/login").get_data(as_text=True)
    old_token, old_header_token = token_from(before), header_token_from(before)
    response = csrf_client.post("/auth/login", data={"email": "csrf@example.com", "password": PASSWORD,
                                                      "csrf_token": old_token})
    assert response.status_code == 302
    new_token = header_token_from(csrf_client.get("/dashboard").get_data(as_text=True))
    assert csrf_client.post("/language", data={"lang": "en", "next": "/dashboard",
                                               "csrf_token": old_token}).status_code == 400
    assert csrf_client.post("/language", headers={"X-CSRFToken": old_header_token},
                            data={"lang": "en", "next": "/dashboard"}).status_code == 400
    assert csrf_client.post("/language", data={"lang": "en", "next": "/dashboard",
                                               "csrf_token": new_token}).status_code == 302
