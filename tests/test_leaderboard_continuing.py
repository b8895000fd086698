"""The leaderboard's points for innovations still in use (issue 17 point 5, DESIGN §8): 2 points per
innovation of an earlier cycle reported continuing or developed in the board's cycle."""
from app.core.cycles import city_today
from app.core.extensions import db
from app.leaderboard.services import POINTS_CONTINUING, compute_board

THIS_YEAR = city_today().year  # the city's year (WIB), as the app counts it


def _standing(board, agency):
    return next(s for s in board.standings if s.agency_id == agency.id)


def test_continuing_and_developed_reports_earn_two_points_each(make):
    cycle = make.cycle_of(THIS_YEAR)
    agency = make.agency(name="Dinas Berlanjut")
    for status in ("continuing", "developed"):
        make.yearly_report(make.earlier_innovation(agency_=agency), cycle, status=status)
    db.session.commit()
    standing = _standing(compute_board(cycle), agency)
    assert (standing.continuing, standing.points) == (2, 2 * POINTS_CONTINUING)


def test_stopped_reports_and_reports_of_other_cycles_earn_nothing(make):
    cycle = make.cycle_of(THIS_YEAR)
    agency = make.agency(name="Dinas Berhenti")
    make.yearly_report(make.earlier_innovation(agency_=agency), cycle, status="stopped")
    older = make.earlier_innovation(agency_=agency, years_ago=2)
    make.yearly_report(older, make.cycle_of(THIS_YEAR - 1), status="continuing")
    db.session.commit()
    standing = _standing(compute_board(cycle), agency)
    assert (standing.continuing, standing.points) == (0, 0)
    last_year = _standing(compute_board(make.cycle_of(THIS_YEAR - 1)), agency)
    assert last_year.continuing == 1


def test_the_board_shows_the_count_and_says_how_it_counts(client, make):
    cycle = make.cycle_of(THIS_YEAR)
    agency = make.agency(name="Dinas Tetap Jalan")
    make.yearly_report(make.earlier_innovation(agency_=agency), cycle)
    db.session.commit()
    html = client.get(f"/leaderboard?cycle={THIS_YEAR}").get_data(as_text=True)
    row = html[html.index("Dinas Tetap Jalan"):]
    row = row[:row.index("</tr>")]
    assert 'data-label="Berlanjut">1</td>' in row and "<strong>2</strong>" in row
    assert "dilaporkan berlanjut atau dikembangkan tahun ini" in html


def test_the_yearly_report_carries_the_count(client, make):
    from io import BytesIO

    from openpyxl import load_workbook

    cycle = make.cycle_of(THIS_YEAR)
    agency = make.agency(code="TETAP", name="Dinas Tetap Jalan")
    make.yearly_report(make.earlier_innovation(agency_=agency), cycle, status="developed")
    admin = make.user(role="admin")
    db.session.commit()
    from tests.conftest import login
    login(client, admin)
    response = client.get(f"/leaderboard/report-{THIS_YEAR}.xlsx")
    rows = list(load_workbook(BytesIO(response.data))["Peringkat"].iter_rows(values_only=True))
    assert rows[0][-1] == "Inovasi tahun sebelumnya yang berlanjut"
    row = next(row for row in rows[1:] if row[1] == "TETAP")
    assert (row[-1], row[9]) == (1, 2)
