"""One-time links to set a password (issue 16, point 7): the admin's invitation (72 h)
and "forgot password" (1 h). Signed with SECRET_KEY, expiring, single use; the forgot
page answers alike for known and unknown addresses; rate-limited; CSRF on every POST."""
import re
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from app.auth import tokens
from app.auth.services import authenticate
from app.core.extensions import db
from app.models import AuditEntry, User
from app.notifications import services as notification_services
from tests.conftest import login
from tests.factories import PASSWORD

NEW_PASSWORD = "kopi-pagi-sepeda-merah"
LINK = re.compile(r"https?://[^/\s]+(/auth/set-password/[A-Za-z0-9_.-]+)")


@pytest.fixture
def outbox(app, monkeypatch):
    """Mail is on and the site's address known; the messages that would go out, caught
    where they are delivered."""
    sent = []
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["localhost"])
    monkeypatch.setattr(notification_services, "deliver", lambda mail: sent.append(mail) or True)
    return sent


def link_in(text: str) -> str:
    match = LINK.search(text)
    assert match, text
    return match.group(1)


def token_made_ago(user, kind: str, seconds: int, monkeypatch) -> str:
    """A token as if made `seconds` ago (itsdangerous stamps the time it signs)."""
    now = time.time()
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(now - seconds))
    token = tokens.make_token(user, kind)
    monkeypatch.undo()
    return token


def set_password(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    return client.post(path, data={"new_password": password, "confirm_password": confirm or password})


# --- the invitation ----------------------------------------------------------------

def test_an_invited_account_gets_a_mail_and_sets_its_password_once(app, client, login_as, make, outbox):
    login_as("admin")
    agency = make.agency(code="DISKOMINFO")
    db.session.commit()
    response = client.post("/admin/users/new", data={
        "email": "siti@probolinggo.example", "name": "Siti Aminah", "role": "innovator", "agency_id": agency.id,
        "active": "y", "password": ""})
    assert response.status_code == 302
    assert "Undangan untuk membuat kata sandi sudah dikirim" in client.get("/admin/users").get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "siti@probolinggo.example"))
    assert authenticate(user.email, "") is None and authenticate(user.email, PASSWORD) is None
    [mail] = outbox
    assert mail.recipients == [user.email] and "72 jam" in mail.body and "Siti Aminah" in mail.body
    path = link_in(mail.body)

    visitor = app.test_client()
    page = visitor.get(path)
    assert page.status_code == 200 and "Selamat datang di Apusida" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store"  # names the account; its URL is a secret
    done = set_password(visitor, path)
    assert done.status_code == 302 and done.headers["Location"].endswith("/auth/login")
    login(visitor, user.email, NEW_PASSWORD)
    # Used once: the same link no longer works, for a GET or a POST.
    again = app.test_client()
    assert again.get(path).status_code == 400
    assert set_password(again, path, "lain-lagi-kata-sandi-baru").status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(NEW_PASSWORD)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "password_set_by_link")) is not None


def test_without_mail_the_new_account_page_shows_the_link_to_copy(app, client, login_as, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    login_as("admin")
    form = client.get("/admin/users/new").get_data(as_text=True)
    assert "Server ini belum mengirim email" in form
    response = client.post("/admin/users/new", data={
        "email": "penilai@unej.example", "name": "Dr. Rahmat", "role": "reviewer", "agency_id": 0, "active": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and outbox == []
    assert "Akun penilai@unej.example dibuat tanpa kata sandi." in html and "Berlaku 72 jam" in html
    path = link_in(html)
    visitor = app.test_client()
    assert set_password(visitor, path).status_code == 302
    login(visitor, "penilai@unej.example", NEW_PASSWORD)


def test_the_admin_can_still_type_a_first_password(client, login_as, outbox):
    login_as("admin")
    response = client.post("/admin/users/new", data={
        "email": "budi@probolinggo.example", "name": "Budi", "role": "reviewer", "agency_id": 0, "active": "y",
        "password": "a-long-password"})
    assert response.status_code == 302 and outbox == []
    assert authenticate("budi@probolinggo.example", "a-long-password") is not None


def test_the_user_page_sends_or_shows_a_new_link(app, client, login_as, make, outbox):
    login_as("admin")
    person = make.user(role="reviewer", email="lupa@example.com")
    db.session.commit()
    edit = client.get(f"/admin/users/{person.id}/edit").get_data(as_text=True)
    assert f'action="/admin/users/{person.id}/invite"' in edit and "Kirim tautan ke lupa@example.com" in edit
    sent = client.post(f"/admin/users/{person.id}/invite", data={"send": "1"})
    assert sent.status_code == 302 and len(outbox) == 1 and outbox[0].recipients == ["lupa@example.com"]
    shown = client.post(f"/admin/users/{person.id}/invite", data={})
    assert shown.status_code == 200 and len(outbox) == 1
    path = link_in(shown.get_data(as_text=True))
    assert set_password(app.test_client(), path).status_code == 302
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.target_id == person.id)))
    assert {"password_link_sent", "password_link_shown", "password_set_by_link"} <= actions


