"""Cost stays flat as data grows: each page issues the same number of SQL
statements on the demo data and on the demo data plus a large generated set
(hundreds of proposals, thousands of votes, reviews, comments, registrations)."""
from collections import defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import delete, insert, select, update

from app import demo
from app.core.extensions import db
from app.demo.large import load_large
from app.models import (
    APPROVED_STATUSES,
    Comment,
    Cycle,
    Event,
    Proposal,
    ProposalSdg,
    ReportValue,
    ResultIndicator,
    StatusChange,
    TeamMember,
    User,
    Vote,
    YearlyReport,
)
from app.models._types import utcnow
from tests.conftest import login

VIEWER = ("inovator@demo.apusida.id", "inovator-demo-2026")
ADMIN = ("admin@demo.apusida.id", "admin-demo-2026")


def _target() -> Proposal:
    """A demo proposal of another agency than the viewer's, already decided."""
    viewer = db.session.scalar(select(User).where(User.email == VIEWER[0]))
    return db.session.scalar(select(Proposal).where(Proposal.status.in_(("approved", "implemented")),
                                                    Proposal.agency_id != viewer.agency_id).order_by(Proposal.id))


def _grow(target_id: int) -> None:
    """The large set, plus a long discussion, timeline and many votes on the target proposal itself."""
    load_large(300, 3000, seed=3)
    users = db.session.scalars(select(User.id).where(User.email.like("pemilih-%")).limit(60)).all()
    now = utcnow()
    db.session.execute(insert(Comment), [dict(proposal_id=target_id, author_id=u, body=f"Komentar {i}",
                                              created_at=now + timedelta(seconds=i)) for i, u in enumerate(users)])
    db.session.execute(insert(StatusChange), [dict(proposal_id=target_id, actor_id=u, from_status="approved",
                                                   to_status="approved", note="", created_at=now)
                                              for u in users[:10]])
    voted = set(db.session.scalars(select(Vote.user_id).where(Vote.proposal_id == target_id)))
    db.session.execute(insert(Vote), [dict(proposal_id=target_id, user_id=u) for u in users if u not in voted])
    _grow_results(now)
    _grow_competition_fields(target_id)
    _grow_plan(target_id, users, now)


def _grow_plan(target_id: int, users: list[int], now) -> None:
    """The target's action plan full (issue 20): twenty milestones, half done by different people."""
    from app.models import Milestone

    db.session.execute(delete(Milestone).where(Milestone.proposal_id == target_id))
    today = now.date()
    db.session.execute(insert(Milestone), [
        dict(proposal_id=target_id, what=f"Tonggak {n}", due_on=today + timedelta(days=n - 10),
             done_on=today if n % 2 else None, done_by_id=users[n] if n % 2 else None,
             created_at=now, updated_at=now, version=1) for n in range(20)])


def _grow_competition_fields(target_id: int) -> None:
    """Goals and a team on every proposal without them (issue 19), the target's the largest allowed."""
    without = db.session.scalars(select(Proposal.id).where(~Proposal.id.in_(select(ProposalSdg.proposal_id)))).all()
    db.session.execute(insert(ProposalSdg), [dict(proposal_id=p, goal=goal) for p in without
                                             for goal in ({1, 3, 6, 11, 16} if p == target_id else {3, 1 + p % 17})])
    db.session.execute(delete(TeamMember).where(TeamMember.proposal_id == target_id))
    unstaffed = db.session.scalars(select(Proposal.id).where(~Proposal.id.in_(select(TeamMember.proposal_id)))).all()
    db.session.execute(insert(TeamMember), [dict(proposal_id=p, position=n, name=f"Anggota {p}-{n}", role="Anggota")
                                            for p in unstaffed for n in range(1, (20 if p == target_id else 3) + 1)])


def _grow_results(now) -> None:
    """Two result indicators on each approved or implemented innovation of the large set, and a
    report with both values for every later cycle (open data's results and latest status)."""
    cycles = dict(db.session.execute(select(Cycle.id, Cycle.year)).all())
    innovations = db.session.execute(select(Proposal.id, Proposal.cycle_id, Proposal.author_id).where(
        Proposal.status.in_(APPROVED_STATUSES),
        ~Proposal.id.in_(select(ResultIndicator.proposal_id)))).all()
    indicators = [dict(proposal_id=p, name=f"Indikator {n}", unit="hari", baseline=14, target=3, direction="down",
                       position=n, created_at=now, updated_at=now) for p, _c, _a in innovations for n in (1, 2)]
    db.session.execute(insert(ResultIndicator), indicators)
    reports = [dict(proposal_id=p, cycle_id=later, status="continuing", reason="", reporter_id=author,
                    reported_at=now, updated_at=now, version=1)
               for p, cycle_id, author in innovations for later, year in cycles.items() if year > cycles[cycle_id]]
    db.session.execute(insert(YearlyReport), reports)
    indicator_ids = defaultdict(list)
    for indicator_id, proposal_id in db.session.execute(select(ResultIndicator.id, ResultIndicator.proposal_id)):
        indicator_ids[proposal_id].append(indicator_id)
    db.session.execute(insert(ReportValue), [
        dict(report_id=report_id, indicator_id=indicator_id, actual=7.5)
        for report_id, proposal_id in db.session.execute(select(YearlyReport.id, YearlyReport.proposal_id).where(
            ~YearlyReport.id.in_(select(ReportValue.report_id))))
        for indicator_id in indicator_ids[proposal_id]])


