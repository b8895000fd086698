"""Notifications in the reader's language (issue 16, point 9): stored as a key and
parameters, translated when shown; older rows recognised by the migration."""
import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.core.extensions import db
from app.models import Notification
from app.proposals.status import change_status
from tests import factories
from tests.conftest import login
from tests.factories import decision_form
from tests.test_migrations import _migrated_app, empty_database_url  # noqa: F401  (a fixture)


def _in_english(client):
    client.post("/language", data={"lang": "en", "next": "/"})


def _notes(user):
    db.session.expire_all()
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()


def test_a_decision_made_in_indonesian_reads_in_english(app, client, make):
    proposal = factories.proposal_in("submitted", title="Sistem Antrean Puskesmas")
    member = make.user(agency_=proposal.agency)
    admin = make.user(role="admin")
    db.session.commit()
    login(client, admin)  # the admin acts in Indonesian
    response = client.post(f"/proposals/{proposal.id}/decision",
                           data=decision_form(proposal.id, "rejected", "Belum ada data dasar."))
    assert response.status_code == 302
    note = _notes(member)[0]
    assert note.message_key == "Keputusan untuk usulan \u201c%(title)s\u201d: %(decision)s. Catatan: %(note)s"
    assert note.message_params["decision"] == {"label": "status", "code": "rejected"}
    assert note.message == "Keputusan untuk usulan \u201cSistem Antrean Puskesmas\u201d: Ditolak. Catatan: Belum ada data dasar."

    reader = app.test_client()
    login(reader, member)
    _in_english(reader)
    html = reader.get("/notifications").get_data(as_text=True)
    assert "Decision on proposal \u201cSistem Antrean Puskesmas\u201d: Rejected. Note: Belum ada data dasar." in html
    assert "Keputusan untuk usulan" not in html
    other = app.test_client()
    login(other, member)
    assert "Keputusan untuk usulan \u201cSistem Antrean Puskesmas\u201d: Ditolak." in other.get("/notifications").get_data(as_text=True)


def test_a_submission_made_in_english_is_stored_in_indonesian(app, client, make):
    admin = make.user(role="admin")
    proposal = make.proposal(title="Ruang Baca Keliling")
    db.session.commit()
    with app.test_request_context(), force_locale("en"):  # the author acts in English
        change_status(proposal, "submitted", proposal.author)
        db.session.commit()
    note = _notes(admin)[0]
    assert note.message.startswith("Usulan diajukan: \u201cRuang Baca Keliling\u201d dari ")
    login(client, admin)
    _in_english(client)
    assert "Proposal submitted: \u201cRuang Baca Keliling\u201d from" in client.get("/notifications").get_data(as_text=True)


def test_plain_text_from_other_code_is_shown_as_written(app, make):
    person = make.user()
    note = Notification.written(person.id, "Teks lama.")
    assert note.message_key is None
    with app.test_request_context(), force_locale("en"):
        assert note.text == "Teks lama."


def test_a_translation_that_no_longer_fits_shows_the_stored_text(app, make):
    note = Notification(user_id=make.user().id, message="Usulan \u201cX\u201d mendapat penilaian baru.",
                        message_key="Usulan \u201c%(title)s\u201d mendapat penilaian baru.", message_params={})
    with app.test_request_context(), force_locale("en"):
        assert note.text == "Usulan \u201cX\u201d mendapat penilaian baru."


@pytest.mark.parametrize("stored, key, params, indonesian", [
    ("Keputusan untuk usulan \u201cA. B\u201d: Disetujui.",
     "Keputusan untuk usulan \u201c%(title)s\u201d: %(decision)s.",
     {"title": "A. B", "decision": {"label": "status", "code": "approved"}},
     "Keputusan untuk usulan \u201cA. B\u201d: Disetujui."),
    ("Decision on proposal \u201cA\u201d: Revision requested. Note: fix it.",
     "Keputusan untuk usulan \u201c%(title)s\u201d: %(decision)s. Catatan: %(note)s",
     {"title": "A", "decision": {"label": "status", "code": "revision_requested"}, "note": "fix it."},
     "Keputusan untuk usulan \u201cA\u201d: Perlu revisi. Catatan: fix it."),
    ("Usulan diajukan: \u201cA\u201d dari Agency hidden (blind review).",
     "Usulan diajukan: \u201c%(title)s\u201d dari %(agency)s.",
     {"title": "A", "agency": {"text": "Perangkat daerah disembunyikan (penilaian tertutup)"}},
     "Usulan diajukan: \u201cA\u201d dari Perangkat daerah disembunyikan (penilaian tertutup)."),
    ("Event \"Drum-up\" has been cancelled.", "Kegiatan \"%(title)s\" dibatalkan.", {"title": "Drum-up"},
     "Kegiatan \"Drum-up\" dibatalkan."),
    (("The evidence for \u201cReplication\u201d of the innovation \u201cA\u201d was verified at level 1, lower than the "
      "level 3 claimed. Reason: no letter."),
     ("Bukti \u201c%(indicator)s\u201d untuk inovasi \u201c%(title)s\u201d diverifikasi pada level %(level)d, lebih rendah "
      "dari level %(claimed)d yang diklaim. Alasan: %(reason)s"),
     {"indicator": {"data": "indicator", "value": "Replication"}, "title": "A", "level": 1, "claimed": 3,
      "reason": "no letter."},
     ("Bukti \u201cReplication\u201d untuk inovasi \u201cA\u201d diverifikasi pada level 1, lebih rendah dari level 3 "
      "yang diklaim. Alasan: no letter.")),
])
def test_the_migration_recognises_the_texts_the_app_wrote(stored, key, params, indonesian):
    from importlib import import_module

    migration = import_module("migrations.versions.672235e7e825_notification_message_key_and_params")
    assert migration.recognise(stored) == (key, params, indonesian)
    assert migration.recognise("Pesan lain dari admin.") is None


