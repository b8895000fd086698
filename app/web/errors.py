"""Error pages in the site layout."""
import logging
import sqlite3
import time

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc

from app.core.extensions import db, limiter

log = logging.getLogger(__name__)

# A database that is locked, restarting, cut off or missing: the person is asked
# to try again in a moment (503), never shown a generic 500. SQLAlchemy wraps
# driver errors as OperationalError; the data-version read (app.core.live) talks
# to the driver directly, so the drivers' own OperationalErrors are listed too.
DATABASE_UNAVAILABLE: tuple[type[BaseException], ...] = (
    exc.OperationalError, exc.DisconnectionError, exc.TimeoutError, sqlite3.OperationalError)
try:
    import psycopg
except ImportError:  # PostgreSQL is optional
    pass
else:
    DATABASE_UNAVAILABLE += (psycopg.OperationalError,)
RETRY_AFTER_SECONDS = 5

MESSAGES = {
    400: (_l("Permintaan tidak valid"), _l("Permintaan tidak dapat diproses. Muat ulang halaman lalu coba lagi.")),
    403: (_l("Akses ditolak"), _l("Anda tidak memiliki izin untuk membuka halaman atau melakukan tindakan ini.")),
    404: (_l("Halaman tidak ditemukan"), _l("Alamat yang Anda buka tidak ada, atau tidak dapat dilihat publik.")),
    405: (_l("Metode tidak diizinkan"), _l("Tindakan ini tidak dapat dilakukan dengan cara tersebut.")),
    413: (_l("Berkas terlalu besar"), _l("Berkas yang Anda kirim melebihi batas ukuran unggahan.")),
    429: (_l("Terlalu banyak percobaan"), _l("Anda sudah terlalu sering mencoba. Tunggu sebentar lalu coba lagi.")),
    500: (_l("Terjadi kesalahan"), _l("Terjadi kesalahan di server. Tidak ada data yang berubah. Coba lagi nanti.")),
    503: (_l("Layanan sedang sibuk"), _l("Basis data sedang sibuk atau tidak dapat dijangkau untuk sementara. "
                                         "Coba lagi sebentar lagi.")),
}


def render_error(code: int, detail: str | None = None, retry_after: str | None = None, **context):
    title, message = MESSAGES[code]
    response = render_template(
        "errors/error.html", code=code, title=title, message=detail or message, retry_after=retry_after, **context
    )
    return response, code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, str(_l("Sesi formulir sudah kedaluwarsa atau tidak sah. Muat ulang halaman lalu kirim lagi.")))

    for code in (400, 403, 404, 405, 413):
        app.register_error_handler(code, lambda error, code=code: render_error(code))

    @app.errorhandler(429)
    def too_many_requests(error):
        # Flask-Limiter also sets the Retry-After header from the same window.
        current = limiter.current_limit
        retry_after = str(max(1, int(current.reset_at - time.time()))) if current else None
        return render_error(429, retry_after=retry_after)

    def database_unavailable(error):
        # The driver's message only: SQLAlchemy's text also carries the statement's parameters.
        log.error("Database unavailable on %s %s: %s", request.method, request.path, getattr(error, "orig", error))
        try:
            db.session.rollback()
        except Exception:  # the connection may be gone; the session is discarded at teardown anyway
            log.debug("Rollback after a database failure failed too", exc_info=True)
        body, code = render_error(503, retry_after=str(RETRY_AFTER_SECONDS), database_unavailable=True)
        return body, code, {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}

    for error_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_class, database_unavailable)

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_error(500)
