"""The data version behind the shared pages, renewed by the data itself.

Every shared page (the public showcase and innovation pages, the leaderboard,
open data and the feed, and the shared parts of the proposal list and the
proposal page) is kept or answered 304 per data version: a counter in the
database, so every app server behind the load balancer sees the same version
at once. One session listener renews it in the transaction of every insert,
update or delete of a row of a model those pages show (SHOWN_MODELS): through
the unit of work (objects added, changed or deleted, at flush) or through a
bulk `insert`/`update`/`delete` run with `session.execute`. No service bumps it
by hand, so a new feature that writes a shown model is covered without a word.
Writes the session does not see (raw SQL text, another program) do not renew it.

Besides the city's counter, the shared part of each proposal's page has versions of its own
(proposal_version): the reference data's (agencies, cycles, people, indicator sets, contests)
and that proposal's, renewed by the rows of that proposal only. So a review renews one page,
and a vote, which that part does not show, none; a bulk statement on a proposal's rows, whose
proposals are not known here, renews the reference version and so every proposal page.
The proposal list is kept per a third counter, renewed by every write the city's counter
counts except votes (BUT_VOTES): its vote counts are filled in on each request.
"""
import threading
import weakref

from sqlalchemy import event, inspect, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.extensions import db
from app.models import (
    Agency,
    Attachment,
    ChangeCounter,
    Claim,
    Competition,
    CompetitionEntry,
    CompetitionTrack,
    Cycle,
    Indicator,
    IndicatorLevel,
    Milestone,
    Proposal,
    ProposalSdg,
    ReportValue,
    ResultIndicator,
    Review,
    StatusChange,
    TeamMember,
    User,
    Vote,
    YearlyReport,
)
from app.models._types import utcnow

LEADERBOARD = "leaderboard"  # the name of the counter of all public data (kept from when only the board used it)
# The shared part of a proposal's page shows that proposal's rows and the reference data around
# them (agencies, cycles, people's names, indicator sets, contests): it is kept per the version of
# the reference data and the version of that one proposal, so that a change of one proposal (a
# review, a report) leaves every other proposal's page alone, and a vote, which that part does
# not show, leaves them all alone.
REFERENCE = "reference"
# Renewed by what renews the city's counter except votes: the proposal list is kept per this
# version, its vote counts filled in on every request (app.web.caching.Holes), so a vote does
# not make every list page render again in the busiest hour.
BUT_VOTES = "all-but-votes"
PROPOSAL_PREFIX = "proposal:"
# A transaction that changes more proposals than this (a data import) renews the reference
# version instead: every proposal page at once, in one write.
MOST_PROPOSALS_RENEWED_ONE_BY_ONE = 50

# The models whose rows the shared pages show; a write to any other (notifications,
# the audit log, comments, registrations, sessions...) leaves the version alone.
SHOWN_MODELS = (
    Proposal,  # every shared page: fields, status, lab stage, event link and "last changed" order of the list
    StatusChange,  # the proposal page's timeline and the showcase's milestones
    Attachment,  # the proposal page's evidence
    Vote,  # vote counts on the list, the showcase and open data; votes received on the board
    Review,  # the board's mean review score per agency
    Agency,  # names and codes everywhere, the filters' choices, the board's rows
    Cycle,  # years and filters, blind review on the list and proposal page, the board's cycle and target
    User,  # names of authors and of who moved a status on the proposal page
    Claim,  # the proposal page's maturity box; verified, published claims on the showcase page
    Indicator,  # the maturity score's indicators and the showcase's published ones
    IndicatorLevel,  # the points per level behind the maturity score
    ResultIndicator,  # the charts on the proposal and showcase pages; open data's results
    YearlyReport,  # the timelines, the latest status in the showcase and open data, the board's points, the trend
    ReportValue,  # the actual values on the charts and in open data's results
    Competition,  # blind review per contest; whether its winners are announced (showcase marks)
    CompetitionEntry,  # the showcase's winner marks; blind review of an entry
    CompetitionTrack,  # the track named beside a winner
    ProposalSdg,  # the goals on the proposal and showcase pages, the showcase's filter, open data
    TeamMember,  # the team on the proposal and showcase pages and in open data
    Milestone,  # the action plan on the proposal page; milestones done on the timelines
)
# Attributes of a shown model that no shared page shows and that change often (every
# login, every comment): a change of these alone keeps the version.
UNSHOWN_ATTRIBUTES = {
    User: frozenset({"last_login_at", "password_hash", "session_generation"}),
    Proposal: frozenset({"comments"}),
}
_SHOWN_TABLES = frozenset(model.__table__ for model in SHOWN_MODELS)
# Shown only on the city's pages (counts on the list, the showcase, the board), never in the
# shared part of a proposal's page (the vote button is each person's own).
CITY_ONLY_MODELS = (Vote,)
# Rows of one proposal, by the column naming it; a Proposal names itself (and the proposal it
# replicates, whose page lists it), a ReportValue its YearlyReport.
_OWN_PROPOSAL = tuple(model for model in SHOWN_MODELS if "proposal_id" in model.__table__.columns
                      and model not in CITY_ONLY_MODELS)
