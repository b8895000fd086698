"""Coaching's state changes and the queries its pages share: assign coaches, record sessions and
their action items, mark items done, save the readiness self-assessment. Services validate,
change, flush and audit; they never commit."""
from dataclasses import dataclass, field
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.coaching import permissions
from app.core import audit
from app.core.extensions import db
from app.core.i18n import N_
from app.core.messages import day, stored
from app.models import (
    LAB_STAGES, READINESS_QUESTIONS, SUBMITTED_STATUSES, ActionItem, Agency, CoachAssignment, CoachingSession, Cycle,
    Proposal, ReadinessAnswer, ReadinessAssessment, User,
)
from app.models._types import utcnow
from app.notifications.services import notify

# How many action items the session form takes at once (more are added on the session page).
ITEMS_AT_ONCE = 3


class CoachingError(Exception):
    """A change refused for a reason the person can fix; `field` names the form field it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class NotAllowed(Exception):
    """The person may not make this change (the view answers 403)."""


# --- coaches ---------------------------------------------------------------------------

def coach_of(agency_id: int, cycle: Cycle | None) -> CoachAssignment | None:
    """The agency's coach assignment in `cycle`, its coach loaded."""
    if cycle is None:
        return None
    return db.session.scalar(select(CoachAssignment).options(joinedload(CoachAssignment.coach))
                             .where(CoachAssignment.cycle_id == cycle.id, CoachAssignment.agency_id == agency_id))


def coach_candidates() -> list[User]:
    """Everyone an admin may assign as a coach, by name."""
    return list(db.session.scalars(select(User).options(joinedload(User.agency))
                                   .where(User.active.is_(True), User.role == "reviewer").order_by(User.name, User.id)))


def active_agencies() -> list[Agency]:
    return list(db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.name, Agency.id)))


def assignments_of(cycle: Cycle) -> dict[int, CoachAssignment]:
    """{agency id: assignment} of the cycle, coaches loaded."""
    rows = db.session.scalars(select(CoachAssignment).options(joinedload(CoachAssignment.coach))
                              .where(CoachAssignment.cycle_id == cycle.id))
    return {row.agency_id: row for row in rows}


def assign_coach(cycle: Cycle, agencies: list[Agency], coach: User, actor: User) -> int:
    """Make `coach` the coach of each of `agencies` in `cycle` (replacing another coach);
    returns how many assignments changed. A coach is an active reviewer from outside the agency."""
    if cycle.closed:
        raise CoachingError(_("Siklus %(year)d sudah ditutup.", year=cycle.year), "coach_id")
    if not permissions.may_coach(coach):
        raise CoachingError(_("Pendamping adalah penilai yang akunnya aktif."), "coach_id")
    own = [agency for agency in agencies if agency.id == coach.agency_id]
    if own:
        raise CoachingError(_("%(name)s bekerja di %(agency)s; pendamping berasal dari luar perangkat daerah yang "
                              "didampingi.", name=coach.name, agency=own[0].name), "coach_id")
    if not agencies:
        raise CoachingError(_("Pilih paling sedikit satu perangkat daerah."), "agency_ids")
    existing = assignments_of(cycle)
    changed = 0
    for agency in agencies:
        assignment = existing.get(agency.id)
        if assignment is not None and assignment.coach_id == coach.id:
            continue
        previous = assignment.coach.name if assignment is not None else ""
        if assignment is None:
            assignment = CoachAssignment(cycle_id=cycle.id, agency_id=agency.id)
            db.session.add(assignment)
        assignment.coach_id, assignment.assigned_by_id, assignment.assigned_at = coach.id, actor.id, utcnow()
        db.session.flush()
        audit.record("coach_assigned", target=assignment, actor=actor, summary=agency.name, coach=coach.name,
                     previous=previous, year=cycle.year)
        changed += 1
    return changed


def remove_coach(assignment: CoachAssignment, actor: User) -> None:
    """The agency has no coach in that cycle any more (its sessions stay)."""
    audit.record("coach_removed", target=assignment, actor=actor, summary=assignment.agency.name,
                 coach=assignment.coach.name, year=assignment.cycle.year)
    db.session.delete(assignment)
    db.session.flush()


def coached(user: User, cycle: Cycle | None) -> list[CoachAssignment]:
    """The assignments of the cycle `user` coaches (an admin: every one), agencies and coaches loaded."""
    if cycle is None:
        return []
    query = (select(CoachAssignment).join(Agency, Agency.id == CoachAssignment.agency_id)
             .options(joinedload(CoachAssignment.agency), joinedload(CoachAssignment.coach))
             .where(CoachAssignment.cycle_id == cycle.id).order_by(Agency.name, Agency.id))
    if not user.is_admin:
        query = query.where(CoachAssignment.coach_id == user.id)
    return list(db.session.scalars(query))


