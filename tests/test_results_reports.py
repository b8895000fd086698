"""Yearly reports (issue 17 point 2, DESIGN §8): once per later cycle for each approved or
implemented innovation, continuing, developed or stopped (with a reason), each indicator's
actual value and evidence; editable until the cycle closes; audited; due lists on the
dashboards and the admins' city list with who is late."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core import signals
from app.core.cycles import city_today
from app.core.extensions import db
from app.models import AuditEntry, YearlyReport
from tests.conftest import login
from tests.factories import EXE_BYTES, PDF_BYTES

THIS_YEAR = city_today().year  # the city's year (WIB), as the app counts it


@pytest.fixture
def innovation(make):
    """An innovation approved last year, with two indicators, and the people around it."""
    make.cycle_of(THIS_YEAR)
    agency = make.agency(name="Dinas Penanaman Modal Uji")
    innovator = make.user(role="innovator", agency_=agency, name="Rina Inovator")
    proposal = make.earlier_innovation(agency_=agency, author=innovator, title="Izin Kilat")
    days = make.result_indicator(proposal, name="Lama terbit izin", unit="hari", baseline=14, target=3)
    served = make.result_indicator(proposal, name="Pemohon dilayani", unit="orang/bulan", baseline=120, target=300,
                                   direction="up")
    db.session.commit()
    return {"proposal": proposal, "innovator": innovator, "agency": agency, "days": days, "served": served}


def _form(w, status="continuing", reason="", days="5", served="210,5", **extra):
    data = {"status": status, "reason": reason, f"actual_{w['days'].id}": days, f"actual_{w['served'].id}": served}
    data.update(extra)
    return data


def _report():
    return db.session.scalar(select(YearlyReport))


def test_innovator_reports_this_year_with_values_in_indonesian_numbers(client, innovation):
    login(client, innovation["innovator"])
    p = innovation["proposal"]
    page = client.get(f"/proposals/{p.id}/reports")
    assert page.status_code == 200
    assert f"Laporan {THIS_YEAR}" in page.get_data(as_text=True)

    response = client.post(f"/proposals/{p.id}/reports", data=_form(innovation))
    assert response.status_code == 302
    report = _report()
    assert (report.status, report.cycle.year, report.reporter_id) == ("continuing", THIS_YEAR, innovation["innovator"].id)
    assert report.actuals == {innovation["days"].id: 5.0, innovation["served"].id: 210.5}
    listed = client.get(f"/proposals/{p.id}/reports").get_data(as_text=True)
    assert "Berlanjut" in listed and "210,5" in listed
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "yearly_report_created"))
    assert entry.details["year"] == THIS_YEAR and entry.details["status"] == "continuing"


def test_a_dot_decimal_in_indonesian_is_refused_with_the_way_to_write_it(client, innovation):
    login(client, innovation["innovator"])
    response = client.post(f"/proposals/{innovation['proposal'].id}/reports", data=_form(innovation, served="210.5"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="actual_{innovation["served"].id}-error"' in html and "210,5" in html
    assert _report() is None


def test_english_reads_dot_decimals(client, innovation):
    login(client, innovation["innovator"])
    assert "Tulis angka seperti 12,5." in client.get(f"/proposals/{innovation['proposal'].id}/reports").get_data(as_text=True)
    client.post("/language", data={"lang": "en"})
    # The example follows the language, also after the template was first rendered in Indonesian.
    assert "Write numbers like 12.5." in client.get(f"/proposals/{innovation['proposal'].id}/reports").get_data(as_text=True)
    response = client.post(f"/proposals/{innovation['proposal'].id}/reports", data=_form(innovation, served="210.5"))
    assert response.status_code == 302
    assert _report().actuals[innovation["served"].id] == 210.5


@pytest.mark.parametrize("field, value, message", [
    ("days", "", "Isi nilai Lama terbit izin"),
    ("days", "lima", "Isi angka"),
    ("days", "1e5", "Isi angka"),
    ("days", "2000000000", "Isi angka antara"),
])
def test_each_indicator_needs_a_sound_value_unless_stopped(client, innovation, field, value, message):
    login(client, innovation["innovator"])
    data = _form(innovation, **{"days": value} if field == "days" else {})
    response = client.post(f"/proposals/{innovation['proposal'].id}/reports", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _report() is None


def test_stopped_needs_a_reason_and_no_values(client, innovation):
    login(client, innovation["innovator"])
    url = f"/proposals/{innovation['proposal'].id}/reports"
    refused = client.post(url, data=_form(innovation, status="stopped", days="", served=""))
    assert refused.status_code == 422
    assert "Tuliskan mengapa inovasi ini dihentikan." in refused.get_data(as_text=True)
    assert client.post(url, data=_form(innovation, status="stopped", reason="Aplikasi diganti sistem provinsi.",
                                       days="", served="")).status_code == 302
    assert (_report().status, _report().values) == ("stopped", [])


def test_no_status_is_refused(client, innovation):
    login(client, innovation["innovator"])
    response = client.post(f"/proposals/{innovation['proposal'].id}/reports", data=_form(innovation, status=""))
    assert response.status_code == 422
    assert "Pilih status inovasi tahun ini." in response.get_data(as_text=True)


def test_edit_keeps_one_report_and_a_stale_form_is_refused(client, app, innovation):
    login(client, innovation["innovator"])
    p = innovation["proposal"]
    client.post(f"/proposals/{p.id}/reports", data=_form(innovation))
    report = _report()
    old_version = report.version
    edit_url = f"/proposals/{p.id}/reports/{THIS_YEAR}"
    assert 'name="version"' in client.get(edit_url).get_data(as_text=True)
    saved = client.post(edit_url, data=_form(innovation, status="developed", reason="Kini juga untuk izin reklame.",
                                             version=str(old_version)))
    assert saved.status_code == 302
    db.session.expire_all()
    assert (_report().status, _report().version) == ("developed", old_version + 1)
    stale = client.post(edit_url, data=_form(innovation, status="continuing", version=str(old_version)))
    assert stale.status_code == 422
    assert "diubah orang lain" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert _report().status == "developed"
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "yearly_report_updated"))


def test_a_second_new_report_for_the_same_year_is_refused_not_doubled(client, innovation):
    login(client, innovation["innovator"])
    url = f"/proposals/{innovation['proposal'].id}/reports"
    assert client.post(url, data=_form(innovation)).status_code == 302
    again = client.post(url, data=_form(innovation, days="4"))
    assert again.status_code == 422
    assert "sudah disimpan sebelumnya" in again.get_data(as_text=True)
    assert len(db.session.scalars(select(YearlyReport)).all()) == 1


def test_evidence_upload_is_checked_by_content(client, innovation):
    login(client, innovation["innovator"])
    url = f"/proposals/{innovation['proposal'].id}/reports"
    from io import BytesIO
    refused = client.post(url, data=_form(innovation, file=(BytesIO(EXE_BYTES), "laporan.pdf")),
                          content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "Jenis berkas tidak diizinkan" in refused.get_data(as_text=True)
    assert _report() is None
    saved = client.post(url, data=_form(innovation, file=(BytesIO(PDF_BYTES), "laporan-2026.pdf")),
                        content_type="multipart/form-data")
    assert saved.status_code == 302
    assert _report().attachment.original_name == "laporan-2026.pdf"


def test_the_saved_signal_carries_the_report(client, innovation):
    heard = []

    def receiver(proposal, report, created, actor, **extra):
        heard.append((proposal.id, report.status, created, actor.id))

    signals.yearly_report_saved.connect(receiver)
    try:
        login(client, innovation["innovator"])
        client.post(f"/proposals/{innovation['proposal'].id}/reports", data=_form(innovation))
    finally:
        signals.yearly_report_saved.disconnect(receiver)
    assert heard == [(innovation["proposal"].id, "continuing", True, innovation["innovator"].id)]


def test_htmx_answers_with_the_region_in_place(client, innovation):
    login(client, innovation["innovator"])
    url = f"/proposals/{innovation['proposal'].id}/reports"
    headers = {"HX-Request": "true"}
    refused = client.post(url, data=_form(innovation, status=""), headers=headers)
    assert refused.status_code == 422
    assert refused.get_data(as_text=True).lstrip().startswith('<div id="reports-region">')
    saved = client.post(url, data=_form(innovation), headers=headers)
    html = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "<html" not in html
    assert "Laporan %d disimpan: Berlanjut." % THIS_YEAR in html and 'id="report-%d"' % THIS_YEAR in html


@pytest.mark.parametrize("who, status", [("other_agency", 403), ("reviewer", 403), ("admin", 302)])
def test_only_the_agency_or_an_admin_reports(client, make, innovation, who, status):
    person = make.user(role="admin") if who == "admin" else make.user(role="reviewer" if who == "reviewer" else "innovator")
    db.session.commit()
    login(client, person)
    response = client.post(f"/proposals/{innovation['proposal'].id}/reports", data=_form(innovation))
    assert response.status_code == status


def test_anonymous_goes_to_the_login_page(client, innovation):
    response = client.get(f"/proposals/{innovation['proposal'].id}/reports")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_an_innovation_of_this_year_owes_no_report(client, make):
    cycle = make.cycle_of(THIS_YEAR)
    proposal = make.proposal_in("approved", cycle_=cycle)
    db.session.commit()
    login(client, proposal.author)
    page = client.get(f"/proposals/{proposal.id}/reports").get_data(as_text=True)
    assert "Laporan tahunan dimulai pada siklus setelah tahun usulan" in page
    assert client.post(f"/proposals/{proposal.id}/reports", data={"status": "continuing"}).status_code == 403


def test_a_closed_cycle_refuses_reports(client, make, innovation):
    cycle = make.cycle_of(THIS_YEAR)
    cycle.closed = True
    db.session.commit()
    login(client, innovation["innovator"])
    assert client.post(f"/proposals/{innovation['proposal'].id}/reports", data=_form(innovation)).status_code == 403


def test_after_a_stopped_report_nothing_more_is_due(client, make, innovation):
    make.yearly_report(innovation["proposal"], make.cycle_of(THIS_YEAR - 1), status="stopped")
    db.session.commit()
    login(client, innovation["innovator"])
    response = client.post(f"/proposals/{innovation['proposal'].id}/reports", data=_form(innovation))
    assert response.status_code == 422
    assert "tidak perlu dilaporkan" in response.get_data(as_text=True)


def test_a_rejected_proposal_has_no_reports(client, make):
    make.cycle_of(THIS_YEAR)
    proposal = make.earlier_innovation(status="rejected")
    db.session.commit()
    login(client, proposal.author)
    assert client.post(f"/proposals/{proposal.id}/reports", data={"status": "continuing"}).status_code == 403


# --- dashboards and the city list ----------------------------------------------------

def test_the_agency_dashboard_lists_what_still_needs_this_years_report(client, innovation):
    login(client, innovation["innovator"])
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert f"Laporan tahunan {THIS_YEAR} yang belum dikirim" in dashboard and "Izin Kilat" in dashboard
    client.post(f"/proposals/{innovation['proposal'].id}/reports", data=_form(innovation))
    assert "yang belum dikirim" not in client.get("/dashboard").get_data(as_text=True)


def test_the_city_list_counts_and_shows_who_is_late(client, make, innovation):
    cycle = make.cycle_of(THIS_YEAR)
    cycle.submission_closes = city_today() - timedelta(days=1)
    other = make.earlier_innovation(title="Posyandu Digital")
    make.yearly_report(other, cycle)
    admin = make.user(role="admin")
    db.session.commit()
    login(client, admin)
    page = client.get(f"/reports?year={THIS_YEAR}").get_data(as_text=True)
    assert "Izin Kilat" in page and "Posyandu Digital" in page and "Terlambat" in page
    late_only = client.get(f"/reports?year={THIS_YEAR}&show=late").get_data(as_text=True)
    assert "Izin Kilat" in late_only and "Posyandu Digital" not in late_only
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Laporan tahunan terlambat" in dashboard


def test_the_city_list_is_for_admins_only(client, innovation):
    login(client, innovation["innovator"])
    assert client.get("/reports").status_code == 403


def test_the_proposal_page_links_to_the_reports_once_approved(client, make, innovation):
    login(client, innovation["innovator"])
    p = innovation["proposal"]
    assert f'href="/proposals/{p.id}/reports"' in client.get(f"/proposals/{p.id}").get_data(as_text=True)
    draft = make.proposal_in("draft", agency_=innovation["agency"], author=innovation["innovator"])
    db.session.commit()
    assert "/reports" not in client.get(f"/proposals/{draft.id}").get_data(as_text=True)
