"""Participation across the years at /leaderboard/trend (issue 17 point 6, DESIGN §8): agencies ×
years as a heat map, each year's share of active agencies, first-timers, the never-innovated,
the five busiest agencies' share; by kind; public and live like the board."""
import re

from werkzeug.test import Client

from app.core.cycles import city_today
from app.core.extensions import db
from app.leaderboard.trend import compute_trend


def _years():
    this_year = city_today().year
    return this_year - 2, this_year - 1, this_year


def _submit(make, agency, year, count=1, status="submitted"):
    for _ in range(count):
        make.proposal_in(status, agency_=agency, cycle_=make.cycle_of(year))


def _row(html, name):
    """The table row headed by `name` (the first-time lists name agencies too)."""
    row = html[html.index(f'<th scope="row">{name}'):]
    return row[:row.index("</tr>")]


def test_the_trend_counts_each_year_first_timers_and_the_never_innovated(make):
    two_ago, last, this = _years()
    for year in (two_ago, last, this):
        make.cycle_of(year)
    steady = make.agency(name="Dinas Tiap Tahun")
    newcomer = make.agency(name="Kecamatan Baru Mulai", kind="kecamatan")
    idle = make.agency(name="Dinas Belum Pernah")
    make.agency(name="Dinas Tidak Aktif", active=False)
    for year in (two_ago, last, this):
        _submit(make, steady, year)
    _submit(make, newcomer, this, count=2)
    make.proposal(agency_=idle, cycle_=make.cycle_of(this))  # a draft is not a submission
    db.session.commit()

    trend = compute_trend()
    assert trend.years == [two_ago, last, this]
    assert trend.active_count == 3  # the inactive agency counts nowhere
    assert [row.name for row in trend.rows] == ["Dinas Tiap Tahun", "Kecamatan Baru Mulai"]
    assert trend.never == ["Dinas Belum Pernah"]
    first, _, newest = trend.summaries
    assert (first.agencies_submitting, first.submissions, first.first_time) == (1, 1, ["Dinas Tiap Tahun"])
    assert (newest.agencies_submitting, newest.submissions, newest.first_time) == (2, 3, ["Kecamatan Baru Mulai"])
    assert newest.share == 2 / 3
    steady_row, newcomer_row = trend.rows
    assert (steady_row.streak, newcomer_row.streak) == (3, 1)

    kecamatan = compute_trend("kecamatan")
    assert [row.name for row in kecamatan.rows] == ["Kecamatan Baru Mulai"] and kecamatan.never == []
    assert kecamatan.summaries[0].first_time == [] and kecamatan.active_count == 1


def test_an_innovation_still_in_use_keeps_the_agency_innovating_two_years_running(make):
    _, last, this = _years()
    agency = make.agency(name="Dinas Berlanjut")
    innovation = make.earlier_innovation(agency_=agency)  # approved last year
    make.yearly_report(innovation, make.cycle_of(this), status="continuing")
    stopped = make.earlier_innovation(agency_=make.agency(name="Dinas Berhenti"))
    make.yearly_report(stopped, make.cycle_of(this), status="stopped")
    db.session.commit()

    rows = {row.name: row for row in compute_trend().rows}
    assert rows["Dinas Berlanjut"].submitted == {last: 1}
    assert rows["Dinas Berlanjut"].continuing == {this: 1}
    assert rows["Dinas Berlanjut"].streak == 2
    assert rows["Dinas Berhenti"].continuing == {} and rows["Dinas Berhenti"].streak == 0


def test_the_busiest_five_share_of_submissions(make):
    this = city_today().year
    for n, count in enumerate((5, 4, 3, 2, 2, 1, 1, 1, 1)):
        _submit(make, make.agency(name=f"Dinas {n}"), this, count)
    db.session.commit()
    (line,) = compute_trend().summaries
    assert line.submissions == 20 and line.busiest_share == 16 / 20


