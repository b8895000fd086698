"""The data version follows the data (app.core.live): a change of any model a shared
page shows, made through the service a view calls, renews it in the same
transaction, and the shared page shows the change at once, to the next anonymous
visitor or to a colleague of the same audience. Writes that no shared page
shows, a rolled-back transaction and a change that changes nothing leave it alone.

Each case sees the page first (so its shared copy is kept under the old
version), changes one thing through its service, commits as the view does, and
sees the page again: a version left unrenewed would serve the kept copy."""
import io
import re
from dataclasses import dataclass
from typing import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.admin import services as admin_services
from app.competitions import services as competition_services
from app.core import live
from app.core.cycles import city_today
from app.core.extensions import db
from app.events import services as event_services
from app.maturity import services as maturity_services
from app.models import Agency, Comment, Notification, ProposalSdg, Registration, TeamMember, User, Vote
from app.models._types import utcnow
from app.proposals import services as proposal_services
from app.proposals.status import change_status
from app.results import services as result_services
from app.reviews import services as review_services
from tests import factories
from tests.conftest import clients_of, login
from tests.factories import PDF_BYTES, proposal_in


@dataclass
class Case:
    url: str
    before: FlaskClient  # who sees the page first (its shared copy is then kept)
    after: FlaskClient  # who sees it after the change: the same audience
    change: Callable[[], object]  # the service call a view makes
    shows: Callable[[str], bool]  # does the page show the change?


def _colleagues(app, make):
    """An agency and the clients of two of its innovators (one audience of the proposal list and page)."""
    agency = make.agency()
    first, second = factories.user("innovator", agency_=agency), factories.user("innovator", agency_=agency)
    db.session.commit()
    return (agency, *clients_of(app, first, second))


def _anonymous(app):
    return app.test_client(), app.test_client()


def _board_cells(html: str, name: str) -> list[str]:
    """The leaderboard's figures for one agency: submitted, approved, implemented,
    votes, mean score, points, target."""
    start = html.index(f'<th scope="row">{name} ')
    return re.findall(r"<td[^>]*>(.*?)</td>", html[start:html.index("</tr>", start)], re.S)


def _results(html: str) -> str:
    """The proposal list's results table."""
    return html[html.index("<tbody>"):html.index("</tbody>")]


# --- one case per shown model (and per shared page that shows it) ----------------------

def proposal_edit_on_the_showcase(app, make):
    admin = factories.user("admin")
    innovation = factories.published(title="Judul Lama")
    return Case("/", *_anonymous(app), lambda: proposal_services.update_proposal(
        innovation, admin, {"title": "Judul Baru Inovasi"}, innovation.version), lambda html: "Judul Baru Inovasi" in html)


def proposal_new_draft_on_the_list(app, make):
    agency, one, two = _colleagues(app, make)
    author, cycle = agency.users[0], make.cycle()
    return Case("/proposals/", one, two, lambda: proposal_services.create_proposal(
        author, agency, cycle, {"title": "Draf Baru Dinas"}), lambda html: "Draf Baru Dinas" in _results(html))


def proposal_event_link_on_the_list(app, make):
    """Linking to an event changes the proposal, so its place in the list's default order
    ("last changed", Proposal.updated_at) too."""
    agency, one, two = _colleagues(app, make)
    earlier = proposal_in("submitted", agency_=agency, title="Usulan Pertama")
    proposal_in("submitted", agency_=agency, title="Usulan Kedua")  # changed last: on top
    event, member = factories.event(), agency.users[0]

    def first_is_on_top(html):
        table = _results(html)
        return table.index("Usulan Pertama") < table.index("Usulan Kedua")

    return Case("/proposals/", one, two, lambda: event_services.link_proposal(event, earlier, member), first_is_on_top)


