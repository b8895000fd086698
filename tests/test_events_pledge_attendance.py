"""The pledge (sign once; public sees counts only) and the admin check-in list."""
import csv
import io

import pytest
from sqlalchemy import func, select

from app.core.extensions import db
from app.events import services
from app.models import Registration, Signature
from tests import factories
from tests.conftest import login


def test_signing_twice_keeps_one_signature_with_name_agency_and_time(client, make):
    event = factories.event(declaration_text="Kami berikrar memberi, mendukung dan membangun budaya inovasi.")
    agency = make.agency(name="Kelurahan Kanigaran", kind="kelurahan")
    person = make.user(name="Dewi Anggraini", agency_=agency)
    db.session.commit()
    login(client, person)
    first = client.post(f"/events/{event.id}/sign", follow_redirects=True).get_data(as_text=True)
    second = client.post(f"/events/{event.id}/sign", follow_redirects=True).get_data(as_text=True)
    assert "tanda tangan Anda tercatat" in first and "sudah menandatangani" in second
    signatures = db.session.scalars(select(Signature)).all()
    assert len(signatures) == 1
    assert signatures[0].signer_name == "Dewi Anggraini" and signatures[0].agency_name == "Kelurahan Kanigaran"
    assert signatures[0].signed_at is not None
    assert "Dewi Anggraini" in second  # staff see the signatories


def test_service_signing_twice_returns_the_first_signature(app_ctx, make):
    event = factories.event(declaration_text="Ikrar")
    person = make.user()
    first, created = services.sign_declaration(event, person)
    again, created_again = services.sign_declaration(event, person)
    assert created and not created_again and first.id == again.id


def test_anonymous_cannot_sign_and_public_sees_only_counts(client, make):
    event = factories.event(declaration_text="Ikrar inovasi")
    one, two = make.agency(), make.agency()
    for user in (make.user(name="Penanda Satu", agency_=one), make.user(name="Penanda Dua", agency_=one),
                 make.user(name="Penanda Tiga", agency_=two)):
        factories.signature(event, user)
    db.session.commit()
    response = client.post(f"/events/{event.id}/sign")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert db.session.scalar(select(func.count(Signature.id))) == 3
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "3 orang menandatangani dari 2 perangkat daerah." in html
    assert "Penanda Satu" not in html and "Tandatangani deklarasi" not in html


def test_event_without_declaration_cannot_be_signed(client, login_as):
    login_as("innovator")
    event = factories.event(declaration_text="")
    db.session.commit()
    response = client.post(f"/events/{event.id}/sign", follow_redirects=True)
    assert "tidak memiliki naskah deklarasi" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Signature.id))) == 0


def test_htmx_sign_answers_with_the_pledge_fragment(client, login_as):
    login_as("reviewer")
    event = factories.event(declaration_text="Ikrar")
    db.session.commit()
    response = client.post(f"/events/{event.id}/sign", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Sudah ditandatangani" in html and "data-autofocus" in html
    assert "tercatat" in response.headers["HX-Trigger"]


def test_check_in_toggles_and_counts_registered_attended_no_show(client, login_as, make):
    login_as("admin")
    event = factories.event(capacity=5, days_ahead=-0.05, hours=4)
    alice = factories.registration(event, make.user(name="Alice"))
    factories.registration(event, make.user(name="Budi"))
    factories.registration(event, make.user(name="Citra"), "waitlisted")
    db.session.commit()
    page = client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    assert "Alice" in page and "Budi" in page and "Citra" not in page  # only seats are checked in

    response = client.post(f"/events/{event.id}/attendance", data={"registration_id": alice.id},
                           headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and "dicatat hadir" in response.headers["HX-Trigger"]
    assert services.attendance_counts(event.id) == {"registered": 2, "attended": 1, "no_show": 1}
    db.session.expire_all()
    assert db.session.get(Registration, alice.id).attended_at is not None

    # Without JavaScript: post and redirect; the second toggle undoes the check-in.
    response = client.post(f"/events/{event.id}/attendance", data={"registration_id": alice.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, alice.id).status == "registered"


def test_attendance_csv_lists_people_and_neutralises_formulas(client, login_as, make):
    login_as("admin")
    event = factories.event()
    factories.registration(event, make.user(name="=HYPERLINK(\"x\")"), "attended")
    factories.registration(event, make.user(name="Budi"))
    db.session.commit()
    response = client.get(f"/events/{event.id}/attendance.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["name", "email", "agency", "status", "registered_at", "attended_at"]
    names = {row[0]: row[3] for row in rows[1:]}
    assert names == {"'=HYPERLINK(\"x\")": "attended", "Budi": "registered"}


@pytest.mark.parametrize("name", ["+62 812", "-Budi", "@budi", "\t=1+1", "\r=1+1", "=1+1"])
def test_attendance_csv_neutralises_every_formula_start(client, login_as, make, name):
    login_as("admin")
    event = factories.event()
    factories.registration(event, make.user(name=name), "attended")
    db.session.commit()
    response = client.get(f"/events/{event.id}/attendance.csv")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffname,email,") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert rows[1][0] == "'" + name and rows[1][3] == "attended"


def test_toggle_of_another_events_registration_is_404(client, login_as, make):
    login_as("admin")
    event, other = factories.event(), factories.event()
    registration = factories.registration(other, make.user())
    db.session.commit()
    assert client.post(f"/events/{event.id}/attendance", data={"registration_id": registration.id}).status_code == 404
