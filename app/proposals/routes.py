"""Proposal pages: the list, writing and editing, the proposal page and its actions.

Each view: load (404) -> authorize (403) -> validate -> one service -> commit ->
redirect (PRG), or the fragment for an HTMX request.
"""
from types import SimpleNamespace

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import joinedload, load_only, selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.core import live, signals
from app.core.affairs import all_affairs
from app.core.cycles import city_today, current_cycle
from app.core.extensions import db, login_manager
from app.core.i18n import count_text, current_language
from app.models import (
    INNOVATION_TYPES,
    LAB_STAGES,
    STATUSES,
    Agency,
    Attachment,
    Comment,
    Cycle,
    Proposal,
    StatusChange,
    vote_counts,
)
from app.proposals import bp, search, services, storage
from app.proposals.forms import (
    AttachmentForm,
    CommentForm,
    ProposalForm,
    SubmitForm,
    WithdrawForm,
)
from app.proposals.permissions import (
    can_comment,
    can_edit,
    can_upload,
    can_view,
    is_member,
    load_proposal,
    visible_to,
)
from app.proposals.status import (
    DESIGN_MIN_WORDS,
    SUMMARY_MAX_WORDS,
    TransitionError,
    allowed_moves,
    cycle_window_refusal,
    may_move,
    submission_problems,
    window_refusal,
)
from app.proposals.team import team_text
from app.proposals.visibility import (
    hides_identity,
    hides_team,
    identity_hidden_condition,
    may_open_attachment,
    shown_agency,
    shown_agency_sql,
    shown_attachments,
    shown_author,
)
from app.web import caching, paging
from app.web.choices import AGENCY_FILTER, agency_choices
from app.web.htmx import announced, is_htmx, render_block
from app.web.inputs import form_status, int_arg, max_length, page_number

SORTS = {
    "newest": (Proposal.updated_at.desc(), Proposal.id.desc()),
    "oldest": (Proposal.created_at.asc(), Proposal.id.asc()),
    "title": (Proposal.title.asc(), Proposal.id.asc()),
}
# The default order: best match first for a search (search.matches gives the score), else
# the last changed first.
RELEVANCE = "relevance"


@bp.before_request
def require_login():
    """Every proposal page is internal: the public sees the showcase instead."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()


# --- blind review in templates (app.proposals.visibility) ------------------------

# The viewer of these is the template's own current_user: the person, or in a
# shared fragment the Audience it is rendered for (app.web.caching).

@bp.app_template_global("hides_identity")
@pass_context
def hides_identity_global(context, proposal: Proposal) -> bool:
    """Blind review: hide agency and author of this proposal from the template's viewer?"""
    return hides_identity(context["current_user"], proposal)


@bp.app_template_global("shown_agency")
@pass_context
def shown_agency_global(context, proposal: Proposal, code: bool = False) -> str:
    """The proposal's agency as the template's viewer may read it (visibility.shown_agency)."""
    return shown_agency(context["current_user"], proposal, code=code)


@bp.app_template_global("shown_author")
@pass_context
def shown_author_global(context, proposal: Proposal) -> str:
    """The proposal's author as the template's viewer may read it (visibility.shown_author)."""
    return shown_author(context["current_user"], proposal)


@bp.app_template_global("hides_team")
@pass_context
def hides_team_global(context, proposal: Proposal) -> bool:
    """Blind review: hide the team (names, roles, decree) of this proposal from the template's viewer?"""
    return hides_team(context["current_user"], proposal)


@bp.app_template_global("shown_attachments")
@pass_context
def shown_attachments_global(context, proposal: Proposal) -> list[Attachment]:
    """The files of the proposal the template's viewer may see (visibility.shown_attachments)."""
    return shown_attachments(context["current_user"], proposal)


@bp.app_template_global("word_limits")
def word_limits_global() -> SimpleNamespace:
    """The word limits the form's live counters show: the same numbers submission checks."""
    return SimpleNamespace(summary_max=SUMMARY_MAX_WORDS, design_min=DESIGN_MIN_WORDS)


# --- list -------------------------------------------------------------------

