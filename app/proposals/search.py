"""Full-text search over a proposal's title, summary and narrative (rancang bangun),
stemmed in Indonesian, ranked, with highlighted snippets; the same on both engines.

Indonesian builds words with affixes (pe-an, ke-an, per-an, -kan, -nya), so the
index holds stems: "pendaftaran", "pengaduan", "kesehatan" are indexed as
"daftar", "adu", "sehat", and a search for either form finds both.

PostgreSQL: a stored generated column `proposal_fts_document`, a weighted
to_tsvector('indonesian', ...) of the three columns (title A, summary B,
narrative D), with a GIN index `proposal_fts_gin`. PostgreSQL ships the
Snowball Indonesian stemmer as the `indonesian` text search configuration
(no stop words). The column is stored so that ts_rank reads it instead of
parsing each matching narrative again.

SQLite: a contentless FTS5 table `proposal_fts` holding the same three columns
as stemmed text, which the SQL function `apusida_stemmed()` computes in Python
with the same Snowball algorithm (PyPI snowballstemmer; tests/test_search.py
checks it against PostgreSQL's). Triggers keep it in step; they call the
function, which `_register_sqlite_functions` puts on every SQLite connection.
Triggers rather than a session listener (CONVENTIONS habit 9): they also follow
Core bulk inserts and UPDATE statements (the large demo data loads that way)
that session events never see, and a migration rebuilds the index with one
INSERT … SELECT. The price: a connection without the function
(the sqlite3 shell) cannot write proposals.

Both engines see the same words: PostgreSQL's parser would keep "e-KTP" whole
as well as in parts, an e-mail or an address as one token, so its document
first turns ASCII punctuation into spaces, and both then index the runs of
letters and digits that Python's TOKEN finds. A word with a digit in it is not
stemmed (PostgreSQL's parser gives such words to the 'simple' dictionary).
"KTP", "UMKM", "WhatsApp" come through the stemmer unchanged (too short, or no
Indonesian affix); a word that looks affixed is stemmed the same way in the
document and in the query ("digital" is indexed as "gital"), so it still
matches as typed.

The query is stemmed in Python on both engines (PostgreSQL gets its lexemes
through the 'simple' configuration), so the same query means the same thing:
words must all match (the suggestions take any), "quoted words" must match as
a phrase, and "inov*" as a prefix (of the stem or of the word as typed); as the
list searches while one types, every word of four letters or more is a prefix
too ("interoperabil", "daft"), while "KK" or "adu" must match a whole word.

Both are created by the Alembic migration and, for create_all (tests), by a DDL
event after the proposal table is created. They are not in the SQLAlchemy
metadata, so autogenerate must skip them: see `include_name`.
"""
import re
import threading
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from markupsafe import Markup, escape
from sqlalchemy import column, event, func, literal, literal_column, select, table, text
from sqlalchemy.engine import Engine

from app.models import Proposal

SEARCH_OBJECT_PREFIX = "proposal_fts"
FTS_TABLE = table("proposal_fts", column("rowid"))
SQL_FUNCTION = "apusida_stemmed"

SQLITE_DDL = [
    # Contentless: the stems are not the proposal's text, so FTS5 must not read that table
    # back ('rebuild' would index the unstemmed words). Snippets come from Python (snippet()).
    "CREATE VIRTUAL TABLE IF NOT EXISTS proposal_fts USING fts5("
    "title, summary, design, content='', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER IF NOT EXISTS proposal_fts_insert AFTER INSERT ON proposal BEGIN "
    "INSERT INTO proposal_fts(rowid, title, summary, design) VALUES (new.id, apusida_stemmed(new.title), "
    "apusida_stemmed(new.summary), apusida_stemmed(new.design)); END",
    # A contentless table forgets a row when told the values it indexed (the function is deterministic).
    "CREATE TRIGGER IF NOT EXISTS proposal_fts_delete AFTER DELETE ON proposal BEGIN "
    "INSERT INTO proposal_fts(proposal_fts, rowid, title, summary, design) VALUES ('delete', old.id, "
    "apusida_stemmed(old.title), apusida_stemmed(old.summary), apusida_stemmed(old.design)); END",
    "CREATE TRIGGER IF NOT EXISTS proposal_fts_update AFTER UPDATE OF title, summary, design ON proposal BEGIN "
    "INSERT INTO proposal_fts(proposal_fts, rowid, title, summary, design) VALUES ('delete', old.id, "
    "apusida_stemmed(old.title), apusida_stemmed(old.summary), apusida_stemmed(old.design)); "
    "INSERT INTO proposal_fts(rowid, title, summary, design) VALUES (new.id, apusida_stemmed(new.title), "
    "apusida_stemmed(new.summary), apusida_stemmed(new.design)); END",
    # Index what is already there (a migration on an existing database).
    "INSERT INTO proposal_fts(rowid, title, summary, design) SELECT id, apusida_stemmed(title), "
    "apusida_stemmed(summary), apusida_stemmed(design) FROM proposal",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS proposal_fts_insert",
    "DROP TRIGGER IF EXISTS proposal_fts_delete",
    "DROP TRIGGER IF EXISTS proposal_fts_update",
    "DROP TABLE IF EXISTS proposal_fts",
]


