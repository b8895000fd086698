"""The national index simulator at /admin/index (issue 18, points 2–4): the region's evidence
claimed by one admin and verified by another, the estimate from verified claims only, worked
by hand, what would raise it most, and the readiness checks with the pages that fix them."""
import io
from datetime import date

import pytest
from flask import current_app, url_for
from sqlalchemy.exc import IntegrityError

from app.core.affairs import all_affairs
from app.core.extensions import db
from app.maturity import region, services, simulator
from app.models import AuditEntry, RegionClaim
from app.proposals import storage
from tests import factories
from tests.conftest import login

WORKED_SCORE = "12,56"  # see small_city


@pytest.fixture
def small_city(make):
    """Two innovations, two innovation indicators (weights 1 and 2) and two region indicators,
    all with levels of 1, 2 and 3 points; the 2023 weights (74.8 % and 25.2 %).

    Worked by hand: one innovation's maximum is 3·1 + 3·2 = 9 points; the divisor is
    MAX(10, 2) = 10, so one innovation point is 74.8 / (9 · 10) = 0.8311 of the index.
    A: level 3 on the first (3 points) and level 1 on the second (1 · 2 = 2): 5 · 0.8311 = 4.156.
    B: its only claim is pending: 0. The region's maximum is 3 + 3 = 6, one point 25.2 / 6 = 4.2;
    its first indicator is verified at level 2: 8.4. The index: 8.4 + 4.156 = 12.56."""
    cycle = make.cycle(year=2026)
    first, second = make.indicator(name="Regulasi"), make.indicator(name="Anggaran", weight=2)
    area_one = make.indicator(name="Visi misi", aspect="region")
    area_two = make.indicator(name="Tim inovasi", aspect="region")
    a = make.proposal_in("implemented", cycle_=cycle, title="Inovasi A")
    b = make.proposal_in("approved", cycle_=cycle, title="Inovasi B")
    make.claim(a, first, 3, status="accepted", verified_level=3, verified_points=3)
    make.claim(a, second, 1, status="accepted", verified_level=1, verified_points=1)
    make.claim(b, first, 2)
    admin, other_admin = make.user("admin"), make.user("admin")
    make.region_claim(cycle, area_one, 2, admin, status="accepted", verified_level=2, verified_points=2,
                      verifier=other_admin)
    db.session.commit()
    return {"cycle": cycle, "a": a, "b": b, "first": first, "second": second, "area_one": area_one,
            "area_two": area_two, "admin": admin, "other_admin": other_admin}


def simulate(cycle):
    """The simulation as the page builds it (its links need a request)."""
    with current_app.test_request_context():
        return simulator.simulate(cycle, url_for)


def test_the_estimate_matches_the_hand_worked_example(small_city):
    result = simulate(small_city["cycle"])
    assert result.estimate.score == 12.56
    assert result.estimate.divisor == 10
    assert result.estimate.region_part == pytest.approx(8.4)
    assert result.estimate.innovation_part == pytest.approx(5 * 74.8 / 90)
    assert result.estimate.category == "kurang_inovatif"
    shares = {share.proposal.title: share.index_points for share in result.innovations}
    assert shares == {"Inovasi A": pytest.approx(4.1556, abs=1e-4), "Inovasi B": 0}
    # The pending claim is shown apart with what it would add (2 points of B), never counted.
    assert [(w.proposal.title, round(w.index_points, 3)) for w in result.waiting] == [("Inovasi B", 1.662)]
    # The largest gap: the region indicator without evidence (3 · 4.2), then B's second (6 · 0.8311).
    top = [(gap.proposal.title if gap.proposal else "region", gap.indicator.name, gap.state, round(gap.index_points, 2))
           for gap in result.gaps[:4]]
    assert top == [("region", "Tim inovasi", "missing", 12.6), ("Inovasi B", "Anggaran", "missing", 4.99),
                   ("region", "Visi misi", "higher", 4.2), ("Inovasi A", "Anggaran", "higher", 3.32)]