_CITY_ONLY_TABLES = frozenset(model.__table__ for model in CITY_ONLY_MODELS)
_WROTE = "apusida_wrote_shown_rows"  # session.info flag: this transaction changed what shared pages show
_WROTE_BUT_VOTES = "apusida_wrote_shown_rows_not_votes"  # session.info flag: ... beyond votes
_PROPOSALS = "apusida_changed_proposals"  # session.info: ids of proposals whose own rows changed
_REPORTS = "apusida_changed_reports"  # session.info: ids of yearly reports whose values changed
_REFERENCE = "apusida_changed_reference"  # session.info flag: reference data changed (or rows of unknown proposals)
_REPLICATED = "apusida_changed_replicated"  # session.info: ids of changed proposals that others may replicate
_NOTES = (_WROTE, _WROTE_BUT_VOTES, _PROPOSALS, _REPORTS, _REFERENCE, _REPLICATED)


def _changes_what_is_shown(obj) -> bool:
    """Does this dirty object really change a shown column or relationship?"""
    unshown = UNSHOWN_ATTRIBUTES.get(type(obj), frozenset())
    return any(attribute.history.has_changes() for attribute in inspect(obj).attrs if attribute.key not in unshown)


def _note_scope(session, obj) -> None:
    """Note which proposal pages a written row changes: its proposal's, or all of them."""
    if isinstance(obj, CITY_ONLY_MODELS):
        return
    info = session.info
    if isinstance(obj, Proposal):
        ids = {obj.id, obj.replicates_id, *inspect(obj).attrs.replicates_id.history.deleted}
        info.setdefault(_REPLICATED, set()).add(obj.id)  # the pages of its replications name it
    elif isinstance(obj, _OWN_PROPOSAL):
        ids = {obj.proposal_id, *inspect(obj).attrs.proposal_id.history.deleted}
    elif isinstance(obj, ReportValue):
        info.setdefault(_REPORTS, set()).update({obj.report_id, *inspect(obj).attrs.report_id.history.deleted})
        return
    else:
        info[_REFERENCE] = True
        return
    info.setdefault(_PROPOSALS, set()).update(ids)


@event.listens_for(Session, "after_flush")
def _note_flushed_rows(session, flush_context):
    # new, dirty and deleted still hold what this flush wrote (SQLAlchemy resets them after this event).
    written = [obj for obj in session.new if isinstance(obj, SHOWN_MODELS)] \
        + [obj for obj in session.deleted if isinstance(obj, SHOWN_MODELS)] \
        + [obj for obj in session.dirty if isinstance(obj, SHOWN_MODELS) and _changes_what_is_shown(obj)]
    if written:
        session.info[_WROTE] = True
    if any(not isinstance(obj, CITY_ONLY_MODELS) for obj in written):
        session.info[_WROTE_BUT_VOTES] = True
    for obj in written:
        _note_scope(session, obj)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_statement(orm_execute_state):
    state = orm_execute_state
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    # insert(Model), also inside select(Model).from_statement(...), names its mapper;
    # insert(Model.__table__) and the dialects' inserts (ON CONFLICT) only their table.
    table = state.bind_mapper.local_table if state.bind_mapper is not None else state.statement.table
    if table in _SHOWN_TABLES:
        state.session.info[_WROTE] = True
        if table not in _CITY_ONLY_TABLES:
            state.session.info[_WROTE_BUT_VOTES] = True
            # Which proposals a bulk statement touched is not known here: every proposal page renews.
            state.session.info[_REFERENCE] = True


@event.listens_for(Session, "before_commit")
def _renew_on_commit(session):
    # Once per transaction, at its real commit (not a savepoint's): flush first, so
    # the changes this commit would flush count too. The renewal writes
    # ChangeCounter, which is not a shown model, so it never calls for another.
    if session.in_nested_transaction():
        return
    session.flush()
    info = session.info
    proposals = info.pop(_PROPOSALS, set())
    reports = info.pop(_REPORTS, set()) - {None}
    if reports:
        proposals |= set(session.scalars(select(YearlyReport.proposal_id).where(YearlyReport.id.in_(reports))))
    replicated = info.pop(_REPLICATED, set()) - {None}
    if replicated:
        proposals |= set(session.scalars(select(Proposal.id).where(Proposal.replicates_id.in_(replicated))))
    proposals.discard(None)
    if info.pop(_REFERENCE, False) or len(proposals) > MOST_PROPOSALS_RENEWED_ONE_BY_ONE:
        _renew(session, REFERENCE)
    else:
        for proposal_id in sorted(proposals):  # in one order, so two transactions never wait on each other
            _renew(session, proposal_version_name(proposal_id))
    if info.pop(_WROTE_BUT_VOTES, False):
        _renew(session, BUT_VOTES)
    if info.pop(_WROTE, False):
        _renew(session, LEADERBOARD)


