"""The demo data spans three years (issue 17, point 8): earlier cycles closed, innovations of
several agencies with result indicators and yearly reports of every status, by the rules of
app/results/rules.py; the demo innovator still owes this year's report; loading twice adds nothing."""
import csv
import io
from collections import Counter, defaultdict

import pytest
from sqlalchemy import func, select

from app import demo
from app.core.cycles import city_today
from app.core.extensions import db
from app.models import (
    APPROVED_STATUSES,
    REPORT_STATUSES,
    AuditEntry,
    Cycle,
    Proposal,
    ReportValue,
    ResultIndicator,
    Review,
    StatusChange,
    User,
    YearlyReport,
)
from app.results import demo as results_demo
from app.results.rules import missing_reports

MODELS = (Proposal, StatusChange, ResultIndicator, YearlyReport, ReportValue, AuditEntry, User, Cycle)


@pytest.fixture
def loaded(app_ctx):
    demo.load()
    db.session.commit()
    return {cycle.year: cycle for cycle in db.session.scalars(select(Cycle))}


def _submitted_by_year() -> dict[int, set[str]]:
    """Agency codes that submitted (not draft, not withdrawn) in each year."""
    found = defaultdict(set)
    for proposal in db.session.scalars(select(Proposal).where(Proposal.status.not_in(("draft", "withdrawn")))):
        found[proposal.cycle.year].add(proposal.agency.code)
    return found


def test_demo_spans_three_years_with_the_earlier_cycles_closed(loaded):
    year = city_today().year
    assert set(loaded) == {year, year - 1, year - 2}
    assert not loaded[year].closed and loaded[year - 1].closed and loaded[year - 2].closed
    submitted = _submitted_by_year()
    assert all(submitted[y] for y in loaded)
    # Some agencies innovate two years running, some only once, most never.
    years_per_agency = Counter(code for codes in submitted.values() for code in codes)
    assert any(count >= 2 for count in years_per_agency.values())
    assert sum(1 for count in years_per_agency.values() if count == 1) >= 3
    assert len(years_per_agency) < 15  # of the city's 60 agencies
    # Earlier cycles hold approved and implemented innovations of several agencies.
    earlier = db.session.scalars(select(Proposal).join(Cycle).where(
        Cycle.year < year, Proposal.status.in_(APPROVED_STATUSES))).all()
    assert {p.status for p in earlier} == set(APPROVED_STATUSES)
    assert len({p.agency_id for p in earlier}) >= 4
    assert any(p.on_showcase for p in earlier) and not all(p.on_showcase for p in earlier)


def test_earlier_innovations_history_is_dated_in_their_own_year(loaded):
    year = city_today().year
    for proposal in db.session.scalars(select(Proposal).join(Cycle).where(Cycle.year < year)):
        audit = db.session.scalars(select(AuditEntry.created_at).where(
            AuditEntry.target_type == "proposal", AuditEntry.target_id == proposal.id)).all()
        reviews = db.session.scalars(select(Review.created_at).where(Review.proposal_id == proposal.id)).all()
        assert audit and reviews
        moments = [proposal.created_at, proposal.submitted_at, *(c.created_at for c in proposal.status_changes),
                   *(a.created_at for a in proposal.attachments), *audit, *reviews]
        assert {m.year for m in moments} == {proposal.cycle.year}, proposal.title
        path = [c.to_status for c in proposal.status_changes]
        assert path[-1] == proposal.status
        if proposal.published:
            assert proposal.published_at.year == proposal.cycle.year


def test_every_report_status_is_present_and_reports_keep_the_rules(loaded):
    reports = db.session.scalars(select(YearlyReport)).all()
    assert {r.status for r in reports} == set(REPORT_STATUSES)
    per_proposal = defaultdict(list)
    for report in reports:
        assert report.proposal.status in APPROVED_STATUSES
        assert report.cycle.year > report.proposal.cycle.year  # later cycles only
        assert report.reporter.agency_id == report.proposal.agency_id
        if report.status == "stopped":
            assert report.reason.strip()
        per_proposal[report.proposal_id].append(report)
    for proposal_reports in per_proposal.values():
        years = sorted(r.cycle.year for r in proposal_reports)
        assert len(years) == len(set(years))  # one per cycle
        stopped = [r.cycle.year for r in proposal_reports if r.status == "stopped"]
        assert not stopped or max(years) == stopped[0]  # nothing after a stop


def test_charts_have_two_or_three_points(loaded):
    """Each reported innovation has 1-3 indicators, every report a value for each, and one
    innovation two actual values per indicator (with its baseline: three points)."""
    values = defaultdict(list)
    for indicator_id, year in db.session.execute(
            select(ReportValue.indicator_id, Cycle.year).join(YearlyReport, YearlyReport.id == ReportValue.report_id)
            .join(Cycle, Cycle.id == YearlyReport.cycle_id)):
        values[indicator_id].append(year)
    for report in db.session.scalars(select(YearlyReport)):
        indicators = db.session.scalars(select(ResultIndicator).where(ResultIndicator.proposal_id == report.proposal_id)).all()
        assert 1 <= len(indicators) <= 3
        assert {v.indicator_id for v in report.values} == {i.id for i in indicators}
    twice = db.session.scalar(select(Proposal).where(Proposal.title == results_demo.TWO_REPORTS_TITLE))
    indicators = db.session.scalars(select(ResultIndicator).where(ResultIndicator.proposal_id == twice.id)).all()
    assert indicators and all(len(values[i.id]) == 2 for i in indicators)
    assert twice.on_showcase


def test_the_demo_innovator_owes_this_years_report(loaded):
    year = city_today().year
    innovator = db.session.scalar(select(User).where(User.email == "inovator@demo.apusida.id"))
    due = db.session.scalars(missing_reports(loaded[year]).where(Proposal.agency_id == innovator.agency_id)).all()
    assert results_demo.DUE_REPORT_TITLE in [p.title for p in due]
    (owed,) = [p for p in due if p.title == results_demo.DUE_REPORT_TITLE]
    assert owed.cycle.year == year - 1 and owed.on_showcase  # its public chart gains the new point
    assert db.session.scalars(select(ResultIndicator).where(ResultIndicator.proposal_id == owed.id)).all()
    # Stopped innovations owe nothing more.
    stopped = db.session.scalar(select(Proposal).where(Proposal.title == results_demo.STOPPED_TITLE))
    assert stopped not in db.session.scalars(missing_reports(loaded[year])).all()


def test_loading_the_demo_twice_adds_nothing(loaded):
    counts = [db.session.scalar(select(func.count()).select_from(model)) for model in MODELS]
    demo.load()
    db.session.commit()
    assert [db.session.scalar(select(func.count()).select_from(model)) for model in MODELS] == counts


def test_demo_results_reach_the_open_data(client, loaded):
    rows = list(csv.DictReader(io.StringIO(client.get("/open-data/results.csv").get_data(as_text=True))))
    titles = {row["title"] for row in rows if row["actual"]}
    assert results_demo.TWO_REPORTS_TITLE in titles
    assert "Antar Dokumen Kecamatan ke Rumah" not in {row["title"] for row in rows}  # never published
    statuses = {item["latest_report_status"] for item in client.get("/open-data/innovations.json").get_json()["innovations"]}
    assert {"continuing", "developed", "stopped", None} <= statuses
