"""Notifications: in-app bell and list, and e-mail after commit via a local SMTP server."""
import logging
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.models import Notification, Proposal
from app.notifications import services as notifications
from app.proposals.status import change_status
from app.reviews import services
from tests import factories
from tests.conftest import free_port, login
from tests.factories import decision_form

HX = {"HX-Request": "true"}


def notes_for(user):
    db.session.expire_all()
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()


def test_submission_notifies_admins(make):
    admin, other_admin = make.user(role="admin"), make.user(role="admin")
    proposal = make.proposal()
    change_status(proposal, "submitted", proposal.author)
    db.session.commit()
    assert len(notes_for(admin)) == 1 and len(notes_for(other_admin)) == 1
    assert proposal.title in notes_for(admin)[0].message
    assert notes_for(admin)[0].link == f"/proposals/{proposal.id}"
    assert notes_for(proposal.author) == []


def test_review_notifies_the_agency_once(client, login_as, make):
    proposal = factories.submitted()
    colleague = make.user(agency_=proposal.agency)
    db.session.commit()
    login_as("reviewer", name="Penilai Anonim")
    client.post(f"/proposals/{proposal.id}/review", data=factories.review_form(proposal.id))
    client.post(f"/proposals/{proposal.id}/review", data=factories.review_form(proposal.id, score=5))  # an edit
    for member in (proposal.author, colleague):
        notes = notes_for(member)
        assert len(notes) == 1 and "penilaian baru" in notes[0].message
        assert "Penilai Anonim" not in notes[0].message


def test_revision_request_tells_the_author_what_to_fix(client, login_as, make):
    proposal = factories.submitted()
    colleague = make.user(agency_=proposal.agency)
    db.session.commit()
    login_as("admin")
    client.post(f"/proposals/{proposal.id}/decision", data=decision_form(proposal.id, "revision_requested", "Tambah data."))
    author_notes = notes_for(proposal.author)
    assert len(author_notes) == 1 and "perlu direvisi" in author_notes[0].message
    assert "Tambah data." in author_notes[0].message
    assert len(notes_for(colleague)) == 1 and "Perlu revisi" in notes_for(colleague)[0].message