def status_change_on_the_proposal_page(app, make):
    agency, one, two = _colleagues(app, make)
    proposal, admin = proposal_in("submitted", agency_=agency), factories.user("admin")
    return Case(f"/proposals/{proposal.id}", one, two, lambda: change_status(
        proposal, "revision_requested", admin, "Lengkapi data dukung layanan."),
        lambda html: "Lengkapi data dukung layanan." in html)


def attachment_on_the_proposal_page(app, make):
    agency, one, two = _colleagues(app, make)
    proposal = proposal_in("submitted", agency_=agency)
    uploader = agency.users[0]
    return Case(f"/proposals/{proposal.id}", one, two, lambda: proposal_services.add_attachment(
        proposal, uploader, "bukti-baru.pdf", io.BytesIO(PDF_BYTES)), lambda html: "download>bukti-baru.pdf</a>" in html)


def _votable(make, agency=None):
    proposal = factories.published(agency_=agency or make.agency(name="Dinas Didukung"))
    return proposal, factories.user("reviewer")


def vote_on_the_list(app, make):
    agency, one, two = _colleagues(app, make)
    proposal, voter = _votable(make, agency)
    return Case("/proposals/", one, two, lambda: review_services.toggle_vote(proposal, voter),
                lambda html: f'<span class="vote-count-{proposal.id}">1</span>' in html)


def vote_on_the_leaderboard(app, make):
    make.cycle()
    proposal, voter = _votable(make)
    return Case("/leaderboard", *_anonymous(app), lambda: review_services.toggle_vote(proposal, voter),
                lambda html: _board_cells(html, "Dinas Didukung")[3] == "1")


def vote_on_the_innovation_page(app, make):
    proposal, voter = _votable(make)
    return Case(f"/innovations/{proposal.id}", *_anonymous(app), lambda: review_services.toggle_vote(proposal, voter),
                lambda html: "1 dukungan" in html)


def review_on_the_leaderboard(app, make):
    make.cycle()
    proposal = factories.submitted(status="in_review", agency_=make.agency(name="Dinas Dinilai"))
    reviewer = factories.user("reviewer")
    factories.review(proposal, reviewer, score=3)
    return Case("/leaderboard", *_anonymous(app), lambda: review_services.save_review(
        proposal, reviewer, {name: 5 for name in factories.KIPP_CRITERIA}, "approve", "Sangat baik."),
        lambda html: "100" in _board_cells(html, "Dinas Dinilai")[4])


def agency_on_the_leaderboard(app, make):
    make.cycle()
    agency = make.agency(code="LAMA", name="Dinas Nama Lama")
    return Case("/leaderboard", *_anonymous(app), lambda: admin_services.save_agency(
        agency, code="LAMA", name="Dinas Nama Baru", kind="opd", parent=None, active=True),
        lambda html: "Dinas Nama Baru" in html)


def cycle_on_the_leaderboard(app, make):
    cycle = make.cycle()
    return Case("/leaderboard", *_anonymous(app), lambda: admin_services.save_cycle(
        cycle, year=cycle.year, target_per_agency=3), lambda html: "paling sedikit 3 inovasi" in html)


def user_on_the_proposal_page(app, make):
    agency, one, two = _colleagues(app, make)
    author = factories.user("innovator", agency_=agency, name="Nama Penulis Lama")
    proposal = proposal_in("submitted", agency_=agency, author=author)
    return Case(f"/proposals/{proposal.id}", one, two, lambda: admin_services.update_user(
        author, email=author.email, name="Nama Penulis Baru", role="innovator", agency=agency, active=True),
        lambda html: "Nama Penulis Baru" in html)


def _matured(make):
    """A published innovation with one verified claim on an indicator of its cycle."""
    cycle = make.cycle()
    indicator = factories.indicator(name="Indikator Lama", code="ind-lama")
    factories.levels(cycle, indicator)
    innovation = proposal_in("implemented", cycle_=cycle, published=True, published_at=utcnow())
    return cycle, indicator, innovation


