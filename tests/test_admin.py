import re

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.models import Agency, AuditEntry, Cycle, User
from tests.conftest import login


def admin_urls(app, ids: dict | None = None):
    """Every admin route, with the row named in `ids` (else 1) for each URL argument: a new
    route cannot be forgotten."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin."):
            url = rule.rule
            for argument in rule.arguments:
                url = re.sub(rf"<(?:[^:>]+:)?{argument}>", str((ids or {}).get(argument, 1)), url)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                urls.append((method, url))
    assert len(urls) >= 10
    return urls


@pytest.mark.parametrize("role", ["anonymous", "innovator", "reviewer"])
def test_every_admin_route_refuses_non_admins(app, client, login_as, role):
    if role != "anonymous":
        login_as(role)
    for method, url in admin_urls(app):
        response = client.open(url, method=method, data={})
        if role == "anonymous":
            assert response.status_code == 302 and "/auth/login" in response.headers["Location"], (method, url)
        else:
            assert response.status_code == 403, (method, url, role)


def test_admin_reaches_every_admin_page(app, client, login_as, make):
    admin = login_as("admin")
    cycle, agency = make.cycle(), make.agency()
    db.session.commit()
    ids = {"user_id": admin.id, "agency_id": agency.id, "cycle_id": cycle.id}
    for method, url in admin_urls(app, ids):
        if method == "GET":
            assert client.get(url).status_code == 200, url


def test_admin_creates_user_and_changes_role_with_audit(client, login_as, make):
    admin = login_as("admin")
    agency = make.agency(code="DISKOMINFO")
    db.session.commit()
    response = client.post("/admin/users/new", data={
        "email": "Budi@Probolinggo.example", "name": "Budi", "role": "innovator",
        "agency_id": agency.id, "active": "y", "password": "a-long-password"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "budi@probolinggo.example"))
    assert user.role == "innovator" and user.agency_id == agency.id
    response = client.post(f"/admin/users/{user.id}/edit", data={
        "email": user.email, "name": "Budi", "role": "reviewer", "agency_id": agency.id, "active": "y"})
    assert response.status_code == 302
    change = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "role_changed"))
    assert change.actor_id == admin.id and change.details == {"old": "innovator", "new": "reviewer"}


def test_user_form_errors_are_shown_beside_fields_and_nothing_saved(client, login_as):
    login_as("admin")
    response = client.post("/admin/users/new", data={"email": "not-an-email", "name": "", "role": "innovator", "agency_id": 0})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in html
    assert "Alamat email tidak valid." in html and "Inovator harus terhubung dengan perangkat daerah." in html
    assert db.session.scalar(select(User).where(User.email == "not-an-email")) is None


def test_duplicate_email_refused(client, login_as, make):
    login_as("admin")
    other = make.user(role="reviewer", email="taken@example.com")
    db.session.commit()
    response = client.post("/admin/users/new", data={
        "email": "TAKEN@example.com", "name": "X", "role": "reviewer", "agency_id": 0, "password": "a-long-password"})
    assert "sudah dipakai" in response.get_data(as_text=True)


def test_admin_cannot_demote_themselves(client, login_as):
    admin = login_as("admin")
    response = client.post(f"/admin/users/{admin.id}/edit", data={
        "email": admin.email, "name": admin.name, "role": "reviewer", "agency_id": 0, "active": "y"})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, admin.id).role == "admin"


def test_deactivation_is_audited_and_blocks_login(app, client, login_as, make):
    login_as("admin")
    user = make.user()
    db.session.commit()
    response = client.post(f"/admin/users/{user.id}/edit", data={
        "email": user.email, "name": user.name, "role": "innovator", "agency_id": user.agency_id})
    assert response.status_code == 302
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user_deactivated")) is not None
    other = app.test_client()
    assert other.post("/auth/login", data={"email": user.email, "password": "correct-horse-battery"}).status_code == 422


def test_agency_create_edit_and_kelurahan_needs_kecamatan(client, login_as, make):
    login_as("admin")
    kecamatan = make.agency(code="KEC-X", kind="kecamatan")
    db.session.commit()
    response = client.post("/admin/agencies/new", data={"code": "KEL-Y", "name": "Kelurahan Y", "kind": "kelurahan", "parent_id": 0, "active": "y"})
    assert "Kelurahan harus memiliki kecamatan induk." in response.get_data(as_text=True)
    response = client.post("/admin/agencies/new", data={"code": "KEL-Y", "name": "Kelurahan Y", "kind": "kelurahan", "parent_id": kecamatan.id, "active": "y"})
    assert response.status_code == 302
    created = db.session.scalar(select(Agency).where(Agency.code == "KEL-Y"))
    assert created.parent_id == kecamatan.id
    response = client.post(f"/admin/agencies/{created.id}/edit", data={"code": "KEL-Y", "name": "Kelurahan Yogi", "kind": "kelurahan", "parent_id": kecamatan.id, "active": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Agency, created.id).name == "Kelurahan Yogi"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "agency_updated")) is not None


def test_cycle_create_and_window_validation(client, login_as):
    login_as("admin")
    response = client.post("/admin/cycles/new", data={"year": 2027, "submission_opens": "2027-03-01", "submission_closes": "2027-01-01", "target_per_agency": 1})
    assert "Tanggal ditutup tidak boleh sebelum tanggal dibuka." in response.get_data(as_text=True)
    response = client.post("/admin/cycles/new", data={"year": 2027, "submission_opens": "2027-01-01", "submission_closes": "2027-11-30", "target_per_agency": 2, "blind_review": "y"})
    assert response.status_code == 302
    cycle = db.session.scalar(select(Cycle).where(Cycle.year == 2027))
    assert cycle.target_per_agency == 2 and cycle.blind_review


def test_audit_log_filters_by_action(client, login_as, make):
    login_as("admin")
    client.post("/auth/logout")
    client.post("/auth/login", data={"email": "nobody@example.com", "password": "whatever-it-is"})
    admin = make.user(role="admin")
    db.session.commit()
    login(client, admin)
    html = client.get("/admin/audit?action=login_failed").get_data(as_text=True)
    assert "nobody@example.com" in html
    fragment = client.get("/admin/audit?action=login", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "nobody@example.com" not in fragment
