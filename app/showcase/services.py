"""Queries for the public showcase and the open data.

Everything here starts from `published_proposals()`: the only proposals the
public may ever see (published by an admin AND approved or implemented).
Nothing reads reviews, comments, individual votes or voters.
"""
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, false, func, or_, select, true
from sqlalchemy.orm import aliased, joinedload, selectinload

from app.core.cycles import CITY_TIMEZONE
from app.core.extensions import db
from app.core.sdgs import goals_matching
from app.models import (
    APPROVED_STATUSES,
    Agency,
    Cycle,
    Proposal,
    ProposalSdg,
    ReportValue,
    ResultIndicator,
    TeamMember,
    YearlyReport,
    vote_count_query,
)
from app.proposals import search
from app.results.rules import latest_reports

# Public open-data columns, in order: DESIGN §2's field names plus a few facts.
OPEN_DATA_FIELDS = (
    "id", "title", "summary", "problem", "design", "goals", "benefits", "results", "maturity", "initiator",
    "innovation_type", "form", "affair", "trial_date", "implementation_date", "contact", "lab_stage", "status",
    "agency", "agency_name", "year", "replicates", "published_at", "votes",
    # The newest yearly report (DESIGN §8): continuing, developed or stopped, and its cycle's year.
    "latest_report_status", "latest_report_year",
    # For the national competitions (DESIGN §10): the goals' numbers, the video's address, the team.
    "sdg_goals", "video_url", "team",
)
# How the CSV writes the fields that hold lists (the JSON keeps them as lists): goals as
# "3;11", the team a member a line, "Name — Role", as the form takes it.
SDG_SEPARATOR = ";"
TEAM_SEPARATOR = " — "

# results.csv: one row per published innovation, result indicator and reported year (DESIGN §8).
RESULTS_FIELDS = (
    "innovation", "title", "agency", "indicator", "unit", "baseline", "target", "direction", "year", "actual",
    "report_status",
)


def is_public():
    """SQL condition: a proposal the public may see."""
    # "published = true", not "IS true": PostgreSQL's B-tree indexes serve only the former.
    return and_(Proposal.published == true(), Proposal.status.in_(APPROVED_STATUSES))


def published_proposals():
    """The only proposals the public may ever see."""
    return select(Proposal).where(is_public())


@dataclass
class ShowcaseFilters:
    year: int | None = None
    agency: str | None = None
    affair: str | None = None
    stage: str | None = None
    innovation_type: str | None = None
    sdg: int | None = None
    q: str = ""

    @property
    def active(self) -> bool:
        return any((self.year, self.agency, self.affair, self.stage, self.innovation_type, self.sdg, self.q))


def _serving(goals) -> object:
    """SQL condition: a proposal that serves one of `goals` (ix_proposal_sdg_goal answers it)."""
    return Proposal.id.in_(select(ProposalSdg.proposal_id).where(ProposalSdg.goal.in_(goals)))


def showcase_query(filters: ShowcaseFilters):
    """Published innovations matching the filters, agency eager-loaded: the best match first for
    a search, then the newest publication first."""
    # No inner joins: the year, agency and goal filters are subqueries, so the
    # planner walks ix_proposal_showcase in publication order and stops after a
    # page; agency and cycle come by LEFT JOINs that cannot reorder that walk,
    # the goals the cards show by one more query for the whole page.
    stmt = published_proposals().options(joinedload(Proposal.agency), joinedload(Proposal.cycle),
                                         selectinload(Proposal.sdg_links))
    if filters.year:
        stmt = stmt.where(Proposal.cycle_id.in_(select(Cycle.id).where(Cycle.year == filters.year)))
    if filters.agency:
        stmt = stmt.where(Proposal.agency_id.in_(select(Agency.id).where(Agency.code == filters.agency)))
    if filters.affair:
        stmt = stmt.where(Proposal.affair == filters.affair)
    if filters.stage:
        stmt = stmt.where(Proposal.lab_stage == filters.stage)
    if filters.innovation_type:
        stmt = stmt.where(Proposal.innovation_type == filters.innovation_type)
    if filters.sdg:
        stmt = stmt.where(_serving([filters.sdg]))
    order = (Proposal.published_at.desc(), Proposal.id.desc())
    if filters.q:
        # The proposal list's full-text search (stemmed, ranked), over public rows only.
        found = search.matches(db.engine.dialect.name, filters.q, narrowing=(is_public(),))
        # A goal named in the search ("kemiskinan", "TPB 3") finds the innovations that serve it.
        goals = goals_matching(filters.q, stem=search.stem)
        if found is not None and goals:
            stmt = stmt.outerjoin(found, found.c.id == Proposal.id).where(
                or_(found.c.id.is_not(None), _serving(goals)))
            order = (func.coalesce(found.c.score, 0).desc(), *order)
        elif found is not None:
            stmt = stmt.join(found, found.c.id == Proposal.id)
            order = (found.c.score.desc(), *order)
        else:  # no word to search for: only a goal named by its number can match
            stmt = stmt.where(_serving(goals) if goals else false())
    return stmt.order_by(*order)


