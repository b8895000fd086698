from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from app.admin import bp, services
from app.admin.forms import AgencyForm, AgencyImportConfirmForm, AgencyImportForm, CycleForm, UserForm
from app.auth import services as auth_services
from app.auth import tokens
from app.auth.services import WeakPassword
from app.core import audit
from app.core.audit import action_label, folded_lines, log_lines
from app.core.extensions import db
from app.models import AGENCY_KINDS, ROLES, Agency, AuditEntry, Cycle, User
from app.notifications.services import mail_enabled
from app.web.choices import agency_choices
from app.web.htmx import render_page_or_block
from app.web.paging import paginate
from app.web.inputs import DATE_MAX, DATE_MIN, date_arg, form_status, page_number


# --- users ---------------------------------------------------------------

@bp.route("/")
def index():
    """The admin start page links to each section."""
    return render_template("admin/index.html")


@bp.route("/users")
def users():
    """All accounts, searchable, with filters by role and agency."""
    q = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    stmt = select(User).options(joinedload(User.agency)).order_by(User.name)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(User.name).like(like), func.lower(User.email).like(like)))
    if role in ROLES:
        stmt = stmt.where(User.role == role)
    page = db.paginate(stmt, page=page_number(), per_page=50, error_out=False)
    return render_page_or_block("admin/users.html", "results", page=page, q=q, role=role, roles=ROLES)


def _user_form(user: User | None):
    form = UserForm(obj=user)
    form.agency_id.choices = agency_choices(_("— tanpa perangkat daerah —"),
                                            include_id=user.agency_id if user is not None else None)
    if request.method == "GET" and user is not None:
        form.agency_id.data = user.agency_id or 0
    return form


