"""Leaderboard arithmetic, tie rules, participation and query count (DESIGN §3)."""
import re

import pytest
from sqlalchemy import func, select

from app.core.extensions import db
from app.leaderboard.services import compute_board
from app.models import Agency
from tests import factories


@pytest.fixture
def board_data(make):
    """A hand-made cycle where every figure is known in advance."""
    previous = make.cycle(year=2025)
    cycle = make.cycle(year=2026, target_per_agency=2)
    alpha = make.agency(name="Alpha")
    bravo = make.agency(name="Bravo")
    charlie = make.agency(name="Charlie")
    delta, echo, foxtrot = make.agency(name="Delta"), make.agency(name="Echo"), make.agency(name="Foxtrot")
    golf, hotel = make.agency(name="Golf"), make.agency(name="Hotel", kind="kelurahan")
    retired = make.agency(name="Aaa retired", active=False)

    # Alpha: 3 submitted (submitted, approved, implemented) + a draft and a withdrawn one.
    make.proposal(agency_=alpha, cycle_=cycle, status="submitted")
    approved = make.proposal(agency_=alpha, cycle_=cycle, status="approved")
    make.proposal(agency_=alpha, cycle_=cycle, status="implemented")
    make.proposal(agency_=alpha, cycle_=cycle, status="draft")
    withdrawn = make.proposal(agency_=alpha, cycle_=cycle, status="withdrawn")
    factories.votes(approved, 25)
    factories.votes(withdrawn, 5)  # withdrawn work earns nothing, its votes neither
    # Bravo: one implemented, 9 votes (not enough for a vote point); submitted last year too.
    bravo_one = make.proposal(agency_=bravo, cycle_=cycle, status="implemented")
    factories.votes(bravo_one, 9)
    make.proposal(agency_=bravo, cycle_=previous, status="approved")
    # Charlie: a rejected and an in-review proposal, exactly 10 votes.
    make.proposal(agency_=charlie, cycle_=cycle, status="rejected")
    charlie_two = make.proposal(agency_=charlie, cycle_=cycle, status="in_review")
    factories.votes(charlie_two, 10)
    # Delta, Echo, Foxtrot: 1 point each; the mean score breaks the tie, no score is lowest.
    delta_one = make.proposal(agency_=delta, cycle_=cycle, status="submitted")
    factories.review(delta_one, score=3)  # 60
    echo_one = make.proposal(agency_=echo, cycle_=cycle, status="in_review")
    factories.review(echo_one, score=3)
    factories.review(echo_one, score=4)  # mean (60 + 80) / 2 = 70
    make.proposal(agency_=foxtrot, cycle_=cycle, status="revision_requested")
    # Golf and Hotel: nothing this cycle, ordered by name. The retired agency is left out.
    make.proposal(agency_=retired, cycle_=cycle, status="implemented")
    make.proposal(agency_=golf, cycle_=previous, status="submitted")
    db.session.commit()
    return cycle


def test_points_and_figures_follow_the_formula(board_data):
    board = compute_board(board_data)
    by_name = {s.name: s for s in board.standings}
    alpha = by_name["Alpha"]
    assert (alpha.submitted, alpha.approved, alpha.implemented, alpha.votes) == (3, 2, 1, 25)
    assert alpha.points == 3 * 1 + 2 * 3 + 1 * 5 + 25 // 10 == 16
    bravo = by_name["Bravo"]
    assert (bravo.submitted, bravo.approved, bravo.implemented, bravo.votes, bravo.points) == (1, 1, 1, 9, 9)
    charlie = by_name["Charlie"]
    assert (charlie.submitted, charlie.approved, charlie.votes, charlie.points) == (2, 0, 10, 3)
    assert by_name["Echo"].mean_score == pytest.approx(70.0)
    assert by_name["Delta"].mean_score == pytest.approx(60.0)
    assert by_name["Foxtrot"].mean_score is None
    assert "Aaa retired" not in by_name


def test_ranking_breaks_ties_by_mean_score_then_name(board_data):
    board = compute_board(board_data)
    assert [s.name for s in board.standings] == [
        "Alpha", "Bravo", "Charlie", "Echo", "Delta", "Foxtrot", "Golf", "Hotel"]
    assert [s.rank for s in board.standings] == list(range(1, 9))


def test_participation_target_and_first_timers(board_data):
    board = compute_board(board_data)
    assert (board.participating, board.active_count) == (6, 8)
    assert board.share == pytest.approx(0.75)
    # Bravo and Golf submitted last year; Golf has nothing this year.
    assert {s.name for s in board.first_timers} == {"Alpha", "Charlie", "Delta", "Echo", "Foxtrot"}
    # Target is 2 this cycle.
    assert [s.name for s in board.not_met] == ["Bravo", "Delta", "Echo", "Foxtrot", "Golf", "Hotel"]


def test_kind_filter_keeps_only_that_kind(board_data):
    board = compute_board(board_data, kind="kelurahan")
    assert [s.name for s in board.standings] == ["Hotel"]


def test_page_explains_points_and_shows_chart_with_same_numbers(client, board_data):
    html = client.get("/leaderboard?cycle=2026").get_data(as_text=True)
    assert "Cara menghitung poin" in html
    assert "6 / 8" in html and "75%" in html
    assert 'role="img"' in html and "<title id=\"chart-title\">" in html
    # The chart's bar values are the table's points.
    chart_values = re.findall(r'class="bar-chart__value"[^>]*>(\d+)<', html)
    table_points = re.findall(r'<td class="numeric"[^>]*><strong>(\d+)</strong></td>', html)
    assert chart_values == [p for p in table_points if p != "0"] == ["16", "9", "3", "1", "1", "1"]
    assert "Pertama kali berinovasi" in html
    assert "Belum mencapai target (6)" in html
    assert "70,0" in html  # Echo's mean score, Indonesian decimal comma


def test_kind_filter_on_the_page_and_unknown_kind_is_ignored(client, board_data):
    html = client.get("/leaderboard?cycle=2026&kind=kelurahan").get_data(as_text=True)
    assert "Hotel" in html and "Alpha" not in html
    assert "Alpha" in client.get("/leaderboard?cycle=2026&kind=nonsense").get_data(as_text=True)


def test_unknown_cycle_is_404_and_no_cycle_says_so(client, make):
    assert client.get("/leaderboard?cycle=1999").status_code == 404
    html = client.get("/leaderboard").get_data(as_text=True)
    assert "Belum ada siklus" in html


def _agencies_with_activity(make, count, cycle):
    for n in range(count):
        agency = make.agency(name=f"Dinas {n:03d}", kind=("opd", "kecamatan", "kelurahan")[n % 3])
        proposal = make.proposal(agency_=agency, cycle_=cycle, status=("submitted", "approved", "implemented")[n % 3])
        if n % 4 == 0:
            factories.vote(proposal)
            factories.review(proposal, score=1 + n % 5)
    db.session.commit()


def test_board_query_count_does_not_grow_with_agencies(client, make, count_queries):
    cycle = make.cycle()
    _agencies_with_activity(make, 5, cycle)
    with count_queries() as small:
        assert client.get("/leaderboard").status_code == 200
        assert client.get("/leaderboard", headers={"HX-Request": "true"}).status_code == 200
    _agencies_with_activity(make, 95, cycle)
    db.session.commit()
    assert db.session.scalar(select(func.count(Agency.id))) == 100
    with count_queries() as large:
        assert client.get("/leaderboard").status_code == 200
        assert client.get("/leaderboard", headers={"HX-Request": "true"}).status_code == 200
    assert large.count == small.count