def search_snippets(proposals, query: str) -> dict:
    """For a search, a snippet of each shown innovation's summary or narrative, the matching
    words marked (app.proposals.search); no queries."""
    if not query:
        return {}
    return {proposal.id: search.snippet((proposal.summary, proposal.design), query) for proposal in proposals}


def filter_choices() -> dict:
    """Years and agencies that have published innovations (two queries).

    EXISTS per cycle and per agency stops at the first public row found, so the
    cost follows the number of cycles and agencies, not of proposals."""
    years = db.session.scalars(
        select(Cycle.year).where(select(Proposal.id).where(Proposal.cycle_id == Cycle.id, is_public()).exists())
        .order_by(Cycle.year.desc())
    ).all()
    agencies = db.session.execute(
        select(Agency.code, Agency.name)
        .where(select(Proposal.id).where(Proposal.agency_id == Agency.id, is_public()).exists())
        .order_by(Agency.name)
    ).all()
    return {"years": years, "agencies": agencies}


def load_public(proposal_id: int) -> Proposal | None:
    """One published innovation with its agency, cycle, goals and team, or None."""
    return db.session.scalar(
        published_proposals().where(Proposal.id == proposal_id)
        .options(joinedload(Proposal.agency), joinedload(Proposal.cycle), selectinload(Proposal.sdg_links),
                 selectinload(Proposal.team_members))
    )


def public_replicate(proposal: Proposal) -> Proposal | None:
    """The innovation this one copies, only if that one is public too."""
    if proposal.replicates_id is None:
        return None
    return load_public(proposal.replicates_id)


def _goals_and_teams(public_ids) -> tuple[dict[int, list[int]], dict[int, list[dict]]]:
    """The goals and the team of each published innovation (two queries, whatever their number)."""
    goals, teams = defaultdict(list), defaultdict(list)
    for proposal_id, goal in db.session.execute(
            select(ProposalSdg.proposal_id, ProposalSdg.goal).where(ProposalSdg.proposal_id.in_(public_ids))
            .order_by(ProposalSdg.proposal_id, ProposalSdg.goal)):
        goals[proposal_id].append(goal)
    for proposal_id, name, role in db.session.execute(
            select(TeamMember.proposal_id, TeamMember.name, TeamMember.role).where(
                TeamMember.proposal_id.in_(public_ids)).order_by(TeamMember.proposal_id, TeamMember.position)):
        teams[proposal_id].append({"name": name, "role": role})
    return goals, teams