@bp.route("/")
def index():
    """Proposals this person may see, with filters, full-text search, sorting and paging.

    The filters and results are the same for everyone of one role and agency,
    so they are rendered once per data version for each such audience
    (app.web.caching.fragment); the page around them is this person's."""
    filters = _list_filters()
    number = page_number()
    args = {**filters, "sort": None if filters["sort"] == RELEVANCE else filters["sort"],
            "page": number if number > 1 else None}
    # Kept twice: as rendered, with holes for the vote counts, per a version votes do not
    # renew; and with the counts filled in, per the city's version, which every vote renews.
    # So the reader after a vote costs one count query, not a render.
    def with_counts(_audience: caching.Audience) -> str:  # the same audience as the copy with holes
        rendered = caching.fragment(live.version(live.BUT_VOTES), args,
                                    lambda audience: _render_listing(filters, audience), part="holes")
        return caching.fill(rendered, "votes", _vote_count_texts)

    listing = caching.fragment(live.version(), args, with_counts, part="filled")
    if is_htmx():
        return listing
    return render_template("proposals/index.html", listing=Markup(listing))


def _vote_count_texts(proposal_ids: list[int]) -> dict[int, str]:
    counts = vote_counts(proposal_ids)
    language = current_language()
    return {proposal_id: count_text(counts.get(proposal_id, 0), language) for proposal_id in proposal_ids}


def _list_filters() -> dict:
    """The list's filters as read from the query; a code the list does not know counts as not given."""
    args = request.args

    def known(name: str, codes) -> str:
        value = args.get(name, "")
        return value if value in codes else ""

    agency = args.get("agency", "").strip()
    return {
        "q": args.get("q", "").strip()[:200],
        "cycle": int_arg("cycle"),
        "agency": agency if len(agency) <= max_length(Agency.code) else "",
        "status": known("status", STATUSES),
        "lab_stage": known("lab_stage", LAB_STAGES),
        "affair": known("affair", all_affairs()),
        "innovation_type": known("innovation_type", INNOVATION_TYPES),
        "sort": known("sort", (*SORTS, RELEVANCE)) or RELEVANCE,
    }


