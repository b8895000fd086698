"""The proposal list's filters and results are rendered once per data version for
each audience (role and agency) and shared within it (app.web.caching.fragment):
no one sees another audience's list, nor a list older than the data."""
from app.core.extensions import db
from tests import factories
from tests.conftest import clients_of, login
from tests.factories import proposal_in

HX = {"HX-Request": "true"}


def results(html: str) -> str:
    """The results table (the agency filter lists every agency, by design)."""
    return html[html.index("<tbody>"):html.index("</tbody>")]


def test_colleagues_share_the_results_but_each_page_is_their_own(app, make, count_queries):
    agency = make.agency(name="Dinas Bersama")
    first = factories.user("innovator", agency_=agency, name="Pegawai Pertama")
    second = factories.user("innovator", agency_=agency, name="Pegawai Kedua")
    proposal_in("draft", agency_=agency, author=first, title="Draf Milik Dinas")
    db.session.commit()
    one, two = clients_of(app, first, second)
    html_one = one.get("/proposals/").get_data(as_text=True)
    with count_queries() as counter:
        html_two = two.get("/proposals/").get_data(as_text=True)
    assert "Draf Milik Dinas" in html_one and "Draf Milik Dinas" in html_two
    # The second colleague got the shared results with their own menu.
    assert "Pegawai Pertama" in html_one and "Pegawai Pertama" not in html_two
    assert "Pegawai Kedua" in html_two
    # Only what is theirs was read: their account and their unread notifications (the vote
    # counts filled into the shared copy are kept per the city's version, which no vote renewed).
    assert counter.count == 2, counter.statements


def test_another_agency_never_gets_a_shared_list_with_a_draft_it_may_not_see(app, make):
    own, other = make.agency(), make.agency()
    author = factories.user("innovator", agency_=own)
    outsider = factories.user("innovator", agency_=other)
    proposal_in("draft", agency_=own, author=author, title="Draf Rahasia Dinas")
    db.session.commit()
    mine, theirs = clients_of(app, author, outsider)
    for headers in ({}, HX):
        assert "Draf Rahasia Dinas" in mine.get("/proposals/", headers=headers).get_data(as_text=True)
        assert "Draf Rahasia Dinas" not in theirs.get("/proposals/", headers=headers).get_data(as_text=True)


def test_a_blind_reviewer_after_an_admin_still_sees_no_identity(app, make):
    cycle = make.cycle(blind_review=True)
    agency = make.agency(code="RAHASIA", name="Dinas Rahasia Sekali")
    factories.submitted(author=make.user(agency_=agency), cycle_=cycle, title="Inovasi Buta")
    admin = make.user(role="admin")
    reviewer = make.user(role="reviewer")
    db.session.commit()
    admin_client, reviewer_client = clients_of(app, admin, reviewer)
    assert "Dinas Rahasia Sekali" in results(admin_client.get("/proposals/").get_data(as_text=True))
    table = results(reviewer_client.get("/proposals/").get_data(as_text=True))
    assert "Inovasi Buta" in table and "Dinas Rahasia Sekali" not in table


def test_a_new_draft_and_a_vote_show_at_once(client, make):
    make.cycle()
    agency = make.agency()
    author = make.user(agency_=agency)
    supported = proposal_in("submitted", title="Usulan Didukung")
    db.session.commit()
    login(client, author)
    assert "Draf Baru Sekali" not in client.get("/proposals/").get_data(as_text=True)
    response = client.post("/proposals/new", data={"title": "Draf Baru Sekali", "lab_stage": "drum_up",
                                                   "replicates": "0", "action": "save"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    html = client.get("/proposals/").get_data(as_text=True)
    assert "Draf Baru Sekali" in html
    assert f'vote-count-{supported.id}">0<' in html
    assert client.post(f"/proposals/{supported.id}/vote", headers=HX).status_code == 200
    html = client.get("/proposals/", headers=HX).get_data(as_text=True)
    assert f'vote-count-{supported.id}">1<' in html


def test_the_shared_list_follows_the_language(client, make):
    user = make.user()
    db.session.commit()
    login(client, user)
    assert "Usulan inovasi" in client.get("/proposals/").get_data(as_text=True)
    client.post("/language", data={"lang": "en", "next": "/proposals/"})
    html = client.get("/proposals/").get_data(as_text=True)
    assert "Innovation proposals" in html and "Cari judul" not in html