def open_data_rows(limit: int | None = None) -> list[dict]:
    """Every published innovation as a dict of OPEN_DATA_FIELDS (three queries: the rows, their
    goals and their teams)."""
    votes = vote_count_query().subquery("votes")
    latest = latest_reports().subquery("latest_report")
    original = aliased(Proposal)
    stmt = (
        select(Proposal, Agency.code, Agency.name, Cycle.year, original.id, func.coalesce(votes.c.votes, 0),
               latest.c.status, latest.c.year)
        .join(Agency, Agency.id == Proposal.agency_id)
        .join(Cycle, Cycle.id == Proposal.cycle_id)
        .outerjoin(votes, votes.c.proposal_id == Proposal.id)
        .outerjoin(latest, latest.c.proposal_id == Proposal.id)
        .outerjoin(original, and_(original.id == Proposal.replicates_id, original.published.is_(True),
                                  original.status.in_(APPROVED_STATUSES)))
        .where(is_public())
        .order_by(Proposal.published_at.desc(), Proposal.id.desc())
    )
    if limit:
        stmt = stmt.limit(limit)
    found = db.session.execute(stmt).all()
    goals, teams = _goals_and_teams(select(Proposal.id).where(is_public())) if found else ({}, {})
    rows = []
    for (proposal, agency_code, agency_name, year, replicates, vote_count, report_status,
         report_year) in found:
        rows.append({
            "id": proposal.id, "title": proposal.title, "summary": proposal.summary, "problem": proposal.problem,
            "design": proposal.design, "goals": proposal.goals, "benefits": proposal.benefits,
            "results": proposal.results, "maturity": proposal.maturity, "initiator": proposal.initiator,
            "innovation_type": proposal.innovation_type, "form": proposal.form, "affair": proposal.affair,
            "trial_date": proposal.trial_date.isoformat() if proposal.trial_date else None,
            "implementation_date": proposal.implementation_date.isoformat() if proposal.implementation_date else None,
            "contact": proposal.contact, "lab_stage": proposal.lab_stage, "status": proposal.status,
            "agency": agency_code, "agency_name": agency_name, "year": year, "replicates": replicates,
            # in WIB with its offset (+07:00), like every time the lab shows; still ISO 8601
            "published_at": proposal.published_at.astimezone(CITY_TIMEZONE).isoformat() if proposal.published_at else None,
            "votes": int(vote_count),
            "latest_report_status": report_status, "latest_report_year": report_year,
            "sdg_goals": goals.get(proposal.id, []), "video_url": proposal.video_url or None,
            "team": teams.get(proposal.id, []),
        })
    return rows


def open_data_csv_row(row: dict) -> list:
    """One open-data row as CSV cells, in OPEN_DATA_FIELDS order: the lists written out as text."""
    cells = []
    for field in OPEN_DATA_FIELDS:
        value = row[field]
        if field == "sdg_goals":
            value = SDG_SEPARATOR.join(str(goal) for goal in value)
        elif field == "team":
            value = "\n".join(f"{member['name']}{TEAM_SEPARATOR}{member['role']}" for member in value)
        cells.append(value)
    return cells


def open_number(value: float | None) -> int | float | None:
    """A value as open data writes it: a whole number without ".0", else the float itself. Never
    formatted for a language: dot decimals, no thousands separators, whatever the reader's locale."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def results_rows() -> list[tuple]:
    """Every result indicator of every published innovation, one row per reported year
    (RESULTS_FIELDS, one query). An indicator without a report yet has one row with an
    empty year and actual, so its baseline and target are open data from the start."""
    stmt = (
        select(Proposal.id, Proposal.title, Agency.code, ResultIndicator.name, ResultIndicator.unit,
               ResultIndicator.baseline, ResultIndicator.target, ResultIndicator.direction, Cycle.year,
               ReportValue.actual, YearlyReport.status)
        .join(Proposal, Proposal.id == ResultIndicator.proposal_id)
        .join(Agency, Agency.id == Proposal.agency_id)
        .outerjoin(ReportValue, ReportValue.indicator_id == ResultIndicator.id)
        .outerjoin(YearlyReport, and_(YearlyReport.id == ReportValue.report_id,
                                      YearlyReport.proposal_id == Proposal.id))
        .outerjoin(Cycle, Cycle.id == YearlyReport.cycle_id)
        .where(is_public())
        .order_by(Proposal.id, ResultIndicator.position, ResultIndicator.id, Cycle.year)
    )
    return [(innovation, title, agency, indicator, unit, open_number(baseline), open_number(target), direction,
             year, open_number(actual), status)
            for innovation, title, agency, indicator, unit, baseline, target, direction, year, actual, status
            in db.session.execute(stmt)]
