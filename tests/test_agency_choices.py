"""The agency pick list (issue 16, point 7): grouped by kind in <optgroup>s, marked for the
search box that app/static/js/apusida.js adds; the grouped select works without it."""
import re

from sqlalchemy import select

from app.core.extensions import db
from app.models import Agency, User


def agency_select(html: str, name: str) -> str:
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>.*?</select>', html, re.S)
    assert match, html[:1000]
    return match.group(0)


def groups(select_html: str) -> list[tuple[str, list[str]]]:
    return [(label, re.findall(r"<option[^>]*>([^<]*)</option>", body))
            for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select_html, re.S)]


def make_city(make):
    kecamatan = make.agency(code="KEC-MAYANGAN", name="Kecamatan Mayangan", kind="kecamatan")
    make.agency(code="KEL-SUKABUMI", name="Kelurahan Sukabumi", kind="kelurahan", parent=kecamatan)
    make.agency(code="KEL-JATI", name="Kelurahan Jati", kind="kelurahan", parent=kecamatan)
    make.agency(code="DISKOMINFO", name="Dinas Komunikasi dan Informatika")
    make.agency(code="DINKES", name="Dinas Kesehatan")
    make.agency(code="LAMA", name="Dinas Lama", active=False)
    return kecamatan


def test_the_user_form_groups_agencies_by_kind_and_marks_the_search(client, login_as, make):
    make_city(make)
    login_as("admin")
    html = client.get("/admin/users/new").get_data(as_text=True)
    select_html = agency_select(html, "agency_id")
    assert "data-filter=" in select_html and "data-filter-count=" in select_html
    found = groups(select_html)
    labels = [label for label, _ in found]
    assert labels == ["OPD", "Kecamatan", "Kelurahan"]
    named = dict(found)
    assert named["Kelurahan"] == ["Kelurahan Jati (KEL-JATI)", "Kelurahan Sukabumi (KEL-SUKABUMI)"]
    assert "Dinas Kesehatan (DINKES)" in named["OPD"] and "Dinas Lama (LAMA)" not in select_html
    # The blank choice stands before the groups, outside them.
    assert re.search(r'<select[^>]*><option value="0">— tanpa perangkat daerah —</option><optgroup', select_html)


def test_a_kelurahan_picked_from_its_group_is_saved(client, login_as, make):
    make_city(make)
    login_as("admin")
    jati = db.session.scalar(select(Agency).where(Agency.code == "KEL-JATI"))
    response = client.post("/admin/users/new", data={
        "email": "lurah@example.com", "name": "Pak Lurah", "role": "innovator", "agency_id": jati.id,
        "active": "y", "password": "a-long-password"})
    assert response.status_code == 302
    assert db.session.scalar(select(User).where(User.email == "lurah@example.com")).agency_id == jati.id


def test_editing_a_person_of_an_inactive_agency_keeps_their_agency(client, login_as, make):
    login_as("admin")
    old = make.agency(code="LAMA", name="Dinas Lama", active=False)
    person = make.user(agency_=old, name="Siti")
    db.session.commit()
    html = client.get(f"/admin/users/{person.id}/edit").get_data(as_text=True)
    assert re.search(rf'<option selected value="{old.id}">Dinas Lama \(LAMA\)</option>', html)
    response = client.post(f"/admin/users/{person.id}/edit", data={
        "email": person.email, "name": "Siti", "role": "innovator", "agency_id": old.id, "active": "y"})
    assert response.status_code == 302


def test_the_admins_proposal_form_groups_agencies_too(client, login_as, make):
    make_city(make)
    make.cycle()
    login_as("admin", agency_=None)
    html = client.get("/proposals/new").get_data(as_text=True)
    select_html = agency_select(html, "agency")
    assert [label for label, _ in groups(select_html)] == ["OPD", "Kecamatan", "Kelurahan"]
    assert "data-filter=" in select_html
