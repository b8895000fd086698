"""Configuration read from environment variables (DESIGN §6).

Only what DESIGN names is read from the environment, plus APUSIDA_ENV, which
tells development (make run) from production, and TRUST_PROXY and TRUSTED_HOSTS,
which say how the app is reached behind a load balancer.
"""
import os
import secrets
from pathlib import Path

# htmx is never installed with pip nor committed: production loads this pinned
# CDN copy, checked by its Subresource Integrity hash (sha384 of the npm file).
HTMX_VERSION = "2.0.8"
DEFAULT_HTMX_URL = f"https://cdn.jsdelivr.net/npm/htmx.org@{HTMX_VERSION}/dist/htmx.min.js"
DEFAULT_HTMX_SRI = "sha384-/TgkGk7p307TH7EXJDuUlgG3Ce1UVolAOFopFekQkkXihi5u/6OCvVKyz1W+idaz"


class ConfigError(RuntimeError):
    """Raised when the app cannot start with the configuration it was given."""


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever scheme the operator wrote."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _development_secret(instance_path: str) -> str:
    """Generate a secret key once for development and keep it in instance/."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def trusted_proxy_count(value: str | None) -> int:
    """TRUST_PROXY: how many proxies stand in front of the app (absent or 0: none)."""
    text = (value or "").strip()
    if not text:
        return 0
    if not (text.isascii() and text.isdigit()):
        raise ConfigError(
            f"TRUST_PROXY must be the number of proxies in front of the app "
            f"(0 or absent: none; 1: one load balancer), not {value!r}."
        )
    return int(text)


def trusted_hosts(value: str | None) -> list[str] | None:
    """TRUSTED_HOSTS: the host names the site answers to, comma-separated; the
    first is the site's own address, used in every absolute URL (app.web.urls)."""
    hosts = [host.strip().lower() for host in (value or "").split(",") if host.strip()]
    if not hosts:
        return None  # every Host is accepted (development)
    if hosts[0].startswith("."):
        raise ConfigError(
            f"The first entry of TRUSTED_HOSTS is the site's own address and must be a full "
            f"host name (for example apusida.probolinggokota.go.id), not the pattern {hosts[0]!r}."
        )
    return hosts


def load_config(instance_path: str, env=os.environ) -> dict:
    """Build the config dict for create_app from the environment."""
    development = env.get("APUSIDA_ENV", "production") == "development"
    secret_key = env.get("SECRET_KEY")
    if not secret_key:
        if not development:
            raise ConfigError(
                "SECRET_KEY is not set. Set it to a long random value "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))'), "
                "or set APUSIDA_ENV=development for a local trial."
            )
        secret_key = _development_secret(instance_path)

    database_url = env.get("DATABASE_URL") or (
        "sqlite:///" + os.path.join(instance_path, "apusida.db")
    )
    max_upload_mb = int(env.get("MAX_UPLOAD_MB", "10"))
    proxies = trusted_proxy_count(env.get("TRUST_PROXY"))
    return {
        "ENV_NAME": "development" if development else "production",
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "UPLOAD_DIR": env.get("UPLOAD_DIR") or os.path.join(instance_path, "uploads"),
        "MAX_UPLOAD_MB": max_upload_mb,
        # A little headroom for the multipart envelope; the per-file limit is
        # checked separately so the person gets a clear message.
        "MAX_CONTENT_LENGTH": (max_upload_mb + 1) * 1024 * 1024,
        "HTMX_URL": env.get("HTMX_URL") or DEFAULT_HTMX_URL,
        # With a custom HTMX_URL and no HTMX_SRI, no integrity attribute is sent.
        "HTMX_SRI": env.get("HTMX_SRI", DEFAULT_HTMX_SRI if not env.get("HTMX_URL") else ""),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_SENDER": env.get("MAIL_SENDER", "apusida@localhost"),
        "TRUST_PROXY": proxies,
        # Flask refuses any other Host header with 400 (Flask >= 3.1 reads this key).
        "TRUSTED_HOSTS": trusted_hosts(env.get("TRUSTED_HOSTS")),
        # Behind a TLS load balancer the site's links are https (app.web.urls).
        "PREFERRED_URL_SCHEME": "https" if proxies else "http",
    }


DEFAULTS = {
    # No pool_pre_ping: it costs a round trip on every request. A connection
    # that sat idle is tested instead (app.core.database_pool).
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    # How long a worker answers leaderboard polls from the data version it last read
    # (app.leaderboard.poll): a board shows a change at most this much later.
    "POLL_VERSION_SECONDS": 0.5,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,  # also Secure whenever the request came over HTTPS
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "BABEL_DEFAULT_LOCALE": "id",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
    "LANGUAGES": ("id", "en"),
    # Failed logins only (app.auth.routes). Per e-mail, from any address: one
    # account cannot be guessed at from many machines. Per address, for any
    # e-mail: one password cannot be sprayed across accounts; higher, since the
    # city's intranet reaches the app through one shared NAT address.
    "LOGIN_LIMIT_PER_EMAIL": "10 per 15 minutes",
    "LOGIN_LIMIT_PER_ADDRESS": "100 per 15 minutes",
    # "Forgot password" requests (app.auth.routes), counted like failed logins: per
    # e-mail (no one's inbox is flooded with links) and per address.
    "RESET_LIMIT_PER_EMAIL": "5 per hour",
    "RESET_LIMIT_PER_ADDRESS": "100 per 15 minutes",
    "RATELIMIT_HEADERS_ENABLED": True,
    "PROPOSALS_PER_PAGE": 20,
}