def test_the_page_shows_the_score_category_and_what_raises_it(client, small_city):
    login(client, small_city["admin"])
    html = client.get("/admin/index").get_data(as_text=True)
    assert WORKED_SCORE in html and "Kurang Inovatif" in html
    assert "MAX(10, 2) = 10" in html
    assert html.index("Tim inovasi") < html.index("Menunggu verifikasi (tidak dihitung)")
    assert f'href="/proposals/{small_city["b"].id}/maturity/{small_city["first"].id}"' in html


def test_verifying_a_waiting_claim_raises_the_score(client, small_city):
    claim = services.get_claim(small_city["b"].id, small_city["first"].id)
    services.verify_claim(claim, small_city["admin"], "accept")
    db.session.commit()
    assert simulate(small_city["cycle"]).estimate.score == round(8.4 + 7 * 74.8 / 90, 2)


def test_a_region_claim_is_verified_by_a_second_admin_only(client, app, small_city):
    cycle, indicator = small_city["cycle"], small_city["area_two"]
    login(client, small_city["admin"])
    path = f"/admin/index/{cycle.year}/region/{indicator.id}"
    no_file = client.post(f"{path}/claim", data={f"r{indicator.id}-level": "3"})
    assert no_file.status_code == 422 and "Unggah dokumen bukti." in no_file.get_data(as_text=True)
    wrong_kind = client.post(f"{path}/claim", data={
        f"r{indicator.id}-level": "3", f"r{indicator.id}-file": (io.BytesIO(factories.EXE_BYTES), "sk.pdf")},
        content_type="multipart/form-data")
    assert wrong_kind.status_code == 422 and "Jenis berkas tidak diizinkan" in wrong_kind.get_data(as_text=True)
    assert region.get_claim(cycle, indicator.id) is None
    claimed = client.post(f"{path}/claim", data={
        f"r{indicator.id}-level": "3", f"r{indicator.id}-note": "SK halaman 2",
        f"r{indicator.id}-file": (io.BytesIO(factories.PDF_BYTES), "sk-tim.pdf")}, content_type="multipart/form-data")
    assert claimed.status_code == 302
    stored = region.get_claim(cycle, indicator.id)
    assert (stored.status, stored.claimed_level, stored.original_name) == ("pending", 3, "sk-tim.pdf")
    assert client.get(f"{path}/evidence").data == factories.PDF_BYTES
    before = simulate(cycle).estimate.score
    # The claimant's page offers no verification, and a verdict posted anyway is refused.
    page = client.get("/admin/index").get_data(as_text=True)
    assert f'action="{path}/verify"' not in page
    own = client.post(f"{path}/verify", data={f"rv{indicator.id}-decision": "accept"})
    assert own.status_code == 422 and "admin lain" in own.get_data(as_text=True)
    assert region.get_claim(cycle, indicator.id).status == "pending"

    second = app.test_client()
    login(second, small_city["other_admin"])
    assert f'action="{path}/verify"' in second.get("/admin/index").get_data(as_text=True)
    assert second.post(f"{path}/verify", data={f"rv{indicator.id}-decision": "accept"}).status_code == 302
    db.session.expire_all()
    verified = region.get_claim(cycle, indicator.id)
    assert (verified.status, verified.verified_points, verified.verifier_id) == (
        "accepted", 3, small_city["other_admin"].id)
    assert simulate(cycle).estimate.score == pytest.approx(before + 12.6, abs=0.01)
    actions = [entry.action for entry in db.session.query(AuditEntry).order_by(AuditEntry.id)
               if entry.action.startswith("region_")]
    assert actions == ["region_claimed", "region_verified"]


def test_the_database_refuses_a_claimant_verifying_their_own_region_claim(make):
    cycle, admin = make.cycle(year=2026), make.user("admin")
    indicator = make.indicator(aspect="region")
    with pytest.raises(IntegrityError):
        make.region_claim(cycle, indicator, 1, admin, status="accepted", verified_level=1, verified_points=1,
                          verifier=admin)
    db.session.rollback()


def test_region_evidence_is_kept_by_the_upload_cleanup(make):
    cycle, admin = make.cycle(year=2026), make.user("admin")
    claimed = make.region_claim(cycle, make.indicator(aspect="region"), 1, admin)
    db.session.flush()
    assert storage.upload_path(claimed.stored_name) not in {str(path) for path in storage.unreferenced_files()}


