"""Competitions, their tracks, entries and reviewer assignments."""
from datetime import timedelta

from app.core.cycles import city_today
from app.core.extensions import db
from app.models import Competition, CompetitionEntry, CompetitionTrack, Cycle, ReviewAssignment, Rubric
from app.reviews import rubrics
from tests.factories.core import cycle as make_cycle

# The national award's presentation weights (app/data/rubrics): its criteria codes.
AWARD_RUBRIC = "penghargaan-presentasi"
AWARD_CRITERIA = ("novelty", "benefit", "collaboration", "replicability", "mastery")


def award_rubric() -> Rubric:
    return rubrics.latest(AWARD_RUBRIC)


def competition(cycle_=None, rubric: Rubric | None = None, tracks=("opd", "sekolah"), entry_days: int = 10,
                review_days: int = 20, **fields) -> Competition:
    """A competition of `cycle_` (this year's by default) on the national award's rubric,
    taking entries for `entry_days` more days and reviews for `review_days`."""
    if cycle_ is None:
        cycle_ = db.session.query(Cycle).filter_by(year=city_today().year).one_or_none() or make_cycle()
    today = city_today()
    obj = Competition(cycle=cycle_, name=fields.pop("name", f"Lomba Inovasi {cycle_.year}"),
                      rubric=rubric or award_rubric(), entry_deadline=today + timedelta(days=entry_days),
                      review_deadline=today + timedelta(days=review_days), **fields)
    obj.tracks = [CompetitionTrack(code=code, name=code.capitalize(), position=n) for n, code in enumerate(tracks, 1)]
    db.session.add(obj)
    db.session.flush()
    return obj


def entry(competition_: Competition, proposal_, track: int | str = 0) -> CompetitionEntry:
    """`proposal_` entered in a track (its position or code)."""
    chosen = (competition_.tracks[track] if isinstance(track, int)
              else next(t for t in competition_.tracks if t.code == track))
    obj = CompetitionEntry(competition=competition_, track=chosen, proposal=proposal_)
    db.session.add(obj)
    db.session.flush()
    return obj


def assignment(entry_: CompetitionEntry, reviewer) -> ReviewAssignment:
    obj = ReviewAssignment(entry=entry_, reviewer=reviewer)
    db.session.add(obj)
    db.session.flush()
    return obj