def claim_on_the_innovation_page(app, make):
    _cycle, indicator, innovation = _matured(make)
    claim = factories.claim(innovation, indicator, 3, status="accepted", verified_level=3, verified_points=3)
    admin = factories.user("admin")
    return Case(f"/innovations/{innovation.id}", *_anonymous(app),
                lambda: maturity_services.set_claim_public(claim, admin, True), lambda html: "Indikator Lama" in html)


def indicator_on_the_innovation_page(app, make):
    _cycle, indicator, innovation = _matured(make)
    factories.claim(innovation, indicator, 3, status="accepted", verified_level=3, verified_points=3, public=True)
    admin = factories.user("admin")
    return Case(f"/innovations/{innovation.id}", *_anonymous(app), lambda: maturity_services.save_indicator(
        indicator, admin, code=indicator.code, name="Indikator Baru", evidence=indicator.evidence,
        order=indicator.order, active=True), lambda html: "Indikator Baru" in html)


def _winner(make, published=False):
    """A published innovation judged the winner of a competition's first track."""
    innovation = make.published()
    contest = factories.competition(results_published=published)
    entry = factories.entry(contest, innovation)
    entry.final_rank, entry.winner = 1, True
    return contest, entry, innovation, factories.user("admin")


def competition_on_the_innovation_page(app, make):
    contest, _entry, innovation, admin = _winner(make)
    return Case(f"/innovations/{innovation.id}", *_anonymous(app),
                lambda: competition_services.publish_results(contest, True, admin),
                lambda html: "tag--winner" in html)


def competition_entry_on_the_innovation_page(app, make):
    contest, entry, innovation, admin = _winner(make, published=True)
    entry.final_rank = 2
    return Case(f"/innovations/{innovation.id}", *_anonymous(app),
                lambda: competition_services.judge_track(entry.track, [competition_services.Judgement(
                    entry, 1, True, "")], admin), lambda html: "Peringkat 1 " in html)


def competition_track_on_the_innovation_page(app, make):
    contest, _entry, innovation, admin = _winner(make, published=True)
    return Case(f"/innovations/{innovation.id}", *_anonymous(app), lambda: competition_services.save_competition(
        contest, cycle=contest.cycle, name=contest.name, description="", rubric=contest.rubric,
        entry_deadline=contest.entry_deadline, review_deadline=contest.review_deadline, blind_review=False,
        tracks=[("opd", "Perangkat Daerah Terbaik"), ("sekolah", "Sekolah")], actor=admin),
        lambda html: "Perangkat Daerah Terbaik" in html)


def indicator_level_on_the_innovation_page(app, make):
    cycle, indicator, innovation = _matured(make)
    factories.claim(innovation, indicator, 3, status="accepted", verified_level=3, verified_points=3, public=True)
    admin = factories.user("admin")
    return Case(f"/innovations/{innovation.id}", *_anonymous(app), lambda: maturity_services.save_levels(
        cycle, indicator, admin, [("Uraian satu", 1), ("Uraian dua", 2), ("Uraian tiga yang baru", 3)]),
        lambda html: "Uraian tiga yang baru" in html)


def _reported(make):
    """A published innovation of last year with one result indicator, owing this year a report."""
    factories.cycle_of(city_today().year)
    innovation = factories.earlier_innovation("implemented", published=True, published_at=utcnow())
    indicator = factories.result_indicator(innovation, name="Lama terbit izin", baseline=14, target=3)
    return innovation, indicator


def yearly_report_on_open_data(app, make):
    innovation, indicator = _reported(make)
    return Case("/open-data/results.csv", *_anonymous(app), lambda: result_services.save_report(
        innovation, factories.cycle_of(city_today().year), innovation.author,
        result_services.ReportInput(status="continuing", actuals={indicator.id: 4.5})),
        lambda text: f",{city_today().year},4.5," in text)


