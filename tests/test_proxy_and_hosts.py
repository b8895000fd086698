"""Behind a TLS load balancer (TRUST_PROXY) and answering only to its own names (TRUSTED_HOSTS);
absolute URLs come from the configured host, never from the request's."""
import json

import pytest
from sqlalchemy import select

from app.core.config import ConfigError, load_config
from app.core.extensions import db
from app.models import AuditEntry
from app.notifications import services as notifications
from tests import factories
from tests.factories import PASSWORD

SITE = "apusida.example"
FORWARDED_HTTPS = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


@pytest.fixture
def trusted_hosts(app, monkeypatch):
    """The main test app serving apusida.example (and any host under .internal.example) over https."""
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", [SITE, ".internal.example"])
    monkeypatch.setitem(app.config, "PREFERRED_URL_SCHEME", "https")


# --- configuration ------------------------------------------------------------------

def test_trust_proxy_and_trusted_hosts_are_read_from_the_environment(tmp_path):
    config = load_config(str(tmp_path), env={"SECRET_KEY": "x", "TRUST_PROXY": "2",
                                             "TRUSTED_HOSTS": " Apusida.example , .internal.example,"})
    assert config["TRUST_PROXY"] == 2
    assert config["TRUSTED_HOSTS"] == ["apusida.example", ".internal.example"]
    assert config["PREFERRED_URL_SCHEME"] == "https"
    plain = load_config(str(tmp_path), env={"SECRET_KEY": "x"})
    assert plain["TRUST_PROXY"] == 0 and plain["TRUSTED_HOSTS"] is None and plain["PREFERRED_URL_SCHEME"] == "http"
    assert load_config(str(tmp_path), env={"SECRET_KEY": "x", "TRUST_PROXY": "0"})["TRUST_PROXY"] == 0


@pytest.mark.parametrize("value", ["yes", "true", "-1", "1.5", "one"])
def test_a_trust_proxy_that_is_not_a_number_refuses_to_start(tmp_path, value):
    with pytest.raises(ConfigError, match="TRUST_PROXY must be the number of proxies"):
        load_config(str(tmp_path), env={"SECRET_KEY": "x", "TRUST_PROXY": value})


def test_the_first_trusted_host_must_be_a_full_name(tmp_path):
    with pytest.raises(ConfigError, match="TRUSTED_HOSTS"):
        load_config(str(tmp_path), env={"SECRET_KEY": "x", "TRUSTED_HOSTS": ".example.go.id"})


# --- TRUST_PROXY ------------------------------------------------------------------------

def test_behind_the_proxy_https_gives_secure_cookies_hsts_and_the_client_address(proxied, make):
    user = make.user()
    db.session.commit()
    response = proxied.post("/auth/login", data={"email": user.email, "password": PASSWORD},
                            headers=FORWARDED_HTTPS)
    assert response.status_code == 302
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    cookies = response.headers.getlist("Set-Cookie")
    # The session cookie is the only one (no remember-me cookie is ever set), and it is Secure.
    assert len(cookies) == 1 and cookies[0].startswith("session=") and "; Secure" in cookies[0]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "login"))
    assert entry.ip_address == "203.0.113.7"


def test_only_the_nearest_forwarded_address_is_believed(proxied, make):
    """A client's own X-Forwarded-For entry comes first; the proxy appends the real address."""
    proxied.post("/auth/login", data={"email": "nobody@example.com", "password": "x-wrong-one"},
                 headers={"X-Forwarded-For": "10.9.9.9, 198.51.100.4"})
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "login_failed"))
    assert entry.ip_address == "198.51.100.4"


def test_without_trust_proxy_the_forwarded_headers_are_ignored(client, make):
    user = make.user()
    db.session.commit()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD}, headers=FORWARDED_HTTPS)
    assert response.status_code == 302
    assert "Strict-Transport-Security" not in response.headers
    assert "Secure" not in response.headers["Set-Cookie"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "login"))
    assert entry.ip_address == "127.0.0.1"


# --- TRUSTED_HOSTS ------------------------------------------------------------------------