def _pg_part(name: str, weight: str) -> str:
    return (f"setweight(to_tsvector('indonesian'::regconfig, "
            f"regexp_replace(coalesce({name}, ''), '[[:punct:]]', ' ', 'g')), '{weight}')")


PG_DOCUMENT_SQL = " || ".join(_pg_part(name, weight) for name, weight in
                              (("title", "A"), ("summary", "B"), ("design", "D")))
PG_DDL = [
    # Adding the stored column computes it for every existing row (a migration's rebuild).
    f"ALTER TABLE proposal ADD COLUMN IF NOT EXISTS proposal_fts_document tsvector "
    f"GENERATED ALWAYS AS ({PG_DOCUMENT_SQL}) STORED",
    "CREATE INDEX IF NOT EXISTS proposal_fts_gin ON proposal USING gin (proposal_fts_document)",
]
PG_DROP = [
    "DROP INDEX IF EXISTS proposal_fts_gin",
    "ALTER TABLE proposal DROP COLUMN IF EXISTS proposal_fts_document",
]
PG_DOCUMENT = literal_column("proposal.proposal_fts_document")
# Column weights, the same on both engines: a word in the title counts most.
SQLITE_WEIGHTS = (10.0, 4.0, 1.0)  # bm25's per column; PostgreSQL's A, B, D are 1.0, 0.4, 0.1


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


# --- words and stems ------------------------------------------------------------

# A word: a run of letters and digits. What PostgreSQL's parser finds once ASCII
# punctuation is spaces (the underscore is punctuation to it, too).
TOKEN = re.compile(r"[^\W_]+")
_local = threading.local()  # a Snowball stemmer keeps state while it works: one per thread


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The Snowball Indonesian stem of a word, lower-cased, as PostgreSQL's `indonesian` gives it."""
    word = word.lower()
    if any(character.isdigit() for character in word):
        return word  # PostgreSQL's parser gives words with digits to the 'simple' dictionary
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("indonesian")
    return stemmer.stemWord(word) or word


def stemmed(value: str | None) -> str:
    """A text as the SQLite index holds it: its words' stems, space-separated."""
    return " ".join(stem(word) for word in TOKEN.findall(value or ""))