def report_value_on_open_data(app, make):
    innovation, indicator = _reported(make)
    report = factories.yearly_report(innovation, values={indicator: 6})

    def correct():
        report.values[0].actual = 2.5
        db.session.flush()

    return Case("/open-data/results.csv", *_anonymous(app), correct, lambda text: ",2.5," in text)


def result_indicator_on_open_data(app, make):
    innovation, indicator = _reported(make)

    def rename():
        indicator.name = "Hari sampai izin terbit"
        db.session.flush()

    return Case("/open-data/results.csv", *_anonymous(app), rename, lambda text: "Hari sampai izin terbit" in text)


def goal_row_on_the_showcase(app, make):
    """A goal's row written alone (its service also touches the proposal) renews the cards."""
    innovation = factories.published(title="Bank Sampah Iklim")

    def add_goal():
        db.session.add(ProposalSdg(proposal_id=innovation.id, goal=13))
        db.session.flush()

    return Case("/", *_anonymous(app), add_goal,
                lambda html: '<span class="sdg-list__number">TPB 13</span> Penanganan Perubahan Iklim' in html)


def team_member_row_on_the_innovation_page(app, make):
    innovation = factories.published(title="Posyandu Keliling")

    def add_member():
        db.session.add(TeamMember(proposal_id=innovation.id, position=1, name="Wulan Sarasati", role="Ketua tim"))
        db.session.flush()

    return Case(f"/innovations/{innovation.id}", *_anonymous(app), add_member,
                lambda html: "Wulan Sarasati" in html)


def milestone_row_on_the_innovation_page(app, make):
    """A milestone marked done is a moment of the public timeline (issue 20)."""
    from datetime import timedelta

    from app.core.cycles import city_today
    from app.models import Milestone

    innovation = factories.published(title="Kampung Digital", lab_stage="deliver")

    def add_done_milestone():
        db.session.add(Milestone(proposal_id=innovation.id, what="Peluncuran di tiga RW",
                                 due_on=city_today() - timedelta(days=1), done_on=city_today(),
                                 done_by_id=innovation.author_id))
        db.session.flush()

    return Case(f"/innovations/{innovation.id}", *_anonymous(app), add_done_milestone,
                lambda html: "Peluncuran di tiga RW" in html)


CASES = [
    proposal_edit_on_the_showcase, proposal_new_draft_on_the_list, proposal_event_link_on_the_list,
    status_change_on_the_proposal_page, attachment_on_the_proposal_page,
    vote_on_the_list, vote_on_the_leaderboard, vote_on_the_innovation_page, review_on_the_leaderboard,
    agency_on_the_leaderboard, cycle_on_the_leaderboard, user_on_the_proposal_page,
    claim_on_the_innovation_page, indicator_on_the_innovation_page, indicator_level_on_the_innovation_page,
    yearly_report_on_open_data, report_value_on_open_data, result_indicator_on_open_data,
    competition_on_the_innovation_page, competition_entry_on_the_innovation_page,
    competition_track_on_the_innovation_page,
    goal_row_on_the_showcase, team_member_row_on_the_innovation_page, milestone_row_on_the_innovation_page,
]


@pytest.mark.parametrize("build", CASES, ids=[case.__name__ for case in CASES])
def test_a_change_through_its_service_renews_the_shared_page(app, make, build):
    case = build(app, make)
    db.session.commit()
    for _ in range(2):  # the second visit is served the kept copy
        response = case.before.get(case.url)
        assert response.status_code == 200
        assert not case.shows(response.get_data(as_text=True))
    version = live.version()
    case.change()
    db.session.commit()
    assert live.version() != version
    response = case.after.get(case.url)
    assert response.status_code == 200
    assert case.shows(response.get_data(as_text=True))


