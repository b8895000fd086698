"""The fields the national competitions ask of a proposal (issue 19 point 6, DESIGN §10): the
Sustainable Development Goals it serves, a link to its video, and its team with the decree (SK)
naming them; in the form, on the proposal page, checked on the way in and in the database."""
import io
import re

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DataError, IntegrityError

from app.core.extensions import db
from app.models import Attachment, AuditEntry, Proposal, ProposalSdg, TeamMember
from app.proposals import services
from app.proposals.team import parse_team, team_text
from tests import factories
from tests.conftest import login
from tests.factories import EXE_BYTES, PDF_BYTES, proposal_in

TEAM = "Budi Santoso — Ketua tim\nSiti Aminah — Analis data\nAgus Salim — Operator aplikasi"


def _form_data(proposal: Proposal, version: int, **changes) -> dict:
    """What the edit form sends for `proposal`, with `changes`."""
    data = {name: getattr(proposal, name) or "" for name in (
        "title", "summary", "problem", "design", "goals", "benefits", "results", "maturity", "initiator",
        "innovation_type", "form", "affair", "contact", "lab_stage", "video_url")}
    data.update(version=str(version), replicates="0", trial_date="", implementation_date="", action="save",
                sdg_goals=[str(goal) for goal in proposal.sdg_goals], team=team_text(proposal.team))
    data.update(changes)
    return data


@pytest.fixture
def draft(make, client):
    """A draft of an agency whose innovator is logged in."""
    proposal = proposal_in("draft", title="Posyandu Digital")
    member = factories.user("innovator", agency_=proposal.agency, name="Rina Wulandari")
    db.session.commit()
    login(client, member)
    return proposal


def _post(client, proposal, **changes):
    return client.post(f"/proposals/{proposal.id}/edit", data=_form_data(proposal, proposal.version, **changes))


def _error_beside(html: str, field_id: str) -> str:
    """The messages shown beside one field (its error-message paragraphs)."""
    return " ".join(re.findall(rf'<p class="error-message" id="{field_id}-error">(.*?)</p>', html, re.S))


def _reload(proposal_id: int) -> Proposal:
    db.session.expire_all()
    return db.session.get(Proposal, proposal_id)


# --- the goals -----------------------------------------------------------------------------

def test_the_form_offers_the_seventeen_goals_and_saves_those_ticked(client, draft):
    html = client.get(f"/proposals/{draft.id}/edit").get_data(as_text=True)
    boxes = re.findall(r'<input class="checkbox__input" id="sdg_goals-\d+" name="sdg_goals" type="checkbox" '
                       r'value="(\d+)"', html)
    assert boxes == [str(n) for n in range(1, 18)]
    assert "3. Kehidupan Sehat dan Sejahtera" in html and "17. Kemitraan untuk Mencapai Tujuan" in html
    response = _post(client, draft, sdg_goals=["11", "3", "3"])
    assert response.status_code == 302
    assert _reload(draft.id).sdg_goals == [3, 11]
    html = client.get(f"/proposals/{draft.id}/edit").get_data(as_text=True)
    checked = re.findall(r'<input checked class="checkbox__input" id="sdg_goals-\d+" name="sdg_goals" '
                         r'type="checkbox" value="(\d+)"', html)
    assert checked == ["3", "11"]


@pytest.mark.parametrize("value", ["18", "0", "tiga", "-1", "3.5"])
def test_a_goal_that_is_not_one_of_the_seventeen_is_refused_beside_the_field(client, draft, value):
    response = _post(client, draft, sdg_goals=["3", value], title="Judul yang tidak tersimpan")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "TPB nomor 1 sampai 17" in _error_beside(html, "sdg_goals")
    assert 'href="#sdg_goals"' in html  # the error summary links to the goals
    saved = _reload(draft.id)
    assert saved.sdg_goals == [] and saved.title == "Posyandu Digital"


def test_the_service_and_the_database_refuse_a_goal_out_of_range(draft):
    with pytest.raises(services.FieldError) as refused:
        services.update_proposal(draft, draft.author, {"sdg_goals": [3, 42]}, draft.version)
    assert refused.value.field == "sdg_goals"
    db.session.rollback()
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(ProposalSdg(proposal_id=draft.id, goal=18))
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add_all([ProposalSdg(proposal_id=draft.id, goal=5), ProposalSdg(proposal_id=draft.id, goal=5)])