# --- progress of the coached agencies ----------------------------------------------------

@dataclass
class Progress:
    """One agency's progress in a cycle, as the coach's dashboard shows it."""

    stages: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LAB_STAGES, 0))
    submitted: int = 0
    target: int = 1
    readiness: ReadinessAssessment | None = None
    open_items: int = 0
    overdue_items: int = 0

    @property
    def proposals(self) -> int:
        return sum(self.stages.values())

    @property
    def target_met(self) -> bool:
        return self.submitted >= self.target


def progress(cycle: Cycle, agency_ids: list[int], today: date) -> dict[int, Progress]:
    """{agency id: Progress} in four queries, however many agencies: proposals by lab stage
    (withdrawn ones left out), those submitted, the readiness assessment, open action items."""
    result = {agency_id: Progress(target=cycle.target_per_agency) for agency_id in agency_ids}
    if not agency_ids:
        return result
    is_submitted = Proposal.status.in_(SUBMITTED_STATUSES)
    rows = db.session.execute(
        select(Proposal.agency_id, Proposal.lab_stage, func.count(), func.sum(case((is_submitted, 1), else_=0)))
        .where(Proposal.cycle_id == cycle.id, Proposal.agency_id.in_(agency_ids), Proposal.status != "withdrawn")
        .group_by(Proposal.agency_id, Proposal.lab_stage))
    for agency_id, stage, count, submitted in rows:
        result[agency_id].stages[stage] = count
        result[agency_id].submitted += submitted or 0
    for assessment in db.session.scalars(select(ReadinessAssessment).options(selectinload(ReadinessAssessment.answers))
                                         .where(ReadinessAssessment.cycle_id == cycle.id,
                                                ReadinessAssessment.agency_id.in_(agency_ids))):
        result[assessment.agency_id].readiness = assessment
    overdue = func.sum(case((ActionItem.due_on < today, 1), else_=0))
    for agency_id, count, late in db.session.execute(
            select(CoachingSession.agency_id, func.count(ActionItem.id), overdue)
            .join(CoachingSession, CoachingSession.id == ActionItem.session_id)
            .where(ActionItem.done.is_(False), CoachingSession.agency_id.in_(agency_ids))
            .group_by(CoachingSession.agency_id)):
        result[agency_id].open_items, result[agency_id].overdue_items = count, late or 0
    return result


def proposals_of(agency_id: int, cycle: Cycle | None) -> list[Proposal]:
    """The agency's proposals of the cycle, any status, by lab stage then title."""
    if cycle is None:
        return []
    order = case({stage: n for n, stage in enumerate(LAB_STAGES)}, value=Proposal.lab_stage)
    return list(db.session.scalars(select(Proposal).where(Proposal.agency_id == agency_id, Proposal.cycle_id == cycle.id)
                                   .order_by(order, Proposal.title, Proposal.id)))


# --- sessions and action items --------------------------------------------------------

@dataclass
class ItemInput:
    what: str
    owner_id: int | None
    due_on: date | None


def sessions_of(agency_id: int) -> list[CoachingSession]:
    """The agency's sessions, newest first, with their proposals, items and people."""
    return list(db.session.scalars(
        select(CoachingSession).options(
            joinedload(CoachingSession.coach), selectinload(CoachingSession.proposals),
            selectinload(CoachingSession.items).joinedload(ActionItem.owner))
        .where(CoachingSession.agency_id == agency_id)
        .order_by(CoachingSession.held_on.desc(), CoachingSession.id.desc())))


def load_session(session_id: int) -> CoachingSession | None:
    return db.session.scalar(select(CoachingSession).options(
        joinedload(CoachingSession.agency), joinedload(CoachingSession.cycle), joinedload(CoachingSession.coach),
        selectinload(CoachingSession.proposals), selectinload(CoachingSession.items).joinedload(ActionItem.owner))
        .where(CoachingSession.id == session_id))


def owner_choices(agency_id: int, assignment: CoachAssignment | None, recorder: User | None = None) -> list[User]:
    """Who may own an action item: the agency's active members, its coach (and who records the session)."""
    people = list(db.session.scalars(select(User).where(User.agency_id == agency_id, User.active.is_(True))
                                     .order_by(User.name, User.id)))
    for extra in (assignment.coach if assignment is not None else None, recorder):
        if extra is not None and extra.active and all(person.id != extra.id for person in people):
            people.append(extra)
    return people


