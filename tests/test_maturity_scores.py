"""Maturity arithmetic: verified points / maximum × 100, the verified share, readiness,
snapshots that level edits never rewrite, and the XLSX export."""
from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.core.extensions import db
from app.maturity import services
from app.models import AuditEntry, Claim
from tests import factories


@pytest.fixture
def world(make):
    cycle = make.cycle(year=2026)
    indicators = [factories.indicator(name=f"Indikator {n}", order=n) for n in range(1, 4)]
    for indicator in indicators:
        factories.levels(cycle, indicator, points=(1, 2, 3))
    proposal = factories.proposal_in("approved", cycle_=cycle)
    reviewer = factories.user("reviewer")
    return {"cycle": cycle, "indicators": indicators, "proposal": proposal, "reviewer": reviewer}


def test_score_of_a_hand_made_example_with_an_unverified_and_a_downgraded_claim(world):
    a, b, c = world["indicators"]
    proposal, reviewer = world["proposal"], world["reviewer"]
    for indicator in (a, b, c):
        services.claim_level(proposal, indicator, proposal.author, level=3, note="",
                             attachment_id=factories.attachment(proposal).id)
    services.verify_claim(services.get_claim(proposal.id, a.id), reviewer, "accept")  # 3 points
    services.verify_claim(services.get_claim(proposal.id, b.id), reviewer, "downgrade", level=1,
                          reason="Hanya SK kepala perangkat daerah.")  # 1 point
    # c stays pending: 0 points, and not verified.
    scale = services.scale_for(world["cycle"])
    score = services.scores_for([proposal], scale)[0]
    assert scale.max_points == 9
    assert score.verified_points == 4
    assert score.score == pytest.approx(4 / 9 * 100)  # 44.44…
    assert score.verified == 2 and score.indicators == 3
    assert score.verified_share == pytest.approx(200 / 3)
    assert [i.name for i in score.pending] == ["Indikator 3"]
    assert not score.ready


def test_ready_only_when_every_indicator_is_verified_and_needs_evidence_counts_as_missing(world):
    a, b, c = world["indicators"]
    proposal, reviewer = world["proposal"], world["reviewer"]
    for indicator in (a, b):
        claim = services.claim_level(proposal, indicator, proposal.author, level=2, note="",
                                     attachment_id=factories.attachment(proposal).id)
        services.verify_claim(claim, reviewer, "accept")
    claim = services.claim_level(proposal, c, proposal.author, level=1, note="",
                                 attachment_id=factories.attachment(proposal).id)
    services.verify_claim(claim, reviewer, "needs_evidence", reason="Dokumen tidak bertanggal.")
    score = services.scores_for([proposal], services.scale_for(world["cycle"]))[0]
    assert (score.verified_points, score.verified, [i.name for i in score.needs_evidence]) == (4, 2, ["Indikator 3"])
    assert not score.ready
    services.claim_level(proposal, c, proposal.author, level=1, note="Dokumen bertanggal.",
                         attachment_id=factories.attachment(proposal).id)
    services.verify_claim(services.get_claim(proposal.id, c.id), reviewer, "accept")
    score = services.scores_for([proposal], services.scale_for(world["cycle"]))[0]
    assert score.ready and score.verified_points == 5
    summary = services.city_summary(world["cycle"])
    assert (summary.ready, summary.at_risk) == (1, 0)


def test_reclaiming_sends_the_claim_back_to_verification_and_clears_the_public_flag(world):
    a = world["indicators"][0]
    proposal = world["proposal"]
    claim = services.claim_level(proposal, a, proposal.author, level=3, note="",
                                 attachment_id=factories.attachment(proposal).id)
    services.verify_claim(claim, world["reviewer"], "accept")
    claim.public = True
    services.claim_level(proposal, a, proposal.author, level=2, note="lebih jujur",
                         attachment_id=factories.attachment(proposal).id)
    claims = db.session.query(Claim).all()
    assert len(claims) == 1
    assert (claims[0].status, claims[0].claimed_level, claims[0].verified_points, claims[0].public) == \
        ("pending", 2, None, False)


def test_downgrade_and_request_for_evidence_need_a_reason_and_a_lower_level(world):
    a = world["indicators"][0]
    proposal = world["proposal"]
    claim = services.claim_level(proposal, a, proposal.author, level=2, note="",
                                 attachment_id=factories.attachment(proposal).id)
    with pytest.raises(services.ServiceError):
        services.verify_claim(claim, world["reviewer"], "downgrade", level=1, reason=" ")
    with pytest.raises(services.ServiceError):
        services.verify_claim(claim, world["reviewer"], "downgrade", level=2, reason="sama saja")
    with pytest.raises(services.ServiceError):
        services.verify_claim(claim, world["reviewer"], "needs_evidence", reason="")
    assert claim.status == "pending"


