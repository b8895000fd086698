"""Full-text search over a proposal's title, summary and narrative (rancang bangun).

SQLite: an FTS5 table `proposal_fts` that mirrors the proposal table (external
content) and is kept in sync by triggers. PostgreSQL: a GIN index on
to_tsvector('simple', ...) of the same three columns; the query repeats that
exact expression so the planner can use the index. The 'simple' configuration
is used because PostgreSQL ships no Indonesian stemmer; it lower-cases and
splits words, which is what people expect from a search box.

Both are created by the Alembic migration and, for create_all (tests), by a DDL
event after the proposal table is created. They are not in the SQLAlchemy
metadata, so autogenerate must skip them: see `include_name`.
"""
import re

from sqlalchemy import column, event, func, literal_column, select, table, text

from app.models import Proposal

SEARCH_OBJECT_PREFIX = "proposal_fts"
FTS_TABLE = table("proposal_fts", column("rowid"))

SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS proposal_fts USING fts5("
    "title, summary, design, content='proposal', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS proposal_fts_insert AFTER INSERT ON proposal BEGIN "
    "INSERT INTO proposal_fts(rowid, title, summary, design) VALUES (new.id, new.title, new.summary, new.design); END",
    "CREATE TRIGGER IF NOT EXISTS proposal_fts_delete AFTER DELETE ON proposal BEGIN "
    "INSERT INTO proposal_fts(proposal_fts, rowid, title, summary, design) "
    "VALUES ('delete', old.id, old.title, old.summary, old.design); END",
    "CREATE TRIGGER IF NOT EXISTS proposal_fts_update AFTER UPDATE OF title, summary, design ON proposal BEGIN "
    "INSERT INTO proposal_fts(proposal_fts, rowid, title, summary, design) "
    "VALUES ('delete', old.id, old.title, old.summary, old.design); "
    "INSERT INTO proposal_fts(rowid, title, summary, design) VALUES (new.id, new.title, new.summary, new.design); END",
    # Index what is already there (a migration on an existing database).
    "INSERT INTO proposal_fts(proposal_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS proposal_fts_insert",
    "DROP TRIGGER IF EXISTS proposal_fts_delete",
    "DROP TRIGGER IF EXISTS proposal_fts_update",
    "DROP TABLE IF EXISTS proposal_fts",
]

# Must stay character for character the same as the expression in PG_DDL.
PG_DOCUMENT = (
    "to_tsvector('simple'::regconfig, coalesce(proposal.title, '') || ' ' || "
    "coalesce(proposal.summary, '') || ' ' || coalesce(proposal.design, ''))"
)
PG_DDL = [
    "CREATE INDEX IF NOT EXISTS proposal_fts_gin ON proposal USING gin ("
    "(to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || "
    "coalesce(summary, '') || ' ' || coalesce(design, ''))))",
]
PG_DROP = ["DROP INDEX IF EXISTS proposal_fts_gin"]


def create_search_objects(connection) -> None:
    """Create the engine's search table or index (idempotent)."""
    statements = SQLITE_DDL if connection.dialect.name == "sqlite" else PG_DDL
    for statement in statements:
        connection.execute(text(statement))


def drop_search_objects(connection) -> None:
    statements = SQLITE_DROP if connection.dialect.name == "sqlite" else PG_DROP
    for statement in statements:
        connection.execute(text(statement))


@event.listens_for(Proposal.__table__, "after_create")
def _after_proposal_table_created(target, connection, **kw):
    create_search_objects(connection)


@event.listens_for(Proposal.__table__, "before_drop")
def _before_proposal_table_dropped(target, connection, **kw):
    drop_search_objects(connection)


def include_name(name, type_, parent_names) -> bool:
    """Alembic filter: the search objects are managed by hand, not autogenerate."""
    return not (name or "").startswith(SEARCH_OBJECT_PREFIX)


WORD = re.compile(r"\w+", re.UNICODE)
# Words too common in Indonesian proposal texts to say anything about similarity.
STOP_WORDS = frozenset(
    "yang dan di ke dari untuk dengan pada dalam ini itu atau oleh agar bagi secara adalah akan "
    "juga serta tidak sudah masih dapat para kami kita warga layanan inovasi kota program".split()
)


def words(query: str | None) -> list[str]:
    """The searchable words of what someone typed (punctuation and operators dropped)."""
    return [w.lower() for w in WORD.findall(query or "")][:12]


def _sqlite_match(terms: list[str], any_word: bool) -> str:
    # Each word quoted (so FTS5 syntax in the input means nothing) and matched as a prefix.
    return (" OR " if any_word else " ").join(f'"{term}"*' for term in terms)


def _pg_tsquery(terms: list[str], any_word: bool) -> str:
    return (" | " if any_word else " & ").join(f"{term}:*" for term in terms)


def matching_ids(dialect: str, query: str, any_word: bool = False, narrowing=()):
    """A SELECT of proposal ids whose title, summary or narrative match the query,
    or None when the query has no searchable word. On PostgreSQL the ids also
    meet the `narrowing` conditions (on Proposal's own columns); SQLite's FTS
    table has no such columns, so there the caller tests them."""
    terms = words(query)
    if not terms:
        return None
    if dialect == "sqlite":
        return select(FTS_TABLE.c.rowid).where(
            text("proposal_fts MATCH :fts_query").bindparams(fts_query=_sqlite_match(terms, any_word))
        )
    # A MATERIALIZED CTE makes PostgreSQL run the GIN index scan first. As a
    # plain IN-subquery the planner guesses the match count, and on large
    # tables it may instead walk the sort index and rebuild each row's
    # tsvector (the whole narrative) to test it, which is far slower. The
    # narrowing conditions are tested inside it, on the rows the index scan
    # fetches anyway, so only the survivors are looked up again.
    matches = select(Proposal.id.label("id")).where(
        literal_column(PG_DOCUMENT).op("@@")(func.to_tsquery(literal_column("'simple'::regconfig"),
                                                             _pg_tsquery(terms, any_word))),
        *narrowing,
    ).cte("search_matches").prefix_with("MATERIALIZED")
    return select(matches.c.id)


def rank(dialect: str, query: str):
    """An ORDER BY expression, best match first, for a statement filtered by matching_ids."""
    terms = words(query)
    if dialect == "sqlite":
        # bm25() is only available inside the FTS query, so rank with a correlated subquery.
        return (
            select(func.bm25(literal_column("proposal_fts")))
            .select_from(FTS_TABLE)
            .where(text("proposal_fts MATCH :rank_query").bindparams(rank_query=_sqlite_match(terms, True)))
            .where(FTS_TABLE.c.rowid == Proposal.id)
            .scalar_subquery()
            .asc()
        )
    return func.ts_rank(
        literal_column(PG_DOCUMENT), func.to_tsquery(literal_column("'simple'::regconfig"), _pg_tsquery(terms, True))
    ).desc()
