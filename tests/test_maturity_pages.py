"""The evidence page as people use it: claim with a file, verify inline (HTMX and not),
errors beside the field, the dashboard, admin level pages and constant query counts."""
import io

import pytest

from app.core.extensions import db
from app.maturity import services
from app.models import Attachment, AuditEntry, Claim
from tests import factories
from tests.conftest import login


@pytest.fixture
def setting(make):
    cycle = make.cycle()
    services.load_indicators()
    agency = make.agency(name="Dinas Kesehatan Uji")
    innovator = factories.user("innovator", agency_=agency)
    proposal = factories.proposal_in("implemented", agency_=agency, author=innovator, cycle_=cycle, title="Posyandu Digital")
    existing = factories.attachment(proposal, name="sk-kepala-dinas.pdf")
    reviewer = factories.user("reviewer")
    db.session.commit()
    indicators = services.scale_for(cycle).indicators
    return {"cycle": cycle, "proposal": proposal, "innovator": innovator, "reviewer": reviewer,
            "existing": existing, "indicators": indicators}


def test_claim_three_verify_two_accept_one_downgrade_and_the_dashboard_shows_it(client, setting):
    p, (a, b, c) = setting["proposal"], setting["indicators"][:3]
    login(client, setting["innovator"])
    response = client.post(f"/proposals/{p.id}/maturity/{a.id}/claim", data={
        f"c{a.id}-level": "3", f"c{a.id}-attachment_id": "0", f"c{a.id}-note": "Halaman 2",
        f"c{a.id}-file": (io.BytesIO(factories.PDF_BYTES), "perwali.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    for indicator in (b, c):
        assert client.post(f"/proposals/{p.id}/maturity/{indicator.id}/claim", data={
            f"c{indicator.id}-level": "3", f"c{indicator.id}-attachment_id": str(setting["existing"].id)},
            content_type="multipart/form-data").status_code == 302
    db.session.expire_all()
    assert db.session.query(Attachment).filter_by(original_name="perwali.pdf").count() == 1
    client.post("/auth/logout")

    login(client, setting["reviewer"])
    for indicator in (a, b):
        response = client.post(f"/proposals/{p.id}/maturity/{indicator.id}/verify",
                               data={f"v{indicator.id}-decision": "accept"}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert f'id="indicator-{indicator.id}"' in html and "<html" not in html
        assert 'hx-swap-oob="true"' in html and "announce" in response.headers["HX-Trigger"]
    response = client.post(f"/proposals/{p.id}/maturity/{c.id}/verify", data={
        f"v{c.id}-decision": "downgrade", f"v{c.id}-level": "1", f"v{c.id}-reason": "Baru SK kepala dinas."})
    assert response.status_code == 302
    assert db.session.query(AuditEntry).filter_by(action="maturity_verified").count() == 3
    client.post("/auth/logout")

    login(client, setting["innovator"])
    html = client.get("/dashboard").get_data(as_text=True)
    # 3 + 3 + 1 = 7 of 60 points; 3 of 20 indicators verified.
    assert "Posyandu Digital" in html and "11,7" in html and "3 / 20" in html
    assert "Belum ada bukti:" in html and setting["indicators"][3].name in html
    page = client.get(f"/proposals/{p.id}/maturity").get_data(as_text=True)
    assert "3 dari 20 indikator selesai" in page and "Berisiko disclaimer" in page
    page = client.get(f"/proposals/{p.id}/maturity/{c.id}").get_data(as_text=True)
    assert "Baru SK kepala dinas." in page
    detail = client.get(f"/proposals/{p.id}").get_data(as_text=True)
    assert f"/proposals/{p.id}/maturity" in detail and "11,7" in detail


def test_a_downgrade_without_reason_is_shown_beside_the_field_and_changes_nothing(client, setting):
    p, a = setting["proposal"], setting["indicators"][0]
    factories.claim(p, a, 3, attachment=setting["existing"])
    db.session.commit()
    login(client, setting["reviewer"])
    response = client.post(f"/proposals/{p.id}/maturity/{a.id}/verify",
                           data={f"v{a.id}-decision": "downgrade", f"v{a.id}-level": "1"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Tuliskan alasan menurunkan level." in html and f'id="v{a.id}-reason-error"' in html
    response = client.post(f"/proposals/{p.id}/maturity/{a.id}/verify", headers={"HX-Request": "true"},
                           data={f"v{a.id}-decision": "needs_evidence"})
    assert "Tuliskan bukti apa yang masih kurang." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.query(Claim).one().status == "pending"
    assert db.session.query(AuditEntry).filter_by(action="maturity_verified").count() == 0


def test_a_claim_without_evidence_or_with_a_bad_file_is_refused(client, setting):
    p, a = setting["proposal"], setting["indicators"][0]
    login(client, setting["innovator"])
    response = client.post(f"/proposals/{p.id}/maturity/{a.id}/claim", data={f"c{a.id}-level": "2"},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Pilih dokumen bukti" in response.get_data(as_text=True)
    response = client.post(f"/proposals/{p.id}/maturity/{a.id}/claim", data={
        f"c{a.id}-level": "2", f"c{a.id}-file": (io.BytesIO(factories.EXE_BYTES), "bukti.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 422 and "Jenis berkas tidak diizinkan" in response.get_data(as_text=True)
    other = factories.attachment(factories.proposal_in("approved", cycle_=setting["cycle"]))
    db.session.commit()
    response = client.post(f"/proposals/{p.id}/maturity/{a.id}/claim", data={
        f"c{a.id}-level": "2", f"c{a.id}-attachment_id": str(other.id)}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert db.session.query(Claim).count() == 0


@pytest.mark.parametrize("page", ["overview", "indicator"])
def test_the_evidence_pages_cost_the_same_queries_whatever_the_claims(client, setting, count_queries, page):
    p = setting["proposal"]
    login(client, setting["reviewer"])
    factories.claim(p, setting["indicators"][0], 2, attachment=setting["existing"])
    db.session.commit()
    url = f"/proposals/{p.id}/maturity" + (f"/{setting['indicators'][0].id}" if page == "indicator" else "")
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for indicator in setting["indicators"][1:11]:
        factories.claim(p, indicator, 2, status="accepted", verified_level=2, verified_points=2,
                 verifier=setting["reviewer"], attachment=factories.attachment(p))
    db.session.commit()
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count, "\n".join(many.statements)


def test_dashboard_and_leaderboard_city_summary_for_admins_with_constant_queries(client, setting, count_queries):
    admin = factories.user("admin")
    db.session.commit()
    login(client, admin)
    with count_queries() as few:
        html = client.get("/dashboard").get_data(as_text=True)
    assert "Dinas Kesehatan Uji" in html and "berisiko disclaimer" in html
    for n in range(5):
        factories.proposal_in("approved", cycle_=setting["cycle"])
    db.session.commit()
    with count_queries() as many:
        client.get("/dashboard")
    assert many.count == few.count
    board = client.get("/leaderboard").get_data(as_text=True)
    assert "Kesiapan Indeks Inovasi Daerah" in board
    client.post("/auth/logout")
    login(client, setting["reviewer"])
    assert "Kesiapan Indeks Inovasi Daerah" not in client.get("/leaderboard").get_data(as_text=True)


def test_admin_edits_levels_of_an_open_cycle_and_reads_a_closed_one(client, make, setting):
    admin = factories.user("admin")
    db.session.commit()
    login(client, admin)
    a = setting["indicators"][0]
    year = setting["cycle"].year
    assert client.get(f"/admin/maturity/levels/{year}/{a.id}").status_code == 200
    data = {"levels-0-description": "Satu", "levels-0-points": "5", "levels-1-description": "Dua",
            "levels-1-points": "10"}
    assert client.post(f"/admin/maturity/levels/{year}/{a.id}", data=data).status_code == 302
    assert [v.points for v in services.scale_for(setting["cycle"]).levels_of(a.id)] == [5, 10]
    bad = {"levels-0-description": "Satu", "levels-0-points": "5", "levels-1-description": "", "levels-1-points": "",
           "levels-2-description": "Tiga",
           "levels-2-points": "1"}
    response = client.post(f"/admin/maturity/levels/{year}/{a.id}", data=bad)
    assert response.status_code == 422 and "berurutan" in response.get_data(as_text=True)
    closed = make.cycle(year=year - 1, closed=True)
    db.session.commit()
    page = client.get(f"/admin/maturity/levels/{closed.year}").get_data(as_text=True)
    assert "sudah ditutup" in page and "Ubah level" not in page
    response = client.post(f"/admin/maturity/levels/{closed.year}/{a.id}", data=data)
    assert response.status_code == 302
    assert [v.points for v in services.scale_for(setting["cycle"]).levels_of(a.id)] == [5, 10]


def test_admin_manages_indicators(client, setting):
    admin = factories.user("admin")
    db.session.commit()
    login(client, admin)
    html = client.get("/admin/maturity/indicators").get_data(as_text=True)
    assert "Ketersediaan SDM" in html and "Muat indikator nasional" not in html
    response = client.post("/admin/maturity/indicators/new", data={
        "code": "regulasi", "name": "Duplikat", "evidence": "x", "order": "1", "active": "y"})
    assert response.status_code == 422 and "sudah dipakai" in response.get_data(as_text=True)
    a = setting["indicators"][0]
    assert client.post(f"/admin/maturity/indicators/{a.id}/edit", data={
        "code": a.code, "name": a.name, "evidence": "Perda", "order": "1"}).status_code == 302
    db.session.expire_all()
    assert len(services.scale_for(setting["cycle"]).indicators) == 19  # unticked: no longer active


def test_an_htmx_claim_with_a_new_file_answers_with_the_row_and_the_new_summary(client, setting):
    p, a = setting["proposal"], setting["indicators"][0]
    login(client, setting["innovator"])
    response = client.post(f"/proposals/{p.id}/maturity/{a.id}/claim", headers={"HX-Request": "true"}, data={
        f"c{a.id}-level": "2", f"c{a.id}-attachment_id": "0",
        f"c{a.id}-file": (io.BytesIO(factories.PDF_BYTES), "perbup.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="indicator-{a.id}"' in html and "perbup.pdf" in html and "Menunggu verifikasi" in html
    assert 'id="maturity-summary"' in html and "<html" not in html
    entry = db.session.query(AuditEntry).filter_by(action="maturity_claimed").one()
    assert entry.details["level"] == 2


def test_load_indicators_command_is_idempotent(app, make):
    runner = app.test_cli_runner()
    unknown_year = runner.invoke(args=["maturity", "load-indicators", "--year", "2019"])
    assert unknown_year.exit_code == 1 and "2019" in unknown_year.output
    assert "35 indicators added" in runner.invoke(args=["maturity", "load-indicators", "--year", "2023"]).output
    assert "0 indicators added" in runner.invoke(args=["maturity", "load-indicators"]).output