def test_author_sees_the_bell_and_marks_read(client, make):
    proposal = factories.submitted()
    notifications.notify([proposal.author], "Pesan satu", "/proposals/1")
    notifications.notify([proposal.author], "Pesan dua", f"/proposals/{proposal.id}")
    db.session.commit()
    login(client, proposal.author)
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'id="notification-count"><span class="badge">2</span>' in page
    listing = client.get("/notifications").get_data(as_text=True)
    assert "Pesan satu" in listing and "Pesan dua" in listing and "<html" in listing
    fragment = client.get("/notifications", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and "Pesan dua" in fragment

    first, second = sorted(notes_for(proposal.author), key=lambda n: n.id)
    response = client.post(f"/notifications/{first.id}/read", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'id="notification-count" hx-swap-oob="true"><span class="badge">1</span>' in html
    response = client.post(f"/notifications/{second.id}/read", data={"open": "1"})
    assert response.headers["Location"] == f"/proposals/{proposal.id}"
    assert all(n.read_at is not None for n in notes_for(proposal.author))
    assert 'class="badge"' not in client.get("/dashboard").get_data(as_text=True)


def test_mark_all_read_and_others_notifications_are_invisible(client, make):
    me, someone = make.user(), make.user()
    notifications.notify([me], "Untuk saya")
    theirs = notifications.notify([someone], "Bukan untuk saya")[0]
    db.session.commit()
    login(client, me)
    assert "Bukan untuk saya" not in client.get("/notifications").get_data(as_text=True)
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 404
    assert client.post("/notifications/read-all").status_code == 302
    assert all(n.read_at for n in notes_for(me)) and notes_for(someone)[0].read_at is None


def test_decision_mails_each_member_of_the_agency_after_commit(client, login_as, make, smtp):
    """One message per person (each carries that person's own unsubscribe link; nobody sees
    the others' addresses)."""
    proposal = factories.submitted()
    colleague = make.user(agency_=proposal.agency)
    make.user(role="innovator")  # another agency: not told
    db.session.commit()
    login_as("admin")
    response = client.post(f"/proposals/{proposal.id}/decision", data=decision_form(proposal.id, "approved"))
    assert response.status_code == 302
    assert sorted(address for message in smtp.messages for address in message.rcpt_tos) == sorted(
        [proposal.author.email, colleague.email])
    for message in smtp.messages:
        assert len(message.rcpt_tos) == 1
        body = message.content.decode()
        assert proposal.title in body and f"/proposals/{proposal.id}" in body
    assert len(notes_for(colleague)) == 1


def test_nothing_is_mailed_when_the_transaction_rolls_back(app, make, smtp):
    proposal = factories.submitted()
    db.session.commit()
    with app.test_request_context():
        notifications.notify([proposal.author], "Tidak jadi")
        db.session.rollback()
        db.session.commit()
    assert smtp.messages == []
    assert notes_for(proposal.author) == []


def test_savepoints_do_not_send_early(app, make, smtp):
    proposal = factories.submitted()
    voter = make.user()
    db.session.commit()
    notifications.notify([proposal.author], "Setelah commit")
    services.toggle_vote(proposal, voter)  # releases a savepoint
    assert smtp.messages == []
    db.session.commit()
    assert len(smtp.messages) == 1


def test_mail_failure_keeps_the_in_app_notification(client, login_as, make, app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens there
    # Alembic's logging set-up (test_migrations) disables loggers that existed before it.
    monkeypatch.setattr(notifications.log, "disabled", False)
    proposal = factories.submitted()
    db.session.commit()
    login_as("admin")
    response = client.post(f"/proposals/{proposal.id}/decision", data=decision_form(proposal.id, "rejected", "Belum matang."))
    assert response.status_code == 302
    assert len(notes_for(proposal.author)) == 1
    assert "failed" in caplog.text


def test_a_title_with_a_line_break_cannot_add_a_header(client, login_as, make, smtp):
    proposal = factories.submitted(title="a\r\nBcc: x@evil")
    db.session.commit()
    login_as("admin")
    response = client.post(f"/proposals/{proposal.id}/decision", data=decision_form(proposal.id, "approved"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "approved"
    assert len(smtp.messages) == 1
    envelope = smtp.messages[0]
    assert envelope.rcpt_tos == [proposal.author.email]
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert message["Bcc"] is None and "x@evil" not in envelope.rcpt_tos
    assert message["Subject"] == "Keputusan untuk usulan \u201ca Bcc: x@evil\u201d: Disetujui."
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]


@pytest.mark.parametrize("raw,clean", [
    ("satu\ndua\rtiga\r\nempat", "satu dua tiga empat"),
    ("baris\u2028pemisah\u2029paragraf\x85NEL", "baris pemisah paragraf NEL"),
    ("kontrol\x00\x07\x1b[31m\ttab", "kontrol [31m tab"),
    ("tersembunyi\u200b\u202ekanan", "tersembunyi kanan"),
    ("Pelayanan Kelurahan Kanigaran \u2014 \u00e9\u00e8 \u4e2d\u6587", "Pelayanan Kelurahan Kanigaran \u2014 \u00e9\u00e8 \u4e2d\u6587"),
])
def test_header_text_is_one_clean_line(raw, clean):
    assert notifications.header_text(raw) == clean


def test_header_text_is_cut_to_a_sensible_length():
    cut = notifications.header_text("kata " * 100)
    assert len(cut) == notifications.SUBJECT_MAX and cut.endswith("\u2026")


def test_odd_titles_build_a_message(app):
    for title in ("x" * 5000, "\u2028" * 3, "Inovasi \U0001f600 \u0000 \ud800?", ""):
        mail = notifications.Mail(recipients=["a@example.com", "bad\r\naddress@example.com"],
                                  subject=f"Usulan \u201c{title}\u201d", body=f"Isi {title}",
                                  server="127.0.0.1", port=25, sender="apusida@localhost")
        message = notifications.build_message(mail)
        assert message["To"] == "a@example.com"
        assert len(message["Subject"]) <= notifications.SUBJECT_MAX
        message.as_bytes()  # serialises


def test_a_message_that_cannot_be_built_is_logged_and_the_decision_stands(client, login_as, make, smtp,
                                                                          monkeypatch, caplog):
    monkeypatch.setattr(notifications.log, "disabled", False)

    def broken(*args, **kwargs):
        raise RuntimeError("cannot build")

    monkeypatch.setattr(notifications, "EmailMessage", broken)
    proposal = factories.submitted(title="Rahasia isi badan")
    db.session.commit()
    login_as("admin")
    response = client.post(f"/proposals/{proposal.id}/decision",
                           data=decision_form(proposal.id, "rejected", "Belum matang sama sekali."))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/proposals/{proposal.id}"
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status == "rejected"
    assert smtp.messages == []
    note = notes_for(proposal.author)[0]
    records = [r for r in caplog.records if r.name == notifications.log.name]
    assert len(records) == 1 and records[0].levelno == logging.ERROR
    assert f"notification(s) {note.id} could not be built" in records[0].getMessage()
    assert "Rahasia" not in caplog.text and "Belum matang" not in caplog.text