def test_the_page_shows_heat_map_summary_and_names(client, make):
    _, last, this = _years()
    make.cycle_of(last)
    busy = make.agency(name="Dinas Sibuk")
    _submit(make, busy, this, count=5)
    _submit(make, busy, last, count=1)
    innovation = make.earlier_innovation(agency_=make.agency(name="Dinas Lanjut"))
    make.yearly_report(innovation, make.cycle_of(this))
    make.agency(name="Kelurahan <b>Diam</b>", kind="kelurahan")
    db.session.commit()

    response = client.get("/leaderboard/trend")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Partisipasi inovasi dari tahun ke tahun" in html
    busy_row = _row(html, "Dinas Sibuk")
    assert f'heat heat--1" data-label="{last}">1</td>' in busy_row and f'heat heat--4" data-label="{this}">5</td>' in busy_row
    assert "2 tahun berturut-turut" in busy_row
    lanjut = _row(html, "Dinas Lanjut")
    assert "heat--continuing" in lanjut and "+1 berlanjut" in lanjut and "2 tahun berturut-turut" in lanjut
    # Never innovated, by name, escaped.
    assert "Belum pernah berinovasi (1)" in html and "Kelurahan &lt;b&gt;Diam&lt;/b&gt;" in html
    # This year: 1 of 3 active agencies submitted (33%); the five busiest made all of it.
    summary = _row(html, f"{this}</th>")
    assert "1 dari 3" in summary and "33%" in summary and "100%" in summary
    # Linked both ways with the board.
    assert 'href="/leaderboard"' in html
    assert 'href="/leaderboard/trend"' in client.get("/leaderboard").get_data(as_text=True)


def test_the_kind_filter_swaps_the_region_and_polls_for_that_kind(client, make):
    this = city_today().year
    _submit(make, make.agency(name="Dinas Satu"), this)
    _submit(make, make.agency(name="Kecamatan Satu", kind="kecamatan"), this)
    db.session.commit()

    page = client.get("/leaderboard/trend?kind=kecamatan").get_data(as_text=True)
    assert "Kecamatan Satu" in page and "Dinas Satu" not in page
    assert 'hx-push-url="true"' in page and '<option value="kecamatan" selected>' in page
    fragment = client.get("/leaderboard/trend?kind=kecamatan&cycle=1999", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="trend"') and "<html" not in html
    assert 'hx-get="/leaderboard/trend?kind=kecamatan"' in html  # the poll keeps the chosen kind
    # An unknown kind means all.
    assert "Dinas Satu" in client.get("/leaderboard/trend?kind=planet").get_data(as_text=True)


def test_a_poll_answers_304_until_the_data_changes(client, make):
    this = city_today().year
    agency = make.agency(name="Dinas Hidup")
    _submit(make, agency, this)
    db.session.commit()
    first = client.get("/leaderboard/trend", headers={"HX-Request": "true"})
    etag = first.headers["ETag"]
    assert first.status_code == 200 and re.fullmatch(r'"[0-9a-f]{32}"', etag)
    again = client.get("/leaderboard/trend", headers={"HX-Request": "true", "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""

    _submit(make, agency, this)
    db.session.commit()
    changed = client.get("/leaderboard/trend", headers={"HX-Request": "true", "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert f'heat heat--2" data-label="{this}">2</td>' in changed.get_data(as_text=True)


def test_the_poll_shortcut_answers_the_trend_as_flask_does(app, client, make, count_queries):
    """The WSGI shortcut (app.leaderboard.poll) answers the trend's unchanged poll, as Flask's view would."""
    _submit(make, make.agency(name="Dinas Cepat"), city_today().year)
    db.session.commit()
    etag = client.get("/leaderboard/trend?kind=opd", headers={"HX-Request": "true"}).headers["ETag"]
    poll = {"HX-Request": "true", "If-None-Match": etag}
    with count_queries() as counter:
        through_shortcut = client.get("/leaderboard/trend?kind=opd", headers=poll)
    flask_only = Client(app.wsgi_app.wsgi_app).get("/leaderboard/trend?kind=opd", headers=poll)
    assert through_shortcut.status_code == flask_only.status_code == 304
    assert sorted(through_shortcut.headers.items()) == sorted(flask_only.headers.items())
    assert counter.count == 0  # the data version alone (read outside the session)


def test_no_cycles_yet_says_so(client):
    html = client.get("/leaderboard/trend").get_data(as_text=True)
    assert "Belum ada siklus inovasi tahunan" in html