def test_a_status_change_row_alone_renews_the_timeline(app, make):
    """Its service (change_status) changes the proposal too; written alone, as the test
    factories write it, the row still renews what the timeline shows."""
    agency, one, two = _colleagues(app, make)
    proposal = proposal_in("submitted", agency_=agency)
    db.session.commit()
    url = f"/proposals/{proposal.id}"
    assert "Catatan perpindahan tersendiri." not in one.get(url).get_data(as_text=True)
    factories.status_change(proposal, "submitted", "submitted", note="Catatan perpindahan tersendiri.")
    db.session.commit()
    assert "Catatan perpindahan tersendiri." in two.get(url).get_data(as_text=True)


def test_every_shown_model_has_a_case():
    covered = {"Proposal", "StatusChange", "Attachment", "Vote", "Review", "Agency", "Cycle", "User", "Claim",
               "Indicator", "IndicatorLevel", "YearlyReport", "ReportValue", "ResultIndicator", "Competition",
               "CompetitionEntry", "CompetitionTrack", "ProposalSdg", "TeamMember", "Milestone"}
    assert {model.__name__ for model in live.SHOWN_MODELS} == covered


# --- what does not renew it -------------------------------------------------------------

def _count(model):
    return lambda: db.session.scalar(select(func.count()).select_from(model))


def comment(app, make):
    proposal = proposal_in("submitted")
    author = proposal.author

    def write():
        assert proposal.comments == []  # the discussion already read: the new comment joins it
        proposal_services.add_comment(proposal, author, "Catatan diskusi internal.")

    return write, _count(Comment)


def event_registration(app, make):
    event, person = factories.event(), factories.user("innovator")
    return lambda: event_services.register(event, person), _count(Registration)


def notification(app, make):
    person = factories.user("innovator")
    return lambda: db.session.add(Notification(user_id=person.id, message="Usulan Anda dinilai.")), _count(Notification)


def login_time(app, make):
    person = factories.user("innovator")
    person_id = person.id
    # A login sets the account's last login time (a column no shared page shows).
    return (lambda: login(app.test_client(), person),
            lambda: db.session.scalar(select(User.last_login_at).where(User.id == person_id)))


UNSHOWN_WRITES = [comment, event_registration, notification, login_time]


@pytest.mark.parametrize("build", UNSHOWN_WRITES, ids=[write.__name__ for write in UNSHOWN_WRITES])
def test_a_write_no_shared_page_shows_keeps_the_version(app, make, build):
    write, written = build(app, make)
    db.session.commit()
    before = written()
    version = live.version()
    write()
    db.session.commit()
    assert written() != before  # it did write
    assert live.version() == version


def test_a_rolled_back_transaction_renews_nothing_and_leaves_nothing_behind(make):
    agency = make.agency(code="TETAP", name="Dinas Tetap")
    proposal = proposal_in("submitted", agency_=agency)
    db.session.commit()
    version = live.version()
    admin_services.save_agency(agency, code="TETAP", name="Dinas Sesaat", kind="opd", parent=None, active=True)
    db.session.rollback()
    assert live.version() == version
    # The next transaction writes only what no shared page shows: still no renewal.
    proposal_services.add_comment(proposal, proposal.author, "Hanya komentar.")
    db.session.commit()
    assert live.version() == version


def test_a_rolled_back_savepoint_keeps_the_renewal_of_the_transaction_around_it(make):
    agency = make.agency(code="INDUK", name="Dinas Lama")
    make.agency(code="KEMBAR")
    db.session.commit()
    version = live.version()
    admin_services.save_agency(agency, code="INDUK", name="Dinas Baru", kind="opd", parent=None, active=True)
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():  # as services do for a row a parallel request may have made
            db.session.add(Agency(code="KEMBAR", name="Dinas Kembar", kind="opd"))
    db.session.commit()
    assert live.version() != version
    assert db.session.scalar(select(Agency.name).where(Agency.code == "INDUK")) == "Dinas Baru"


