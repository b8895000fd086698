"""Coaches, coaching sessions with action items, readiness self-assessments."""
from datetime import timedelta

from app.core.cycles import city_today
from app.core.extensions import db
from app.models import READINESS_QUESTIONS, ActionItem, CoachAssignment, CoachingSession, ReadinessAnswer
from app.models import ReadinessAssessment
from tests.factories.core import cycle as make_cycle
from tests.factories.core import user


def _cycle(cycle_):
    from app.core.cycles import cycle_of_year

    return cycle_ or cycle_of_year(city_today().year) or make_cycle()


def coach_assignment(agency_, coach=None, cycle_=None) -> CoachAssignment:
    """`coach` (a new reviewer unless given) coaches `agency_` in the cycle (this year's unless given)."""
    obj = CoachAssignment(cycle_id=_cycle(cycle_).id, agency_id=agency_.id, coach_id=(coach or user("reviewer")).id)
    db.session.add(obj)
    db.session.flush()
    return obj


def coaching_session(agency_, coach, cycle_=None, held_on=None, proposals=(), notes="Membahas rancang bangun.",
                     items=()) -> CoachingSession:
    """A session held with `agency_`; `items` are (what, owner, due, done) tuples."""
    obj = CoachingSession(cycle_id=_cycle(cycle_).id, agency_id=agency_.id, coach_id=coach.id,
                          held_on=held_on or city_today() - timedelta(days=3), notes=notes, proposals=list(proposals))
    for what, owner, due, done in items:
        obj.items.append(ActionItem(what=what, owner_id=owner.id, due_on=due, done=done))
    db.session.add(obj)
    db.session.flush()
    return obj


def action_item(session, owner, what="Lengkapi data awal layanan", due=None, done=False) -> ActionItem:
    obj = ActionItem(session=session, what=what, owner_id=owner.id, due_on=due or city_today() + timedelta(days=7),
                     done=done)
    db.session.add(obj)
    db.session.flush()
    return obj


def readiness(agency_, filled_by, cycle_=None, scores=None, note="") -> ReadinessAssessment:
    """The agency's readiness self-assessment; `scores` maps question codes to 1–5 (3 each unless given)."""
    scores = scores or {}
    obj = ReadinessAssessment(cycle_id=_cycle(cycle_).id, agency_id=agency_.id, filled_by_id=filled_by.id,
                              answers=[ReadinessAnswer(question=code, score=scores.get(code, 3), note=note)
                                       for code in READINESS_QUESTIONS])
    db.session.add(obj)
    db.session.flush()
    return obj
