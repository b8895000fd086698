from flask import (
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp, services, tokens
from app.auth.forms import AccountForm, ChangePasswordForm, ForgotPasswordForm, LoginForm, SetPasswordForm, UnsubscribeForm
from app.core.extensions import db, limiter
from app.notifications import services as notification_services
from app.notifications import unsubscribe as unsubscribe_links
from app.core.labels import label
from app.web.inputs import form_status
from app.web.security import PRIVATE_NO_STORE


def _email_key() -> str:
    return "email:" + services.normalise_email(request.form.get("email", ""))


def _address_key() -> str:
    # The client's address; behind a proxy, ProxyFix has put it here (TRUST_PROXY).
    return f"address:{request.remote_addr}"


def _count_this_attempt() -> None:
    """The view's word that this request counts against its limits (`limited_per_account`)."""
    g.apusida_attempt_counted = True


def limited_per_account(name: str):
    """Limits of one account from any address, and of one address (often a shared NAT)
    for any account: the settings NAME_LIMIT_PER_EMAIL and NAME_LIMIT_PER_ADDRESS. Only
    requests the view counts (`_count_this_attempt`) use them up: not a success, not a
    form sent half-empty, not an attempt a limit already refused (that would stretch a
    lockout past its window)."""
    def counted(response) -> bool:
        return g.get("apusida_attempt_counted", False)

    def decorate(view):
        for per, key_func in (("ADDRESS", _address_key), ("EMAIL", _email_key)):
            setting = f"{name.upper()}_LIMIT_PER_{per}"
            view = limiter.limit(lambda setting=setting: current_app.config[setting], key_func=key_func,
                                 methods=["POST"], deduct_when=counted, scope=f"{name}-{per.lower()}")(view)
        return view
    return decorate


@bp.route("/login", methods=["GET", "POST"])
@limited_per_account("login")
def login():
    """Log in with email and password, then go back where the person was."""
    next_url = services.safe_next_url(request.args.get("next") or request.form.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            login_user(user)
            # A new form token for the new session: one seen before logging in
            # (on a shared computer, say) no longer works.
            session.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
            flash(_("Selamat datang, %(name)s.", name=user.name), "success")
            return redirect(next_url or url_for("main.dashboard"))
        _count_this_attempt()  # a wrong e-mail or password
        db.session.commit()  # keep the audit entry of the failure
        form.password.errors.append(_("Email atau kata sandi salah, atau akun tidak aktif."))
    return render_template("auth/login.html", form=form, next_url=next_url), form_status(form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (POST only, so a link or image cannot log anyone out), ending the
    session on the server too: a copy of the session cookie no longer works."""
    if current_user.is_authenticated:
        services.end_session(current_user)
        db.session.commit()
    logout_user()
    flash(_("Anda sudah keluar."), "info")
    return redirect(url_for("showcase.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; other sessions of this account end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            changed = services.change_password(current_user, form.current_password.data, form.new_password.data)
        except services.WeakPassword as error:
            form.new_password.errors.extend(error.problems)
        else:
            if changed:
                db.session.commit()
                login_user(current_user)  # keep this session, with the new generation
                flash(_("Kata sandi sudah diganti."), "success")
                return redirect(url_for("main.dashboard"))
            form.current_password.errors.append(_("Kata sandi sekarang salah."))
    return render_template("auth/password.html", form=form), form_status(form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """My account: name, e-mail, agency and role, and my choice of e-mail for notifications."""
    form = AccountForm(data={"email_frequency": current_user.email_frequency})
    if form.validate_on_submit():
        if notification_services.set_email_frequency(current_user, form.email_frequency.data, actor=current_user):
            db.session.commit()
        flash(_("Pilihan email disimpan: %(choice)s.", choice=label("email_frequency", current_user.email_frequency)),
              "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form), form_status(form)


# --- password links ---------------------------------------------------------------

@bp.route("/forgot", methods=["GET", "POST"])
# Each request that reached the service counts, known address or not (counting only
# known ones would tell which are); a form sent half-empty does not.
@limited_per_account("reset")
def forgot_password():
    """"Forgot password": mail a one-time link to the address typed. The answer is the
    same whether an account has that address or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        _count_this_attempt()
        services.request_password_reset(form.email.data)
        db.session.commit()
        if services.reset_by_mail_possible():
            flash(_("Bila %(email)s terdaftar di Apusida, tautan untuk membuat kata sandi baru sudah dikirim ke "
                    "alamat itu. Tautan berlaku %(hours)d jam. Periksa juga folder spam.",
                    email=services.normalise_email(form.email.data), hours=tokens.MAX_AGE_HOURS[tokens.RESET]), "info")
        else:
            flash(_("Server ini belum mengirim email. Hubungi admin Laboratorium Inovasi di Bappeda Litbang: "
                    "admin dapat memberi Anda tautan untuk membuat kata sandi baru."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form, mail_enabled=services.reset_by_mail_possible(),
                           reset_hours=tokens.MAX_AGE_HOURS[tokens.RESET]), form_status(form)


# The page names the account and its address holds a secret: no cache keeps it, though
# whoever opens it is not logged in (app.web.security sets this for logged-in people only).
NO_STORE = {"Cache-Control": PRIVATE_NO_STORE}


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """Set a password with a one-time link (an invitation or a "forgot password" link)."""
    found = tokens.user_of_token(token)
    if found is None:
        return render_template("auth/link_invalid.html", mail_enabled=services.reset_by_mail_possible(),
                               invite_hours=tokens.MAX_AGE_HOURS[tokens.INVITE],
                               reset_hours=tokens.MAX_AGE_HOURS[tokens.RESET]), 400, NO_STORE
    user, kind = found
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password_by_link(user, kind, form.new_password.data)
        except services.WeakPassword as error:
            form.new_password.errors.extend(error.problems)
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()  # whoever was logged in on this browser, the next login is this account's
            flash(_("Kata sandi sudah disimpan. Silakan masuk dengan alamat email dan kata sandi baru Anda."),
                  "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=user, kind=kind), form_status(form), NO_STORE


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """Stop notification e-mails with the link every one of them carries, without logging in.
    Opening the link changes nothing; the page's one button does (POST, CSRF)."""
    user = unsubscribe_links.user_of_token(token)
    if user is None:
        return render_template("auth/unsubscribe_invalid.html",
                               days=unsubscribe_links.MAX_AGE_DAYS), 400, NO_STORE
    form = UnsubscribeForm()
    if form.validate_on_submit():
        if notification_services.set_email_frequency(user, "none", actor=user):
            db.session.commit()
        flash(_("Anda tidak akan menerima email pemberitahuan lagi. Pemberitahuan tetap tampil di aplikasi."), "success")
        return redirect(url_for("auth.unsubscribe", token=token))
    return render_template("auth/unsubscribe.html", form=form, user=user), form_status(form), NO_STORE