def test_every_key_the_migration_knows_is_in_the_catalogue():
    from importlib import import_module

    from babel.messages.pofile import read_po

    from tests.test_translations import ROOT

    migration = import_module("migrations.versions.672235e7e825_notification_message_key_and_params")
    with open(ROOT / "app/translations/en/LC_MESSAGES/messages.po", "rb") as handle:
        ids = {m.id for m in read_po(handle) if m.string}
    assert {key for key, _pattern in migration.PATTERNS} <= ids
    assert migration.HIDDEN_AGENCY in ids


def test_upgrading_gives_old_rows_their_key(empty_database_url, tmp_path):  # noqa: F811
    from flask_migrate import downgrade, upgrade

    application = _migrated_app(empty_database_url, tmp_path)
    with application.app_context():
        upgrade()
        person = factories.user()
        db.session.add_all([
            Notification(user_id=person.id, message="Inovasi \u201cTaman Baca\u201d kini tampil di etalase publik."),
            Notification(user_id=person.id, message="Pesan lain."),
        ])
        db.session.commit()
        db.session.remove()
        downgrade(revision="94be5892cf25")  # rows as they were before keys were kept
        upgrade()
        rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
        assert (rows[0].message_key, rows[0].message_params) == (
            "Inovasi \u201c%(title)s\u201d kini tampil di etalase publik.", {"title": "Taman Baca"})
        assert (rows[1].message_key, rows[1].message) == (None, "Pesan lain.")
        with application.test_request_context(), force_locale("en"):
            assert rows[0].text == "The innovation \u201cTaman Baca\u201d is now on the public showcase."
        db.session.remove()
        db.engine.dispose()


def test_a_verdict_on_evidence_names_the_indicator_in_the_readers_language(app, make):
    from app.core import signals
    from app.maturity import services as maturity
    from app.models import Indicator

    maturity.load_indicators()
    proposal = factories.proposal_in("approved", title="Posyandu Digital")
    member = make.user(agency_=proposal.agency)
    indicator = db.session.scalar(select(Indicator).where(Indicator.code == "regulasi"))
    claim = factories.claim(proposal, indicator, level=3, status="accepted", verified_level=3, verified_points=3)
    signals.claim_verified.send(proposal, claim=claim, actor=make.user(role="reviewer"))
    db.session.commit()
    note = _notes(member)[0]
    assert note.message.startswith("Bukti \u201cRegulasi inovasi daerah\u201d untuk inovasi \u201cPosyandu Digital\u201d")
    with app.test_request_context(), force_locale("en"):
        assert note.text == ("The evidence for \u201cRegional innovation regulation\u201d of the innovation "
                             "\u201cPosyandu Digital\u201d was verified at level 3.")


def test_a_day_in_a_notification_reads_as_each_language_writes_it(app, make):
    from datetime import date

    from app.core.messages import day, stored
    from app.notifications.services import notify

    reader = make.user()
    notify([reader], stored("Pendampingan %(agency)s tanggal %(date)s: %(count)s tindak lanjut baru.",
                            agency="Dinas Kesehatan", date=day(date(2026, 12, 4)), count=2))
    db.session.commit()
    note = _notes(reader)[0]
    assert note.message == "Pendampingan Dinas Kesehatan tanggal 4 Desember 2026: 2 tindak lanjut baru."
    with app.test_request_context(), force_locale("en"):
        assert "December 4, 2026" in note.text and "2026-12-04" not in note.text
