"""The one store (app.web.caching): public pages shared by anonymous visitors, its byte bound over
pages, fragments, the board and the fixed options, its keys; and the fast translations (app.core.i18n)."""
import re
import sys

import pytest
from flask_babel import force_locale

from app.core import live
from app.core.extensions import db
from app.core.i18n import gettext
from app.core.labels import label
from app.leaderboard.services import standings_size
from app.web import caching
from app.web.templating import fixed_options
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
    assert caching.kept_bytes()[0] == 1
    # Values the page does not understand count as not given, as does page 1.
    for path in ("/?stage=bogus", "/?type=x", "/?affair=nothing", "/?page=abc", "/?page=1", "/?year=99999999999",
                 "/?q=", "/?year=1"):
        client.get(path)
    assert caching.kept_bytes()[0] == 1


def test_junk_on_the_proposal_list_and_the_board_polls_makes_no_new_entry(app, client, make, innovation):
    person = make.user(role="innovator")
    db.session.commit()
    login(client, person)
    client.get("/proposals/")
    entries = caching.kept_bytes()[0]
    for n in range(200):
        client.get(f"/proposals/?status=junk{n}&sort=junk{n}&agency={'A' * 41}&affair=junk&extra{n}=1")
    assert caching.kept_bytes()[0] == entries
    visitor = app.test_client()
    for n in range(200):
        visitor.get(f"/leaderboard?previous_order=order-{n}&kind=junk{n}", headers=HX)
    # The computed board, and one board fragment: "the order changed".
    assert caching.kept_bytes()[0] == entries + 2


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
    assert caching.kept_bytes()[0] == 2


def _sized(n: int) -> str:
    return "x" * n


def _bound(app, monkeypatch, max_bytes: int) -> None:
    """Set the store's bound (read when the store is made, so the store is made anew)."""
    monkeypatch.setitem(app.config, "PAGE_CACHE_MAX_BYTES", max_bytes)
    with app.app_context():
        caching.clear()


def test_the_store_is_bounded_by_bytes_least_recently_used_first_out(app, monkeypatch):
    page_size = sys.getsizeof(_sized(100_000))  # the memory a str of 100,000 ASCII characters takes
    _bound(app, monkeypatch, 3 * page_size)
    with app.test_request_context("/"):
        for n in range(10):
            caching.keep(("page", n), _sized(100_000))
            if n >= 1:
                assert caching.cached(("page", 0)) is not None  # used again, so kept
        count, size = caching.kept_bytes()
        assert count == 3 and size <= 3 * page_size
        assert caching.cached(("page", 0)) is not None and caching.cached(("page", 9)) is not None
        assert caching.cached(("page", 1)) is None
        # A text of two bytes a character counts double; one larger than the bound is never kept.
        caching.keep(("wide",), "—" * 100_000)
        assert caching.kept_bytes()[1] <= 3 * page_size
        caching.keep(("huge",), _sized(4 * page_size))
        assert caching.cached(("huge",)) is None


def test_pages_beyond_the_bound_evict_the_oldest(app, monkeypatch, innovation):
    visitor = app.test_client()
    visitor.get("/")
    one_page = caching.kept_bytes()[1]
    _bound(app, monkeypatch, int(2.5 * one_page))
    for stage in ("drum_up", "diagnose", "design", "deliver", "display"):
        assert visitor.get(f"/?stage={stage}").status_code == 200
    count, size = caching.kept_bytes()
    assert count == 2 and size <= 2.5 * one_page


def _keys_of(app, cycle_id: int) -> dict:
    """The keys the board and a fixed filter list are kept under, for an anonymous
    request to this host in Indonesian (as the test clients send)."""
    with app.test_request_context("/"):
        version = live.version()
        return {"board": caching.key("board", version, cycle_id, None),
                "options": caching.key("fixed-options", "shipped", "status")}


def _fill_to_the_bound(bound: int, name: str) -> None:
    """Keep a string that takes exactly the bytes left under the bound."""
    left = bound - caching.kept_bytes()[1]
    caching.keep((name,), _sized(left - sys.getsizeof("")))
    assert caching.kept_bytes()[1] == bound


def test_the_board_the_fixed_options_and_the_pages_share_one_bound(app, monkeypatch, innovation):
    bound = 3 * sys.getsizeof(_sized(100_000))
    _bound(app, monkeypatch, bound)
    keys = _keys_of(app, innovation.cycle_id)
    with app.test_request_context("/"):
        _fill_to_the_bound(bound, "first")
        fixed_options("status", None)
        assert caching.cached(keys["options"]) is not None  # the fixed options are kept...
        assert caching.cached(("first",)) is None  # ...in the place of what was there before
        _fill_to_the_bound(bound, "second")
    app.test_client().get("/leaderboard")
    with app.test_request_context("/"):
        assert caching.cached(keys["board"]) is not None  # so is the computed board
        assert caching.cached(("second",)) is None
        assert caching.kept_bytes()[1] <= bound


def test_the_board_is_sized_by_what_it_takes(app, innovation):
    app.test_client().get("/leaderboard")
    with app.test_request_context("/"):
        count, size = caching.kept_bytes()
        board, chart = caching.cached(_keys_of(app, innovation.cycle_id)["board"])
        page_bytes = size - standings_size(board) - sys.getsizeof(chart)
    assert count == 2 and board  # the board and the shared page
    assert 0 < page_bytes < size  # the rest is the page: the board counted by its own size


def test_a_bound_of_nothing_keeps_nothing(app, monkeypatch, client, make, innovation, count_queries):
    _bound(app, monkeypatch, 0)
    client.get("/")
    with count_queries() as counter:
        assert "Posyandu Keliling" in client.get("/").get_data(as_text=True)
    assert counter.count > 0  # rendered again
    app.test_client().get("/leaderboard")
    person = make.user(role="innovator")
    db.session.commit()
    login(client, person)
    assert client.get("/proposals/").status_code == 200
    with app.app_context():
        assert caching.kept_bytes() == (0, 0)  # no page, fragment, board nor fixed options


def test_keys_differ_by_host_language_htmx_and_version(app):
    def key_of(version="v1", host="apusida.example.go.id", headers=None, language=None):
        with app.test_request_context("/", headers={"Host": host, **(headers or {})}):
            if language:
                with force_locale(language):
                    return caching.key("page", version, "same part")
            return caching.key("page", version, "same part")

    base = key_of()
    assert key_of() == base  # the same request, the same key
    assert key_of(host="other.example") != base
    assert key_of(language="en") != base
    assert key_of(headers=HX) != base
    assert key_of(version="v2") != base
