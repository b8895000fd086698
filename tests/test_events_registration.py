"""Registration: seats held in the database, waitlist in order, promotion on cancellation."""
import threading

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.events import services
from app.models import AuditEntry, Event, Notification, Registration, User
from tests import factories
from tests.conftest import is_postgres, login


def statuses(event_id):
    db.session.expire_all()
    return [
        (r.user_id, r.status)
        for r in db.session.scalars(
            select(Registration).where(Registration.event_id == event_id).order_by(Registration.queue_number)
        )
    ]


def test_full_event_puts_the_fourth_person_on_the_waitlist_and_a_cancellation_lets_them_in(client, make):
    event = factories.event(capacity=3, kind="diagnose")
    people = [make.user() for _ in range(4)]
    db.session.commit()
    for person in people:
        login(client, person)
        assert client.post(f"/events/{event.id}/register").status_code == 302
        client.post("/auth/logout")
    assert [s for _, s in statuses(event.id)] == ["registered", "registered", "registered", "waitlisted"]

    login(client, people[1])
    response = client.post(f"/events/{event.id}/cancel", follow_redirects=True)
    assert "Pendaftaran Anda dibatalkan." in response.get_data(as_text=True)
    rows = dict(statuses(event.id))
    assert rows[people[1].id] == "cancelled" and rows[people[3].id] == "registered"
    notice = db.session.scalars(select(Notification).where(Notification.user_id == people[3].id)).one()
    assert notice.link == f"/events/{event.id}" and event.title in notice.message


def test_cancellation_promotes_exactly_one_in_queue_order(app_ctx, make):
    event = factories.event(capacity=2)
    users = [make.user() for _ in range(5)]
    for user in users:
        services.register(event, user)
    db.session.commit()
    assert [s for _, s in statuses(event.id)] == ["registered"] * 2 + ["waitlisted"] * 3

    promoted = services.cancel_registration(event, users[0])
    db.session.commit()
    assert [r.user_id for r in promoted] == [users[2].id]
    rows = dict(statuses(event.id))
    assert rows == {users[0].id: "cancelled", users[1].id: "registered", users[2].id: "registered",
                    users[3].id: "waitlisted", users[4].id: "waitlisted"}
    assert db.session.scalar(select(Notification.user_id)) == users[2].id
    # Leaving the waitlist frees no seat: nobody moves.
    assert services.cancel_registration(event, users[3]) == []


def test_waitlist_place_is_shown_and_counts_down(client, make):
    event = factories.event(capacity=1)
    first, second, third = make.user(), make.user(), make.user()
    factories.registration(event, first, queue_number=1)
    factories.registration(event, second, "waitlisted", queue_number=2)
    db.session.commit()
    login(client, third)
    response = client.post(f"/events/{event.id}/register", follow_redirects=True)
    assert "daftar tunggu nomor 2" in response.get_data(as_text=True)


def test_registering_again_after_cancelling_queues_at_the_end(app_ctx, make):
    event = factories.event(capacity=1)
    a, b, c = make.user(), make.user(), make.user()
    services.register(event, a)
    services.register(event, b)
    services.cancel_registration(event, b)
    services.register(event, c)
    again = services.register(event, b)
    db.session.commit()
    assert again.status == "waitlisted"
    assert services.waitlist_place(again) == 2


def test_registering_twice_keeps_one_registration(app_ctx, make):
    event = factories.event(capacity=5)
    user = make.user()
    services.register(event, user)
    services.register(event, user)
    db.session.commit()
    assert len(statuses(event.id)) == 1


