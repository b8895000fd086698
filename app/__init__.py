"""Apusida: the application factory."""
import functools
import os

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.core import (
    database,  # SQLite files are opened, never created, by connecting
    database_pool,  # noqa: F401  (tests pooled connections after idling)
    live,  # noqa: F401  (renews the shared pages' data version on every write they show)
)
from app.core.config import DEFAULTS, load_config
from app.core.extensions import babel, csrf, db, limiter, login_manager, migrate
from app.core.i18n import select_locale


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over HTTPS, and
    builds its signing serializer once per key set."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)

    def get_signing_serializer(self, app: Flask):
        # Flask builds the serializer anew on every call, twice a request (opening and
        # saving the session): about 13 µs each, some 2 % of a shared showcase page.
        return self._serializer(app, app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))

    @functools.lru_cache(maxsize=8)
    def _serializer(self, app: Flask, secret_key, fallbacks: tuple):
        """The serializer of these keys (a new key, or new fallbacks, make a new one)."""
        return super().get_signing_serializer(app)


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, connection_record):
    # SQLite ignores foreign keys unless asked, per connection.
    if dbapi_connection.__class__.__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        # WAL lets readers and one writer work at once (several gunicorn workers).
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL cannot corrupt the database; it syncs at checkpoints
        # rather than on every commit, so a power cut (not a crash of the app)
        # may lose the last moments' commits. Production runs on PostgreSQL.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _init_limiter(app: Flask) -> None:
    """Flask-Limiter, checking only the limits its decorators name.

    Flask-Limiter checks every request for app-wide default and application
    limits, even when there are none: about 80 µs a request, some 7 % of a
    shared showcase page (its public request_filter hook still leaves 35-50
    µs). It has no setting to leave that check out, so, this one place works
    around the missing API: Apusida sets no default or application limits
    (RATELIMIT_DEFAULT, RATELIMIT_APPLICATION), its one limited view (the
    login form) is checked by its own @limiter.limit wrapper, and the request
    hook init_app adds is taken out of Flask's public before_request_funcs
    again, found as the one init_app added (no private name of Flask-Limiter).
    tests/test_app_factory.py holds the hook gone and the login limit working.
    """
    before = list(app.before_request_funcs.get(None, []))
    limiter.init_app(app)
    if app.config.get("RATELIMIT_DEFAULT") or app.config.get("RATELIMIT_APPLICATION"):
        return  # app-wide limits are set: they need the per-request check
    hooks = app.before_request_funcs.get(None, [])
    hooks[:] = [hook for hook in hooks if hook in before]


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` (tests) overrides what the environment says."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(DEFAULTS)
    env = dict(os.environ)
    if config and "SECRET_KEY" in config:
        env.setdefault("SECRET_KEY", config["SECRET_KEY"])
    app.config.update(load_config(app.instance_path, env))
    if config:
        app.config.update(config)
    os.makedirs(app.config["UPLOAD_DIR"], exist_ok=True)

    from app.leaderboard.poll import PollShortcut

    app.wsgi_app = PollShortcut(app, app.wsgi_app)
    proxies = app.config.get("TRUST_PROXY") or 0
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Outermost, so everything after it (the poll shortcut too) sees the client's
        # address and scheme. Only X-Forwarded-For and -Proto are taken, each from the
        # `proxies` hops nearest the app: the Host header itself is passed on by the
        # proxy and checked against TRUSTED_HOSTS, and links never use it (app.web.urls),
        # so X-Forwarded-Host and -Port, which a client can send too, are not trusted.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0, x_port=0, x_prefix=0)

    app.session_interface = HttpsAwareSessionInterface()
    db.init_app(app)
    with app.app_context():
        database.warn_if_missing(db.engine.url)
    # An absolute path: /healthz reads the head revision whatever the working directory.
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
                     render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_timezone=app.config["BABEL_DEFAULT_TIMEZONE"])
    _init_limiter(app)

    from app import auth as auth_feature

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    login_manager.user_loader(auth_feature.load_user)
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Silakan masuk untuk membuka halaman ini.")
    login_manager.login_message_category = "info"

    from app import (
        models,  # noqa: F401  (registers every table on the metadata)
        notifications,  # noqa: F401  (connects its receivers to app.core.signals)
    )
    from app.web import inputs

    inputs.register(app)  # the bounded <int:...> converter, before any route is added

    from app.admin import bp as admin_bp
    from app.coaching import bp as coaching_bp
    from app.competitions import bp as competitions_bp
    from app.auth import bp as auth_bp
    from app.events import bp as events_bp
    from app.leaderboard import bp as leaderboard_bp
    from app.main import bp as main_bp
    from app.maturity import bp as maturity_bp
    from app.plans import bp as plans_bp
    from app.proposals import bp as proposals_bp
    from app.results import bp as results_bp
    from app.reviews import bp as reviews_bp
    from app.showcase import bp as showcase_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(showcase_bp)
    app.register_blueprint(leaderboard_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(events_bp, url_prefix="/events")
    app.register_blueprint(proposals_bp, url_prefix="/proposals")
    app.register_blueprint(reviews_bp)  # paths under /proposals/… and /notifications
    app.register_blueprint(maturity_bp)  # paths under /proposals/…/maturity and /admin/maturity
    app.register_blueprint(results_bp)  # paths under /proposals/…/indicators, /proposals/…/reports and /reports
    app.register_blueprint(plans_bp)  # paths under /proposals/…/plan
    app.register_blueprint(competitions_bp)  # paths under /admin/competitions and /proposals/…/competition
    app.register_blueprint(coaching_bp)  # paths under /coaching, /admin/coaches and /admin/readiness

    from app import cli
    from app.web import errors, security, templating

    errors.register(app)
    security.register(app)
    templating.register(app)
    cli.register(app)
    return app
