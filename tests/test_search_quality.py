"""The measured query set (issue 22): recall and precision at 10 of the full-text search
on the engine under test, over proposals written for it.

tests/data/search_proposals.csv: Kota Probolinggo public-service innovations (key,
title, summary, narrative). tests/data/search_queries.csv: Indonesian queries
(inflected forms, roots, two words, a phrase, prefixes, the city's abbreviations,
English loanwords) and the proposals each must find. Run with -s to see the figures
(bench/RESULTS.md records them for both engines).
"""
import csv
from pathlib import Path

from sqlalchemy import select

from app.core.extensions import db
from app.models import Proposal
from app.proposals import services
from tests import factories

DATA = Path(__file__).parent / "data"
RECALL_FLOOR = 0.95
PRECISION_FLOOR = 0.9  # at 10; measured 0.99 on both engines
AT = 10


def rows(name: str) -> list[dict]:
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_search_proposals(make) -> dict[int, str]:
    """The query set's proposals, submitted by agencies of their own; {id: key}."""
    cycle = make.cycle()
    keys = {}
    for number, row in enumerate(rows("search_proposals.csv")):
        agency = make.agency(code=f"SQ{number:02d}", name=f"Perangkat Uji {number:02d}")
        proposal = factories.published(agency_=agency, cycle_=cycle, title=row["title"], summary=row["summary"],
                                       design=row["design"])
        keys[proposal.id] = row["key"]
    db.session.commit()
    return keys


def top(query: str, limit: int = AT) -> list[int]:
    stmt, score = services.with_search(select(Proposal.id), query)
    return list(db.session.scalars(stmt.order_by(score.desc(), Proposal.id.desc()).limit(limit)))


def measure(keys: dict[int, str]) -> tuple[float, float, list[str]]:
    recalls, precisions, misses = [], [], []
    for row in rows("search_queries.csv"):
        wanted = set(row["expected"].split())
        found = [keys[proposal_id] for proposal_id in top(row["query"])]
        hits = wanted & set(found)
        recalls.append(len(hits) / len(wanted))
        precisions.append(len(hits) / len(found) if found else 0.0)
        if hits != wanted or len(found) != len(hits):
            misses.append(f"{row['query']!r}: wanted {sorted(wanted)}, found {found}")
    return sum(recalls) / len(recalls), sum(precisions) / len(precisions), misses


def test_the_query_set_is_big_enough_and_names_real_proposals():
    keys = {row["key"] for row in rows("search_proposals.csv")}
    queries = rows("search_queries.csv")
    assert len(queries) >= 40 and 30 <= len(keys) <= 60
    assert {row["kind"] for row in queries} >= {"inflected", "root", "two words", "phrase", "prefix",
                                                 "abbreviation", "loanword"}
    for code in ("KTP", "KK", "UMKM", "OPD", "SKM"):
        assert code in {row["query"] for row in queries}
    for row in queries:
        assert set(row["expected"].split()) <= keys, row["query"]


def test_recall_and_precision_at_10(make):
    keys = load_search_proposals(make)
    recall, precision, misses = measure(keys)
    print(f"\nsearch quality on {db.engine.dialect.name}: {len(rows('search_queries.csv'))} queries, "
          f"{len(keys)} proposals, recall@{AT} {recall:.3f}, precision@{AT} {precision:.3f}")
    print("\n".join(misses))
    assert recall >= RECALL_FLOOR, "\n".join(misses)
    assert precision >= PRECISION_FLOOR, "\n".join(misses)
