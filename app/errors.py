"""Error pages in the site layout."""
import time

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from app.extensions import db, limiter

MESSAGES = {
    400: (_l("Permintaan tidak valid"), _l("Permintaan tidak dapat diproses. Muat ulang halaman lalu coba lagi.")),
    403: (_l("Akses ditolak"), _l("Anda tidak memiliki izin untuk membuka halaman atau melakukan tindakan ini.")),
    404: (_l("Halaman tidak ditemukan"), _l("Alamat yang Anda buka tidak ada, atau tidak dapat dilihat publik.")),
    405: (_l("Metode tidak diizinkan"), _l("Tindakan ini tidak dapat dilakukan dengan cara tersebut.")),
    413: (_l("Berkas terlalu besar"), _l("Berkas yang Anda kirim melebihi batas ukuran unggahan.")),
    429: (_l("Terlalu banyak percobaan"), _l("Anda sudah terlalu sering mencoba. Tunggu sebentar lalu coba lagi.")),
    500: (_l("Terjadi kesalahan"), _l("Terjadi kesalahan di server. Tidak ada data yang berubah. Coba lagi nanti.")),
}


def render_error(code: int, detail: str | None = None, retry_after: str | None = None):
    title, message = MESSAGES[code]
    response = render_template(
        "errors/error.html", code=code, title=title, message=detail or message, retry_after=retry_after
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

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_error(500)