def test_no_link_for_an_inactive_account(client, login_as, make, outbox):
    login_as("admin")
    person = make.user(role="reviewer", active=False)
    db.session.commit()
    assert client.post(f"/admin/users/{person.id}/invite", data={"send": "1"}).status_code == 302
    assert outbox == []


def test_an_invitation_lasts_72_hours_and_a_reset_link_one(app, client, make, monkeypatch):
    person = make.user(role="reviewer")
    db.session.commit()
    two_hours = 2 * 3600
    assert client.get(f"/auth/set-password/{token_made_ago(person, tokens.INVITE, two_hours, monkeypatch)}").status_code == 200
    assert client.get(f"/auth/set-password/{token_made_ago(person, tokens.RESET, two_hours, monkeypatch)}").status_code == 400
    assert client.get(f"/auth/set-password/{token_made_ago(person, tokens.RESET, 50 * 60, monkeypatch)}").status_code == 200
    old_invite = token_made_ago(person, tokens.INVITE, 73 * 3600, monkeypatch)
    page = client.get(f"/auth/set-password/{old_invite}")
    assert page.status_code == 400 and "Tautan ini tidak berlaku lagi" in page.get_data(as_text=True)


# --- forged and foreign tokens -------------------------------------------------------

def test_a_token_signed_with_another_key_or_tampered_or_for_another_purpose_is_refused(app, client, make):
    person = make.user(role="reviewer")
    db.session.commit()
    good = tokens.make_token(person, tokens.RESET)
    assert client.get(f"/auth/set-password/{good}").status_code == 200
    forged = URLSafeTimedSerializer("not-the-secret", salt=tokens.SALT).dumps(
        {"u": person.id, "k": tokens.RESET, "f": good and tokens._fingerprint(person)})
    other_purpose = URLSafeTimedSerializer(app.secret_key, salt="apusida.admin.agency-import").dumps(
        {"u": person.id, "k": tokens.RESET, "f": tokens._fingerprint(person)})
    unknown_kind = URLSafeTimedSerializer(app.secret_key, salt=tokens.SALT).dumps(
        {"u": person.id, "k": "forever", "f": tokens._fingerprint(person)})
    tampered = good[:-2] + ("xy" if not good.endswith("xy") else "yz")
    for token in (forged, other_purpose, unknown_kind, tampered, "not-a-token"):
        assert client.get(f"/auth/set-password/{token}").status_code == 400, token
        assert set_password(client, f"/auth/set-password/{token}").status_code == 400, token
    db.session.expire_all()
    assert db.session.get(User, person.id).check_password(PASSWORD)


def test_a_reset_link_dies_when_the_password_changes_another_way(client, make):
    person = make.user(role="reviewer")
    db.session.commit()
    token = tokens.make_token(person, tokens.RESET)
    person.set_password("sesuatu-yang-lain-sekali")
    db.session.commit()
    assert client.get(f"/auth/set-password/{token}").status_code == 400