@pytest.mark.parametrize("change, message", [
    ({"registration_open": False}, "Pendaftaran kegiatan ini ditutup."),
    ({"cancelled": True}, "Kegiatan ini dibatalkan."),
    ({"days_ahead": -3}, "Kegiatan ini sudah selesai."),
])
def test_closed_registration_says_why_and_changes_nothing(client, login_as, change, message):
    login_as("innovator")
    event = factories.event(**change)
    db.session.commit()
    response = client.post(f"/events/{event.id}/register", follow_redirects=True)
    assert message in response.get_data(as_text=True)
    assert statuses(event.id) == []
    htmx = client.post(f"/events/{event.id}/register", headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and message in htmx.get_data(as_text=True)
    assert message in htmx.headers["HX-Trigger"]


def test_anonymous_cannot_register_or_cancel(client, make):
    event = factories.event(capacity=3)
    db.session.commit()
    for action in ("register", "cancel"):
        response = client.post(f"/events/{event.id}/{action}")
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert statuses(event.id) == []
    assert "Masuk untuk mendaftar" in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_htmx_registration_returns_the_fragment_focused_and_announced(client, login_as):
    login_as("reviewer")
    event = factories.event(capacity=1)
    db.session.commit()
    response = client.post(f"/events/{event.id}/register", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "data-autofocus" in html and "Batalkan pendaftaran saya" in html
    assert "Anda terdaftar" in response.headers["HX-Trigger"]
    response = client.post(f"/events/{event.id}/cancel", headers={"HX-Request": "true"})
    assert "Daftar" in response.get_data(as_text=True) and "dibatalkan" in response.headers["HX-Trigger"]


def test_raising_capacity_lets_the_waitlist_in_and_lowering_below_taken_is_refused(client, login_as, make):
    login_as("admin")
    event = factories.event(capacity=1)
    a, b, c = make.user(), make.user(), make.user()
    for user in (a, b, c):
        services.register(event, user)
    db.session.commit()
    form = {"title": event.title, "kind": "diagnose", "starts_at": "2030-05-04T09:00", "ends_at": "2030-05-04T12:00",
            "place": "Aula", "capacity": "2", "description": "", "is_public": "y", "registration_open": "y",
            "declaration_text": ""}
    assert client.post(f"/events/{event.id}/edit", data=form).status_code == 302
    assert dict(statuses(event.id))[b.id] == "registered" and dict(statuses(event.id))[c.id] == "waitlisted"
    response = client.post(f"/events/{event.id}/edit", data=dict(form, capacity="1"))
    assert "Kapasitas tidak boleh kurang dari 2 kursi" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).capacity == 2


def _register_concurrently(app, event_id, user_ids):
    barrier = threading.Barrier(len(user_ids))
    errors = []

    def worker(user_id):
        with app.app_context():
            try:
                # Wait before touching the pool: every thread then races for the seats.
                barrier.wait(timeout=30)
                event = db.session.get(Event, event_id)
                user = db.session.get(User, user_id)
                services.register(event, user)
                db.session.commit()
            except Exception as error:  # reported below, with the thread's failure
                errors.append(repr(error))
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(uid,)) for uid in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.postgres
@pytest.mark.committing
@pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (DATABASE_URL)")
def test_thirty_concurrent_registrations_for_ten_seats_on_postgresql(app, app_ctx, make):
    event = factories.event(capacity=10)
    user_ids = [make.user().id for _ in range(30)]
    db.session.commit()
    errors = _register_concurrently(app, event.id, user_ids)
    assert errors == []
    rows = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id).order_by(Registration.queue_number)
    ).all()
    assert len(rows) == 30
    assert [r.status for r in rows] == ["registered"] * 10 + ["waitlisted"] * 20
    assert [r.queue_number for r in rows] == list(range(1, 31))
    assert [services.waitlist_place(r) for r in rows[10:]] == list(range(1, 21))
    # The first waiting is the one who gets the next free seat.
    first_waiting = rows[10].user_id
    promoted = services.cancel_registration(db.session.get(Event, event.id), rows[0].user)
    db.session.commit()
    assert [r.user_id for r in promoted] == [first_waiting]


@pytest.mark.committing
def test_concurrent_registrations_hold_capacity_on_any_database(app, app_ctx, make):
    """The same guarantee on SQLite, where the write lock serialises the deciding statement."""
    event = factories.event(capacity=3)
    user_ids = [make.user().id for _ in range(8)]
    db.session.commit()
    assert _register_concurrently(app, event.id, user_ids) == []
    found = [s for _, s in statuses(event.id)]
    assert found == ["registered"] * 3 + ["waitlisted"] * 5
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "event_registered")) is not None
