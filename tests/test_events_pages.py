"""Event pages, public vs internal, admin forms, iCalendar, dashboard."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import select

from app.core.extensions import db
from app.models import AuditEntry, Event, Notification
from tests import factories
from tests.conftest import login

JAKARTA = ZoneInfo("Asia/Jakarta")


def test_internal_events_never_appear_on_public_pages_or_in_the_feed(client, login_as):
    public = factories.event(title="Sosialisasi Terbuka", kind="sosialisasi")
    internal = factories.event(title="Rapat Internal Tim Lab", is_public=False)
    db.session.commit()
    listing = client.get("/events").get_data(as_text=True)
    assert "Sosialisasi Terbuka" in listing and "Rapat Internal Tim Lab" not in listing
    assert client.get(f"/events/{internal.id}").status_code == 404
    assert client.get(f"/events/{internal.id}.ics").status_code == 404
    feed = client.get("/events.ics").get_data(as_text=True)
    assert "Sosialisasi Terbuka" in feed and "Rapat Internal" not in feed
    assert client.get(f"/events/{public.id}").status_code == 200
    # Logged-in staff see both, but the feed stays public-only.
    login_as("innovator")
    assert "Rapat Internal Tim Lab" in client.get("/events").get_data(as_text=True)
    assert client.get(f"/events/{internal.id}").status_code == 200
    assert "Rapat Internal" not in client.get("/events.ics").get_data(as_text=True)


def test_list_splits_upcoming_and_past_and_filters_by_kind(client):
    factories.event(title="Ekspo Display Mendatang", kind="display", days_ahead=10)
    factories.event(title="Drum-up Lalu", kind="drum_up", days_ahead=-20)
    db.session.commit()
    html = client.get("/events").get_data(as_text=True)
    assert html.index("Ekspo Display Mendatang") < html.index("Sudah berlangsung") < html.index("Drum-up Lalu")
    filtered = client.get("/events?kind=display").get_data(as_text=True)
    assert "Ekspo Display Mendatang" in filtered and "Drum-up Lalu" not in filtered
    fragment = client.get("/events?kind=drum_up", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "Drum-up Lalu" in fragment


def test_list_page_queries_do_not_grow_with_events(client, count_queries, make):
    for _ in range(3):
        factories.event(capacity=10)
    db.session.commit()
    with count_queries() as few:
        client.get("/events")
    for _ in range(12):
        event = factories.event(capacity=10, days_ahead=-5)
        factories.registration(event, make.user())
    db.session.commit()
    with count_queries() as many:
        client.get("/events")
    assert many.count == few.count


def test_event_page_shows_seats_left_and_participating_agencies(client, make):
    event = factories.event(capacity=5)
    agency = make.agency(name="Dinas Kesehatan")
    factories.registration(event, make.user(agency_=agency))
    factories.registration(event, make.user(agency_=agency))
    db.session.commit()
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "3 dari 5 kursi tersisa" in html
    assert "Dinas Kesehatan" in html and "2 orang" in html


def test_admin_creates_event_in_local_time_and_bad_input_changes_nothing(client, login_as):
    admin = login_as("admin")
    response = client.post("/events/new", data={
        "title": "", "kind": "diagnose", "starts_at": "2030-03-10T13:00", "ends_at": "2030-03-10T09:00",
        "place": "Aula", "capacity": "0"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'class="error-summary"' in html
    assert "Isi judul kegiatan." in html and "Waktu selesai tidak boleh sebelum waktu mulai." in html
    assert "Kapasitas antara 1 dan 10.000 orang." in html
    assert db.session.scalar(select(Event.id)) is None

    response = client.post("/events/new", data={
        "title": "Lokakarya Diagnose", "kind": "diagnose", "starts_at": "2030-03-10T09:00",
        "ends_at": "2030-03-10T12:30", "place": "Aula Bappeda", "capacity": "3", "description": "Membedah masalah.",
        "is_public": "y", "registration_open": "y", "declaration_text": "Kami berikrar berinovasi."})
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert event.starts_at == datetime(2030, 3, 10, 2, 0, tzinfo=timezone.utc)  # 09.00 WIB
    assert event.created_by_id == admin.id and event.capacity == 3
    assert db.session.scalar(select(AuditEntry.target_id).where(AuditEntry.action == "event_created")) == event.id
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "09.00" in page and "12.30" in page and "WIB" in page
    edit = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert 'value="2030-03-10T09:00"' in edit


def test_admin_cancels_event_and_participants_are_told(client, login_as, make):
    login_as("admin")
    event = factories.event(capacity=1)
    registered, waiting = make.user(), make.user()
    factories.registration(event, registered)
    factories.registration(event, waiting, "waitlisted")
    db.session.commit()
    response = client.post(f"/events/{event.id}/cancel-event", follow_redirects=True)
    assert "2 peserta diberi tahu" in response.get_data(as_text=True)
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.cancelled and not event.registration_open and event.sequence == 1
    told = set(db.session.scalars(select(Notification.user_id)))
    assert told == {registered.id, waiting.id}
    ics = icalendar.Calendar.from_ical(client.get(f"/events/{event.id}.ics").data)
    assert str(ics.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    assert "dibatalkan" not in client.get("/events.ics").get_data(as_text=True)
    assert event.title not in client.get("/events.ics").get_data(as_text=True)


def test_icalendar_parses_back_with_jakarta_times(client):
    starts = datetime(2030, 7, 1, 1, 30, tzinfo=timezone.utc)  # 08.30 WIB
    event = factories.event(title="Klinik Design", kind="design", starts_at=starts, ends_at=starts + timedelta(hours=2),
                     place="Ruang Rapat 2", description="Membawa draf rancang bangun.")
    factories.event(title="Klinik Lain", days_ahead=3)
    db.session.commit()
    response = client.get(f"/events/{event.id}.ics")
    assert response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Jakarta"]
    (vevent,) = calendar.walk("VEVENT")
    start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
    assert start == starts and end == starts + timedelta(hours=2)
    assert start.astimezone(JAKARTA).hour == 8 and start.astimezone(JAKARTA).minute == 30
    assert vevent["DTSTART"].params["TZID"] == "Asia/Jakarta"
    assert str(vevent["UID"]) == f"event-{event.id}@apusida"
    assert str(vevent["SUMMARY"]) == "Klinik Design" and str(vevent["LOCATION"]) == "Ruang Rapat 2"
    assert str(vevent["URL"]).endswith(f"/events/{event.id}")
    assert str(vevent["STATUS"]) == "CONFIRMED"
    feed = icalendar.Calendar.from_ical(client.get("/events.ics").data)
    uids = sorted(str(v["UID"]) for v in feed.walk("VEVENT"))
    assert uids == sorted([f"event-{event.id}@apusida", f"event-{event.id + 1}@apusida"])
    # UIDs are stable: the same event keeps its UID between downloads.
    again = icalendar.Calendar.from_ical(client.get(f"/events/{event.id}.ics").data)
    assert str(again.walk("VEVENT")[0]["UID"]) == str(vevent["UID"])


def test_dashboard_lists_my_upcoming_registered_and_waitlisted_events(client, make):
    me = make.user()
    soon = factories.event(title="Drum-up Pekan Depan", capacity=1)
    full = factories.event(title="Diagnose Penuh", capacity=1)
    past = factories.event(title="Sosialisasi Lalu", days_ahead=-10)
    factories.registration(soon, me)
    factories.registration(full, make.user(), queue_number=1)
    factories.registration(full, me, "waitlisted", queue_number=2)
    factories.registration(past, me)
    db.session.commit()
    login(client, me)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Drum-up Pekan Depan" in html and "Diagnose Penuh" in html and "nomor 1" in html
    assert "Sosialisasi Lalu" not in html


def test_demo_events_load_twice_without_duplicates(app_ctx):
    from app import demo
    from app.models import Registration, Signature

    demo.load()
    db.session.commit()
    counts = (db.session.scalar(select(db.func.count(Event.id))),
              db.session.scalar(select(db.func.count(Registration.id))),
              db.session.scalar(select(db.func.count(Signature.id))))
    demo.load()
    db.session.commit()
    assert counts == (db.session.scalar(select(db.func.count(Event.id))),
                      db.session.scalar(select(db.func.count(Registration.id))),
                      db.session.scalar(select(db.func.count(Signature.id))))
    kinds = set(db.session.scalars(select(Event.kind)))
    assert {"sosialisasi", "drum_up", "diagnose", "design", "display"} <= kinds
    diagnose = db.session.scalar(select(Event).where(Event.kind == "diagnose"))
    statuses = sorted(r.status for r in diagnose.registrations)
    assert statuses.count("registered") == 3 and "waitlisted" in statuses and diagnose.declaration_text