def _ready_innovation(cycle, affair: str, **fields):
    proposal = factories.proposal_in("implemented", cycle_=cycle, affair=affair, trial_date=date(2026, 1, 10),
                                     implementation_date=date(2026, 3, 1), **fields)
    return proposal


def test_readiness_names_every_failing_line_with_the_page_that_fixes_it(small_city):
    result = simulate(small_city["cycle"])
    checks = {index: check for index, check in enumerate(result.checks)}
    assert not result.ready
    assert not checks[0].passed and "kurang 8" in checks[0].failures[0][0]
    assert checks[1].passed  # the factories' rancang bangun has 360 words
    claims_missing = dict(checks[2].failures)
    assert any("Inovasi B: 1 indikator" in what for what in claims_missing)
    assert any(url == f"/proposals/{small_city['b'].id}/maturity" for url in claims_missing.values())
    assert any("Indikator daerah: 1" in what for what in claims_missing)
    assert any("tanggal penerapan belum diisi" in what for what, _url in checks[3].failures)
    uncovered = [what for what, _url in checks[4].failures]
    assert any("Pendidikan" in what for what in uncovered) and len(uncovered) == 6


def test_readiness_passes_when_the_city_is_ready(make):
    cycle = make.cycle(year=2026)
    indicator = make.indicator()
    area = make.indicator(aspect="region")
    affairs = ["pendidikan", "kesehatan", "pupr", "perumahan", "trantibum", "sosial"]
    basic = [code for code, affair in all_affairs().items() if affair.group == simulator.PRIORITY_AFFAIR_GROUP]
    assert sorted(basic) == sorted(affairs)
    proposals = [_ready_innovation(cycle, affairs[n % 6]) for n in range(10)]
    for proposal in proposals:
        make.claim(proposal, indicator, 1)
    make.region_claim(cycle, area, 1, make.user("admin"))
    short = proposals[0]
    db.session.commit()
    result = simulate(cycle)
    assert [check.passed for check in result.checks] == [True] * 5 and result.ready
    short.design = "Terlalu pendek."
    short.implementation_date = date(2027, 1, 2)
    db.session.commit()
    result = simulate(cycle)
    design, dates = result.checks[1], result.checks[3]
    assert not design.passed and design.failures == [(f"{short.title}: 2 kata", f"/proposals/{short.id}")]
    assert not dates.passed and "sesudah akhir tahun 2026" in dates.failures[0][0]


def test_with_nothing_verified_the_index_cannot_be_assessed(make):
    cycle = make.cycle(year=2026)
    indicator = make.indicator()
    proposal = make.proposal_in("implemented", cycle_=cycle)
    make.claim(proposal, indicator, 2)  # pending only
    db.session.commit()
    result = simulate(cycle)
    assert result.estimate.score == 0 and result.estimate.category == "disclaimer"
    assert len(result.waiting) == 1


def test_with_more_than_ten_innovations_the_divisor_is_their_number(make):
    cycle = make.cycle(year=2026)
    indicator = make.indicator()
    for _n in range(12):
        proposal = make.proposal_in("implemented", cycle_=cycle)
        make.claim(proposal, indicator, 3, status="accepted", verified_level=3, verified_points=3)
    db.session.commit()
    result = simulate(cycle)
    assert result.estimate.divisor == 12
    # Every innovation at its maximum, no region set: the innovation aspect is the whole index.
    assert result.estimate.score == 100.0 and result.estimate.category == "sangat_inovatif"


def test_region_claims_keep_their_set_when_a_newer_guide_arrives(make):
    cycle, admin = make.cycle(year=2026), make.user("admin")
    old = make.indicator(aspect="region")
    make.region_claim(cycle, old, 1, admin)
    newer = make.indicator_set(2026, "region")
    make.indicator(set=newer)
    assert [indicator.id for indicator in region.region_scale(cycle).indicators] == [old.id]
    assert isinstance(region.get_claim(cycle, old.id), RegionClaim)
