"""The competition fields in public (issue 19 point 6): the showcase filters and searches by
Sustainable Development Goal, the innovation page shows the goals, the video link and the team,
open data carries them, the profile document holds them; and blind review hides the team."""
import csv
import io
import json
import re

import pytest

from app.core.extensions import db
from app.models import ProposalSdg, StatusChange, TeamMember
from app.proposals import services
from app.showcase.services import OPEN_DATA_FIELDS
from tests import factories
from tests.conftest import login
from tests.factories import PDF_BYTES
from tests.readable import text_of


def _with(proposal, goals=(), team=(), video_url=""):
    proposal.sdg_links.extend(ProposalSdg(goal=goal) for goal in goals)
    proposal.team_members.extend(TeamMember(position=n, name=name, role=role)
                                 for n, (name, role) in enumerate(team, start=1))
    proposal.video_url = video_url
    return proposal


@pytest.fixture
def innovations(make):
    make.cycle(year=2026)
    water = _with(factories.published(title="Air Bersih Kampung", summary="Sambungan air warga."), goals=(6, 3),
                  team=[("Budi Santoso", "Ketua tim"), ("Siti Aminah", "Analis data")],
                  video_url="https://youtu.be/abc123")
    poverty = _with(factories.published(title="Dapur Umum Lansia", summary="Makan siang lansia."), goals=(1, 2))
    plain = factories.published(title="Arsip Digital", summary="Arsip surat daring.")
    _with(make.proposal(status="approved", title="Belum Tayang"), goals=(6,))  # not published
    db.session.commit()
    return {"water": water, "poverty": poverty, "plain": plain}


def _titles(client, query: str) -> set[str]:
    html = client.get("/" + query, headers={"HX-Request": "true"}).get_data(as_text=True)
    return set(re.findall(r'<h2><a href="/innovations/\d+">([^<]+)</a></h2>', html))


def test_the_showcase_filters_by_goal(client, innovations):
    assert _titles(client, "?sdg=6") == {"Air Bersih Kampung"}
    assert _titles(client, "?sdg=1") == {"Dapur Umum Lansia"}
    assert _titles(client, "?sdg=13") == set()
    html = client.get("/?sdg=6").get_data(as_text=True)
    assert '<option value="6" selected>6. Air Bersih dan Sanitasi Layak</option>' in html
    assert "Hapus semua filter" in html


@pytest.mark.parametrize("value", ["99", "0", "enam", "6; DROP TABLE proposal", "-6", "1" * 40])
def test_an_unknown_goal_is_ignored_like_any_unknown_filter(client, innovations, value):
    response = client.get("/", query_string={"sdg": value})
    assert response.status_code == 200
    assert _titles(client, "?" + f"sdg={value}") == {"Air Bersih Kampung", "Dapur Umum Lansia", "Arsip Digital"}
    assert "Hapus semua filter" not in response.get_data(as_text=True)


@pytest.mark.parametrize("query, found", [
    ("kemiskinan", {"Dapur Umum Lansia"}),  # goal 1's Indonesian name
    ("kemiskinannya", {"Dapur Umum Lansia"}),  # its words by their stems (issue 22)
    ("sanitation", {"Air Bersih Kampung"}),  # goal 6's English name
    ("TPB 2", {"Dapur Umum Lansia"}),
    ("SDG 3", {"Air Bersih Kampung"}),
    ("arsip", {"Arsip Digital"}),  # the texts are still searched
])
def test_the_search_finds_innovations_by_the_goals_they_serve(client, innovations, query, found):
    assert _titles(client, "?" + f"q={query}") == found


def test_the_cards_and_the_innovation_page_show_the_fields(client, innovations):
    water = innovations["water"]
    html = client.get("/", headers={"HX-Request": "true"}).get_data(as_text=True)
    card = html[html.index("Air Bersih Kampung"):html.index("</li>\n", html.index("Sambungan air warga"))]
    assert "Kehidupan Sehat dan Sejahtera" in card and "Air Bersih dan Sanitasi Layak" in card
    html = client.get(f"/innovations/{water.id}").get_data(as_text=True)
    assert '<a class="video-link" href="https://youtu.be/abc123" rel="nofollow noopener noreferrer">' in html
    assert "<iframe" not in html
    assert re.search(r'<span class="team-list__name">Budi Santoso</span> — Ketua tim', html)
    assert "TPB 3" in html and "TPB 6" in html
    # The decree is internal: the public page neither names nor links it.
    page = client.get(f"/innovations/{innovations['plain'].id}").get_data(as_text=True)
    assert 'id="team"' not in page and "video-link" not in page