def _invitation_page(user: User, created: bool):
    """The page with an account's one-time link to copy, for a server that sends no mail
    (or an officer who would rather send it through the agency's own channel)."""
    link = auth_services.password_link(user, tokens.INVITE)
    return render_template("admin/user_link.html", user=user, link=link, created=created,
                           hours=tokens.MAX_AGE_HOURS[tokens.INVITE])


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    """Create an account with a first password, or without one: then the person gets a
    one-time link to set it (by e-mail when mail is set, else the page shows the link)."""
    form = _user_form(None)
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.email.data, form.name.data, form.role.data,
                db.session.get(Agency, form.agency_id.data) if form.agency_id.data else None,
                form.password.data or None, form.active.data,
            )
            sent = not form.password.data and auth_services.send_password_link(user, tokens.INVITE)
        except services.ServiceError as error:
            form.email.errors.append(str(error))
        except WeakPassword as error:
            form.password.errors.extend(error.problems)
        else:
            if not form.password.data and not sent:
                audit.record("password_link_shown", target=user, summary=user.email)
                db.session.commit()
                # Shown once, in the answer to the POST, like a new access token: the link is a
                # secret, not a page to come back to (the edit page makes a new one).
                return _invitation_page(user, created=True)
            db.session.commit()
            if sent:
                flash(_("Akun %(email)s dibuat. Undangan untuk membuat kata sandi sudah dikirim ke alamat itu "
                        "(berlaku %(hours)d jam).", email=user.email, hours=tokens.MAX_AGE_HOURS[tokens.INVITE]),
                      "success")
            else:
                flash(_("Akun %(email)s dibuat.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None, mail_enabled=mail_enabled()), \
        form_status(form)


@bp.route("/users/<int:user_id>/invite", methods=["POST"])
def user_invite(user_id: int):
    """A new one-time link for the account to set its password: e-mailed when mail is set
    and asked for (`send`), else shown to copy. Links sent before keep working until one is used."""
    user = db.get_or_404(User, user_id)
    if not user.active:
        flash(_("Akun %(email)s nonaktif; aktifkan dulu sebelum mengirim tautan.", email=user.email), "error")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    if request.form.get("send") and auth_services.send_password_link(user, tokens.INVITE):
        db.session.commit()
        flash(_("Tautan untuk membuat kata sandi sudah dikirim ke %(email)s (berlaku %(hours)d jam).",
                email=user.email, hours=tokens.MAX_AGE_HOURS[tokens.INVITE]), "success")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    audit.record("password_link_shown", target=user, summary=user.email)
    db.session.commit()
    return _invitation_page(user, created=False)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def user_edit(user_id: int):
    """Change an account: name, role, agency, active, or reset its password."""
    user = db.get_or_404(User, user_id)
    form = _user_form(user)
    if form.validate_on_submit():
        try:
            services.update_user(
                user, email=form.email.data, name=form.name.data, role=form.role.data,
                agency=db.session.get(Agency, form.agency_id.data) if form.agency_id.data else None,
                active=form.active.data, password=form.password.data or None, acting_admin=current_user,
            )
        except services.ServiceError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        except WeakPassword as error:
            form.password.errors.extend(error.problems)
        else:
            db.session.commit()
            flash(_("Akun %(email)s disimpan.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, mail_enabled=mail_enabled()), \
        form_status(form)


# --- agencies ------------------------------------------------------------

@bp.route("/agencies")
def agencies():
    """Every agency with its kind, parent and number of users."""
    kind = request.args.get("kind", "")
    user_counts = (
        select(User.agency_id, func.count(User.id).label("n")).group_by(User.agency_id).subquery()
    )
    stmt = (
        select(Agency, func.coalesce(user_counts.c.n, 0))
        .outerjoin(user_counts, user_counts.c.agency_id == Agency.id)
        .options(joinedload(Agency.parent))
        .order_by(Agency.kind, Agency.name)
    )
    if kind in AGENCY_KINDS:
        stmt = stmt.where(Agency.kind == kind)
    rows = db.session.execute(stmt).all()
    return render_template("admin/agencies.html", rows=rows, kind=kind, kinds=AGENCY_KINDS)


def _agency_form(agency: Agency | None):
    form = AgencyForm(obj=agency)
    kecamatan = db.session.scalars(select(Agency).where(Agency.kind == "kecamatan").order_by(Agency.name))
    form.parent_id.choices = [(0, _("— tidak ada —"))] + [(a.id, a.name) for a in kecamatan]
    if request.method == "GET" and agency is not None:
        form.parent_id.data = agency.parent_id or 0
    return form


@bp.route("/agencies/new", methods=["GET", "POST"])
@bp.route("/agencies/<int:agency_id>/edit", methods=["GET", "POST"])
def agency_form(agency_id: int | None = None):
    """Create or edit an agency."""
    agency = db.get_or_404(Agency, agency_id) if agency_id else None
    form = _agency_form(agency)
    if form.validate_on_submit():
        try:
            saved = services.save_agency(
                agency, code=form.code.data, name=form.name.data, kind=form.kind.data,
                parent=db.session.get(Agency, form.parent_id.data) if form.parent_id.data else None,
                active=form.active.data,
            )
        except services.ServiceError as error:
            db.session.rollback()
            form.code.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Perangkat daerah %(name)s disimpan.", name=saved.name), "success")
            return redirect(url_for("admin.agencies"))
    return render_template("admin/agency_form.html", form=form, agency=agency), form_status(form)


# --- agency import ----------------------------------------------------------

# The preview and the import are two requests. Between them the file's content travels
# in the confirm form, signed (itsdangerous, with the app's SECRET_KEY) together with the
# admin's id and a digest of the previewed changes: the server never trusts a content it
# did not sign itself, a signed preview works for one admin and for an hour only, and
# nothing needs keeping on the server (several app servers, no shared disk). On confirm
# the file is checked again against the database as it is then; when that would change
# other rows than the preview showed, the new preview is shown instead of importing.
IMPORT_SALT = "apusida.admin.agency-import"
IMPORT_MAX_AGE_SECONDS = 3600


def _import_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=IMPORT_SALT)


def _import_page(form: AgencyImportForm, status: int):
    return render_template("admin/agency_import.html", form=form,
                           max_kb=format_decimal(services.AGENCY_IMPORT_MAX_BYTES // 1024),
                           max_rows=format_decimal(services.AGENCY_IMPORT_MAX_ROWS)), status


def _preview_page(plan: services.ImportPlan, text: str, status: int = 200, changed_meanwhile: bool = False):
    token = _import_serializer().dumps({"csv": text, "by": current_user.id, "plan": plan.fingerprint()})
    # formdata=None: on a second preview the form shows the new token, not the one posted.
    form = AgencyImportConfirmForm(formdata=None, preview=token)
    return render_template("admin/agency_import_preview.html", plan=plan, form=form,
                           changed_meanwhile=changed_meanwhile), status


def _uploaded_csv(form: AgencyImportForm) -> bytes | None:
    """The uploaded file's bytes, or None (with the message beside the field) when it is
    empty or larger than the import takes; reads no more than one byte past the limit."""
    data = form.file.data.stream.read(services.AGENCY_IMPORT_MAX_BYTES + 1)
    if len(data) > services.AGENCY_IMPORT_MAX_BYTES:
        form.file.errors.append(_("Berkas lebih dari %(size)s KB, batas impor perangkat daerah. Periksa apakah "
                                  "berkas yang dipilih sudah benar.",
                                  size=format_decimal(services.AGENCY_IMPORT_MAX_BYTES // 1024)))
        return None
    if not data.strip():
        form.file.errors.append(_("Berkas kosong."))
        return None
    return data


@bp.route("/agencies/import", methods=["GET", "POST"])
def agencies_import():
    """Import agencies from a CSV, step 1: upload the file; a good one shows the preview."""
    form = AgencyImportForm()
    if form.validate_on_submit():
        data = _uploaded_csv(form)
        if data is not None:
            try:
                plan = services.plan_agency_import(data)
            except services.ImportError_ as error:
                form.file.errors.extend(error.problems)
            else:
                return _preview_page(plan, services.csv_text(data))
    return _import_page(form, form_status(form))


@bp.route("/agencies/import/confirm", methods=["POST"])
def agencies_import_confirm():
    """Import agencies, step 2: import the previewed file, all or nothing."""
    confirm = AgencyImportConfirmForm()
    form = AgencyImportForm(formdata=None)
    expired = _("Pratinjau ini tidak berlaku lagi (lebih dari satu jam, atau dibuat untuk akun lain). "
                "Unggah berkasnya sekali lagi.")
    if not confirm.validate_on_submit():
        form.file.errors = [expired]
        return _import_page(form, 422)
    try:
        signed = _import_serializer().loads(confirm.preview.data, max_age=IMPORT_MAX_AGE_SECONDS)
    except BadData:
        signed = None
    if not isinstance(signed, dict) or signed.get("by") != current_user.id or not isinstance(signed.get("csv"), str):
        form.file.errors = [expired]
        return _import_page(form, 422)
    text = signed["csv"]
    try:
        plan = services.plan_agency_import(text.encode("utf-8"))
    except services.ImportError_ as error:  # the database changed since the preview
        form.file.errors = list(error.problems)
        return _import_page(form, 422)
    if plan.fingerprint() != signed.get("plan"):
        return _preview_page(plan, text, status=409, changed_meanwhile=True)
    result = services.apply_agency_import(plan)
    db.session.commit()
    flash(_("Impor selesai: %(created)d perangkat daerah baru, %(updated)d diperbarui, %(unchanged)d tetap.",
            created=result.created, updated=result.updated, unchanged=result.unchanged), "success")
    return redirect(url_for("admin.agencies"))


# --- cycles --------------------------------------------------------------

@bp.route("/cycles")
def cycles():
    """Yearly cycles, newest first."""
    rows = db.session.scalars(select(Cycle).order_by(Cycle.year.desc())).all()
    return render_template("admin/cycles.html", cycles=rows)


@bp.route("/cycles/new", methods=["GET", "POST"])
@bp.route("/cycles/<int:cycle_id>/edit", methods=["GET", "POST"])
def cycle_form(cycle_id: int | None = None):
    """Create or edit a cycle: window, target per agency, blind review, closed."""
    cycle = db.get_or_404(Cycle, cycle_id) if cycle_id else None
    form = CycleForm(obj=cycle)
    if form.validate_on_submit():
        fields = {name: getattr(form, name).data for name in (
            "year", "submission_opens", "submission_closes", "target_per_agency", "blind_review", "closed")}
        try:
            saved = services.save_cycle(cycle, **fields)
        except services.ServiceError as error:
            db.session.rollback()
            form.year.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Siklus %(year)s disimpan.", year=saved.year), "success")
            return redirect(url_for("admin.cycles"))
    return render_template("admin/cycle_form.html", form=form, cycle=cycle), form_status(form)


# --- audit log -----------------------------------------------------------

CITY_TZ = ZoneInfo("Asia/Jakarta")  # audit days are the city's days


@bp.route("/audit")
def audit_log():
    """The audit log in sentences, newest first, filtered by action, person and dates;
    a date that cannot be read is named beside its field and left out of the filter."""
    action = request.args.get("action", "").strip()
    actor = request.args.get("actor", "").strip()[:254]
    day_from, day_to = date_arg("from"), date_arg("to")
    date_errors = {}
    for name, day in (("from", day_from), ("to", day_to)):
        if request.args.get(name, "").strip() and day is None:
            date_errors[name] = _("Isi tanggal yang benar (hari, bulan, tahun) antara tahun %(first)s dan %(last)s.",
                                  first=DATE_MIN.year, last=DATE_MAX.year)
    if day_from and day_to and day_to < day_from:
        date_errors["to"] = _("Tanggal akhir tidak boleh sebelum tanggal awal.")
        day_to = None
    stmt = select(AuditEntry.id, AuditEntry.actor_id, AuditEntry.action, AuditEntry.created_at)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if actor:
        like = f"%{actor.lower()}%"
        stmt = stmt.join(User, User.id == AuditEntry.actor_id).where(
            or_(func.lower(User.email).like(like), func.lower(User.name).like(like)))
    if day_from:
        stmt = stmt.where(AuditEntry.created_at >= datetime.combine(day_from, time.min, CITY_TZ))
    if day_to:
        stmt = stmt.where(AuditEntry.created_at <= datetime.combine(day_to, time.max, CITY_TZ))
    codes = db.session.scalars(select(AuditEntry.action).distinct()).all()
    actions = sorted(((code, action_label(code)) for code in codes), key=lambda pair: pair[1].lower())
    page = paginate(folded_lines(stmt), per_page=50, as_rows=True)
    return render_page_or_block(
        "admin/audit.html", "results", page=page, lines=log_lines(page.items), actions=actions,
        action=action, actor=actor, date_errors=date_errors,
        day_from=request.args.get("from", "")[:10], day_to=request.args.get("to", "")[:10],
    )