@event.listens_for(Session, "after_transaction_end")
def _forget_on_end(session, transaction):
    if transaction.parent is None:  # the whole transaction ended: committed, or rolled back with its writes
        for note in _NOTES:
            session.info.pop(note, None)


def proposal_version_name(proposal_id: int) -> str:
    return f"{PROPOSAL_PREFIX}{proposal_id}"


def _renew(session: Session, name: str = LEADERBOARD) -> None:
    """Bump a counter in the session's transaction (an atomic UPDATE, no read first)."""
    result = session.execute(
        update(ChangeCounter).where(ChangeCounter.name == name)
        .values(value=ChangeCounter.value + 1, changed_at=utcnow())
    )
    if result.rowcount == 0:
        try:
            with session.begin_nested():
                session.add(ChangeCounter(name=name, value=1, changed_at=utcnow()))
        except IntegrityError:  # another request created it meanwhile
            _renew(session, name)


def current(name: str = LEADERBOARD) -> int:
    return db.session.scalar(select(ChangeCounter.value).where(ChangeCounter.name == name)) or 0


# The version read, in each driver's parameter style. It is the one query of
# a poll answered 304 and of a shared public page, so it runs on a connection
# kept for it in autocommit mode (one round trip, no BEGIN and ROLLBACK
# around it) and straight through the driver, without SQLAlchemy's statement
# and result machinery.
_VERSION_SQL = {
    "postgresql": "SELECT value, changed_at FROM change_counter WHERE name = %s",
    "sqlite": "SELECT value, changed_at FROM change_counter WHERE name = ?",
}

# Per engine, per thread: the pooled connection kept for version reads.
_READERS: "weakref.WeakKeyDictionary[Engine, threading.local]" = weakref.WeakKeyDictionary()
_READERS_LOCK = threading.Lock()


# A connection to read the version on in place of the kept reader (see read_version_on).
_read_on: Connection | None = None


def read_version_on(connection: Connection | None) -> None:
    """Read the data version on `connection`, inside its transaction, from now on (None: on the
    kept autocommit reader again). For the tests, which run each test in one transaction that
    is rolled back at its end: only that transaction's connection sees the test's rows."""
    global _read_on
    _read_on = connection


def _fetch_version_row(dbapi_connection, sql: str, name: str):
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(sql, (name,))
        return cursor.fetchone()
    finally:
        cursor.close()


def _reader(engine: Engine) -> threading.local:
    with _READERS_LOCK:
        reader = _READERS.get(engine)
        if reader is None:
            reader = _READERS[engine] = threading.local()
        return reader


def _read_version_row(engine: Engine, name: str):
    sql = _VERSION_SQL[engine.dialect.name]  # Apusida runs on these two (DESIGN §6)
    if _read_on is not None:
        return _fetch_version_row(_read_on.connection, sql, name)
    reader = _reader(engine)
    for attempt in (1, 2):
        connection = getattr(reader, "connection", None)
        if connection is None:
            # Made lazily, so each worker process (after gunicorn's fork) and thread has its own.
            connection = engine.raw_connection()
            driver = connection.driver_connection
            if engine.dialect.name == "postgresql":
                driver.autocommit = True
            else:
                driver.isolation_level = None  # sqlite3: no implicit transactions
            reader.connection = connection
        try:
            return _fetch_version_row(connection, sql, name)
        except engine.dialect.loaded_dbapi.Error:
            # A broken connection (say, the database restarted): drop it and try once more.
            reader.connection = None
            connection.invalidate()
            if attempt == 2:
                raise
    return None


def proposal_version(proposal_id: int) -> str:
    """The version of the shared part of one proposal's page: the reference data's and its own."""
    return f"{version(REFERENCE)}/{version(proposal_version_name(proposal_id))}"


def version(name: str = LEADERBOARD, engine: Engine | None = None) -> str:
    """The data version of the public pages, from one primary-key read.

    The time of the last change is part of it: a restored backup or a
    re-created database starts the count again, but not at the same moment.
    """
    row = _read_version_row(engine or db.engine, name)
    if row is None:
        return "0"
    value, changed_at = row
    return f"{value}@{changed_at}"
