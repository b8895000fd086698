"""Who may claim and verify maturity evidence: role × own/other agency × action, over HTTP."""
import pytest

from app.core.extensions import db
from app.models import Claim
from tests import factories
from tests.conftest import login

ROLES = ("innovator", "reviewer", "admin")


@pytest.fixture
def setting(make):
    cycle = make.cycle(year=2026)
    indicator = factories.indicator()
    factories.levels(cycle, indicator)
    agency = make.agency()
    proposal = factories.proposal_in("approved", agency_=agency, cycle_=cycle)
    evidence = factories.attachment(proposal)
    factories.claim(proposal, indicator, 2, attachment=evidence)
    db.session.commit()
    return {"agency": agency, "proposal": proposal, "indicator": indicator, "evidence": evidence}


def _user(role, own, setting):
    agency = setting["agency"] if own else factories.agency()
    user = factories.user(role, agency_=agency)
    db.session.commit()
    return user


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("own", [True, False], ids=["own_agency", "other_agency"])
def test_only_members_of_the_agency_claim(client, setting, role, own):
    login(client, _user(role, own, setting))
    p, i = setting["proposal"], setting["indicator"]
    response = client.post(f"/proposals/{p.id}/maturity/{i.id}/claim",
                           data={f"c{i.id}-level": "3", f"c{i.id}-attachment_id": str(setting["evidence"].id)})
    assert response.status_code == (302 if own else 403)
    db.session.expire_all()
    assert db.session.query(Claim).one().claimed_level == (3 if own else 2)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("own", [True, False], ids=["own_agency", "other_agency"])
def test_only_reviewers_and_admins_of_other_agencies_verify(client, setting, role, own):
    login(client, _user(role, own, setting))
    p, i = setting["proposal"], setting["indicator"]
    response = client.post(f"/proposals/{p.id}/maturity/{i.id}/verify", data={f"v{i.id}-decision": "accept"})
    allowed = role != "innovator" and not own
    assert response.status_code == (302 if allowed else 403)
    db.session.expire_all()
    assert db.session.query(Claim).one().status == ("accepted" if allowed else "pending")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("own", [True, False], ids=["own_agency", "other_agency"])
def test_only_admins_mark_evidence_public(client, setting, role, own):
    claim = db.session.query(Claim).one()
    claim.status, claim.verified_level, claim.verified_points = "accepted", 2, 2
    db.session.commit()
    login(client, _user(role, own, setting))
    p, i = setting["proposal"], setting["indicator"]
    response = client.post(f"/proposals/{p.id}/maturity/{i.id}/public", data={f"p{i.id}-public": "y"})
    assert response.status_code == (302 if role == "admin" else 403)
    db.session.expire_all()
    assert db.session.query(Claim).one().public is (role == "admin")


@pytest.mark.parametrize("status", ["draft", "submitted", "in_review", "revision_requested", "rejected", "withdrawn"])
def test_no_claims_before_approval(client, make, status):
    cycle = make.cycle(year=2026)
    indicator = factories.indicator()
    proposal = factories.proposal_in(status, cycle_=cycle)
    attachment = factories.attachment(proposal)
    db.session.commit()
    login(client, proposal.author)
    response = client.post(f"/proposals/{proposal.id}/maturity/{indicator.id}/claim",
                           data={f"c{indicator.id}-level": "1", f"c{indicator.id}-attachment_id": str(attachment.id)})
    assert response.status_code == 403
    assert db.session.query(Claim).count() == 0


def test_closed_cycle_refuses_claims_and_verification(client, setting):
    setting["proposal"].cycle.closed = True
    db.session.commit()
    p, i = setting["proposal"], setting["indicator"]
    login(client, _user("innovator", True, setting))
    assert client.post(f"/proposals/{p.id}/maturity/{i.id}/claim", data={f"c{i.id}-level": "1"}).status_code == 403
    client.post("/auth/logout")
    login(client, _user("reviewer", False, setting))
    assert client.post(f"/proposals/{p.id}/maturity/{i.id}/verify",
                       data={f"v{i.id}-decision": "accept"}).status_code == 403
    page = client.get(f"/proposals/{p.id}/maturity").get_data(as_text=True)
    assert "sudah ditutup" in page


def test_innovators_of_other_agencies_do_not_see_the_claim_forms(client, setting):
    login(client, _user("innovator", False, setting))
    html = client.get(f"/proposals/{setting['proposal'].id}/maturity").get_data(as_text=True)
    assert "Simpan klaim" not in html and "Simpan verifikasi" not in html


@pytest.mark.parametrize("url", ["/admin/maturity/indicators", "/admin/maturity/levels/2026", "/admin/maturity/2026.xlsx",
                                 "/admin/maturity"])
def test_admin_pages_are_for_admins_only(client, setting, url):
    assert client.get(url).status_code == 302  # anonymous: to the login page
    login(client, _user("reviewer", False, setting))
    assert client.get(url).status_code == 403