def _render_listing(filters: dict, audience: caching.Audience) -> str:
    """The filter form and the results (only the results for an HTMX request), as
    everyone of `audience` sees them."""
    # Plain rows of the columns the table shows: no ORM objects to build, and the
    # narrative texts (most of a row's size) are never read. Blind review is
    # decided in the query too (shown_agency_sql needs Agency and Cycle joined).
    stmt = (
        select(Proposal.id, Proposal.title, Proposal.status, Proposal.lab_stage,
               shown_agency_sql(audience).label("agency_name"), Cycle.year.label("year"))
        .join(Agency, Agency.id == Proposal.agency_id).join(Cycle, Cycle.id == Proposal.cycle_id)
    )
    conditions = [visible_to(audience)]  # on Proposal's own columns
    agency_conditions = []  # on the joined Agency and Cycle
    if filters["cycle"]:
        conditions.append(Proposal.cycle_id == filters["cycle"])
    if filters["agency"]:
        # A blind reviewer's agency filter skips the proposals whose agency is hidden from them.
        agency_conditions = [Agency.code == filters["agency"], ~identity_hidden_condition(audience)]
        stmt = stmt.where(*agency_conditions)
    if filters["status"]:
        conditions.append(Proposal.status == filters["status"])
    if filters["lab_stage"]:
        conditions.append(Proposal.lab_stage == filters["lab_stage"])
    if filters["affair"]:
        conditions.append(Proposal.affair == filters["affair"])
    if filters["innovation_type"]:
        conditions.append(Proposal.innovation_type == filters["innovation_type"])
    # A search tests the other filters along with the match (see search.matches), and
    # reads the summary and narrative of the page's rows for their snippets.
    searched, score = (services.with_search(stmt.add_columns(Proposal.summary, Proposal.design), filters["q"],
                                            narrowing=conditions, ranked=filters["sort"] == RELEVANCE)
                       if filters["q"] else (None, None))
    stmt = searched if searched is not None else stmt.where(*conditions)
    if filters["sort"] == RELEVANCE:
        stmt = stmt.order_by(score.desc(), Proposal.id.desc()) if score is not None else stmt.order_by(
            *SORTS["newest"])
    else:
        stmt = stmt.order_by(*SORTS[filters["sort"]])
    # Without a search, thousands may match (all of them when unfiltered, the
    # page everyone opens first). Counted on their own, the page query can stop
    # after its rows, where count(*) OVER () makes the database fetch every
    # match first: on PostgreSQL, 20,000 proposals, a status and a type, 44 ms
    # against about 3; unfiltered, on either engine, some 50 ms against 2 (the
    # count reads the visibility index alone). SQLite without statistics sorts a
    # filtered list's matches either way, so there the window stays cheaper
    # (7 against 13 ms). A search matches few, and its window total saves a
    # second full-text match.
    unfiltered = len(conditions) == 1 and not agency_conditions
    total = None
    if searched is None and (unfiltered or db.engine.dialect.name == "postgresql"):
        total = select(func.count()).select_from(Proposal).where(*conditions)
        if agency_conditions:
            total = (total.join(Agency, Agency.id == Proposal.agency_id).join(Cycle, Cycle.id == Proposal.cycle_id)
                     .where(*agency_conditions))
    page = paging.paginate(stmt, per_page=current_app.config["PROPOSALS_PER_PAGE"], as_rows=True, total=total)
    votes = caching.Holes("votes")  # filled in by index(), on every request
    snippets = {}
    if searched is not None:
        snippets = {row.id: search.snippet((row.summary, row.design), filters["q"]) for row in page.items}
    context = dict(page=page, votes=votes, filters=filters, snippets=snippets)
    if is_htmx():
        return caching.render_shared(audience, "proposals/index.html", "results", **context)
    # The filter's choices as plain rows: no objects to build for some sixty options.
    cycles = db.session.execute(select(Cycle.id, Cycle.year).order_by(Cycle.year.desc())).all()
    agencies = db.session.execute(
        select(Agency.code, Agency.name).where(Agency.active.is_(True)).order_by(Agency.name)).all()
    return caching.render_shared(audience, "proposals/index.html", "listing", cycles=cycles, agencies=agencies,
                                 **context)


# --- write and edit ---------------------------------------------------------

def _prepare_form(form: ProposalForm, agency_id: int | None, exclude_id: int | None = None,
                  choose_agency: bool = False) -> None:
    """Fill the choices that come from the database."""
    if choose_agency and current_user.is_admin:
        form.agency.choices = agency_choices(value="code")  # grouped by kind, with a search box
        form.agency.render_kw = {**(form.agency.render_kw or {}), **AGENCY_FILTER}
    else:
        del form.agency  # innovators write for their own agency; a proposal never changes agency
    candidates = db.session.scalars(
        services.replicable(current_user, agency_id).options(joinedload(Proposal.agency), joinedload(Proposal.cycle))
        .order_by(Proposal.title)
    ).all()
    form.replicates.choices = [(0, _("— bukan replikasi —"))] + [
        (p.id, f"{p.title} — {shown_agency(current_user, p)} ({p.cycle.year})") for p in candidates
        if p.id != exclude_id
    ]


def _apply_field_error(form: ProposalForm, error: services.ServiceError) -> None:
    """Put a refused change's message beside its field (the replicated innovation unless it names one)."""
    field = getattr(form, getattr(error, "field", "replicates"), None)
    if field is not None:
        field.errors = list(field.errors) + [str(error)]
    else:
        form.form_errors.append(str(error))


def _typed_differently(form: ProposalForm, proposal: Proposal, name: str) -> bool:
    """Does a stale form hold, for this field, something other than what is stored now (both filled)?"""
    typed, stored = form[name].data, getattr(proposal, name)
    if name == "team":
        typed = team_text(form.team.members) if form.team.members is not None else (typed or "").strip()
        stored = team_text(stored)
    empty = (None, "", [])
    return typed not in empty and stored not in empty and typed != stored


