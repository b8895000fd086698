"""A shorter leaderboard (issue 16, point 10): zero-point agencies folded under one
line, every agency named once, the points rule near the top; past events show no seats."""
import re

from app.core.extensions import db
from tests import factories


def _board(make, target=1, idle=3):
    cycle = make.cycle(year=2026, target_per_agency=target)
    busy = make.agency(name="Dinas Sibuk")
    make.proposal(agency_=busy, cycle_=cycle, status="approved")
    halfway = make.agency(name="Dinas Setengah")
    make.proposal(agency_=halfway, cycle_=cycle, status="submitted")
    idle_agencies = [make.agency(name=f"Kelurahan Diam {n}", kind="kelurahan") for n in range(idle)]
    db.session.commit()
    return cycle, busy, halfway, idle_agencies


def _visible_text(html: str) -> str:
    """The page without the SVG chart's hidden description and the tags."""
    return re.sub(r"<[^>]+>", " ", html)


def test_agencies_without_points_fold_under_one_line(client, make):
    _board(make, idle=3)
    html = client.get("/leaderboard?cycle=2026").get_data(as_text=True)
    details = re.search(r'<details class="unranked"[^>]*>(.*?)</details>', html, re.DOTALL)
    assert details, "the zero-point agencies are folded in a <details>"
    assert "3 perangkat daerah belum mengajukan: lihat daftar" in details.group(1)
    assert all(f"Kelurahan Diam {n}" in details.group(1) for n in range(3))
    table = re.search(r'<table class="leaderboard-table[^"]*">(.*?)</table>', html, re.DOTALL).group(1)
    assert "Kelurahan Diam" not in table and "Dinas Sibuk" in table and "Dinas Setengah" in table
    # The table has no line of zeros any more.
    assert re.findall(r'<td class="numeric"[^>]*><strong>(\d+)</strong></td>', table) == ["4", "1"]


def test_every_agency_is_named_once_on_the_page(client, make):
    _board(make, target=2, idle=2)
    html = client.get("/leaderboard?cycle=2026").get_data(as_text=True)
    text = _visible_text(html)
    for name in ("Dinas Sibuk", "Dinas Setengah", "Kelurahan Diam 0", "Kelurahan Diam 1"):
        assert len(re.findall(re.escape(name) + r"\b", text)) == 1, name
    # Below target but in the table: counted in the not-met section, marked in the table.
    assert "Belum mencapai target (4)" in html
    assert "2 perangkat daerah di tabel di atas sudah mengajukan" in html
    assert "1 dari 2" in html


def test_points_rule_is_a_short_line_near_the_top_with_a_link(client, make):
    _board(make)
    html = client.get("/leaderboard?cycle=2026").get_data(as_text=True)
    line = re.search(r'<p class="points-summary">(.*?)</p>', html, re.DOTALL)
    assert line and 'href="#points-rules"' in line.group(1)
    assert "1 per inovasi diajukan, 3 per disetujui, 5 lagi per diterapkan, 2 per inovasi tahun sebelumnya yang berlanjut, 1 per 10 dukungan" in line.group(1)
    assert html.index('class="points-summary"') < html.index('id="ranking-title"')
    assert 'id="points-rules"' in html


def test_the_poll_fragment_is_short_too_and_keeps_its_etag(client, make):
    _board(make, idle=2)
    first = client.get("/leaderboard?cycle=2026", headers={"HX-Request": "true"})
    fragment = first.get_data(as_text=True)
    assert "<html" not in fragment and "2 perangkat daerah belum mengajukan: lihat daftar" in fragment
    again = client.get("/leaderboard?cycle=2026", headers={"HX-Request": "true", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_english_board_counts_in_the_right_plural(client, make):
    cycle = make.cycle(year=2026)
    make.proposal(agency_=make.agency(name="Dinas Satu"), cycle_=cycle, status="submitted")
    make.agency(name="Kelurahan Sepi", kind="kelurahan")
    db.session.commit()
    with client.session_transaction() as session:
        session["lang"] = "en"
    html = client.get("/leaderboard?cycle=2026").get_data(as_text=True)
    assert "1 agency has not submitted yet: see the list" in html
    assert "Rank 1: 1 point" in html and "1 points" not in html


def test_past_events_show_no_seats_left(client):
    past = factories.event(title="Drum-up Lalu", capacity=20, days_ahead=-20)
    upcoming = factories.event(title="Diagnose Nanti", capacity=20, days_ahead=10)
    db.session.commit()
    listing = client.get("/events").get_data(as_text=True)
    past_card = listing[listing.index("Drum-up Lalu"):]
    assert "kursi tersisa" not in past_card.split("</li>")[0]
    upcoming_card = listing[listing.index("Diagnose Nanti"):]
    assert "20 kursi tersisa" in upcoming_card.split("</li>")[0]
    page = client.get(f"/events/{past.id}").get_data(as_text=True)
    assert "kursi tersisa" not in page and "Kegiatan sudah selesai; 0 peserta terdaftar." in page
    assert "20 dari 20 kursi tersisa" in client.get(f"/events/{upcoming.id}").get_data(as_text=True)


def test_an_admin_sees_each_agency_once_with_the_maturity_summary(client, make, login_as):
    from app.maturity import services

    cycle = make.cycle(year=2026)
    services.load_indicators()
    make.proposal(agency_=make.agency(name="Dinas Matang"), cycle_=cycle, status="approved")
    db.session.commit()
    login_as("admin")
    html = client.get("/leaderboard?cycle=2026").get_data(as_text=True)
    assert 'id="maturity-board-title"' in html and "Rincian per inovasi" in html
    assert len(re.findall(r"Dinas Matang\b", _visible_text(html))) == 1
