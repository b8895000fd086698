"""Writing, saving and editing proposals; stale edits never overwrite."""
import re

from sqlalchemy import select

from app.core.extensions import db
from app.models import AuditEntry, Proposal
from tests import factories
from tests.conftest import login
from tests.factories import proposal_in


def _form_data(proposal: Proposal, version: int, **changes) -> dict:
    data = {name: getattr(proposal, name) or "" for name in (
        "title", "summary", "problem", "design", "goals", "benefits", "results", "maturity", "initiator",
        "innovation_type", "form", "affair", "contact", "lab_stage")}
    data.update(version=str(version), replicates="0", trial_date="", implementation_date="", action="save")
    data.update(changes)
    return data


def test_innovator_saves_a_draft_with_only_a_title(client, make):
    make.cycle()
    user = factories.user("innovator")
    db.session.commit()
    login(client, user)
    response = client.post("/proposals/new", data={"title": "Si Cepat Akta", "summary": "Akta kelahiran daring.",
                                                   "lab_stage": "drum_up", "replicates": "0", "action": "save"})
    assert response.status_code == 302
    proposal = db.session.scalars(select(Proposal)).one()
    assert (proposal.title, proposal.status, proposal.agency_id, proposal.author_id) == (
        "Si Cepat Akta", "draft", user.agency_id, user.id)
    assert "proposal_created" in db.session.scalars(select(AuditEntry.action)).all()


def test_invalid_form_keeps_what_was_typed(client, make):
    make.cycle()
    user = factories.user("innovator")
    db.session.commit()
    login(client, user)
    response = client.post("/proposals/new", data={"title": "", "summary": "Ringkasan yang sudah diketik panjang.",
                                                   "design": "Rancang <b>bangun</b>", "lab_stage": "design",
                                                   "replicates": "0"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Isi judul inovasi." in html and 'href="#title"' in html
    assert "Ringkasan yang sudah diketik panjang." in html
    assert "Rancang &lt;b&gt;bangun&lt;/b&gt;" in html
    assert db.session.scalars(select(Proposal)).first() is None


def test_save_and_submit_in_one_go(client, make):
    make.cycle()
    user = factories.user("innovator")
    db.session.commit()
    login(client, user)
    data = dict(title="Posyandu Digital", summary="Pencatatan posyandu daring.", problem="Data tercecer.",
                design=factories.DESIGN_TEXT, goals="Data rapi.", benefits="Kader hemat waktu.",
                results="Laporan tepat waktu.", maturity="inisiatif", initiator="asn", innovation_type="digital",
                form="pelayanan_publik", affair="kesehatan", contact="0335-421111", lab_stage="design",
                replicates="0", action="submit")
    assert client.post("/proposals/new", data=data).status_code == 302
    proposal = db.session.scalars(select(Proposal)).one()
    assert proposal.status == "submitted" and proposal.submitted_at is not None


def test_save_and_submit_with_a_short_narrative_saves_but_says_what_is_missing(client, make):
    proposal = proposal_in("draft")
    user = factories.user("innovator", agency_=proposal.agency)
    db.session.commit()
    login(client, user)
    data = _form_data(proposal, proposal.version, design="Hanya beberapa kata saja.", action="submit")
    response = client.post(f"/proposals/{proposal.id}/edit", data=data)
    assert response.status_code == 422
    assert "kurang 296" in response.get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(Proposal, proposal.id)
    assert saved.design == "Hanya beberapa kata saja." and saved.status == "draft"


def test_stale_edit_is_refused_and_the_first_edit_kept(app, make):
    proposal = proposal_in("draft", summary="Ringkasan awal.")
    first = factories.user("innovator", agency_=proposal.agency, name="Budi Santoso")
    second = factories.user("innovator", agency_=proposal.agency, name="Rina Wulandari")
    db.session.commit()
    client_a, client_b = app.test_client(), app.test_client()
    login(client_a, first)
    login(client_b, second)
    pid = proposal.id
    # Both open the form at the same version.
    form_a = client_a.get(f"/proposals/{pid}/edit").get_data(as_text=True)
    version = int(re.search(r'name="version" type="hidden" value="(\d+)"', form_a).group(1))
    client_b.get(f"/proposals/{pid}/edit")
    assert client_a.post(f"/proposals/{pid}/edit",
                         data=_form_data(proposal, version, summary="Ringkasan dari Budi.")).status_code == 302

    response = client_b.post(f"/proposals/{pid}/edit",
                             data=_form_data(proposal, version, summary="Ringkasan dari Rina.", title="Judul Rina"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "sudah diubah orang lain" in html
    assert "Budi Santoso" in html and "Ringkasan dari Budi." in html  # who changed what, and its value now
    assert "Ringkasan dari Rina." in html  # the second person's typing is not lost from the form
    db.session.expire_all()
    saved = db.session.get(Proposal, pid)
    assert saved.summary == "Ringkasan dari Budi." and saved.title == proposal.title
    assert saved.version == version + 1


def test_replicates_links_another_agencys_innovation(client, make):
    original = proposal_in("approved", title="Antrean Puskesmas Daring")
    mine = proposal_in("draft")
    user = factories.user("innovator", agency_=mine.agency)
    db.session.commit()
    login(client, user)
    form = client.get(f"/proposals/{mine.id}/edit").get_data(as_text=True)
    assert f'value="{original.id}"' in form
    assert client.post(f"/proposals/{mine.id}/edit",
                       data=_form_data(mine, mine.version, replicates=str(original.id))).status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, mine.id).replicates_id == original.id
    assert "Direplikasi oleh" in client.get(f"/proposals/{original.id}").get_data(as_text=True)


def test_cannot_name_an_own_agency_or_draft_proposal_as_replicated(client, make):
    mine = proposal_in("draft")
    sibling = proposal_in("approved", agency_=mine.agency)
    foreign_draft = proposal_in("draft")
    user = factories.user("innovator", agency_=mine.agency)
    db.session.commit()
    login(client, user)
    for target in (sibling, foreign_draft):
        response = client.post(f"/proposals/{mine.id}/edit", data=_form_data(mine, mine.version,
                                                                             replicates=str(target.id)))
        assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Proposal, mine.id).replicates_id is None


def test_suggestions_show_similar_innovations_of_other_agencies(client, make):
    other = proposal_in("approved", title="Antrean Puskesmas Daring", summary="Ambil nomor antrean dari rumah.")
    hidden = proposal_in("draft", title="Antrean Puskesmas Malam")
    user = factories.user("innovator")
    own = proposal_in("submitted", title="Antrean Puskesmas Keliling", agency_=user.agency)
    db.session.commit()
    login(client, user)
    html = client.get("/proposals/suggest", query_string={"title": "antrean puskesmas",
                                                          "summary": ""}).get_data(as_text=True)
    assert other.title in html and f'data-replicates="{other.id}"' in html
    assert hidden.title not in html and own.title not in html
    assert client.get("/proposals/suggest", query_string={"title": "yang dan"}).get_data(as_text=True).strip() == ""


def test_dashboard_lists_my_agency_proposals_this_cycle(client, make):
    proposal = proposal_in("revision_requested", title="Kelurahan Tanggap Sampah")
    user = factories.user("innovator", agency_=proposal.agency)
    db.session.commit()
    login(client, user)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Kelurahan Tanggap Sampah" in html and "Perlu revisi" in html and "/proposals/new" in html
