"""The live board: ETag from the change counter, 304 without ranking, announcements."""
from app.core.extensions import db
from app.models import Vote
from tests import factories

HX = {"HX-Request": "true"}


def _setup(make):
    cycle = make.cycle()
    first = make.agency(name="Alpha")
    second = make.agency(name="Bravo")
    make.proposal(agency_=first, cycle_=cycle, status="submitted")
    target = make.proposal(agency_=second, cycle_=cycle, status="submitted")
    factories.votes(target, 9)
    db.session.commit()
    return target


def test_unchanged_board_answers_304_without_computing_the_ranking(client, make, count_queries, version_reads):
    _setup(make)
    first = client.get("/leaderboard", headers=HX)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    version_reads.clear()
    with count_queries() as counter:
        again = client.get("/leaderboard", headers={**HX, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    # The change counter only (read straight through the driver): no cycle,
    # no aggregate over proposals, votes or reviews.
    assert counter.count == 0 and len(version_reads) == 1
    assert not any("vote" in statement.lower() for statement in counter.statements)


def test_a_new_vote_changes_the_etag_and_the_board(client, make):
    target = _setup(make)
    etag = client.get("/leaderboard", headers=HX).headers["ETag"]
    db.session.add(Vote(proposal_id=target.id, user_id=make.user(role="reviewer").id))
    db.session.commit()
    response = client.get("/leaderboard", headers={**HX, "If-None-Match": etag})
    assert response.status_code == 200
    assert response.headers["ETag"] != etag
    html = response.get_data(as_text=True)
    # Bravo now has 1 + floor(10 / 10) = 2 points and leads.
    assert html.index("Bravo") < html.index("Alpha")


def test_decision_bumps_the_counter_through_the_status_machine(client, make):
    from app.proposals.status import change_status

    target = _setup(make)
    etag = client.get("/leaderboard", headers=HX).headers["ETag"]
    change_status(target, "approved", make.user(role="admin"))
    db.session.commit()
    assert client.get("/leaderboard", headers={**HX, "If-None-Match": etag}).status_code == 200


def test_etag_depends_on_filter_and_language(client, make):
    _setup(make)
    all_kinds = client.get("/leaderboard", headers=HX).headers["ETag"]
    opd = client.get("/leaderboard?kind=opd", headers=HX).headers["ETag"]
    assert all_kinds != opd
    client.post("/language", data={"lang": "en", "next": "/leaderboard"})
    english = client.get("/leaderboard", headers=HX).headers["ETag"]
    assert english != all_kinds


def test_change_of_order_is_announced_only_when_it_changed(client, make):
    _setup(make)
    html = client.get("/leaderboard").get_data(as_text=True)
    order = html.split('name="previous_order" value="')[1].split('"')[0]
    same = client.get(f"/leaderboard?previous_order={order}", headers=HX).get_data(as_text=True)
    assert "data-announce" not in same
    changed = client.get("/leaderboard?previous_order=999,998", headers=HX).get_data(as_text=True)
    assert 'data-announce="Peringkat berubah.' in changed


def test_page_is_set_up_for_visible_tab_polling(client, make):
    _setup(make)
    page = client.get("/leaderboard")
    html = page.get_data(as_text=True)
    assert "data-live-poll" in html and 'hx-trigger="live-poll"' in html
    assert 'hx-include="#board-previous-order"' in html
    etag = client.get("/leaderboard", headers=HX).headers["ETag"]
    assert f'data-etag="&quot;{etag.strip(chr(34))}&quot;"' in html  # the quoted tag, as sent back
    # The whole page (with the person's menu) carries no ETag of the board.
    assert "ETag" not in page.headers
    fragment = client.get("/leaderboard", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and "site-header" not in fragment


def test_polling_script_respects_visibility_and_304(app):
    script = (app.static_folder + "/js/apusida.js")
    with open(script, encoding="utf-8") as handle:
        text = handle.read()
    assert 'document.visibilityState !== "visible"' in text
    assert "If-None-Match" in text and "xhr.status === 304" in text


def test_board_fragment_without_any_cycle_is_not_found_not_an_error(client):
    """With no cycle the page says there is no ranking yet; a fragment request has no board to send."""
    page = client.get("/leaderboard")
    assert page.status_code == 200
    assert client.get("/leaderboard", headers={"HX-Request": "true"}).status_code == 404