def _apply_problems(form: ProposalForm, problems) -> None:
    """Put each submission problem beside its field."""
    for problem in problems:
        field = getattr(form, problem.field, None)
        if field is not None:
            field.errors = list(field.errors) + [problem.message]
        else:
            form.form_errors.append(problem.message)


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Write a new proposal; it is saved as a draft of the writer's agency."""
    cycle = current_cycle()
    if cycle is None:
        flash(_("Belum ada siklus tahunan, jadi usulan belum dapat ditulis. Hubungi admin laboratorium."), "error")
        return redirect(url_for("proposals.index"))
    if current_user.agency_id is None and not current_user.is_admin:
        abort(403)
    form = ProposalForm()
    if request.method == "GET" and current_user.is_admin and current_user.agency:
        form.agency.data = current_user.agency.code
    agency = current_user.agency
    if current_user.is_admin and form.agency.data:
        agency = db.session.scalar(select(Agency).where(Agency.code == form.agency.data)) or agency
    _prepare_form(form, agency.id if agency else None, choose_agency=True)
    if agency is None and current_user.is_admin and request.method == "POST":
        form.agency.errors = [_("Pilih perangkat daerah.")]
    elif form.validate_on_submit():
        try:
            proposal = services.create_proposal(current_user, agency, cycle, form.values(), decree=form.decree())
        except services.ServiceError as error:
            db.session.rollback()  # the draft goes with a refused decree: nothing is saved
            _apply_field_error(form, error)
        else:
            if request.form.get("action") == "submit":
                return _save_then_submit(proposal, form)
            db.session.commit()
            flash(_("Draf usulan disimpan."), "success")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    return render_template("proposals/form.html", form=form, proposal=None, cycle=cycle,
                           window_closed=cycle_window_refusal(cycle, current_user)), form_status(form)


def _save_then_submit(proposal: Proposal, form: ProposalForm):
    """After a save, submit at once; if something is missing, keep the save and say what."""
    try:
        services.submit_proposal(proposal, current_user, form.note.data or "")
    except TransitionError:
        problems = submission_problems(proposal, current_user)
        db.session.commit()
        _apply_problems(form, problems)
        form.version.data = proposal.version
        if not problems:
            form.form_errors.append(_("Usulan tidak dapat diajukan sekarang."))
        flash(_("Perubahan disimpan sebagai draf, tetapi usulan belum dapat diajukan."), "warning")
        return render_template("proposals/form.html", form=form, proposal=proposal, cycle=proposal.cycle,
                               submitting=True), 422
    db.session.commit()
    flash(_("Usulan diajukan. Tim laboratorium akan menilainya."), "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id))


@bp.route("/<int:proposal_id>/edit", methods=["GET", "POST"])
def edit(proposal_id: int):
    """Edit a draft or a proposal sent back for revision; stale saves are refused."""
    proposal = load_proposal(proposal_id)
    if not can_edit(current_user, proposal):
        if is_member(current_user, proposal) or current_user.is_admin:
            flash(_("Usulan berstatus %(status)s tidak dapat diubah lagi.",
                    status=_status_label(proposal.status)), "error")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id))
        abort(403)
    form = ProposalForm(obj=proposal)
    if request.method == "GET":
        form.version.data = proposal.version
        form.replicates.data = proposal.replicates_id or 0
    _prepare_form(form, proposal.agency_id, exclude_id=proposal.id)
    stale = None
    if form.validate_on_submit():
        base_version = int(form.version.data) if (form.version.data or "").isdigit() else -1
        try:
            changed = services.update_proposal(proposal, current_user, form.values(), base_version,
                                               decree=form.decree())
        except services.StaleEdit as error:
            db.session.rollback()
            stale = error
        except StaleDataError:
            # Someone saved between our check and our UPDATE.
            db.session.rollback()
            proposal = db.session.get(Proposal, proposal_id)
            stale = services.StaleEdit(_("Usulan ini baru saja diubah orang lain. Simpanan Anda tidak diterapkan."),
                                       services.changes_since(proposal, base_version), [])
        except services.ServiceError as error:
            db.session.rollback()
            _apply_field_error(form, error)
        else:
            if request.form.get("action") == "submit":
                return _save_then_submit(proposal, form)
            db.session.commit()
            flash(_("Perubahan disimpan.") if changed else _("Tidak ada perubahan."), "success")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    if stale is not None:
        proposal = db.session.get(Proposal, proposal_id)
        stale_fields = stale.fields or [
            name for name in services.EDITABLE_FIELDS
            if name != "replicates_id" and _typed_differently(form, proposal, name)
        ]
        return render_template("proposals/form.html", form=form, proposal=proposal, cycle=proposal.cycle,
                               stale=stale, stale_fields=stale_fields), 409
    similar = services.suggestions(current_user, f"{proposal.title} {proposal.summary}", proposal.agency_id,
                                   exclude_id=proposal.id)
    return render_template("proposals/form.html", form=form, proposal=proposal, cycle=proposal.cycle,
                           suggestions=similar, window_closed=window_refusal(proposal, current_user)), form_status(form)


