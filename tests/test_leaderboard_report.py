"""The admins' annual XLSX report."""
from io import BytesIO

from openpyxl import load_workbook

from app.core.extensions import db
from tests import factories


def _data(make):
    cycle = make.cycle(year=2026)
    agency = make.agency(name="Dinas Alpha", code="ALPHA")
    approved = make.proposal(agency_=agency, cycle_=cycle, status="approved", title="=HYPERLINK(\"x\")")
    factories.review(approved, score=4)
    factories.votes(approved, 3)
    make.proposal(agency_=agency, cycle_=cycle, status="draft", title="Draf Alpha")
    make.agency(name="Dinas Bravo", code="BRAVO")
    db.session.commit()


def test_admin_downloads_a_workbook_with_proposals_and_leaderboard(client, make, login_as):
    _data(make)
    login_as("admin")
    response = client.get("/leaderboard/report-2026.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "no-store" in response.headers["Cache-Control"]
    workbook = load_workbook(BytesIO(response.data))
    assert workbook.sheetnames == ["Usulan", "Peringkat"]
    proposals = list(workbook["Usulan"].iter_rows(values_only=True))
    assert proposals[0][:5] == ("ID", "Judul", "Kode perangkat daerah", "Perangkat daerah", "Status")
    by_title = {row[1]: row for row in proposals[1:]}
    # A title that looks like a formula stays text.
    assert by_title['=HYPERLINK("x")'][4] == "Disetujui"
    assert by_title['=HYPERLINK("x")'][10:13] == (1, 80.0, 3)
    assert by_title["Draf Alpha"][4] == "Draf"
    standings = list(workbook["Peringkat"].iter_rows(values_only=True))
    assert [row[1] for row in standings[1:]] == ["ALPHA", "BRAVO"]
    assert standings[1][9] == 4  # 1 submitted + 3 approved
    assert standings[2][10] == "Tidak"


def test_report_is_for_admins_only(client, make, login_as):
    _data(make)
    assert client.get("/leaderboard/report-2026.xlsx").status_code == 302  # to the login page
    login_as("reviewer")
    assert client.get("/leaderboard/report-2026.xlsx").status_code == 403


def test_report_link_shows_only_for_admins(client, make, login_as):
    _data(make)
    assert "report-2026.xlsx" not in client.get("/leaderboard").get_data(as_text=True)
    login_as("admin")
    assert "report-2026.xlsx" in client.get("/leaderboard").get_data(as_text=True)
    assert client.get("/leaderboard/report-1999.xlsx").status_code == 404
