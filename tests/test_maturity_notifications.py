"""The innovation's agency hears of each verdict on its maturity evidence (issue 16, point 5):
verified, downgraded or sent back, with a link to the indicator's page; the verifier is never
named and never told of their own verdict; a refused verdict tells nobody."""
import pytest
from sqlalchemy import select

from app.core import signals
from app.core.extensions import db
from app.maturity import services
from app.models import Notification
from app.notifications import services as notifications
from tests import factories
from tests.conftest import clients_of, login

VERIFIER_NAME = "Penilai Rahasia Wibowo"


@pytest.fixture
def setting(make):
    cycle = make.cycle(blind_review=True)
    indicator = factories.indicator(name="Regulasi inovasi daerah")
    factories.levels(cycle, indicator)
    agency = make.agency(name="Dinas Kesehatan Uji")
    author = factories.user("innovator", agency_=agency)
    colleague = factories.user("innovator", agency_=agency)
    outsider = factories.user("innovator")
    proposal = factories.proposal_in("approved", agency_=agency, author=author, cycle_=cycle, title="Posyandu Digital")
    factories.claim(proposal, indicator, 3)
    reviewer = factories.user("reviewer", name=VERIFIER_NAME)
    db.session.commit()
    return {"proposal": proposal, "indicator": indicator, "author": author, "colleague": colleague,
            "outsider": outsider, "reviewer": reviewer}


def notes_for(user) -> list[Notification]:
    db.session.expire_all()
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()


def verify(client, setting, **data):
    p, i = setting["proposal"], setting["indicator"]
    login(client, setting["reviewer"])
    return client.post(f"/proposals/{p.id}/maturity/{i.id}/verify",
                       data={f"v{i.id}-{name}": value for name, value in data.items()})


def test_a_verified_claim_notifies_the_author_and_colleagues_with_a_link_to_the_indicator(client, setting):
    assert verify(client, setting, decision="accept").status_code == 302
    p, i = setting["proposal"], setting["indicator"]
    for member in (setting["author"], setting["colleague"]):
        (note,) = notes_for(member)
        assert note.message == ("Bukti \u201cRegulasi inovasi daerah\u201d untuk inovasi \u201cPosyandu Digital\u201d "
                                "terverifikasi pada level 3.")
        assert note.link == f"/proposals/{p.id}/maturity/{i.id}"
    assert notes_for(setting["reviewer"]) == [] and notes_for(setting["outsider"]) == []


def test_a_downgrade_notifies_the_agency_with_the_levels_and_the_reason(client, setting):
    response = verify(client, setting, decision="downgrade", level="1", reason="Baru SK kepala dinas.")
    assert response.status_code == 302
    for member in (setting["author"], setting["colleague"]):
        (note,) = notes_for(member)
        assert "level 1, lebih rendah dari level 3" in note.message and "Baru SK kepala dinas." in note.message
        assert note.link.endswith(f"/maturity/{setting['indicator'].id}")
    assert notes_for(setting["reviewer"]) == []


def test_a_request_for_better_evidence_notifies_the_agency_too(client, setting):
    assert verify(client, setting, decision="needs_evidence", reason="Lampirkan perwali.").status_code == 302
    (note,) = notes_for(setting["author"])
    assert "perlu dilengkapi: Lampirkan perwali." in note.message


def test_a_refused_verdict_notifies_nobody(client, setting):
    assert verify(client, setting, decision="downgrade", level="1").status_code == 422  # no reason
    assert notes_for(setting["author"]) == [] and notes_for(setting["colleague"]) == []


def test_the_verifier_is_never_named_nor_told_even_when_of_the_agency(app, make, setting, monkeypatch):
    """Through the service: even a verifier who belonged to the agency (the routes forbid it)
    hears nothing of their own verdict, and no message or e-mail names them."""
    mails = []
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.invalid")
    monkeypatch.setattr(notifications, "deliver", lambda mail: mails.append(mail) or True)
    insider = factories.user("reviewer", agency_=setting["proposal"].agency, name=VERIFIER_NAME)
    claim = services.get_claim(setting["proposal"].id, setting["indicator"].id)
    services.verify_claim(claim, insider, "downgrade", level=2, reason="Perlu SK.")
    db.session.commit()
    assert notes_for(insider) == []
    notes = notes_for(setting["author"]) + notes_for(setting["colleague"])
    assert len(notes) == 2 and all(VERIFIER_NAME not in note.message for note in notes)
    # One e-mail per person (each carries its own unsubscribe link).
    assert sorted(address for mail in mails for address in mail.recipients) == sorted(
        [setting["author"].email, setting["colleague"].email])
    for mail in mails:
        assert VERIFIER_NAME not in mail.subject + mail.body
        assert f"/proposals/{setting['proposal'].id}/maturity/{setting['indicator'].id}" in mail.body


def test_every_verdict_sends_the_claim_verified_signal(make, setting):
    heard = []

    def receiver(proposal, claim, actor, **extra):
        heard.append((proposal.id, claim.status, actor.id))

    signals.claim_verified.connect(receiver)
    try:
        claim = services.get_claim(setting["proposal"].id, setting["indicator"].id)
        services.verify_claim(claim, setting["reviewer"], "accept")
        services.verify_claim(claim, setting["reviewer"], "needs_evidence", reason="Kurang jelas.")
    finally:
        signals.claim_verified.disconnect(receiver)
    assert heard == [(setting["proposal"].id, "accepted", setting["reviewer"].id),
                     (setting["proposal"].id, "needs_evidence", setting["reviewer"].id)]


def test_the_notification_opens_the_indicator_for_the_innovator(app, client, setting):
    verify(client, setting, decision="downgrade", level="2", reason="Perwali belum diundangkan.")
    (note,) = notes_for(setting["author"])
    (client,) = clients_of(app, setting["author"])
    bell = client.get("/notifications").get_data(as_text=True)
    assert "Regulasi inovasi daerah" in bell and VERIFIER_NAME not in bell
    opened = client.post(f"/notifications/{note.id}/read", data={"open": "1"})
    assert opened.status_code == 302 and opened.headers["Location"].endswith(note.link)
    response = client.get(note.link)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Regulasi inovasi daerah" in html and "Perwali belum diundangkan." in html