def test_many_writes_in_one_transaction_renew_once(make, count_queries):
    cycle = make.cycle()
    agency = make.agency()
    proposal, voter = _votable(make)
    reviewed, reviewer = factories.submitted(status="in_review"), factories.user("reviewer")
    db.session.commit()
    before, reference = live.current(), live.current(live.REFERENCE)
    with count_queries() as counter:
        review_services.toggle_vote(proposal, voter)
        # A first review is written in a savepoint (a double click may have made it): not a commit.
        review_services.save_review(reviewed, reviewer, {name: 4 for name in factories.KIPP_CRITERIA}, "approve", "Baik.")
        admin_services.save_agency(agency, code=agency.code, name="Dinas Sekali", kind="opd", parent=None, active=True)
        admin_services.save_cycle(cycle, year=cycle.year, target_per_agency=2)
        db.session.commit()
    assert live.current() == before + 1 and live.current(live.REFERENCE) == reference + 1
    # One write per counter: the city's, the list's (all but votes) and the reference data's
    # (which covers every proposal page).
    assert len([s for s in counter.statements if s.lstrip().upper().startswith("UPDATE CHANGE_COUNTER")]) == 3


def test_saving_what_is_already_there_renews_nothing(make):
    agency = make.agency(code="SAMA", name="Dinas Sama")
    db.session.commit()
    version = live.version()
    admin_services.save_agency(agency, code="SAMA", name="Dinas Sama", kind="opd", parent=None, active=True)
    db.session.commit()
    assert live.version() == version


@pytest.mark.parametrize("statement", [
    lambda: insert(Agency).values(code="MASSAL", name="Dinas Massal", kind="opd"),
    lambda: select(Agency).from_statement(insert(Agency).values(code="MASSAL", name="Dinas Massal", kind="opd")
                                          .returning(Agency)),
    lambda: insert(Agency.__table__).values(code="MASSAL", name="Dinas Massal", kind="opd"),
    lambda: update(Agency).where(Agency.code == "ADA").values(name="Dinas Diubah"),
    lambda: delete(Vote).where(Vote.id > 0),
], ids=["insert", "insert returning objects", "insert into the table", "update", "delete"])
def test_a_bulk_statement_through_the_session_renews_the_version(make, statement):
    make.agency(code="ADA")
    factories.vote(factories.published())
    db.session.commit()
    version = live.version()
    db.session.execute(statement())
    db.session.commit()
    assert live.version() != version


@pytest.mark.parametrize("write", ["add", "change", "delete"])
def test_objects_committed_without_a_flush_renew_the_version(make, write):
    """The changes the commit itself flushes count too (test factories and services alike)."""
    agency = make.agency(code="OBJEK", name="Dinas Objek")
    db.session.commit()
    version = live.version()
    if write == "add":
        db.session.add(Agency(code="BARU", name="Dinas Baru", kind="opd"))
    elif write == "change":
        agency.name = "Dinas Objek Berganti"
    else:
        db.session.delete(agency)
    db.session.commit()
    assert live.version() != version


# --- the proposal pages' own versions ------------------------------------------------------

def _page_versions(*proposals) -> list[str]:
    return [live.proposal_version(proposal.id) for proposal in proposals]


def test_a_vote_renews_the_city_but_no_proposal_page(make):
    proposal, voter = _votable(make)
    other = factories.published()
    db.session.commit()
    city, pages, listing = live.version(), _page_versions(proposal, other), live.version(live.BUT_VOTES)
    review_services.toggle_vote(proposal, voter)
    db.session.commit()
    assert live.version() != city
    assert _page_versions(proposal, other) == pages
    assert live.version(live.BUT_VOTES) == listing  # the list keeps its copy; its counts are filled in