def _pages(target: Proposal, event_id: int) -> dict:
    return {
        "showcase": ("/", {}, False),
        "showcase filtered": ("/?type=digital&q=layanan", {}, False),
        # The competition fields (issue 19): by one goal, and a search that names goals.
        "showcase by goal": ("/?sdg=3", {}, False),
        "showcase goal search": ("/?q=kesehatan", {}, False),
        "innovation page": (f"/innovations/{target.id}", {}, False),
        "proposal list": ("/proposals/?q=layanan&status=approved&innovation_type=digital", {}, True),
        "proposal list unfiltered": ("/proposals/", {}, True),
        "proposal page": (f"/proposals/{target.id}", {}, True),
        "leaderboard": ("/leaderboard", {}, False),
        "leaderboard fragment": ("/leaderboard", {"HX-Request": "true"}, False),
        # Participation across years (issue 17): every agency by every year, and one kind of them.
        "trend": ("/leaderboard/trend", {}, False),
        "trend fragment": ("/leaderboard/trend?kind=kelurahan", {"HX-Request": "true"}, True),
        "events list": ("/events", {}, False),
        "event page": (f"/events/{event_id}", {}, True),
        # The admin's decision queue (issue 16): awaiting decisions, publications, this week, targets.
        "admin dashboard": ("/dashboard", {}, ADMIN),
        "reviewer dashboard": ("/dashboard", {}, ("penilai@demo.apusida.id", "penilai-demo-2026")),
        # Open data (issue 17): the results of every published innovation, the latest yearly status.
        "open data results": ("/open-data/results.csv", {}, False),
        "open data innovations": ("/open-data/innovations.json", {}, False),
        "open data csv": ("/open-data/innovations.csv", {}, False),
        "profile pdf": (f"/proposals/{target.id}/profile.pdf", {}, ADMIN),
        # Yearly reports (issue 17): one innovation's reports, and the city's list for admins.
        "reports page": (f"/proposals/{target.id}/reports", {}, ADMIN),
        "city reports": ("/reports", {}, ADMIN),
        "indicators page": (f"/proposals/{target.id}/indicators", {}, ADMIN),
        "plan page": (f"/proposals/{target.id}/plan", {}, ADMIN),
        # The national index simulator (issue 18): every innovation of the cycle, its claims, the region's.
        "index simulator": ("/admin/index", {}, ADMIN),
    }


PAGES = ["showcase", "showcase filtered", "showcase by goal", "showcase goal search", "innovation page",
         "proposal list", "proposal list unfiltered",
         "proposal page", "leaderboard", "leaderboard fragment", "trend", "trend fragment", "events list", "event page",
         "admin dashboard", "reviewer dashboard", "open data results", "open data innovations", "reports page",
         "city reports", "indicators page", "plan page", "index simulator", "open data csv", "profile pdf"]


@pytest.mark.parametrize("page", PAGES)
def test_page_query_count_is_the_same_for_small_and_large_data(app, client, count_queries, page):
    with app.app_context():
        demo.load()
        target = _target()
        target.published = True
        event_id = db.session.scalar(select(Event.id).order_by(Event.id))
        path, headers, needs_login = _pages(target, event_id)[page]
        target_id = target.id
        db.session.commit()
    if needs_login:
        login(client, *(VIEWER if needs_login is True else needs_login))

    def measure():
        with app.app_context():
            # A change each time (the data version renews): a fresh page, not the shared copy.
            db.session.execute(update(Proposal).where(Proposal.id == target_id).values(updated_at=utcnow()))
            db.session.commit()
        with count_queries() as counter:
            response = client.get(path, headers=headers)
        assert response.status_code == 200, page
        return counter

    measure()  # warm-up: templates compile on the first request
    small = measure()
    with app.app_context():
        _grow(target_id)
        db.session.commit()
    large = measure()
    assert large.count == small.count, large.statements
