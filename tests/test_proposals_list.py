"""The proposal list: constant queries, full-text search on both engines, filters, HTMX."""
from app.core.extensions import db
from app.models import Proposal, Vote
from app.web import caching
from tests import factories
from tests.conftest import login
from tests.factories import proposal_in


def _many(count: int, agency, author, cycle):
    # Plain rows keep 500 proposals quick; the list does not care how they were made.
    db.session.add_all([
        Proposal(agency=agency, author=author, cycle=cycle, title=f"Inovasi massal {n}", summary="", design="",
                 status="submitted", lab_stage="deliver")
        for n in range(count)
    ])
    db.session.flush()


def test_list_issues_the_same_number_of_queries_for_5_and_500(client, make, count_queries):
    viewer = factories.user("reviewer", agency_=make.agency())
    agency = make.agency()
    author = factories.user("innovator", agency_=agency)
    cycle = make.cycle()
    _many(5, agency, author, cycle)
    db.session.commit()
    login(client, viewer)
    client.get("/proposals/")  # warm-up (first request compiles templates)
    caching.clear()  # measure the rendering, not the shared copy
    with count_queries() as small:
        assert client.get("/proposals/").status_code == 200

    _many(495, agency, author, cycle)
    proposals = db.session.scalars(db.select(Proposal)).all()
    voters = [factories.user("innovator", agency_=make.agency()) for _ in range(3)]
    db.session.add_all([Vote(proposal_id=p.id, user_id=v.id) for p in proposals[-30:] for v in voters])
    db.session.commit()
    caching.clear()
    with count_queries() as large:
        html = client.get("/proposals/").get_data(as_text=True)
    assert "500 usulan" in html
    assert large.count == small.count, large.statements


def test_search_finds_a_word_from_the_narrative(client, make):
    user = factories.user("admin", agency_=make.agency())
    design = factories.DESIGN_TEXT + " Data disinkronkan lewat interoperabilitas Satu Data Indonesia."
    found = proposal_in("submitted", title="Sistem Rujukan Terpadu", design=design)
    other = proposal_in("submitted", title="Bank Sampah Kelurahan")
    db.session.commit()
    login(client, user)
    html = client.get("/proposals/", query_string={"q": "interoperabilitas"}).get_data(as_text=True)
    assert found.title in html and other.title not in html
    # Prefix match (as one types) and any case, several words all present.
    html = client.get("/proposals/", query_string={"q": "INTEROPERABIL satu"}).get_data(as_text=True)
    assert found.title in html and other.title not in html
    # Search syntax characters are just text.
    assert client.get("/proposals/", query_string={"q": 'rujukan" OR * NEAR('}).status_code == 200


def test_search_follows_edits_to_the_narrative(client, make):
    proposal = proposal_in("draft", design=factories.DESIGN_TEXT + " katalogdigital")
    user = factories.user("innovator", agency_=proposal.agency)
    db.session.commit()
    proposal.design = factories.DESIGN_TEXT + " perpustakaankeliling"
    db.session.commit()
    login(client, user)
    assert proposal.title not in client.get("/proposals/?q=katalogdigital").get_data(as_text=True)
    assert proposal.title in client.get("/proposals/?q=perpustakaankeliling").get_data(as_text=True)


def test_filters_combine_and_htmx_gets_only_the_results(client, make):
    user = factories.user("admin", agency_=make.agency())
    a = proposal_in("approved", title="Digital Disetujui", lab_stage="display", innovation_type="digital")
    b = proposal_in("submitted", title="Non Digital Diajukan", innovation_type="non_digital", affair="kesehatan")
    db.session.commit()
    login(client, user)
    html = client.get("/proposals/", query_string={"status": "approved", "lab_stage": "display"}).get_data(as_text=True)
    assert a.title in html and b.title not in html
    html = client.get("/proposals/", query_string={"innovation_type": "non_digital", "affair": "kesehatan",
                                                   "agency": b.agency.code}).get_data(as_text=True)
    assert b.title in html and a.title not in html
    fragment = client.get("/proposals/?status=submitted", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert b.title in fragment and "<html" not in fragment and 'id="q"' not in fragment
    page = client.get("/proposals/?status=submitted").get_data(as_text=True)
    assert 'hx-push-url="true"' in page and '<option value="submitted" selected>' in page


def test_list_sorts_and_pages(client, make, app):
    user = factories.user("admin", agency_=make.agency())
    for title in ("Cangkir", "Apel", "Bola"):
        proposal_in("submitted", title=title)
    db.session.commit()
    login(client, user)
    html = client.get("/proposals/?sort=title").get_data(as_text=True)
    assert html.index("Apel") < html.index("Bola") < html.index("Cangkir")
    app.config["PROPOSALS_PER_PAGE"] = 2
    try:
        second = client.get("/proposals/?sort=title&page=2").get_data(as_text=True)
    finally:
        app.config["PROPOSALS_PER_PAGE"] = 20
    assert "Cangkir" in second and ">Apel<" not in second and "Halaman 2 dari 2" in second


def test_the_unfiltered_total_counts_only_what_the_person_may_see(client, make):
    own, other = make.agency(), make.agency()
    viewer = factories.user("innovator", agency_=own)
    proposal_in("draft", agency_=own, author=viewer, title="Draf Sendiri")
    proposal_in("submitted", agency_=other, title="Usulan Lain")
    proposal_in("draft", agency_=other, title="Draf Dinas Lain")
    db.session.commit()
    login(client, viewer)
    html = client.get("/proposals/").get_data(as_text=True)
    assert "2 usulan" in html and "3 usulan" not in html
    assert "Draf Sendiri" in html and "Usulan Lain" in html and "Draf Dinas Lain" not in html
    page_two = client.get("/proposals/?page=2").get_data(as_text=True)
    assert "2 usulan" in page_two and "Draf Sendiri" not in page_two