def _status_label(code: str) -> str:
    from app.core.labels import label

    return label("status", code)


# --- the proposal page --------------------------------------------------------

# What the page shows of another proposal (the one this replicates, the ones replicating it):
# its title and link, and its agency unless blind review hides it. Not its narrative texts.
_NAMED_ONLY = (Proposal.id, Proposal.title, Proposal.agency_id, Proposal.cycle_id, Proposal.status,
               Proposal.in_blind_competition)


def _load_full(proposal_id: int) -> Proposal:
    """The proposal with everything its page shows, in a fixed number of queries."""
    return _checked(db.session.scalar(
        select(Proposal).where(Proposal.id == proposal_id).options(
            joinedload(Proposal.agency), joinedload(Proposal.author), joinedload(Proposal.cycle),
            # Most proposals replicate none: selectin then asks nothing (a join cost 1.4 ms on PostgreSQL).
            selectinload(Proposal.replicates).options(load_only(*_NAMED_ONLY), joinedload(Proposal.agency)),
            selectinload(Proposal.attachments),
            selectinload(Proposal.status_changes).joinedload(StatusChange.actor),
            selectinload(Proposal.comments).joinedload(Comment.author),
            # The one collection joined (a few short rows): a query fewer than selectin.
            joinedload(Proposal.sdg_links), selectinload(Proposal.team_members),
        )
    ))


# What the page around the shared main part reads of the proposal (the heading, the review
# panel, the discussion, the actions): not the narrative texts, which the main part shows.
_ACTION_COLUMNS = (Proposal.id, Proposal.title, Proposal.status, Proposal.lab_stage, Proposal.agency_id,
                   Proposal.cycle_id, Proposal.author_id, Proposal.submitted_at, Proposal.published,
                   Proposal.published_at, Proposal.version, Proposal.replicates_id, Proposal.event_id,
                   Proposal.in_blind_competition, Proposal.created_at, Proposal.updated_at)


def _load_for_actions(proposal_id: int) -> Proposal:
    """The proposal with what its page shows around the shared main part, in one query:
    without its texts, the discussion can be joined (a round trip fewer, 2.4 to 1.4 ms on
    PostgreSQL) however long the discussion and the texts are."""
    return _checked(db.session.scalar(
        select(Proposal).where(Proposal.id == proposal_id).options(
            load_only(*_ACTION_COLUMNS), joinedload(Proposal.agency), joinedload(Proposal.cycle),
            joinedload(Proposal.comments).joinedload(Comment.author),
        )
    ))


def _with_texts(proposal: Proposal) -> Proposal:
    """The proposal with every column loaded (what is left out is read in one query)."""
    missing = inspect(proposal).unloaded & {attribute.key for attribute in inspect(Proposal).column_attrs}
    if missing:
        db.session.refresh(proposal, attribute_names=sorted(missing))
    return proposal


def _checked(proposal: Proposal | None) -> Proposal:
    if proposal is None:
        abort(404)
    if not can_view(current_user, proposal):
        abort(403)
    return proposal


def _replicated_by(proposal: Proposal, viewer) -> list[Proposal]:
    """The proposals copying `proposal` that `viewer` (a person or an Audience) may see."""
    return db.session.scalars(
        select(Proposal).where(Proposal.replicates_id == proposal.id, visible_to(viewer))
        .options(load_only(*_NAMED_ONLY), joinedload(Proposal.agency)).order_by(Proposal.title)
    ).all()