def test_every_verification_is_audited(world):
    a = world["indicators"][0]
    proposal = world["proposal"]
    claim = services.claim_level(proposal, a, proposal.author, level=2, note="",
                                 attachment_id=factories.attachment(proposal).id)
    services.verify_claim(claim, world["reviewer"], "downgrade", level=1, reason="Bukti sebagian.")
    entry = db.session.query(AuditEntry).filter_by(action="maturity_verified").one()
    assert entry.actor_id == world["reviewer"].id and entry.target_id == proposal.id
    assert entry.details["decision"] == "downgraded" and entry.details["reason"] == "Bukti sebagian."
    assert entry.details["verified_points"] == 1
    assert entry.details["indicator_name"] == a.name  # the log names it (app.core.audit.describe)


def test_a_level_change_in_a_new_cycle_leaves_a_closed_cycles_verified_scores(make, world):
    old_cycle, (a, b, c) = world["cycle"], world["indicators"]
    proposal, reviewer = world["proposal"], world["reviewer"]
    for indicator in (a, b):
        claim = services.claim_level(proposal, indicator, proposal.author, level=3, note="",
                                     attachment_id=factories.attachment(proposal).id)
        services.verify_claim(claim, reviewer, "accept")
    old_cycle.closed = True
    before = services.scores_for([proposal], services.scale_for(old_cycle))[0]
    assert (before.verified_points, before.max_points) == (6, 9)

    new_cycle = make.cycle(year=2027)
    admin = factories.user("admin")
    services.save_levels(new_cycle, a, admin, [("Satu", 10), ("Dua", 20), ("Tiga", 50)])
    services.save_levels(new_cycle, b, admin, [("Satu saja", 7)])
    assert services.scale_for(new_cycle).max_points == 50 + 7 + 3
    after = services.scores_for([proposal], services.scale_for(old_cycle))[0]
    assert (after.verified_points, after.max_points, after.score) == (6, 9, before.score)
    # The closed cycle itself refuses edits.
    with pytest.raises(services.ServiceError):
        services.save_levels(old_cycle, a, admin, [("Satu", 100)])


def test_a_new_cycle_copies_the_previous_cycles_levels(make, world):
    a = world["indicators"][0]
    admin = factories.user("admin")
    services.save_levels(world["cycle"], a, admin, [("A", 2), ("B", 4), ("C", 8), ("D", 16)])
    new_cycle = make.cycle(year=2027)
    scale = services.store_levels(new_cycle)
    assert [v.points for v in scale.levels_of(a.id)] == [2, 4, 8, 16]
    # Later edits of the old (open) cycle no longer move the new cycle's stored copy.
    services.save_levels(world["cycle"], a, admin, [("A", 1)])
    assert [v.points for v in services.scale_for(new_cycle).levels_of(a.id)] == [2, 4, 8, 16]


def test_removing_a_claimed_level_is_refused(world):
    a = world["indicators"][0]
    proposal = world["proposal"]
    services.claim_level(proposal, a, proposal.author, level=3, note="", attachment_id=factories.attachment(proposal).id)
    with pytest.raises(services.ServiceError):
        services.save_levels(world["cycle"], a, factories.user("admin"), [("A", 1), ("B", 2)])


def test_shipped_indicators_load_once_with_three_default_levels(make):
    # The 2023 sets: 20 indicators per innovation and 15 of the region.
    assert services.load_indicators() == 35
    assert services.load_indicators() == 0
    scale = services.scale_for(make.cycle(year=2026))
    assert len(scale.indicators) == 20 and scale.max_points == 60
    names = [indicator.name for indicator in scale.indicators]
    assert names[0] == "Regulasi inovasi daerah" and "Kualitas inovasi daerah" in names
    assert all(len(scale.levels_of(i.id)) == 3 for i in scale.indicators)


def test_xlsx_export_opens_and_holds_every_innovation_and_indicator(client, login_as, world):
    a, b, c = world["indicators"]
    proposal = world["proposal"]
    claim = services.claim_level(proposal, a, proposal.author, level=3, note="=HYPERLINK(1)",
                                 attachment_id=factories.attachment(proposal, name="sk-walikota.pdf").id)
    services.verify_claim(claim, world["reviewer"], "downgrade", level=2, reason="Belum perda.")
    other = factories.proposal_in("implemented", cycle_=world["cycle"])
    factories.proposal_in("submitted", cycle_=world["cycle"])  # not an innovation yet: not exported
    db.session.commit()
    login_as("admin")
    response = client.get("/admin/maturity/2026.xlsx")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + 2 * 3
    row = next(r for r in rows[1:] if r[0] == proposal.id and r[4] == a.code)
    assert row[6:12] == (3, "Diturunkan", 2, 2, 3, "sk-walikota.pdf")
    assert row[12] == "=HYPERLINK(1)"  # stays text, never a formula
    assert any(r[0] == other.id and r[7] == "Belum ada bukti" for r in rows[1:])
    summary = list(book.worksheets[1].iter_rows(values_only=True))
    assert summary[1][0] in (proposal.id, other.id) and len(summary) == 3
