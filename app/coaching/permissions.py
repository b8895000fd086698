"""Who may see and do what in coaching (DESIGN §1, §11). Used by views and templates; every
view checks these on the server. `assignment` is the agency's CoachAssignment of the cycle
concerned (or None): callers load it once (services.coach_of)."""
from app.models import ActionItem, Agency, CoachAssignment, CoachingSession, User


def is_member_of(user: User, agency_id: int) -> bool:
    """The user works at the agency."""
    return bool(user.is_authenticated and user.agency_id is not None and user.agency_id == agency_id)


def is_coach(user: User, assignment: CoachAssignment | None) -> bool:
    return bool(user.is_authenticated and assignment is not None and assignment.coach_id == user.id)


def may_coach(user: User) -> bool:
    """Who an admin may assign as a coach: an active reviewer (DESIGN §11: a LAN mentor, the lab team)."""
    return bool(user.active and user.role == "reviewer")


def can_see_agency(user: User, agency: Agency, assignment: CoachAssignment | None) -> bool:
    """An agency's coaching page and its sessions: its coach, admins and the agency's own members."""
    return bool(user.is_authenticated and (user.is_admin or is_coach(user, assignment)
                                           or is_member_of(user, agency.id)))


def can_record(user: User, assignment: CoachAssignment | None) -> bool:
    """Record a session with the agency, add action items: its coach, or an admin."""
    return bool(user.is_authenticated and (user.is_admin or is_coach(user, assignment)))


def can_edit_session(user: User, session: CoachingSession, assignment: CoachAssignment | None) -> bool:
    """Correct a session: who recorded it, the agency's coach of its cycle, or an admin."""
    return bool(user.is_authenticated and (can_record(user, assignment) or session.coach_id == user.id))


def can_mark(user: User, item: ActionItem, assignment: CoachAssignment | None) -> bool:
    """Mark an action item done or open again: its owner, the agency's members, the coach
    (of the session's cycle, or who recorded it), admins."""
    if not user.is_authenticated:
        return False
    return (user.is_admin or item.owner_id == user.id or is_member_of(user, item.session.agency_id)
            or is_coach(user, assignment) or item.session.coach_id == user.id)


def can_fill_readiness(user: User, agency_id: int | None) -> bool:
    """The readiness self-assessment is the agency's own: filled by its members."""
    return agency_id is not None and is_member_of(user, agency_id)
