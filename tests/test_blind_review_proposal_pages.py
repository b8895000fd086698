"""Blind review reaches the proposal pages too: list, page, filter and suggestions."""
from app.core.extensions import db
from app.models import Comment, StatusChange


def blind_setup(make):
    cycle = make.cycle(blind_review=True)
    agency = make.agency(code="DISRAHASIA", name="Dinas Rahasia Sekali")
    author = make.user(role="innovator", agency_=agency, name="Penulis Tersembunyi")
    proposal = make.proposal(agency_=agency, author=author, cycle_=cycle, status="submitted",
                             contact="kontak-rahasia@example.com", title="Layanan Antrean Pintar")
    db.session.add(StatusChange(proposal=proposal, actor_id=author.id, from_status="draft", to_status="submitted"))
    db.session.add(Comment(proposal=proposal, author=author, body="Catatan tim"))
    return proposal


SECRETS = ("Dinas Rahasia Sekali", "DISRAHASIA", "Penulis Tersembunyi", "kontak-rahasia@example.com")


def test_reviewer_sees_no_identity_on_list_and_page(client, make, login_as):
    proposal = blind_setup(make)
    db.session.commit()
    login_as("reviewer")
    for headers in ({}, {"HX-Request": "true"}):
        html = client.get(f"/proposals/{proposal.id}", headers=headers).get_data(as_text=True)
        assert "Layanan Antrean Pintar" in html
        for secret in SECRETS:
            assert secret not in html, secret
    # The list's results (the full page also has the agency filter, listing every agency).
    for url in ("/proposals/", "/proposals/?q=Antrean"):
        html = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "Layanan Antrean Pintar" in html
        for secret in SECRETS:
            assert secret not in html, (url, secret)


def test_blind_reviewer_cannot_find_the_agency_by_filtering(client, make, login_as):
    proposal = blind_setup(make)
    db.session.commit()
    login_as("reviewer")
    html = client.get("/proposals/?agency=DISRAHASIA", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Layanan Antrean Pintar" not in html


def test_admin_and_innovators_still_see_the_agency(client, make, login_as):
    proposal = blind_setup(make)
    db.session.commit()
    login_as("admin")
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Dinas Rahasia Sekali" in html and "Penulis Tersembunyi" in html
    html = client.get("/proposals/?agency=DISRAHASIA", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Layanan Antrean Pintar" in html


def test_identity_shown_after_the_decision(client, make, login_as):
    proposal = blind_setup(make)
    proposal.status = "approved"
    db.session.commit()
    login_as("reviewer")
    assert "Dinas Rahasia Sekali" in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
