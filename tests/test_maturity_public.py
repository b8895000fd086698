"""The public never sees maturity evidence or claims, except the verified indicators an admin
marked public on an innovation that is on the showcase (and never the evidence itself)."""
import pytest

from app.core.extensions import db
from tests import factories
from tests.readable import text_of
from tests.test_public_leak import marker, public_urls


@pytest.fixture
def maturity_world(make):
    cycle = make.cycle(year=2026)
    reviewer = factories.user("reviewer", name=marker("maturityverifier"))
    markers = [reviewer.name]

    def indicator(name):
        created = factories.indicator(name=name)
        factories.levels(cycle, created)
        return created

    shown = indicator("Indikator Publik Aman")
    public = factories.proposal_in("implemented", cycle_=cycle, published=True, title="Inovasi Publik Matang")
    cases = [
        # (indicator name marker, status, public flag)
        ("notpublic", "accepted", False),
        ("pendingpublic", "pending", True),
        ("needspublic", "needs_evidence", True),
        ("downnotpublic", "downgraded", False),
    ]
    for case, status, flag in cases:
        verified = status in ("accepted", "downgraded")
        factories.claim(public, indicator(marker(case, "indicator")), 2, status=status, public=flag,
                 verified_level=1 if verified else None, verified_points=1 if verified else None,
                 note=marker(case, "note"), reason=marker(case, "reason"), verifier=reviewer,
                 attachment=factories.attachment(public, name=marker(case, "file") + ".pdf"))
        markers += [marker(case, x) for x in ("indicator", "note", "reason", "file")]
    factories.claim(public, shown, 3, status="accepted", verified_level=3, verified_points=3, public=True,
             note=marker("shown", "note"), reason=marker("shown", "reason"), verifier=reviewer,
             attachment=factories.attachment(public, name=marker("shown", "file") + ".pdf"))
    markers += [marker("shown", x) for x in ("note", "reason", "file")]
    hidden_ids = []
    for status, published in (("approved", False), ("implemented", False), ("rejected", True)):
        proposal = factories.proposal_in(status, cycle_=cycle, published=published)
        hidden_ids.append(proposal.id)
        case = f"hidden{status}{published}"
        factories.claim(proposal, indicator(marker(case, "indicator")), 2, status="accepted", verified_level=2,
                 verified_points=2, public=True, note=marker(case, "note"), verifier=reviewer,
                 attachment=factories.attachment(proposal, name=marker(case, "file") + ".pdf"))
        markers += [marker(case, x) for x in ("indicator", "note", "file")]
    db.session.commit()
    return {"markers": markers, "public_id": public.id, "hidden_ids": hidden_ids, "years": [2026]}


def test_no_claim_or_evidence_reaches_anonymous_visitors(app, client, maturity_world):
    markers = maturity_world["markers"]
    assert len(set(markers)) == len(markers)
    for url in public_urls(app, maturity_world):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            body = text_of(response).lower() + str(response.headers).lower()
            leaked = [m for m in markers if m in body]
            assert not leaked, f"{url} {headers} shows {leaked[:5]}"


def test_the_public_page_shows_only_the_published_verified_indicator(client, maturity_world):
    response = client.get(f"/innovations/{maturity_world['public_id']}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Indikator Publik Aman" in html and "Level 3 dari 3" in html
    for hidden in maturity_world["hidden_ids"]:
        assert client.get(f"/innovations/{hidden}").status_code == 404


def test_marking_evidence_public_changes_the_public_pages_etag(client, maturity_world):
    url = f"/innovations/{maturity_world['public_id']}"
    first = client.get(url)
    etag = first.headers.get("ETag")
    from app.maturity import services
    from app.models import Claim

    claim = db.session.query(Claim).filter_by(proposal_id=maturity_world["public_id"], status="accepted",
                                              public=False).first()
    admin = factories.user("admin")
    services.set_claim_public(claim, admin, True)
    db.session.commit()
    second = client.get(url, headers={"If-None-Match": etag} if etag else {})
    assert second.status_code == 200
    assert claim.indicator.name.lower() in second.get_data(as_text=True).lower()
