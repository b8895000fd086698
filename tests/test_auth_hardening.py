"""Login hardening: equal cost for unknown e-mails, failed-login limits per e-mail and per
address, the password policy, and logout that ends the session on the server."""
import re
import time

import limits.storage.memory
import pytest
from sqlalchemy import select

from app.auth import services
from app.core.extensions import db
from app.models import User
from tests.conftest import login
from tests.factories import PASSWORD


def failed_login(client, email: str, address: str | None = None, password: str = "not-the-password"):
    headers = {"X-Forwarded-For": address} if address else {}
    return client.post("/auth/login", data={"email": email, "password": password}, headers=headers)


def field_errors(html: str, field_id: str) -> list[str]:
    """The messages shown beside one field (app/templates/macros/forms.html)."""
    return [re.sub(r"<[^>]+>|Kesalahan:", "", m).strip()
            for m in re.findall(rf'<p class="error-message" id="{field_id}-error">(.*?)</p>', html, re.S)]


# --- the same work for a known and an unknown e-mail --------------------------------------

def test_known_and_unknown_emails_each_check_one_password_hash_of_the_same_cost(client, make, monkeypatch):
    user = make.user(real_hash=True)  # the hasher the app gives every account
    db.session.commit()
    checked = []
    real_check = services.check_password_hash

    def spy(password_hash, password):
        checked.append(password_hash)
        return real_check(password_hash, password)

    monkeypatch.setattr(services, "check_password_hash", spy)
    assert failed_login(client, user.email).status_code == 422
    assert failed_login(client, "nobody-here@example.com").status_code == 422
    assert len(checked) == 2
    known, unknown = checked
    assert known == user.password_hash
    # The same hasher with the same parameters (werkzeug's "method$salt$hash"), and made only once.
    assert unknown.split("$")[0] == known.split("$")[0] and unknown != known
    failed_login(client, "someone-else@example.com")
    assert checked[2] == unknown


# --- failed-login limits ------------------------------------------------------------------

class FakeClock:
    """Stands in for the `time` module of limits' memory storage, which reads time.time()."""

    def __init__(self):
        self.now = time.time()

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    return fake


def test_one_account_cannot_be_guessed_at_from_many_addresses(proxied, make):
    victim, bystander = make.user(), make.user()
    db.session.commit()
    for n in range(10):  # LOGIN_LIMIT_PER_EMAIL: 10 per 15 minutes
        assert failed_login(proxied, victim.email.upper(), f"198.51.100.{n}").status_code == 422
    response = failed_login(proxied, victim.email, "198.51.100.99", password=PASSWORD)
    assert response.status_code == 429 and 0 < int(response.headers["Retry-After"]) <= 15 * 60
    # It was the e-mail's limit: a new address is no trouble for another account.
    assert failed_login(proxied, bystander.email, "198.51.100.100", password=PASSWORD).status_code == 302


def test_forwarded_addresses_count_as_one_without_trust_proxy(client, proxied, make, app, proxied_app, monkeypatch):
    """Without TRUST_PROXY, X-Forwarded-For is the client's own claim: all these come from one address."""
    for application in (app, proxied_app):
        monkeypatch.setitem(application.config, "LOGIN_LIMIT_PER_ADDRESS", "5 per 15 minutes")
    for n in range(5):
        assert failed_login(client, f"sprayed{n}@example.com", f"203.0.113.{n}").status_code == 422
        assert failed_login(proxied, f"sprayed{n}@example.com", f"203.0.113.{n}").status_code == 422
    assert failed_login(client, "sprayed9@example.com", "203.0.113.9").status_code == 429
    assert failed_login(proxied, "sprayed9@example.com", "203.0.113.9").status_code == 422


def test_a_shared_address_is_locked_no_longer_than_the_window(client, make, app, clock, monkeypatch):
    """Others' failures behind the city's NAT lock a colleague out for at most the limit's window,
    and attempts refused during the lockout do not stretch it."""
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "5 per 15 minutes")
    colleague = make.user()
    db.session.commit()
    for n in range(5):
        assert failed_login(client, f"guess{n}@example.com").status_code == 422
    response = failed_login(client, colleague.email, password=PASSWORD)
    assert response.status_code == 429 and 0 < int(response.headers["Retry-After"]) <= 15 * 60
    clock.now += 14 * 60
    for n in range(5):
        assert failed_login(client, f"guess{n}@example.com").status_code == 429
    assert failed_login(client, colleague.email, password=PASSWORD).status_code == 429
    clock.now += 60 + 1  # the window has passed since the first failure
    assert failed_login(client, colleague.email, password=PASSWORD).status_code == 302