def test_an_unknown_host_is_refused(client, trusted_hosts):
    assert client.get("/", base_url=f"https://{SITE}").status_code == 200
    assert client.get("/", base_url="https://portal.internal.example").status_code == 200
    for path in ("/", "/events.ics", "/open-data/innovations.json", "/auth/login", "/leaderboard"):
        response = client.get(path, base_url="https://evil.example")
        assert response.status_code == 400, path
        assert "evil.example" not in response.get_data(as_text=True)
    assert client.post("/auth/login", base_url="https://evil.example",
                       data={"email": "a@example.com", "password": "x"}).status_code == 400


def test_an_unknown_host_is_refused_for_a_leaderboard_poll_too(client, make, trusted_hosts):
    """The poll answered ahead of Flask (app.leaderboard.poll) checks the host as Flask does."""
    make.cycle()
    db.session.commit()
    hx = {"HX-Request": "true"}
    etag = client.get("/leaderboard", headers=hx, base_url=f"https://{SITE}").headers["ETag"]
    poll = {**hx, "If-None-Match": etag}
    assert client.get("/leaderboard", headers=poll, base_url=f"https://{SITE}").status_code == 304
    assert client.get("/leaderboard", headers=poll, base_url="https://evil.example").status_code == 400


def _published_world(make):
    proposal = factories.published()
    event = factories.event(title="Sosialisasi Inovasi")
    db.session.commit()
    return proposal, event


def test_feeds_and_open_data_name_the_configured_host_whatever_host_was_asked(client, make, trusted_hosts):
    proposal, event = _published_world(make)
    other = "https://portal.internal.example"  # trusted, but not the site's own address
    ics = client.get("/events.ics", base_url=other).get_data(as_text=True)
    assert f"https://{SITE}/events/{event.id}" in ics and "internal.example" not in ics
    document = json.loads(client.get("/open-data/innovations.json", base_url=other).get_data(as_text=True))
    assert document["dictionary"] == f"https://{SITE}/open-data"
    atom = client.get("/feed.atom", base_url=other).get_data(as_text=True)
    assert f"https://{SITE}/innovations/{proposal.id}" in atom and "internal.example" not in atom
    page = client.get(f"/innovations/{proposal.id}", base_url=other).get_data(as_text=True)
    assert f'<link rel="canonical" href="https://{SITE}/innovations/{proposal.id}">' in page
    assert "internal.example" not in page


def test_mail_links_name_the_configured_host(client, make, trusted_hosts, app, monkeypatch):
    sent = []
    monkeypatch.setattr(notifications, "deliver", sent.append)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    proposal = factories.submitted()
    admin = make.user(role="admin")
    db.session.commit()
    other = "https://portal.internal.example"
    response = client.post("/auth/login", data={"email": admin.email, "password": PASSWORD}, base_url=other)
    assert response.status_code == 302
    response = client.post(f"/proposals/{proposal.id}/decision", data=factories.decision_form(proposal.id, "approved"),
                           base_url=other)
    assert response.status_code == 302
    assert sent and all(f"https://{SITE}/proposals/{proposal.id}" in mail.body for mail in sent)
    assert not any("internal.example" in mail.body for mail in sent)


def test_without_trusted_hosts_links_follow_the_request_as_in_development(client, make):
    _proposal, event = _published_world(make)
    ics = client.get("/events.ics", base_url="http://localhost:5000").get_data(as_text=True)
    assert f"http://localhost:5000/events/{event.id}" in ics


def test_mail_outside_a_request_links_to_the_configured_host(app, make, trusted_hosts, monkeypatch):
    """`send-reminders` and other commands run without a request: the link is absolute all the same."""
    sent = []
    monkeypatch.setattr(notifications, "deliver", sent.append)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    user = make.user()
    notifications.notify([user], "Pengingat laporan tahunan.", "/proposals/7")
    db.session.commit()
    assert len(sent) == 1 and f"https://{SITE}/proposals/7" in sent[0].body


def test_login_works_through_the_proxy_under_a_trusted_host(proxied_app, proxied, make, monkeypatch):
    monkeypatch.setitem(proxied_app.config, "TRUSTED_HOSTS", [SITE])
    user = make.user()
    db.session.commit()
    response = proxied.post("/auth/login", data={"email": user.email, "password": PASSWORD},
                            headers=FORWARDED_HTTPS, base_url=f"http://{SITE}")
    assert response.status_code == 302 and "; Secure" in response.headers["Set-Cookie"]