@event.listens_for(Engine, "connect")
def _register_sqlite_functions(dbapi_connection, connection_record):
    """Every SQLite connection gets the stemming function the search triggers call."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.create_function(SQL_FUNCTION, 1, stemmed, deterministic=True)


# Words too common in Indonesian proposal texts to say anything about similarity.
STOP_WORDS = frozenset(
    "yang dan di ke dari untuk dengan pada dalam ini itu atau oleh agar bagi secara adalah akan "
    "juga serta tidak sudah masih dapat para kami kita warga layanan inovasi kota program".split()
)
STOP_STEMS = frozenset(stem(word) for word in STOP_WORDS)
MAX_TERMS = 12


def words(query: str | None) -> list[str]:
    """The searchable words of what someone typed (punctuation and operators dropped)."""
    return [w.lower() for w in TOKEN.findall(query or "")][:MAX_TERMS]


@dataclass(frozen=True)
class Term:
    """One thing a query asks for: a word, or words in a row (a quoted phrase, or
    "e-KTP"), as stems. With `prefix`, the last word is matched as a prefix, of its
    stem or of the word as typed (`choices` holds both)."""
    choices: tuple[tuple[str, ...], ...]
    prefix: bool = False


IMPLICIT_PREFIX_MIN = 4
QUERY_PART = re.compile(r'"([^"]*)"?|([^\s"]+)')


def parse(query: str | None) -> list[Term]:
    """The terms of what someone typed; any FTS or tsquery syntax in it means nothing."""
    terms = []
    for quoted, bare in QUERY_PART.findall(query or ""):
        typed = TOKEN.findall(quoted or bare)
        if not typed:
            continue
        stems = tuple(stem(word) for word in typed)
        # The list searches as one types, so a word may be unfinished: one of four letters
        # or more is also a prefix (shorter ones are mostly codes: KK, KTP, OPD).
        prefix = bool(bare) and (bare.endswith("*") or len(typed[-1]) >= IMPLICIT_PREFIX_MIN)
        choices = [stems]
        if prefix and typed[-1].lower() != stems[-1]:
            choices.append(stems[:-1] + (typed[-1].lower(),))
        terms.append(Term(tuple(choices), prefix))
    return terms[:MAX_TERMS]


def _sqlite_match(terms: list[Term], any_word: bool) -> str:
    # Each phrase quoted, so that FTS5 syntax in the input means nothing.
    def phrase(words_: tuple[str, ...], prefix: bool) -> str:
        quoted = " ".join(words_).replace('"', '""')
        return f'"{quoted}"' + ("*" if prefix else "")

    parts = []
    for term in terms:
        alternatives = [phrase(choice, term.prefix) for choice in term.choices]
        parts.append(alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")")
    return (" OR " if any_word else " AND ").join(parts)


def _pg_tsquery(terms: list[Term], any_word: bool) -> str:
    def lexeme(word: str) -> str:
        return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"

    def phrase(words_: tuple[str, ...], prefix: bool) -> str:
        return " <-> ".join(lexeme(word) + (":*" if prefix and i == len(words_) - 1 else "")
                            for i, word in enumerate(words_))

    parts = []
    for term in terms:
        alternatives = [phrase(choice, term.prefix) for choice in term.choices]
        parts.append("(" + " | ".join(alternatives) + ")")
    return (" | " if any_word else " & ").join(parts)


def _pg_query(terms: list[Term], any_word: bool):
    # The stems are Python's; 'simple' only lower-cases them, so both engines ask the same.
    return func.to_tsquery(literal_column("'simple'::regconfig"), _pg_tsquery(terms, any_word))


def matches(dialect: str, query: str, any_word: bool = False, narrowing=(), ranked: bool = True):
    """The proposals whose title, summary or narrative match the query, as a
    selectable of (id, score), a higher score a better match; None when the query
    has no searchable word. On PostgreSQL the rows also meet the `narrowing`
    conditions (on Proposal's own columns); SQLite's FTS table has no such
    columns, so there the caller tests them. Not `ranked`, every score is 0: a list
    sorted otherwise does not pay for ranking every match (a common word matches
    thousands)."""
    terms = parse(query)
    if not terms:
        return None
    if dialect == "sqlite":
        weights = ", ".join(str(weight) for weight in SQLITE_WEIGHTS)
        return (
            select(FTS_TABLE.c.rowid.label("id"),
                   (-literal_column(f"bm25(proposal_fts, {weights})") if ranked else literal(0)).label("score"))
            .select_from(FTS_TABLE)
            .where(text("proposal_fts MATCH :fts_query").bindparams(fts_query=_sqlite_match(terms, any_word)))
            # MATERIALIZED: as a plain subquery SQLite's planner walks the proposals first and runs
            # the whole MATCH again for each one (170 ms for a common word at 20,000 proposals,
            # 5 ms this way: bench/RESULTS.md).
            .cte("search_matches").prefix_with("MATERIALIZED")
        )
    # A MATERIALIZED CTE makes PostgreSQL run the GIN index scan first. As a
    # plain IN-subquery or join the planner guesses the match count, and on
    # large tables it may instead walk the sort index and test each row. The
    # narrowing conditions are tested inside it, on the rows the index scan
    # fetches anyway, so only the survivors are looked up again.
    tsquery = _pg_query(terms, any_word)
    score = func.ts_rank(PG_DOCUMENT, tsquery) if ranked else literal(0)
    return select(Proposal.id.label("id"), score.label("score")).where(
        PG_DOCUMENT.op("@@")(tsquery), *narrowing,
    ).cte("search_matches").prefix_with("MATERIALIZED")


def matching_ids(dialect: str, query: str, any_word: bool = False, narrowing=()):
    """A SELECT of the ids `matches` finds, or None when the query has no searchable word."""
    found = matches(dialect, query, any_word, narrowing)
    return None if found is None else select(found.c.id)


# --- snippets -------------------------------------------------------------------

SNIPPET_WORDS = 24  # about two lines under a title
SNIPPET_LEAD = 6  # words shown before the first match
SNIPPET_CANDIDATES = 50
SNIPPET_SCAN_CHARS = 6000  # about 800 words of each text


class _Matcher:
    """Which words of a text a query's terms match: by stem, or by prefix for a prefix term."""

    def __init__(self, terms: list[Term]):
        self.stems = {word for term in terms for choice in term.choices for word in
                      (choice if not term.prefix else choice[:-1])}
        self.prefixes = tuple({choice[-1] for term in terms if term.prefix for choice in term.choices})
        self._seen: dict[str, bool] = {}  # a text repeats its words

    def __bool__(self):
        return bool(self.stems or self.prefixes)

    def __call__(self, word: str) -> bool:
        known = self._seen.get(word)
        if known is None:
            found = stem(word)
            known = self._seen[word] = found in self.stems or (bool(self.prefixes) and (
                found.startswith(self.prefixes) or word.lower().startswith(self.prefixes)))
        return known


def _marked(value: str, tokens, matcher: _Matcher) -> Markup:
    """`value` escaped, its matching words in <mark>."""
    pieces, position = [], 0
    for token in tokens:
        pieces.append(escape(value[position:token.start()]))
        word = escape(token.group())
        pieces.append(Markup("<mark>%s</mark>") % word if matcher(token.group()) else word)
        position = token.end()
    pieces.append(escape(value[position:]))
    return Markup("").join(pieces)


def snippet(texts, query: str | None, size: int = SNIPPET_WORDS) -> Markup:
    """A few words of the first of `texts` (the summary, then the narrative) that the
    query matches, around its best-matching stretch, escaped, the matching words in
    <mark>; the start of the first text when none matches (a match in the title, or
    past the first SNIPPET_SCAN_CHARS of a text);
    empty when there is no text. Computed over the original text, the same on both engines."""
    matcher = _Matcher(parse(query))
    texts = [value for value in texts if value and value.strip()]
    if not texts:
        return Markup("")
    for value in texts:
        # A match far into a long narrative costs more to find than a snippet is worth.
        value = value[:SNIPPET_SCAN_CHARS]
        tokens = TOKEN.findall(value)
        hits = [i for i, word in enumerate(tokens) if matcher(word)]
        if hits:
            break
    else:
        value = texts[0][:SNIPPET_SCAN_CHARS]
        tokens, hits = TOKEN.findall(value), []
    # The stretch of `size` words with the most different matched words, first one wins
    # (among the first matches: a long narrative may match hundreds of times).
    hits = hits[:SNIPPET_CANDIDATES]
    best, best_count = 0, -1
    for n, hit in enumerate(hits):
        count = len({tokens[i].lower() for i in hits[n:n + size] if i < hit + size})
        if count > best_count:
            best, best_count = hit, count
    first = max(0, best - SNIPPET_LEAD) if hits else 0
    if first >= len(tokens):
        return Markup("")
    # Where the window's words are in the text: found again by walking the words once.
    spans = TOKEN.finditer(value)
    for _ in range(first):
        next(spans)
    window = [next(spans) for _ in range(min(size, len(tokens) - first))]
    start = 0 if first == 0 else window[0].start()
    end = len(value) if first + size >= len(tokens) else window[-1].end()
    shown = value[start:end]
    body = _marked(shown, TOKEN.finditer(shown), matcher)
    return Markup("").join([Markup("… ") if start else Markup(""), body, Markup(" …") if end < len(value) else Markup("")])