def _check_date(held_on: date | None, today: date) -> None:
    if held_on is None:
        raise CoachingError(_("Isi tanggal pendampingan."), "held_on")
    if held_on > today:
        raise CoachingError(_("Pendampingan dicatat setelah berlangsung: tanggalnya paling lambat hari ini."),
                            "held_on")


def _check_proposals(agency_id: int, cycle: Cycle, proposal_ids: list[int]) -> list[Proposal]:
    allowed = {p.id: p for p in proposals_of(agency_id, cycle)}
    if any(pid not in allowed for pid in proposal_ids):
        raise CoachingError(_("Pilih usulan perangkat daerah ini pada siklus ini saja."), "proposal_ids")
    return [allowed[pid] for pid in proposal_ids]


def _new_items(items: list[ItemInput], owners: list[User]) -> list[ActionItem]:
    """Action items from the filled rows (a row without "what" is skipped); refused with the row named."""
    allowed = {person.id for person in owners}
    made = []
    for n, item in enumerate(items):
        what = (item.what or "").strip()
        if not what:
            continue
        if item.owner_id not in allowed:
            raise CoachingError(_("Tindak lanjut %(num)d: pilih penanggung jawab dari anggota perangkat daerah atau "
                                  "pendampingnya.", num=n + 1), f"items-{n}-owner_id")
        if item.due_on is None:
            raise CoachingError(_("Tindak lanjut %(num)d: isi tenggatnya.", num=n + 1), f"items-{n}-due_on")
        made.append(ActionItem(what=what, owner_id=item.owner_id, due_on=item.due_on))
    return made


def agency_members(agency_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(User.agency_id == agency_id, User.active.is_(True))))


def _notify_items(session: CoachingSession, items: list[ActionItem]) -> None:
    """The agency's members and each item's owner hear of the session's action items."""
    owners = db.session.scalars(select(User).where(User.id.in_({item.owner_id for item in items}))).all()
    link = url_for("coaching.session_detail", session_id=session.id)
    notify([*agency_members(session.agency_id), *owners],
           stored(N_("Pendampingan %(agency)s tanggal %(date)s: %(count)s tindak lanjut baru."),
                  agency=session.agency.name, date=day(session.held_on), count=len(items)), link)


def record_session(agency: Agency, cycle: Cycle, recorder: User, held_on: date | None, proposal_ids: list[int],
                   notes: str, items: list[ItemInput], today: date) -> CoachingSession:
    """Record a session held with the agency, its proposals discussed and its first action items."""
    assignment = coach_of(agency.id, cycle)
    if not permissions.can_record(recorder, assignment):
        raise NotAllowed()
    _check_date(held_on, today)
    proposals = _check_proposals(agency.id, cycle, proposal_ids)
    new_items = _new_items(items, owner_choices(agency.id, assignment, recorder))
    session = CoachingSession(cycle_id=cycle.id, agency=agency, coach_id=recorder.id, held_on=held_on,
                              notes=notes or "", proposals=proposals, items=new_items)
    db.session.add(session)
    db.session.flush()
    audit.record("coaching_session_recorded", target=session, actor=recorder, summary=agency.name,
                 date=held_on.isoformat(), items=len(new_items))
    if new_items:
        _notify_items(session, new_items)
    return session


def update_session(session: CoachingSession, actor: User, held_on: date | None, proposal_ids: list[int],
                   notes: str, today: date) -> None:
    """Correct a session's date, proposals discussed and notes."""
    if not permissions.can_edit_session(actor, session, coach_of(session.agency_id, session.cycle)):
        raise NotAllowed()
    _check_date(held_on, today)
    session.proposals = _check_proposals(session.agency_id, session.cycle, proposal_ids)
    session.held_on, session.notes = held_on, notes or ""
    db.session.flush()
    audit.record("coaching_session_updated", target=session, actor=actor, summary=session.agency.name,
                 date=held_on.isoformat())


def add_items(session: CoachingSession, actor: User, items: list[ItemInput]) -> list[ActionItem]:
    """More action items on a session (refused when no row is filled)."""
    assignment = coach_of(session.agency_id, session.cycle)
    if not permissions.can_edit_session(actor, session, assignment):
        raise NotAllowed()
    new_items = _new_items(items, owner_choices(session.agency_id, assignment, session.coach))
    if not new_items:
        raise CoachingError(_("Tuliskan tindak lanjutnya."), "items-0-what")
    session.items.extend(new_items)
    db.session.flush()
    for item in new_items:
        audit.record("action_item_added", target=item, actor=actor, summary=item.what, agency=session.agency.name)
    _notify_items(session, new_items)
    return new_items


def load_item(item_id: int) -> ActionItem | None:
    return db.session.scalar(select(ActionItem).options(
        joinedload(ActionItem.owner), joinedload(ActionItem.session).joinedload(CoachingSession.agency),
        joinedload(ActionItem.session).joinedload(CoachingSession.cycle)).where(ActionItem.id == item_id))


