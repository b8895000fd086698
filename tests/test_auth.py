from sqlalchemy import select

from app.core.extensions import db
from app.models import AuditEntry, User
from tests.conftest import login
from tests.factories import PASSWORD


def test_login_and_logout(client, make):
    user = make.user(role="innovator")
    db.session.commit()
    response = client.post("/auth/login", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200
    response = client.post("/auth/logout")
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 302  # back to the login page


def test_logout_by_get_is_not_allowed(client, login_as):
    login_as("innovator")
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/dashboard").status_code == 200


def test_wrong_password_is_refused_and_audited(client, make):
    user = make.user()
    db.session.commit()
    response = client.post("/auth/login", data={"email": user.email, "password": "wrong-password"})
    assert response.status_code == 422
    assert "Email atau kata sandi salah" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "login_failed"))
    assert entry is not None and entry.summary == user.email and entry.details["reason"] == "wrong_password"


def test_inactive_user_cannot_log_in(client, make):
    user = make.user(active=False)
    db.session.commit()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 422
    assert client.get("/dashboard").status_code == 302


def test_deactivating_a_user_ends_their_open_session(client, make):
    user = make.user()
    db.session.commit()
    login(client, user)
    assert client.get("/dashboard").status_code == 200
    user.active = False
    user.session_generation += 1
    db.session.commit()
    assert client.get("/dashboard").status_code == 302


def test_rate_limit_after_ten_failed_logins(client, make):
    user = make.user()
    db.session.commit()
    for _ in range(10):
        assert client.post("/auth/login", data={"email": user.email, "password": "nope-nope"}).status_code == 422
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0


def test_successful_logins_do_not_count_toward_the_limit(client, make):
    user = make.user()
    db.session.commit()
    for _ in range(12):
        login(client, user)
        client.post("/auth/logout")


def test_next_parameter_redirects_inside_the_site_only(client, make):
    user = make.user()
    db.session.commit()
    response = client.post("/auth/login?next=/admin/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/admin/"
    client.post("/auth/logout")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "http:/evil.example"):
        response = client.post("/auth/login", query_string={"next": evil}, data={"email": user.email, "password": PASSWORD})
        assert response.headers["Location"] == "/dashboard", evil
        client.post("/auth/logout")


def test_change_password_requires_current_and_ends_other_sessions(app, client, make):
    user = make.user()
    db.session.commit()
    other_browser = app.test_client()
    login(client, user)
    login(other_browser, user)
    response = client.post("/auth/password", data={
        "current_password": "not-it-at-all", "new_password": "a-new-password-1", "confirm_password": "a-new-password-1"})
    assert "Kata sandi sekarang salah" in response.get_data(as_text=True)
    response = client.post("/auth/password", data={
        "current_password": PASSWORD, "new_password": "a-new-password-1", "confirm_password": "a-new-password-1"})
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200  # this session goes on
    assert other_browser.get("/dashboard").status_code == 302  # the other one ended
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("a-new-password-1")


def test_session_cookie_is_httponly_and_samesite_lax(client, make):
    user = make.user()
    db.session.commit()
    response = login(client, user)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_over_https(client, make):
    user = make.user()
    db.session.commit()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD}, base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]