def _detail(proposal: Proposal, code: int = 200, shared_main: str | None = None, **forms):
    moves = allowed_moves(current_user, proposal)
    context = dict(
        proposal=proposal,
        moves=moves,
        may_edit=can_edit(current_user, proposal),
        may_comment=can_comment(current_user, proposal),
        may_upload=can_upload(current_user, proposal),
        problems=submission_problems(_with_texts(proposal)) if "submitted" in moves else [],
        # Outside the cycle's window the page gives its dates instead of a submit button that would fail.
        window_closed=window_refusal(proposal, current_user) if "submitted" in moves else None,
        replicated_by=_replicated_by(proposal, current_user) if shared_main is None else None,
        shared_main=Markup(shared_main) if shared_main is not None else None,
        comment_form=forms.get("comment_form") or CommentForm(formdata=None),
        attachment_form=forms.get("attachment_form") or AttachmentForm(formdata=None),
        submit_form=forms.get("submit_form") or SubmitForm(formdata=None),
        withdraw_form=forms.get("withdraw_form") or WithdrawForm(formdata=None),
        action_error=forms.get("action_error"),
    )
    return render_template("proposals/detail.html", **context), code


@bp.route("/<int:proposal_id>")
def detail(proposal_id: int):
    """Every field, the evidence, the timeline of status changes, comments and actions.

    The fields, evidence, maturity box and timeline are the same for everyone
    of one role and agency (blind review and which replications they may see
    depend on nothing else), so that part is rendered once per data version
    for each such audience; the rest of the page is this person's. Access is
    checked on every request."""
    loaded = None

    def render_main(audience: caching.Audience) -> str:
        nonlocal loaded
        loaded = _load_full(proposal_id)
        return caching.render_shared(audience, "proposals/detail.html", "proposal_main", proposal=loaded,
                                     replicated_by=_replicated_by(loaded, audience))

    # Kept per the proposal's own version (app.core.live); the city's day is part of it too:
    # the action plan marks milestones overdue by date.
    shared_main = caching.fragment(f"{live.proposal_version(proposal_id)}/{city_today().isoformat()}", {},
                                   render_main)
    return _detail(loaded or _load_for_actions(proposal_id), shared_main=shared_main)


@bp.route("/<int:proposal_id>/submit", methods=["POST"])
def submit(proposal_id: int):
    """Submit a draft, or resubmit after a revision request."""
    proposal = load_proposal(proposal_id)
    if not may_move(current_user, proposal, "submitted"):
        abort(403)
    form = SubmitForm()
    if form.validate_on_submit():
        try:
            services.submit_proposal(proposal, current_user, form.note.data or "")
        except TransitionError:
            db.session.rollback()
            # Show each missing piece beside its field on the form.
            edit_form = ProposalForm(obj=db.session.get(Proposal, proposal_id), formdata=None)
            proposal = db.session.get(Proposal, proposal_id)
            edit_form.version.data = proposal.version
            edit_form.replicates.data = proposal.replicates_id or 0
            _prepare_form(edit_form, proposal.agency_id, exclude_id=proposal.id)
            _apply_problems(edit_form, submission_problems(proposal, current_user))
            return render_template("proposals/form.html", form=edit_form, proposal=proposal, cycle=proposal.cycle,
                                   submitting=True), 422
        db.session.commit()
        flash(_("Usulan diajukan. Tim laboratorium akan menilainya."), "success")
        return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    return _detail(_load_full(proposal_id), 422, submit_form=form)


@bp.route("/<int:proposal_id>/withdraw", methods=["POST"])
def withdraw(proposal_id: int):
    """Withdraw a proposal (draft, submitted or sent back for revision)."""
    proposal = load_proposal(proposal_id)
    if not may_move(current_user, proposal, "withdrawn"):
        abort(403)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            services.withdraw_proposal(proposal, current_user, form.note.data or "")
        except TransitionError as error:
            db.session.rollback()
            return _detail(_load_full(proposal_id), 409, action_error=str(error))
        db.session.commit()
        flash(_("Usulan ditarik."), "success")
        return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    return _detail(_load_full(proposal_id), 422, withdraw_form=form)


