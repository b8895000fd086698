import pytest

from app import create_app
from app.core.config import ConfigError, load_config, normalise_database_url
from app.core.extensions import limiter


def test_factory_uses_test_config(app):
    assert app.testing
    assert app.config["SECRET_KEY"] == "test-secret-key"


def test_production_without_secret_key_refuses_to_start(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path), env={"APUSIDA_ENV": "production"})


def test_development_secret_key_is_generated_once_and_kept(tmp_path):
    first = load_config(str(tmp_path), env={"APUSIDA_ENV": "development"})["SECRET_KEY"]
    second = load_config(str(tmp_path), env={"APUSIDA_ENV": "development"})["SECRET_KEY"]
    assert len(first) >= 32 and first == second
    assert (tmp_path / "secret_key").read_text() == first


def test_database_url_defaults_to_sqlite_in_instance_and_postgres_uses_psycopg(tmp_path):
    config = load_config(str(tmp_path), env={"SECRET_KEY": "x"})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/apusida.db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"


def test_environment_settings_are_read(tmp_path):
    config = load_config(str(tmp_path), env={
        "SECRET_KEY": "x", "UPLOAD_DIR": "/srv/up", "MAX_UPLOAD_MB": "3",
        "HTMX_URL": "/static/vendor/htmx.min.js", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    })
    assert config["UPLOAD_DIR"] == "/srv/up"
    assert config["MAX_UPLOAD_MB"] == 3
    assert config["HTMX_URL"] == "/static/vendor/htmx.min.js"
    assert config["HTMX_SRI"] == ""  # a local copy without a hash gets no integrity attribute
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"


def test_healthz_503_when_database_is_down(tmp_path):
    broken = create_app({
        "TESTING": True, "SECRET_KEY": "x", "UPLOAD_DIR": str(tmp_path / "u"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing-dir/nope.db",
    })
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503


def test_home_page_is_indonesian_with_htmx_from_configured_source(client, app):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="id">' in html
    assert "Etalase inovasi" in html
    assert f'src="{app.config["HTMX_URL"]}"' in html
    assert f'integrity="{app.config["HTMX_SRI"]}"' in html


def test_security_headers_on_every_response(client, app):
    for path in ("/", "/auth/login", "/no-such-page"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "https://cdn.jsdelivr.net" in csp  # the configured htmx origin, nothing else
        assert "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "HX-Request" in response.headers.get("Vary", "")


def test_error_pages_use_the_site_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Halaman tidak ditemukan" in html and 'class="site-header"' in html


def test_language_switch_to_english_and_back(client):
    response = client.post("/language", data={"lang": "en", "next": "/auth/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    html = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="en">' in html
    client.post("/language", data={"lang": "id", "next": "/"})
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)


def test_language_switch_refuses_offsite_next(client):
    response = client.post("/language", data={"lang": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_the_rate_limiter_checks_only_the_views_it_decorates(app):
    """Flask-Limiter's per-request check for app-wide limits is taken out (Apusida has
    none; see app._init_limiter): no request hook of it runs. The login form's own
    limits still hold (tests/test_auth_hardening.py)."""
    hooks = app.before_request_funcs.get(None, [])
    assert hooks and not any(getattr(hook, "__self__", None) is limiter for hook in hooks)