def test_the_list_keeps_its_copy_through_votes_and_shows_every_count(app, make, monkeypatch):
    """A vote renews no list copy (live.BUT_VOTES), yet everyone sees the new count at once:
    the counts are filled into the kept copy on every request, as numbers in the reader's language."""
    agency, one, two = _colleagues(app, make)
    proposal, voter = _votable(make, agency)
    db.session.commit()
    from app.proposals import routes as proposal_routes

    renders = []
    real = proposal_routes._render_listing
    monkeypatch.setattr(proposal_routes, "_render_listing", lambda *a: renders.append(1) or real(*a))
    count = f'<span class="vote-count-{proposal.id}">'
    assert count + "0</span>" in _results(one.get("/proposals/").get_data(as_text=True))
    review_services.toggle_vote(proposal, voter)
    db.session.commit()
    assert count + "1</span>" in _results(two.get("/proposals/").get_data(as_text=True))
    assert count + "1</span>" in two.get("/proposals/", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert len(renders) == 2  # the page once, its results (an HTMX answer) once: not again after the vote
    # A title change is not a vote: the list renders again.
    proposal.title = "Judul yang baru saja diganti"
    db.session.commit()
    assert "Judul yang baru saja diganti" in two.get("/proposals/").get_data(as_text=True)
    assert len(renders) == 3


def test_a_filled_hole_is_escaped_and_typed_text_never_fills(app):
    from markupsafe import Markup

    from app.web import caching

    hole = caching.Holes("votes").get(7)
    assert isinstance(hole, Markup)
    html = f"<p>apusida-hole-0000:votes:7:</p><span>{hole}</span>"
    filled = caching.fill(html, "votes", lambda ids: {7: "<b>5</b>"})
    assert filled == "<p>apusida-hole-0000:votes:7:</p><span>&lt;b&gt;5&lt;/b&gt;</span>"
    assert caching.fill("<p>no holes</p>", "votes", lambda ids: pytest.fail("asked for nothing")) == "<p>no holes</p>"


def test_a_review_renews_its_proposals_page_only(make):
    reviewed, untouched = factories.submitted(), factories.submitted()
    reviewer = factories.user("reviewer")
    db.session.commit()
    before = _page_versions(reviewed, untouched)
    review_services.save_review(reviewed, reviewer, {name: 4 for name in factories.KIPP_CRITERIA}, "approve", "Baik.")
    db.session.commit()
    after = _page_versions(reviewed, untouched)
    assert after[0] != before[0] and after[1] == before[1]


def test_a_reported_value_alone_renews_its_innovations_page(make):
    from app.models import ReportValue

    report = factories.yearly_report(factories.proposal_in("implemented"))
    indicator = factories.result_indicator(report.proposal)
    other = factories.proposal_in("implemented")
    db.session.commit()
    before = _page_versions(report.proposal, other)
    db.session.add(ReportValue(report_id=report.id, indicator_id=indicator.id, actual=7))
    db.session.commit()
    after = _page_versions(report.proposal, other)
    assert after[0] != before[0] and after[1] == before[1]


def test_a_changed_title_renews_the_pages_of_its_replications(make):
    original = factories.published(title="Asli")
    copy = factories.submitted(title="Salinan")
    copy.replicates_id = original.id
    bystander = factories.submitted()
    db.session.commit()
    before = _page_versions(original, copy, bystander)
    original.title = "Asli Berganti Judul"
    db.session.commit()
    after = _page_versions(original, copy, bystander)
    assert after[0] != before[0] and after[1] != before[1] and after[2] == before[2]


def test_reference_data_or_a_bulk_write_renews_every_proposal_page(make):
    proposal, agency = factories.submitted(), make.agency(code="ACUAN", name="Dinas Acuan")
    db.session.commit()
    (before,) = _page_versions(proposal)
    agency.name = "Dinas Acuan Baru"
    db.session.commit()
    (renamed,) = _page_versions(proposal)
    assert renamed != before
    db.session.execute(update(TeamMember).where(TeamMember.id < 0).values(name="x"))
    db.session.commit()
    assert _page_versions(proposal) != [renamed]