def test_forms_sent_half_empty_do_not_count_as_failures(client, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_EMAIL", "3 per 15 minutes")
    user = make.user()
    db.session.commit()
    for _ in range(5):
        assert client.post("/auth/login", data={"email": user.email, "password": ""}).status_code == 422
    login(client, user)


# --- logout ends the session on the server ----------------------------------------------

def test_a_copied_session_cookie_is_refused_after_logout(app, client, make):
    user = make.user()
    db.session.commit()
    login(client, user)
    copied = client.get_cookie("session").value
    assert client.post("/auth/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/dashboard")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login(client, user)  # the person can log in again at once
    assert client.get("/dashboard").status_code == 200


# --- the password policy ------------------------------------------------------------------

@pytest.mark.parametrize("password", [
    "bismillah", "Bismillah2024!", "rahasia123", "RAHASIA-rahasia", "Probolinggo1!", "kotaprobolinggo",
    "P@ssw0rd123", "qwertyuiop", "1234567890", "iloveyou12345", "sayangku2025",
])
def test_common_passwords_are_refused(password):
    assert services.is_common_password(password)


@pytest.mark.parametrize("password", ["kopi-sepeda-hujan-jendela", "correct-horse-battery", "Tujuh ekor bebek biru"])
def test_uncommon_passwords_are_not(password):
    assert not services.is_common_password(password)


def test_the_policy_names_each_problem(app_ctx):
    def problems(password, email="budi.santoso@probolinggokota.go.id", name="Budi Santoso Ali"):
        return services.password_problems(password, email=email, name=name)

    assert problems("kopi-sepeda-hujan-jendela") == []
    assert problems("kopi-hujan") == []
    assert problems("kopi-huja") == ["Kata sandi paling sedikit 10 karakter."]
    assert problems("x" * 201) == ["Kata sandi paling banyak 200 karakter."]
    personal = "Kata sandi tidak boleh memuat nama atau bagian depan alamat email pemilik akun."
    assert problems("SANTOSO-sepeda-hujan") == [personal]
    assert problems("sepeda-budi-hujan") == [personal]
    assert problems("sepeda-hujan-ali-kopi") == []  # a name part of under 4 letters is not forbidden
    assert problems("x-jalan-sore-x", email="jalanpagi@example.com", name="Siti") == []
    assert problems("x-jalan-pagi-x", email="jalanpagi@example.com", name="Siti") == [personal]
    assert problems("r4has1a-2024")[0].startswith("Kata sandi ini termasuk yang paling sering dipakai")


def test_a_new_password_must_differ_from_the_current_one(app_ctx, make):
    user = make.user()
    problems = services.password_problems(PASSWORD, email=user.email, name=user.name, user=user)
    assert problems == ["Kata sandi baru harus berbeda dari kata sandi yang sekarang."]


def test_change_password_shows_the_policy_beside_the_field(client, login_as):
    user = login_as("innovator", name="Rina Wulandari")
    for new, expected in [
        ("rahasia2024", "paling sering dipakai"),
        ("wulandari-kopi-hujan", "tidak boleh memuat nama"),
        (PASSWORD, "harus berbeda dari kata sandi yang sekarang"),
    ]:
        response = client.post("/auth/password", data={
            "current_password": PASSWORD, "new_password": new, "confirm_password": new})
        assert response.status_code == 422
        errors = field_errors(response.get_data(as_text=True), "new_password")
        assert len(errors) == 1 and expected in errors[0], (new, errors)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_the_admins_user_form_applies_the_policy(client, login_as, make):
    login_as("admin")
    agency = make.agency()
    other = make.user(name="Dewi Lestari")
    db.session.commit()
    response = client.post("/admin/users/new", data={
        "email": "joko@example.com", "name": "Joko Widodo", "role": "innovator",
        "agency_id": agency.id, "active": "y", "password": "Bismillah123"})
    assert response.status_code == 422
    assert "paling sering dipakai" in field_errors(response.get_data(as_text=True), "password")[0]
    assert db.session.scalar(select(User).where(User.email == "joko@example.com")) is None
    response = client.post(f"/admin/users/{other.id}/edit", data={
        "email": other.email, "name": other.name, "role": "reviewer", "agency_id": 0, "active": "y",
        "password": "lestari-pagi-hari"})
    assert response.status_code == 422
    assert "tidak boleh memuat nama" in field_errors(response.get_data(as_text=True), "password")[0]
    db.session.expire_all()
    refused = db.session.get(User, other.id)
    assert refused.role == "innovator" and refused.check_password(PASSWORD)


def test_create_user_command_applies_the_policy(app, app_ctx, make):
    make.agency(code="DISHUB")
    db.session.commit()
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["create-user", "tono@example.com", "--name", "Tono", "--role", "reviewer",
                                  "--password", "probolinggo2024"])
    assert refused.exit_code != 0 and "paling sering dipakai" in refused.output
    assert db.session.scalar(select(User).where(User.email == "tono@example.com")) is None


@pytest.mark.parametrize("password", ["8271-93x-1847", "29384-hello-18273", "k3-pagi-mandi-9"])
def test_a_common_word_lost_in_noise_is_not_the_password(password):
    assert not services.is_common_password(password)
