"""Public pages shared by anonymous visitors (app.page_cache) and the fast translations (app.i18n)."""
import re

import pytest
from flask_babel import force_locale

from app.extensions import db
from app.i18n import gettext
from app.labels import label
from tests import factories_board as fb
from tests.conftest import login
from tests.test_csrf import csrf_app  # noqa: F401  (the CSRF-on app fixture)

HX = {"HX-Request": "true"}


def form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def innovation(make):
    make.cycle()
    proposal = fb.published(title="Posyandu Keliling")
    db.session.commit()
    return proposal


def test_anonymous_visitors_share_the_page_but_each_gets_their_own_form_token(app, innovation):
    first, second = app.test_client(), app.test_client()
    one = first.get("/").get_data(as_text=True)
    two = second.get("/").get_data(as_text=True)
    assert "Posyandu Keliling" in one and "Posyandu Keliling" in two
    assert form_token(one) != form_token(two)
    # Apart from the token, the visitors got the same page.
    assert one.replace(form_token(one), "T") == two.replace(form_token(two), "T")
    assert "apusida-form-token-" not in one


def test_a_shared_page_carries_a_token_that_works_for_its_visitor(csrf_app, app, innovation):  # noqa: F811
    visitors = [csrf_app.test_client() for _ in range(2)]
    pages = [visitor.get("/").get_data(as_text=True) for visitor in visitors]
    for visitor, html in zip(visitors, pages):
        response = visitor.post("/language", data={"lang": "en", "next": "/", "csrf_token": form_token(html)})
        assert response.status_code == 302
    # Another visitor's token is refused.
    stranger = csrf_app.test_client()
    stranger.get("/")
    refused = stranger.post("/language", data={"lang": "en", "next": "/", "csrf_token": form_token(pages[0])})
    assert refused.status_code == 400


def test_a_shared_page_is_rendered_once_per_data_version(client, innovation, count_queries, version_reads):
    client.get("/")
    version_reads.clear()
    with count_queries() as counter:
        html = client.get("/").get_data(as_text=True)
    assert "Posyandu Keliling" in html
    assert counter.count == 0, counter.statements
    assert len(version_reads) == 1  # the data version, nothing else


def test_a_vote_shows_at_once_on_the_shared_pages(app, client, make, innovation):
    visitor = app.test_client()
    page = f"/innovations/{innovation.id}"
    assert "0 dukungan" in visitor.get(page).get_data(as_text=True)
    board_before = visitor.get("/leaderboard").get_data(as_text=True)
    voter = make.user(role="innovator")
    db.session.commit()
    login(client, voter)
    assert client.post(f"/proposals/{innovation.id}/vote", data={"want": "1"}).status_code == 302
    assert "1 dukungan" in visitor.get(page).get_data(as_text=True)
    assert visitor.get("/leaderboard").get_data(as_text=True) != board_before


def test_pages_of_people_who_are_logged_in_are_never_shared(app, client, make, innovation):
    anonymous = app.test_client()
    anonymous.get("/")
    person = make.user(role="innovator", name="Siti Rahmawati")
    db.session.commit()
    login(client, person)
    assert "Siti Rahmawati" in client.get("/").get_data(as_text=True)
    assert "Siti Rahmawati" not in anonymous.get("/").get_data(as_text=True)
    assert "Siti Rahmawati" in client.get("/leaderboard").get_data(as_text=True)
    assert "Siti Rahmawati" not in anonymous.get("/leaderboard").get_data(as_text=True)


def test_a_waiting_flash_message_is_shown_once_and_not_shared(app, client, make, innovation):
    person = make.user(role="innovator")
    db.session.commit()
    login(client, person)
    client.post("/auth/logout")  # leaves "you have logged out" for the next page
    after_logout = client.get("/").get_data(as_text=True)
    assert "notice--" in after_logout
    assert "notice--" not in app.test_client().get("/").get_data(as_text=True)
    assert "notice--" not in client.get("/").get_data(as_text=True)


def test_each_language_has_its_own_shared_page(app, innovation):
    english = app.test_client()
    english.post("/language", data={"lang": "en", "next": "/"})
    indonesian = app.test_client()
    assert "Innovation showcase" in english.get("/").get_data(as_text=True)
    assert "Etalase inovasi" in indonesian.get("/").get_data(as_text=True)
    assert "Innovation showcase" in english.get("/").get_data(as_text=True)


def test_translations_follow_a_locale_forced_within_a_request(app):
    with app.test_request_context("/"):
        assert gettext("Usulan") == "Usulan"
        assert label("status", "approved") == "Disetujui"
        with force_locale("en"):
            assert gettext("Usulan") == "Proposals"
            assert label("status", "approved") == "Approved"
        assert gettext("Usulan") == "Usulan"
        assert label("status", "unknown-code") == "unknown-code"