def set_done(item: ActionItem, done: bool, actor: User) -> bool:
    """Mark the item done or open again; returns whether it changed."""
    if not permissions.can_mark(actor, item, coach_of(item.session.agency_id, item.session.cycle)):
        raise NotAllowed()
    if item.done == done:
        return False
    item.done = done
    item.done_at, item.done_by_id = (utcnow(), actor.id) if done else (None, None)
    db.session.flush()
    audit.record("action_item_done" if done else "action_item_reopened", target=item, actor=actor,
                 summary=item.what, agency=item.session.agency.name)
    return True


def _items() -> Select:
    return (select(ActionItem).join(CoachingSession, CoachingSession.id == ActionItem.session_id)
            .options(joinedload(ActionItem.owner), joinedload(ActionItem.session).joinedload(CoachingSession.agency))
            .order_by(ActionItem.due_on, ActionItem.id))


def open_items_of_agencies(agency_ids: list[int]) -> list[ActionItem]:
    """The open action items of these agencies' sessions, soonest due first (one query)."""
    if not agency_ids:
        return []
    return list(db.session.scalars(_items().where(ActionItem.done.is_(False),
                                                  CoachingSession.agency_id.in_(agency_ids))))


def overdue_action_items(today: date) -> list[ActionItem]:
    """Every open action item due before `today`, its owner and session's agency loaded
    (send-reminders reminds their owners, DESIGN §11)."""
    return list(db.session.scalars(_items().where(and_(ActionItem.done.is_(False), ActionItem.due_on < today))))


# --- readiness ------------------------------------------------------------------------

def readiness_of(cycle: Cycle | None, agency_id: int) -> ReadinessAssessment | None:
    if cycle is None:
        return None
    return db.session.scalar(select(ReadinessAssessment).options(
        selectinload(ReadinessAssessment.answers), joinedload(ReadinessAssessment.filled_by))
        .where(ReadinessAssessment.cycle_id == cycle.id, ReadinessAssessment.agency_id == agency_id))


def save_readiness(cycle: Cycle, agency_id: int, actor: User,
                   answers: dict[str, tuple[int, str]]) -> tuple[ReadinessAssessment, bool]:
    """The agency's one assessment of the cycle, made or changed; (assessment, created).
    Refused once the cycle is closed, and for anyone outside the agency."""
    if not permissions.can_fill_readiness(actor, agency_id):
        raise NotAllowed()
    if cycle.closed:
        raise CoachingError(_("Siklus %(year)d sudah ditutup; penilaian kesiapannya tidak dapat diubah lagi.",
                              year=cycle.year))
    if set(answers) != set(READINESS_QUESTIONS):
        raise CoachingError(_("Jawab semua pertanyaan."))
    assessment = readiness_of(cycle, agency_id)
    created = assessment is None
    if created:
        assessment = ReadinessAssessment(cycle_id=cycle.id, agency_id=agency_id, filled_by_id=actor.id)
        db.session.add(assessment)
    have = assessment.by_question
    for code in READINESS_QUESTIONS:
        score, note = answers[code]
        answer = have.get(code)
        if answer is None:
            assessment.answers.append(ReadinessAnswer(question=code, score=score, note=note or ""))
        else:
            answer.score, answer.note = score, note or ""
    assessment.filled_by_id, assessment.updated_at = actor.id, utcnow()
    db.session.flush()
    agency = db.session.get(Agency, agency_id)
    audit.record("readiness_assessed" if created else "readiness_updated", target=assessment, actor=actor,
                 summary=agency.name, year=cycle.year, scores={code: answers[code][0] for code in READINESS_QUESTIONS})
    return assessment, created


def readiness_table(cycle: Cycle) -> tuple[list[ReadinessAssessment], list[Agency]]:
    """The city view: every assessment of the cycle (agency, answers and who filled it loaded), and the
    active agencies that have none yet. Three queries, however many agencies."""
    assessments = list(db.session.scalars(
        select(ReadinessAssessment).join(Agency, Agency.id == ReadinessAssessment.agency_id)
        .options(joinedload(ReadinessAssessment.agency), selectinload(ReadinessAssessment.answers))
        .where(ReadinessAssessment.cycle_id == cycle.id).order_by(Agency.name, Agency.id)))
    done = select(ReadinessAssessment.agency_id).where(ReadinessAssessment.cycle_id == cycle.id)
    missing = list(db.session.scalars(select(Agency).where(Agency.active.is_(True), Agency.id.not_in(done))
                                      .order_by(Agency.name, Agency.id)))
    return assessments, missing