def test_a_weak_password_is_refused_beside_the_field_and_the_link_still_works(client, make):
    person = make.user(role="reviewer", name="Siti Aminah", email="siti@example.com")
    db.session.commit()
    path = f"/auth/set-password/{tokens.make_token(person, tokens.INVITE)}"
    response = set_password(client, path, "password123")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="new_password-error">.*?mudah ditebak', html, re.S)
    mismatch = set_password(client, path, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert mismatch.status_code == 422 and "Kedua kata sandi baru tidak sama." in mismatch.get_data(as_text=True)
    assert set_password(client, path).status_code == 302


def test_setting_the_password_ends_the_accounts_other_sessions(app, client, make):
    person = make.user(role="reviewer")
    db.session.commit()
    other_device = app.test_client()
    login(other_device, person)
    assert other_device.get("/dashboard").status_code == 200
    assert set_password(client, f"/auth/set-password/{tokens.make_token(person, tokens.RESET)}").status_code == 302
    assert other_device.get("/dashboard").status_code == 302


# --- forgot password -----------------------------------------------------------------

def test_the_login_page_links_to_forgot_password(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert 'href="/auth/forgot"' in html and "Lupa kata sandi?" in html


def test_forgot_password_mails_a_link_that_works_once(app, client, make, outbox):
    person = make.user(role="reviewer", email="rahmat@example.com")
    db.session.commit()
    response = client.post("/auth/forgot", data={"email": "Rahmat@Example.com "})
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/login")
    [mail] = outbox
    assert mail.recipients == ["rahmat@example.com"] and "1 jam" in mail.body
    path = link_in(mail.body)
    assert set_password(client, path).status_code == 302
    assert set_password(client, path, "yang-kedua-kalinya-ini").status_code == 400
    login(client, person.email, NEW_PASSWORD)


def test_an_unknown_or_inactive_address_gets_the_same_answer_and_no_mail(app, make, outbox):
    make.user(role="reviewer", email="ada@example.com")
    make.user(role="reviewer", email="nonaktif@example.com", active=False)
    db.session.commit()
    answers = []
    for email in ("ada@example.com", "tidak-ada@example.com", "nonaktif@example.com"):
        visitor = app.test_client()
        response = visitor.post("/auth/forgot", data={"email": email})
        page = visitor.get(response.headers["Location"]).get_data(as_text=True)
        message = re.search(r'<div class="notice notice--info">(.*?)</div>', page, re.S).group(1)
        answers.append((response.status_code, response.headers["Location"], message.replace(email, "EMAIL")))
    assert answers[0] == answers[1] == answers[2]
    assert [mail.recipients for mail in outbox] == [["ada@example.com"]]


def test_a_reset_link_is_never_built_from_the_requests_host(app, client, make, outbox, monkeypatch):
    """Without TRUSTED_HOSTS the site's links fall back to the request's Host: a forged one
    would put a working token on the attacker's site, so no reset mail goes then."""
    make.user(role="reviewer", email="korban@example.com")
    db.session.commit()
    # With TRUSTED_HOSTS, Flask refuses the forged Host outright.
    assert client.post("/auth/forgot", data={"email": "korban@example.com"},
                       headers={"Host": "evil.example"}).status_code == 400
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", None)
    assert client.post("/auth/forgot", data={"email": "korban@example.com"},
                       headers={"Host": "evil.example"}).status_code == 302
    assert outbox == []
    assert "Server ini belum mengirim email" in client.get("/auth/forgot").get_data(as_text=True)


def test_without_mail_the_forgot_page_says_to_ask_the_admin(app, client, make, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    assert "Server ini belum mengirim email" in client.get("/auth/forgot").get_data(as_text=True)
    make.user(role="reviewer", email="ada@example.com")
    db.session.commit()
    response = client.post("/auth/forgot", data={"email": "ada@example.com"})
    assert response.status_code == 302
    assert "Hubungi admin Laboratorium Inovasi" in client.get("/auth/login").get_data(as_text=True)


def test_forgot_password_is_rate_limited_per_address_typed(app, client, make, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "RESET_LIMIT_PER_EMAIL", "2 per hour")
    make.user(role="reviewer", email="target@example.com")
    db.session.commit()
    for _ in range(2):
        assert client.post("/auth/forgot", data={"email": "target@example.com"}).status_code == 302
    assert client.post("/auth/forgot", data={"email": "target@example.com"}).status_code == 429
    assert len(outbox) == 2
    # A form sent half-empty does not count, and another address is its own count.
    assert client.post("/auth/forgot", data={"email": "other@example.com"}).status_code == 302


def test_forgot_password_is_rate_limited_per_client_address(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RESET_LIMIT_PER_ADDRESS", "3 per hour")
    for n in range(3):
        assert client.post("/auth/forgot", data={"email": f"tebak{n}@example.com"}).status_code == 302
    assert client.post("/auth/forgot", data={"email": "tebak9@example.com"}).status_code == 429


def test_forgot_and_set_password_check_csrf(csrf_client, make):
    person = make.user(role="reviewer")
    db.session.commit()
    assert csrf_client.post("/auth/forgot", data={"email": person.email}).status_code == 400
    path = f"/auth/set-password/{tokens.make_token(person, tokens.RESET)}"
    page = csrf_client.get(path).get_data(as_text=True)
    assert set_password(csrf_client, path).status_code == 400
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = csrf_client.post(path, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD,
                                            "csrf_token": token})
    assert response.status_code == 302