@bp.route("/<int:proposal_id>/comments", methods=["POST"])
def comments(proposal_id: int):
    """Add a comment: the comments section for HTMX, otherwise back to the page."""
    proposal = load_proposal(proposal_id, check=can_comment)
    form = CommentForm()
    if form.validate_on_submit():
        services.add_comment(proposal, current_user, form.body.data)
        db.session.commit()
        if not is_htmx():
            flash(_("Komentar ditambahkan."), "success")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id, _anchor="comments"))
        form = CommentForm(formdata=None)
        announce = _("Komentar ditambahkan.")
    else:
        announce = _("Komentar belum terkirim: periksa isiannya.")
    proposal = _load_full(proposal_id)
    if is_htmx():
        html = render_block("proposals/detail.html", "comments", proposal=proposal, comment_form=form,
                            may_comment=True, swapped=True)
        return announced(html, announce, form_status(form))
    return _detail(proposal, 422, comment_form=form)


@bp.route("/<int:proposal_id>/attachments", methods=["POST"])
def attachments(proposal_id: int):
    """Upload an evidence file (type checked from its content, size limited)."""
    proposal = load_proposal(proposal_id, check=can_upload)
    form = AttachmentForm()
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not getattr(upload, "filename", None):
            form.file.errors = [_("Pilih berkas yang akan diunggah.")]
        else:
            try:
                attachment = services.add_attachment(proposal, current_user, upload.filename, upload.stream)
                db.session.commit()
            except services.ServiceError as error:
                db.session.rollback()
                form.file.errors = [str(error)]
            else:
                flash(_("Berkas %(name)s diunggah.", name=attachment.original_name), "success")
                return redirect(url_for("proposals.detail", proposal_id=proposal_id, _anchor="attachments"))
    return _detail(_load_full(proposal_id), 422, attachment_form=form)


@bp.route("/<int:proposal_id>/attachments/<int:attachment_id>")
def download(proposal_id: int, attachment_id: int):
    """Send an evidence file, only to those who may see the proposal, as a download."""
    proposal = load_proposal(proposal_id)
    attachment = db.get_or_404(Attachment, attachment_id)
    # The team's decree under blind review is as if it were not there.
    if attachment.proposal_id != proposal_id or not may_open_attachment(current_user, proposal, attachment):
        abort(404)
    path = storage.upload_path(attachment.stored_name)
    try:
        response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                             download_name=attachment.original_name, max_age=0, etag=attachment.sha256)
    except FileNotFoundError:
        abort(404)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- replication suggestions ------------------------------------------------

@bp.route("/suggest")
def suggest():
    """Similar existing innovations of other agencies, while a title or summary is typed."""
    typed = " ".join([request.args.get("title", ""), request.args.get("summary", "")])[:2000]
    proposal_id = int_arg("proposal_id")
    agency_id = current_user.agency_id
    if proposal_id:
        # Only the proposal being written stands for its agency: for one the person
        # merely may read, leaving its agency out would tell a blind reviewer who made it.
        own = db.session.get(Proposal, proposal_id)
        if own is not None and can_edit(current_user, own):
            agency_id = own.agency_id
    found = services.suggestions(current_user, typed, agency_id, exclude_id=proposal_id)
    return render_template("proposals/_suggestions.html", suggestions=found)


# --- dashboard ----------------------------------------------------------------

@signals.dashboard_panels.connect
def my_agency_proposals(user):
    """Dashboard: my agency's proposals this cycle with their status, and a way to write one."""
    if user.agency_id is None:
        return None
    cycle = current_cycle()
    if cycle is None:
        return None
    proposals = db.session.scalars(
        select(Proposal).where(Proposal.agency_id == user.agency_id, Proposal.cycle_id == cycle.id)
        .order_by(Proposal.updated_at.desc())
    ).all()
    return signals.DashboardPanel(10, "proposals/_dashboard_panel.html", {"proposals": proposals, "cycle": cycle})