def test_the_goals_are_named_in_the_readers_language(client, draft):
    draft.sdg_links.append(ProposalSdg(goal=6))
    db.session.commit()
    html = client.get(f"/proposals/{draft.id}").get_data(as_text=True)
    assert "Air Bersih dan Sanitasi Layak" in html and "TPB 6" in html
    client.post("/language", data={"lang": "en", "next": "/"})
    html = client.get(f"/proposals/{draft.id}").get_data(as_text=True)
    assert "Clean Water and Sanitation" in html and "SDG 6" in html
    assert "Air Bersih dan Sanitasi Layak" not in html


# --- the video -----------------------------------------------------------------------------

@pytest.mark.parametrize("url, message", [
    ("javascript:alert(document.cookie)", "diawali http:// atau https://"),
    ("JaVaScRiPt:alert(1)", "diawali http:// atau https://"),
    ("data:text/html,<script>alert(1)</script>", "diawali http:// atau https://"),
    ("ftp://arsip.probolinggokota.go.id/video.mp4", "diawali http:// atau https://"),
    ("//youtu.be/abc", "diawali http:// atau https://"),
    ("https://", "tidak lengkap"),
    ("https://petugas:rahasia@youtu.be/abc", "nama pengguna atau kata sandi"),
    ("https://youtu.be/a b", "tanpa spasi"),
    ("https://youtu.be/" + "a" * 500, "Paling banyak 500 karakter"),
])
def test_a_video_link_that_is_not_a_web_address_is_refused(client, draft, url, message):
    response = _post(client, draft, video_url=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in _error_beside(html, "video_url")
    assert _reload(draft.id).video_url == ""


def test_the_video_is_a_plain_link_never_embedded(client, draft):
    url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=5"
    assert _post(client, draft, video_url=url).status_code == 302
    saved = _reload(draft.id)
    assert saved.video_url == url
    html = client.get(f"/proposals/{draft.id}").get_data(as_text=True)
    link = re.search(r'<a class="video-link" href="([^"]+)" rel="([^"]+)">([^<]+)</a>', html)
    assert link and link.group(1) == "https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=5"
    assert {"noopener", "noreferrer"} <= set(link.group(2).split())
    assert "<iframe" not in html and "<video" not in html and "<embed" not in html


def test_the_scheme_is_stored_in_lower_case_and_the_database_refuses_another(draft):
    services.update_proposal(draft, draft.author, {"video_url": "HTTPS://youtu.be/abc123"}, draft.version)
    assert draft.video_url == "https://youtu.be/abc123"
    db.session.commit()
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.execute(text("UPDATE proposal SET video_url = 'javascript:alert(1)' WHERE id = :id"),
                               {"id": draft.id})


# --- the team ------------------------------------------------------------------------------

def test_parsing_names_every_line_it_cannot_read():
    reading = parse_team("Budi Santoso — Ketua tim\n\nSiti Aminah\n — Sekretaris\nAgus Salim —   \n"
                         "budi santoso - Anggota\n" + "N" * 121 + " — Anggota")
    assert reading.errors == [
        "Baris 3: pisahkan nama dan peran dengan tanda —, misalnya “Budi Santoso — Ketua tim”.",
        "Baris 4: tulis nama anggota sebelum tanda —.",
        "Baris 5: tulis peran Agus Salim setelah tanda —.",
        "Baris 6: budi santoso sudah tertulis di baris 1.",
        "Baris 7: nama paling banyak 120 karakter; yang ini 121 karakter.",
    ]
    assert reading.members == [("Budi Santoso", "Ketua tim")]


def test_parsing_takes_lists_pasted_from_documents_and_spreadsheets():
    reading = parse_team("1. Budi Santoso – Ketua tim\n- Siti Nur-Aini - Analis data\n"
                         "• Agus  Salim\tOperator aplikasi\r\nDewi Lestari — Humas — media sosial")
    assert reading.errors == []
    assert reading.members == [("Budi Santoso", "Ketua tim"), ("Siti Nur-Aini", "Analis data"),
                               ("Agus Salim", "Operator aplikasi"), ("Dewi Lestari", "Humas — media sosial")]
    assert parse_team(team_text(reading.members)).members == reading.members  # written back, read the same


def test_more_than_twenty_members_are_refused_with_the_count():
    reading = parse_team("\n".join(f"Anggota {n} — Anggota" for n in range(1, 23)))
    assert reading.members == [] and len(reading.errors) == 1
    assert "Paling banyak 20 anggota tim; ada 22 baris berisi." in reading.errors[0]


def test_a_team_with_a_bad_line_comes_back_with_the_line_and_what_was_typed(client, draft):
    typed = "Budi Santoso — Ketua tim\nSiti Aminah — Analis data\nAgus Salim Operator"
    response = _post(client, draft, team=typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    beside = _error_beside(html, "team")
    assert "Baris 3: pisahkan nama dan peran" in beside and "Baris 1" not in beside
    assert 'href="#team"' in html
    assert "Agus Salim Operator</textarea>" in html  # nothing typed is lost
    assert db.session.scalar(select(func.count()).select_from(TeamMember)) == 0


def test_the_team_is_stored_in_order_and_replaced_on_edit(client, draft):
    assert _post(client, draft, team=TEAM).status_code == 302
    saved = _reload(draft.id)
    assert saved.team == [("Budi Santoso", "Ketua tim"), ("Siti Aminah", "Analis data"),
                          ("Agus Salim", "Operator aplikasi")]
    assert [m.position for m in saved.team_members] == [1, 2, 3]
    html = client.get(f"/proposals/{draft.id}").get_data(as_text=True)
    assert re.search(r'<li><span class="team-list__name">Budi Santoso</span> — Ketua tim</li>', html)
    # Shorter and reordered: the rows follow, nothing is left behind.
    assert _post(client, saved, team="Siti Aminah — Ketua tim\nBudi Santoso — Anggota").status_code == 302
    saved = _reload(draft.id)
    assert saved.team == [("Siti Aminah", "Ketua tim"), ("Budi Santoso", "Anggota")]
    assert db.session.scalar(select(func.count()).select_from(TeamMember)) == 2
    assert _post(client, saved, team="").status_code == 302
    assert _reload(draft.id).team == []


def test_the_service_and_the_database_hold_the_team_to_its_limits(draft):
    with pytest.raises(services.FieldError):
        services.update_proposal(draft, draft.author, {"team": [("Budi", "")]}, draft.version)
    with pytest.raises(services.FieldError):
        services.update_proposal(draft, draft.author, {"team": [(f"Orang {n}", "Anggota") for n in range(21)]},
                                 draft.version)
    db.session.rollback()
    # PostgreSQL's varchar refuses it as a DataError, SQLite's length check as an IntegrityError.
    with pytest.raises((IntegrityError, DataError)):
        with db.session.begin_nested():
            db.session.add(TeamMember(proposal_id=draft.id, position=1, name="x" * 121, role="Ketua"))
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(TeamMember(proposal_id=draft.id, position=21, name="Budi", role="Ketua"))


# --- round trip and the version check ------------------------------------------------------

def test_everything_written_comes_back_and_an_unchanged_save_changes_nothing(client, make):
    make.cycle()
    user = factories.user("innovator")
    db.session.commit()
    login(client, user)
    response = client.post("/proposals/new", data={
        "title": "Air Bersih Kampung", "lab_stage": "design", "replicates": "0", "action": "save",
        "sdg_goals": ["6", "3"], "video_url": "https://youtu.be/abc123", "team": TEAM,
        "decree_file": (io.BytesIO(PDF_BYTES), "SK Tim Inovasi.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    proposal = db.session.scalars(select(Proposal)).one()
    assert (proposal.sdg_goals, proposal.video_url, len(proposal.team)) == ([3, 6], "https://youtu.be/abc123", 3)
    assert proposal.team_decree.original_name == "SK Tim Inovasi.pdf"
    assert proposal.team_decree.kind == "team_decree"
    html = client.get(f"/proposals/{proposal.id}/edit").get_data(as_text=True)
    assert 'value="https://youtu.be/abc123"' in html
    assert "Budi Santoso — Ketua tim\nSiti Aminah — Analis data\nAgus Salim — Operator aplikasi</textarea>" in html
    assert 'id="current-decree"' in html and "SK Tim Inovasi.pdf" in html
    version = proposal.version
    response = client.post(f"/proposals/{proposal.id}/edit", data=_form_data(proposal, version),
                           follow_redirects=True)
    assert "Tidak ada perubahan." in response.get_data(as_text=True)
    assert _reload(proposal.id).version == version


def test_changing_only_the_goals_or_the_team_moves_the_version(client, draft):
    version = draft.version
    assert _post(client, draft, sdg_goals=["1"]).status_code == 302
    saved = _reload(draft.id)
    assert saved.version == version + 1
    assert _post(client, saved, team="Budi Santoso — Ketua").status_code == 302
    saved = _reload(draft.id)
    assert saved.version == version + 2
    fields = [entry.details["fields"] for entry in db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "proposal_updated").order_by(AuditEntry.id))]
    assert fields == [["sdg_goals"], ["team"]]


def test_a_stale_edit_of_the_team_is_refused_and_shows_the_team_now_stored(app, draft):
    first = factories.user("innovator", agency_=draft.agency, name="Budi Santoso")
    second = factories.user("innovator", agency_=draft.agency, name="Dewi Anggraini")
    db.session.commit()
    client_a, client_b = app.test_client(), app.test_client()
    login(client_a, first)
    login(client_b, second)
    version = draft.version
    assert client_a.post(f"/proposals/{draft.id}/edit",
                         data=_form_data(draft, version, team="Budi Santoso — Ketua tim")).status_code == 302
    response = client_b.post(f"/proposals/{draft.id}/edit",
                             data=_form_data(draft, version, team="Dewi Anggraini — Ketua tim",
                                             sdg_goals=["4"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    notice = html[html.index('class="notice notice--error stale"'):html.index("</dl>")]
    assert "Tim inovasi" in notice and "Budi Santoso" in notice  # what is stored now
    assert "Dewi Anggraini — Ketua tim</textarea>" in html  # the second person's typing is kept
    saved = _reload(draft.id)
    assert saved.team == [("Budi Santoso", "Ketua tim")] and saved.sdg_goals == []


# --- the decree ----------------------------------------------------------------------------

def test_the_decree_is_checked_by_content_like_any_evidence(client, make):
    make.cycle()
    user = factories.user("innovator")
    db.session.commit()
    login(client, user)
    response = client.post("/proposals/new", data={
        "title": "Judul", "lab_stage": "design", "replicates": "0", "action": "save",
        "decree_file": (io.BytesIO(EXE_BYTES), "SK.pdf")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Jenis berkas tidak diizinkan" in _error_beside(html, "decree_file")
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0  # nothing half-saved
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_a_new_decree_replaces_the_old_one_on_the_page_and_both_stay_as_files(client, draft):
    for name in ("SK lama.pdf", "SK baru.pdf"):
        data = _form_data(_reload(draft.id), _reload(draft.id).version)
        data["decree_file"] = (io.BytesIO(PDF_BYTES), name)
        assert client.post(f"/proposals/{draft.id}/edit", data=data,
                           content_type="multipart/form-data").status_code == 302
    saved = _reload(draft.id)
    assert saved.team_decree.original_name == "SK baru.pdf"
    html = client.get(f"/proposals/{draft.id}").get_data(as_text=True)
    team = html[html.index('id="team"'):html.index('id="attachments"')]
    assert "SK baru.pdf" in team and "SK lama.pdf" not in team
    assert html.count("SK tim</span>") == 2  # both files listed, marked as decrees
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "proposal_updated")).all()
    assert all(entry.details["fields"] == ["team_decree"] for entry in audit)


def test_a_refused_decree_on_edit_keeps_every_other_change_out_too(client, draft):
    data = _form_data(draft, draft.version, title="Judul Baru", team=TEAM, sdg_goals=["4"])
    data["decree_file"] = (io.BytesIO(PDF_BYTES), "SK tim.exe")  # a PDF named as something else
    response = client.post(f"/proposals/{draft.id}/edit", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "namanya berakhiran" in _error_beside(html, "decree_file")
    assert "Budi Santoso — Ketua tim" in html  # the form keeps what was typed
    saved = _reload(draft.id)
    assert (saved.title, saved.team, saved.sdg_goals, saved.attachments) == ("Posyandu Digital", [], [], [])
