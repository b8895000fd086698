"""Public pages shared by anonymous visitors (app.page_cache) and the fast translations (app.i18n)."""
import re
import sys

import pytest
from flask_babel import force_locale

from app import page_cache
from app.extensions import db
from app.i18n import gettext
from app.labels import label
from tests import factories
from tests.conftest import login

HX = {"HX-Request": "true"}


def form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def innovation(make):
    make.cycle()
    proposal = factories.published(title="Posyandu Keliling")
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


def test_a_shared_page_carries_a_token_that_works_for_its_visitor(csrf_app, innovation):
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


# --- the store's bound and key -------------------------------------------------------------

def test_a_thousand_junk_query_arguments_make_at_most_one_entry(app, client, innovation):
    for n in range(1000):
        assert client.get(f"/?junk{n}=x&utm_source={n}").status_code == 200
    assert page_cache.kept_bytes()[0] == 1
    # Values the page does not understand count as not given, as does page 1.
    for path in ("/?stage=bogus", "/?type=x", "/?affair=nothing", "/?page=abc", "/?page=1", "/?year=99999999999",
                 "/?q=", "/?year=1"):
        client.get(path)
    assert page_cache.kept_bytes()[0] == 1


def test_junk_on_the_proposal_list_and_the_board_polls_makes_no_new_entry(app, client, make, innovation):
    person = make.user(role="innovator")
    db.session.commit()
    login(client, person)
    client.get("/proposals/")
    entries = page_cache.kept_bytes()[0]
    for n in range(200):
        client.get(f"/proposals/?status=junk{n}&sort=junk{n}&agency={'A' * 41}&affair=junk&extra{n}=1")
    assert page_cache.kept_bytes()[0] == entries
    visitor = app.test_client()
    for n in range(200):
        visitor.get(f"/leaderboard?previous_order=order-{n}&kind=junk{n}", headers=HX)
    assert page_cache.kept_bytes()[0] == entries + 1  # one board fragment: "the order changed"


def test_a_copy_shared_after_a_junk_url_holds_nothing_of_it(app, innovation):
    marker = "ignoredMarker12345"
    app.test_client().get(f"/?{marker}=1&q=&stage={marker}")
    html = app.test_client().get("/").get_data(as_text=True)
    assert marker not in html
    assert 'name="next" value="/"' in html  # the language switch comes back to the page itself


def test_each_host_has_its_own_copy(app, innovation):
    visitor = app.test_client()
    visitor.get("/", headers={"Host": "apusida.example.go.id"})
    visitor.get("/", headers={"Host": "other.example"})
    assert page_cache.kept_bytes()[0] == 2


def _sized(n: int) -> str:
    return "x" * n


def test_the_store_is_bounded_by_bytes_least_recently_used_first_out(app, monkeypatch):
    page_size = sys.getsizeof(_sized(100_000))  # the memory a str of 100,000 ASCII characters takes
    monkeypatch.setitem(app.config, "PAGE_CACHE_MAX_BYTES", 3 * page_size)
    with app.test_request_context("/"):
        for n in range(10):
            page_cache.keep(("page", n), _sized(100_000))
            if n >= 1:
                assert page_cache.cached(("page", 0)) is not None  # used again, so kept
        count, size = page_cache.kept_bytes()
        assert count == 3 and size <= 3 * page_size
        assert page_cache.cached(("page", 0)) is not None and page_cache.cached(("page", 9)) is not None
        assert page_cache.cached(("page", 1)) is None
        # A text of two bytes a character counts double; one larger than the bound is never kept.
        page_cache.keep(("wide",), "—" * 100_000)
        assert page_cache.kept_bytes()[1] <= 3 * page_size
        page_cache.keep(("huge",), _sized(4 * page_size))
        assert page_cache.cached(("huge",)) is None


def test_pages_beyond_the_bound_evict_the_oldest(app, monkeypatch, innovation):
    visitor = app.test_client()
    visitor.get("/")
    one_page = page_cache.kept_bytes()[1]
    monkeypatch.setitem(app.config, "PAGE_CACHE_MAX_BYTES", int(2.5 * one_page))
    for stage in ("drum_up", "diagnose", "design", "deliver", "display"):
        assert visitor.get(f"/?stage={stage}").status_code == 200
    count, size = page_cache.kept_bytes()
    assert count == 2 and size <= 2.5 * one_page


def test_a_bound_of_nothing_keeps_nothing(app, monkeypatch, client, innovation, count_queries):
    monkeypatch.setitem(app.config, "PAGE_CACHE_MAX_BYTES", 0)
    client.get("/")
    with count_queries() as counter:
        assert "Posyandu Keliling" in client.get("/").get_data(as_text=True)
    assert counter.count > 0  # rendered again
    assert page_cache.kept_bytes() == (0, 0)
