"""Rubrics as data (DESIGN §10): the shipped versions, and which one a review is scored on.

The shipped rubrics are CSV files in app/data/rubrics/ (rubrics.csv names each version,
criteria.csv its criteria); the migration that introduced rubrics stores them, and
`load_shipped` adds any version that is missing (the demo and the test set-up use it).
A version in the database is never changed in place.
"""
import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import select

from app.core.extensions import db
from app.models import Competition, CompetitionEntry, Proposal, Review, Rubric, RubricCriterion

RUBRICS_DIR = Path(__file__).resolve().parents[1] / "data" / "rubrics"
# The rubric of a review outside any competition: KIPP 2023, DESIGN §2's table.
DEFAULT_RUBRIC = "kipp-2023"


@dataclass(frozen=True)
class ShippedRubric:
    code: str
    version: int
    name: str
    name_en: str
    source: str
    criteria: tuple[dict, ...]


@cache
def shipped_rubrics() -> tuple[ShippedRubric, ...]:
    with (RUBRICS_DIR / "criteria.csv").open(newline="", encoding="utf-8") as handle:
        criteria = list(csv.DictReader(handle))
    with (RUBRICS_DIR / "rubrics.csv").open(newline="", encoding="utf-8") as handle:
        return tuple(
            ShippedRubric(row["rubric"], int(row["version"]), row["name"], row["name_en"], row["source"],
                          tuple(c for c in criteria if c["rubric"] == row["rubric"]))
            for row in csv.DictReader(handle))


def load_shipped() -> int:
    """Store every shipped rubric version that is missing; returns how many were added."""
    present = set(db.session.execute(select(Rubric.code, Rubric.version)).all())
    added = 0
    for shipped in shipped_rubrics():
        if (shipped.code, shipped.version) in present:
            continue
        rubric = Rubric(code=shipped.code, version=shipped.version, name=shipped.name, name_en=shipped.name_en,
                        source=shipped.source)
        rubric.criteria = [
            RubricCriterion(position=position, code=row["code"], weight=int(row["weight"]), label=row["label"],
                            label_en=row["label_en"], guidance=row["guidance"], guidance_en=row["guidance_en"])
            for position, row in enumerate(shipped.criteria, start=1)]
        db.session.add(rubric)
        added += 1
    db.session.flush()
    return added


def latest(code: str) -> Rubric | None:
    """The newest version of a rubric."""
    return db.session.scalar(select(Rubric).where(Rubric.code == code).order_by(Rubric.version.desc()).limit(1))


def default_rubric() -> Rubric:
    rubric = latest(DEFAULT_RUBRIC)
    if rubric is None:
        # The migration stores it; only a database built some other way lacks it.
        raise LookupError(f"rubric {DEFAULT_RUBRIC} is missing: run `flask --app wsgi db upgrade`")
    return rubric


def entered_rubric(proposal: Proposal) -> Rubric | None:
    """The rubric of the competition `proposal` entered, or None when it entered none."""
    return db.session.scalar(
        select(Rubric).join(Competition, Competition.rubric_id == Rubric.id)
        .join(CompetitionEntry, CompetitionEntry.competition_id == Competition.id)
        .where(CompetitionEntry.proposal_id == proposal.id))


def rubric_for(proposal: Proposal, review: Review | None = None) -> Rubric:
    """The rubric a review of `proposal` is scored on: a new one takes the rubric of the
    competition the proposal entered, else the default; an existing review keeps its own
    version (a changed rubric never changes a score given), except a review given before the
    proposal entered a competition judged on another rubric: the competition's results count
    only reviews on its rubric, so its reviewer scores again on that one (rescore_needed)."""
    entered = entered_rubric(proposal)
    if review is not None and review.rubric_id is not None and (entered is None or review.rubric_id == entered.id):
        return review.rubric
    return entered or default_rubric()


def rescore_needed(proposal: Proposal, review: Review | None) -> Rubric | None:
    """The competition rubric `review` must be scored on again (see rubric_for), or None."""
    if review is None or review.rubric_id is None:
        return None
    rubric = rubric_for(proposal, review)
    return rubric if rubric.id != review.rubric_id else None