def test_the_card_shows_three_goals_and_counts_the_rest(client, make):
    make.cycle(year=2026)
    _with(factories.published(title="Kota Tangguh"), goals=(1, 5, 9, 11, 13, 16))
    db.session.commit()
    html = client.get("/", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert html.count('class="sdg-list__item"') == 3 and "dan 3 TPB lainnya" in html


def test_open_data_carries_the_goals_the_video_and_the_team(client, innovations):
    assert OPEN_DATA_FIELDS[-3:] == ("sdg_goals", "video_url", "team")
    rows = {row["title"]: row for row in csv.DictReader(io.StringIO(
        client.get("/open-data/innovations.csv").get_data(as_text=True), newline=""))}
    assert set(rows) == {"Air Bersih Kampung", "Dapur Umum Lansia", "Arsip Digital"}
    water = rows["Air Bersih Kampung"]
    assert (water["sdg_goals"], water["video_url"]) == ("3;6", "https://youtu.be/abc123")
    assert water["team"] == "Budi Santoso — Ketua tim\nSiti Aminah — Analis data"
    assert (rows["Arsip Digital"]["sdg_goals"], rows["Arsip Digital"]["team"], rows["Arsip Digital"]["video_url"]) == (
        "", "", "")
    document = json.loads(client.get("/open-data/innovations.json").get_data(as_text=True))
    items = {item["title"]: item for item in document["innovations"]}
    assert items["Air Bersih Kampung"]["sdg_goals"] == [3, 6]
    assert items["Air Bersih Kampung"]["team"] == [{"name": "Budi Santoso", "role": "Ketua tim"},
                                                   {"name": "Siti Aminah", "role": "Analis data"}]
    assert items["Arsip Digital"]["sdg_goals"] == [] and items["Arsip Digital"]["video_url"] is None
    html = client.get("/open-data").get_data(as_text=True)
    assert "<code>sdg_goals</code>" in html and "<code>17</code> Kemitraan untuk Mencapai Tujuan" in html


def test_a_team_member_named_like_a_formula_is_neutralised_in_the_csv(client, make):
    make.cycle(year=2026)
    _with(factories.published(title="Rumus"), team=[("=HYPERLINK(\"http://x.test\")", "Ketua")])
    db.session.commit()
    row = next(csv.DictReader(io.StringIO(client.get("/open-data/innovations.csv").get_data(as_text=True),
                                          newline="")))
    assert row["team"].startswith("'=HYPERLINK")


def test_the_profile_document_holds_the_goals_the_video_and_the_team(client, innovations):
    words = " ".join(text_of(client.get(f"/innovations/{innovations['water'].id}.pdf")).split())
    for expected in ("Tujuan Pembangunan Berkelanjutan (TPB)", "3. Kehidupan Sehat dan Sejahtera",
                     "6. Air Bersih dan Sanitasi Layak", "https://youtu.be/abc123", "Tim inovasi",
                     "Budi Santoso", "Ketua tim", "Siti Aminah", "Analis data"):
        assert expected in words, expected
    # In the national profile's order: the fields, the texts, the team, then the indicators.
    positions = [words.index(value) for value in ("Urusan pemerintahan", "Tujuan Pembangunan", "Video inovasi",
                                                  "Hasil inovasi", "Tim inovasi", "Indikator satuan inovasi")]
    assert positions == sorted(positions)
    assert "SK penetapan tim" not in words  # the public copy does not speak of internal files


# --- blind review ----------------------------------------------------------------------------

SECRET_TEAM = [("Sutarmi Wiryokusumo", "Kepala Dinas Rahasia"), ("Joko Prayitno", "Sekretaris Dinas Rahasia")]


@pytest.fixture
def blind(make):
    cycle = make.cycle(blind_review=True)
    agency = make.agency(code="DRHS", name="Dinas Rahasia")
    author = make.user(role="innovator", agency_=agency)
    proposal = _with(make.proposal(agency_=agency, author=author, cycle_=cycle, status="submitted",
                                   title="Bank Sampah Terpadu"), goals=(12,), team=SECRET_TEAM,
                     video_url="https://youtu.be/sampah")
    db.session.add(StatusChange(proposal=proposal, actor_id=author.id, from_status="draft", to_status="submitted"))
    decree = services.add_attachment(proposal, author, "SK Tim Dinas Rahasia.pdf", io.BytesIO(PDF_BYTES),
                                     kind="team_decree")
    evidence = services.add_attachment(proposal, author, "foto-uji-coba.pdf", io.BytesIO(PDF_BYTES))
    db.session.commit()
    return {"proposal": proposal, "decree": decree, "evidence": evidence}


def _secrets_in(text: str) -> list[str]:
    return [secret for pair in SECRET_TEAM for secret in pair if secret in text] + (
        ["SK Tim Dinas Rahasia"] if "SK Tim Dinas Rahasia" in text else [])


def test_a_blind_reviewer_sees_neither_the_team_nor_its_decree(client, blind, login_as):
    proposal = blind["proposal"]
    login_as("reviewer")
    for headers in ({}, {"HX-Request": "true"}):
        html = client.get(f"/proposals/{proposal.id}", headers=headers).get_data(as_text=True)
        assert "Bank Sampah Terpadu" in html and "foto-uji-coba.pdf" in html
        assert "Konsumsi dan Produksi yang Bertanggung Jawab" in html  # the goals say nothing of who
        assert not _secrets_in(html)
        assert "Tim beranggotakan 2 orang." in html and "disembunyikan selama penilaian tertutup" in html
    assert not _secrets_in(text_of(client.get(f"/proposals/{proposal.id}/profile.pdf")))
    # The file is as if it were not there; the evidence still downloads.
    assert client.get(f"/proposals/{proposal.id}/attachments/{blind['decree'].id}").status_code == 404
    assert client.get(f"/proposals/{proposal.id}/attachments/{blind['evidence'].id}").status_code == 200


def test_the_admin_sees_the_team_and_its_decree(client, blind, login_as):
    proposal = blind["proposal"]
    login_as("admin")
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert len(_secrets_in(html)) == 5
    assert client.get(f"/proposals/{proposal.id}/attachments/{blind['decree'].id}").status_code == 200
    words = " ".join(text_of(client.get(f"/proposals/{proposal.id}/profile.pdf")).split())
    assert "Sutarmi Wiryokusumo" in words and "SK penetapan tim: SK Tim Dinas Rahasia.pdf" in words


def test_the_team_is_shown_to_reviewers_once_decided(client, blind, login_as):
    proposal = blind["proposal"]
    proposal.status = "approved"
    db.session.commit()
    login_as("reviewer")
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Sutarmi Wiryokusumo" in html
    assert client.get(f"/proposals/{proposal.id}/attachments/{blind['decree'].id}").status_code == 200


def test_a_member_of_the_agency_who_reviews_still_sees_the_own_team(app, blind, make):
    member_reviewer = make.user(role="reviewer", agency_=blind["proposal"].agency)
    db.session.commit()
    client = app.test_client()
    login(client, member_reviewer)
    assert "Sutarmi Wiryokusumo" in client.get(f"/proposals/{blind['proposal'].id}").get_data(as_text=True)


def test_a_decree_given_as_evidence_of_an_indicator_stays_hidden_there(app, client, blind, make, login_as):
    """The decree often proves an index indicator (a team set by decree): the indicator's page
    names its evidence, but not this file to a blind reviewer."""
    proposal = blind["proposal"]
    indicator = factories.indicator(name="Penetapan tim inovasi")
    factories.levels(proposal.cycle, indicator)
    factories.claim(proposal, indicator, level=2, attachment=blind["decree"])
    db.session.commit()
    path = f"/proposals/{proposal.id}/maturity/{indicator.id}"
    login_as("reviewer")
    html = client.get(path).get_data(as_text=True)
    assert "Penetapan tim inovasi" in html and not _secrets_in(html)
    assert "SK tim (disembunyikan selama penilaian tertutup)" in html
    officer = make.user(role="admin")
    db.session.commit()
    admin = app.test_client()
    login(admin, officer)
    assert "SK Tim Dinas Rahasia.pdf" in admin.get(path).get_data(as_text=True)
