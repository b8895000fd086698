"""An event's close report (issue 20, DESIGN §11): written by an admin at /events/<id>/close once
the event has ended, editable later, audited: minutes (internal), a public summary, the ideas
born there (one short title a line); attendance counted from check-ins, the proposals discussed
those linked to the event. The public page shows the summary and counts only."""
import pytest
from sqlalchemy import select

from app.core.audit import describe
from app.core.extensions import db
from app.models import AuditEntry, EventIdea, EventReport
from tests.conftest import login


@pytest.fixture
def ended(make):
    """A public event that ended yesterday: two people checked in (two agencies), one no-show,
    a published innovation and a submitted proposal linked to it."""
    event = make.event(days_ahead=-1, title="Lokakarya Design Uji")
    kec = make.agency(code="KEC-UJI", name="Kecamatan Uji", kind="kecamatan")
    opd = make.agency(code="DIN-UJI", name="Dinas Uji")
    came = make.user(role="innovator", agency_=kec, name="Budi Hadir")
    also = make.user(role="innovator", agency_=opd, name="Citra Hadir")
    absent = make.user(role="innovator", agency_=opd, name="Dodi Absen")
    make.registration(event, came, status="attended")
    make.registration(event, also, status="attended")
    make.registration(event, absent, status="registered")
    published = make.published(agency_=opd, author=also, title="Inovasi Terbit Uji")
    hidden = make.proposal_in("submitted", agency_=opd, author=also, title="Usulan Belum Terbit Uji")
    published.event_id = hidden.event_id = event.id
    admin = make.user(role="admin", name="Admin Penutup")
    db.session.commit()
    return {"event": event, "admin": admin, "came": came, "published": published, "hidden": hidden}


def _report(**values):
    data = {"minutes": "Notulen rahasia: anggaran dibahas.", "public_summary": "Lokakarya berjalan lancar.",
            "ideas": "Antrean daring puskesmas\n\n  Bank sampah   sekolah \n"}
    data.update(values)
    return data


def _saved(event):
    db.session.expire_all()
    return db.session.scalar(select(EventReport).where(EventReport.event_id == event.id))


def test_an_admin_writes_the_close_report_and_corrects_it_later(client, ended):
    event = ended["event"]
    login(client, ended["admin"])
    page = client.get(f"/events/{event.id}/close").get_data(as_text=True)
    assert "2 orang hadir" in page and "Inovasi Terbit Uji" in page and "Usulan Belum Terbit Uji" in page
    response = client.post(f"/events/{event.id}/close", data=_report())
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/events/{event.id}#close-report")
    report = _saved(event)
    assert [idea.title for idea in report.ideas] == ["Antrean daring puskesmas", "Bank sampah sekolah"]
    assert report.minutes.startswith("Notulen rahasia")
    form = client.get(f"/events/{event.id}/close").get_data(as_text=True)
    assert "Antrean daring puskesmas\nBank sampah sekolah" in form and 'name="version" type="hidden" value="1"' in form
    response = client.post(f"/events/{event.id}/close", data=_report(ideas="Satu ide saja", version="1"))
    assert response.status_code == 302
    assert [idea.title for idea in _saved(event).ideas] == ["Satu ide saja"]
    assert db.session.scalars(select(EventIdea)).all() == _saved(event).ideas
    created, updated = (db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).one()
                        for action in ("event_report_created", "event_report_updated"))
    assert created.details["attended"] == 2 and updated.details["ideas"] == 1
    assert describe(created) == "Admin Penutup menulis laporan penutupan kegiatan “Lokakarya Design Uji”"


def test_a_stale_edit_of_the_report_is_refused(client, ended):
    login(client, ended["admin"])
    event = ended["event"]
    assert client.post(f"/events/{event.id}/close", data=_report()).status_code == 302
    response = client.post(f"/events/{event.id}/close", data=_report(minutes="Tertimpa?", version=""))
    assert response.status_code == 409 and "Tertimpa?" in response.get_data(as_text=True)
    assert _saved(event).minutes.startswith("Notulen rahasia")


def test_a_close_report_before_the_event_has_ended_is_refused(client, make):
    event = make.event(days_ahead=3)
    admin = make.user(role="admin")
    db.session.commit()
    login(client, admin)
    page = client.get(f"/events/{event.id}/close").get_data(as_text=True)
    assert "Laporan penutupan ditulis setelah kegiatan selesai" in page and 'name="minutes"' not in page
    response = client.post(f"/events/{event.id}/close", data=_report())
    assert response.status_code == 422
    assert "Laporan penutupan ditulis setelah kegiatan selesai" in response.get_data(as_text=True)
    assert _saved(event) is None


def test_a_cancelled_event_has_no_close_report(client, make):
    event = make.event(days_ahead=-2, cancelled=True)
    admin = make.user(role="admin")
    db.session.commit()
    login(client, admin)
    assert client.post(f"/events/{event.id}/close", data=_report()).status_code == 422
    assert _saved(event) is None


@pytest.mark.parametrize(("ideas", "message"), [
    ("Ide pendek\n" + "x" * 201 + "\nLagi", "Baris 2 terlalu panjang: 201 karakter"),
    ("\n".join(f"Ide {n}" for n in range(51)), "Paling banyak 50 ide; ada 51."),
])
def test_a_bad_idea_line_is_named_beside_the_field(client, ended, ideas, message):
    login(client, ended["admin"])
    response = client.post(f"/events/{ended['event'].id}/close", data=_report(ideas=ideas))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<p class="error-message" id="ideas-error">' in html and message in html
    assert _saved(ended["event"]) is None


def test_only_admins_write_close_reports(client, ended):
    login(client, ended["came"])
    assert client.get(f"/events/{ended['event'].id}/close").status_code == 403
    assert client.post(f"/events/{ended['event'].id}/close", data=_report()).status_code == 403


def test_attendance_is_counted_from_check_ins_by_agency(client, make, ended):
    from app.events.services import attendance_by_agency

    event = ended["event"]
    lab = make.user(role="reviewer", name="Tim Lab")
    make.registration(event, lab, status="attended")
    db.session.commit()
    assert attendance_by_agency(event.id) == [("", "", 1), ("kecamatan", "Kecamatan Uji", 1), ("opd", "Dinas Uji", 1)]
    login(client, ended["admin"])
    client.post(f"/events/{event.id}/close", data=_report())
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    section = html[html.index('id="close-report"'):]
    section = section[:section.index("</section>")]
    assert "<strong>3</strong> orang hadir" in section and "<strong>2</strong> ide dicatat" in section
    assert "Kecamatan Uji" in section and "Notulen rahasia" in section and "Antrean daring puskesmas" in section


def test_the_public_event_page_shows_the_summary_and_counts_never_minutes_names_or_unpublished(client, ended):
    event = ended["event"]
    login(client, ended["admin"])
    client.post(f"/events/{event.id}/close", data=_report())
    client.post("/auth/logout")
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    section = html[html.index('id="close-report"'):]
    section = section[:section.index("</section>")]
    assert "Lokakarya berjalan lancar." in section and "<strong>2</strong> orang hadir" in section
    assert "<strong>2</strong> ide dicatat" in section and "Inovasi Terbit Uji" in section
    for secret in ("Notulen rahasia", "Usulan Belum Terbit Uji", "Budi Hadir", "Citra Hadir", "Antrean daring"):
        assert secret not in html
    assert "Kecamatan Uji" not in section  # the event page's list of taking part is not the report's
