"""Issue 16, point 1: the admin's decision queue on the dashboard, the decision panel on top
of a proposal's side column, what a decision or publication says it did, the rejection
banner, and withdrawing as the last action of a just-submitted proposal. Every page is
fetched through its real route and its HTML read."""
import json
import re
from datetime import timedelta

import pytest

from app.core.cycles import city_today
from app.core.extensions import db
from app.events.services import week_of
from app.models import Proposal
from app.models._types import utcnow
from tests import factories
from tests.conftest import login
from tests.factories import decision_form

HX = {"HX-Request": "true"}


def position(html: str, needle: str) -> int:
    """Where `needle` first stands in the page (failing clearly when it is not there)."""
    assert needle in html, needle
    return html.index(needle)


@pytest.fixture
def cycle(make):
    """This year's cycle, five days left to submit, target one innovation per agency."""
    today = city_today()
    return make.cycle(year=today.year, submission_opens=today - timedelta(days=30),
                      submission_closes=today + timedelta(days=5), target_per_agency=1)


def submitted_days_ago(days: int, status: str = "submitted", **fields) -> Proposal:
    proposal = factories.proposal_in(status, **fields)
    proposal.submitted_at = utcnow() - timedelta(days=days)
    db.session.flush()
    return proposal


# --- the dashboard ------------------------------------------------------------------------

def test_admin_dashboard_opens_with_proposals_awaiting_a_decision_oldest_first(client, make, login_as, cycle):
    newer = submitted_days_ago(2, "in_review", title="Inovasi Baru Dinilai")
    older = submitted_days_ago(9, title="Inovasi Lama Menunggu")
    factories.review(newer, score=4)                # 80
    factories.review(newer, score=3, novelty=4)     # 63: mean 71.5
    make.proposal(title="Draf Belum Diajukan")
    submitted_days_ago(20, "rejected", title="Sudah Ditolak")
    login_as("admin")

    html = client.get("/dashboard").get_data(as_text=True)

    queue = position(html, 'id="waiting-for-you"')
    assert queue < position(html, 'id="progress-title"')  # before anything else of the page
    awaiting = html[position(html, 'id="awaiting-decision"'):position(html, 'id="pending-publication"')]
    assert awaiting.index(older.title) < awaiting.index(newer.title)
    assert "Draf Belum Diajukan" not in awaiting and "Sudah Ditolak" not in awaiting
    assert f'href="/proposals/{older.id}"' in awaiting and f'href="/proposals/{newer.id}"' in awaiting
    newer_item = awaiting[awaiting.index(newer.title):]
    assert "2 penilaian" in newer_item and "rata-rata skor 71,5" in newer_item  # Babel: comma decimals
    older_item = awaiting[awaiting.index(older.title):awaiting.index(newer.title)]
    assert "Belum ada penilaian" in older_item
    assert newer.agency.name in awaiting  # the admin sees agencies, blind review or not


def test_the_mean_follows_the_english_locale(client, make, login_as, cycle):
    proposal = submitted_days_ago(1, "in_review")
    factories.review(proposal, score=4)
    factories.review(proposal, score=3, novelty=4)
    login_as("admin")
    client.post("/language", data={"lang": "en"})
    html = client.get("/dashboard").get_data(as_text=True)
    assert "71.5" in html and "71,5" not in html
    for english in ("Waiting for you", "Awaiting a decision", "2 reviews", "Awaiting publication",
                    "This week", "5 days left"):
        assert english in html, english


def test_publications_pending_lists_approved_work_not_yet_on_the_showcase(client, make, login_as, cycle):
    approved = submitted_days_ago(5, "approved", title="Disetujui Belum Tayang")
    implemented = submitted_days_ago(4, "implemented", title="Diterapkan Belum Tayang")
    shown = submitted_days_ago(3, "approved", title="Sudah Tayang", published=True)
    waiting = submitted_days_ago(2, title="Masih Diajukan")
    login_as("admin")

    html = client.get("/dashboard").get_data(as_text=True)

    pending = html[position(html, 'id="pending-publication"'):position(html, 'id="week-events"')]
    assert approved.title in pending and implemented.title in pending
    assert shown.title not in pending and waiting.title not in pending
    assert "(2)" in pending


def test_the_queue_shows_ten_of_each_and_counts_them_all(client, make, login_as, cycle):
    for day in range(12):
        submitted_days_ago(day + 1, title=f"Antre {day:02d}")
    login_as("admin")
    html = client.get("/dashboard").get_data(as_text=True)
    awaiting = html[position(html, 'id="awaiting-decision"'):position(html, 'id="pending-publication"')]
    assert "(12)" in awaiting and awaiting.count('class="queue-list__item"') == 10
    assert "Antre 11" in awaiting and "Antre 00" not in awaiting  # the oldest first
    assert "Dan 2 lainnya" in awaiting and "status=submitted" in awaiting


def test_this_weeks_events_from_monday_to_sunday_in_wib_with_registered_counts(client, make, login_as, cycle):
    start, end = week_of(city_today())
    hour = timedelta(hours=1)
    this_week = make.event(title="Coaching Minggu Ini", starts_at=start + 10 * hour, ends_at=start + 12 * hour,
                           capacity=30)
    for _ in range(2):
        make.registration(this_week, make.user())
    make.registration(this_week, make.user(), status="cancelled")
    make.event(title="Klinik Hari Minggu", starts_at=end - 2 * hour, ends_at=end - hour)
    make.event(title="Minggu Depan", starts_at=end + hour, ends_at=end + 2 * hour)
    make.event(title="Minggu Lalu", starts_at=start - 3 * hour, ends_at=start - 2 * hour)
    make.event(title="Batal", starts_at=start + 10 * hour, ends_at=start + 11 * hour, cancelled=True)
    login_as("admin")

    html = client.get("/dashboard").get_data(as_text=True)

    week = html[position(html, 'id="week-events"'):position(html, 'id="below-target"')]
    assert "Coaching Minggu Ini" in week and "Klinik Hari Minggu" in week
    assert "Minggu Depan" not in week and "Minggu Lalu" not in week and "Batal" not in week
    assert "2 terdaftar dari 30 kursi" in week
    assert f'href="/events/{this_week.id}/attendance"' in week


def test_week_of_runs_monday_to_monday_in_wib():
    from datetime import date
    start, end = week_of(date(2026, 12, 3))  # a Thursday
    assert start.isoformat() == "2026-11-29T17:00:00+00:00"  # Monday 30 November, 00.00 WIB
    assert end - start == timedelta(days=7)


def test_agencies_below_target_with_the_days_left(client, make, login_as, cycle):
    met = make.agency(name="Dinas Sudah Mengajukan")
    below = make.agency(name="Kelurahan Belum Mengajukan", kind="kelurahan")
    make.agency(name="Badan Tidak Aktif", active=False)
    factories.proposal_in("submitted", agency_=met, cycle_=cycle)
    factories.proposal(agency_=below, cycle_=cycle)  # a draft does not count
    login_as("admin")

    html = client.get("/dashboard").get_data(as_text=True)

    part = html[position(html, 'id="below-target"'):position(html, 'id="progress-title"')]
    assert "5 hari lagi" in part
    assert "Kelurahan Belum Mengajukan" in part
    assert "Dinas Sudah Mengajukan" not in part and "Badan Tidak Aktif" not in part


@pytest.mark.parametrize("closes, opens, expected", [
    (0, -3, "Hari ini hari terakhir pengajuan"),
    (-1, -30, "Pengajuan sudah ditutup"),
    (40, 4, "Pengajuan dibuka 4 hari lagi"),
])
def test_the_submission_window_is_told_plainly(client, make, login_as, closes, opens, expected):
    today = city_today()
    make.cycle(year=today.year, submission_opens=today + timedelta(days=opens),
               submission_closes=today + timedelta(days=closes))
    login_as("admin")
    html = client.get("/dashboard").get_data(as_text=True)
    assert expected in html[position(html, 'id="below-target"'):]


def test_a_closed_cycle_says_so(client, make, login_as):
    today = city_today()
    make.cycle(year=today.year, closed=True, submission_opens=today - timedelta(days=3),
               submission_closes=today + timedelta(days=3))
    login_as("admin")
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Pengajuan sudah ditutup" in html and "hari lagi" not in html


@pytest.mark.parametrize("role", ["innovator", "reviewer"])
def test_reviewers_and_innovators_dashboards_do_not_show_the_queue(client, make, login_as, cycle, role):
    blind_cycle_proposal = submitted_days_ago(3, title="Usulan Menunggu Keputusan")
    submitted_days_ago(4, "approved", title="Usulan Menunggu Publikasi")
    make.event(title="Kegiatan Minggu Ini", starts_at=week_of(city_today())[0] + timedelta(hours=9),
               ends_at=week_of(city_today())[0] + timedelta(hours=10))
    login_as(role)

    html = client.get("/dashboard").get_data(as_text=True)

    for marker in ('id="waiting-for-you"', 'id="awaiting-decision"', 'id="pending-publication"',
                   'id="week-events"', 'id="below-target"', "Menunggu tindakan Anda"):
        assert marker not in html
    assert "Usulan Menunggu Publikasi" not in html and "Kegiatan Minggu Ini" not in html
    assert blind_cycle_proposal.agency.name not in html


def test_blind_review_nothing_new_reaches_a_reviewer_but_the_admin_sees_the_agency(client, app, make):
    today = city_today()
    blind = make.cycle(year=today.year, blind_review=True, submission_opens=today - timedelta(days=9),
                       submission_closes=today + timedelta(days=9))
    agency = make.agency(name="Dinas Rahasia Penilaian")
    proposal = factories.proposal_in("submitted", agency_=agency, cycle_=blind, title="Inovasi Buta")
    reviewer = make.user(role="reviewer")
    admin = make.user(role="admin")
    db.session.commit()

    login(client, reviewer)
    for path in ("/dashboard", f"/proposals/{proposal.id}"):
        assert "Dinas Rahasia Penilaian" not in client.get(path).get_data(as_text=True)
    other = app.test_client()
    login(other, admin)
    assert "Dinas Rahasia Penilaian" in other.get("/dashboard").get_data(as_text=True)


# --- the proposal page: the decision panel on top ------------------------------------------

def test_admins_decision_panel_tops_the_side_column_above_their_rubric(client, make, login_as, cycle):
    proposal = submitted_days_ago(2, "in_review")
    login_as("admin")
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    aside = html[position(html, 'class="proposal-layout__aside"'):]
    decision = position(aside, f'id="decision-panel-{proposal.id}"')
    assert decision < position(aside, f'id="review-{proposal.id}"')   # their own rubric
    assert decision < position(aside, 'class="action-panel"')          # and the upload form
    assert decision < position(aside, f'id="vote-{proposal.id}"')


def test_a_reviewer_has_no_decision_panel_and_the_actions_come_first(client, make, login_as, cycle):
    proposal = submitted_days_ago(2, "in_review")
    login_as("reviewer")
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f'id="decision-panel-{proposal.id}"' not in html and "Simpan keputusan" not in html
    assert position(html, f'id="review-panel-{proposal.id}"') > position(html, 'id="actions-region"')


def test_the_htmx_decision_answer_keeps_the_decision_on_top(client, make, login_as, cycle):
    proposal = submitted_days_ago(2, "in_review")
    login_as("admin")
    html = client.post(f"/proposals/{proposal.id}/decision", headers=HX,
                       data=decision_form(proposal.id, "approved")).get_data(as_text=True)
    assert position(html, f'id="decision-panel-{proposal.id}"') < position(html, f'id="review-{proposal.id}"')


# --- what a decision or a publication says -------------------------------------------------

def test_a_decision_flashes_what_happened(client, make, login_as, cycle):
    proposal = submitted_days_ago(2, "in_review", title="Izin Kilat")
    login_as("admin")
    response = client.post(f"/proposals/{proposal.id}/decision", data=decision_form(proposal.id, "approved"))
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    flashes = html[position(html, 'id="flash-messages"'):position(html, 'id="live-region"')]
    assert "&#34;Izin Kilat&#34; disetujui." in flashes or "&quot;Izin Kilat&quot; disetujui." in flashes
    assert "/innovations/" not in flashes  # not on the showcase yet


def test_a_publication_flashes_a_link_to_the_showcase_page(client, make, login_as, cycle):
    proposal = submitted_days_ago(2, "approved", title="Izin <Kilat>")
    login_as("admin")
    response = client.post(f"/proposals/{proposal.id}/publish", data={"published": "1"})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    flashes = html[position(html, 'id="flash-messages"'):position(html, 'id="live-region"')]
    assert "kini tampil di etalase publik." in flashes
    assert f'<a class="notice__link" href="/innovations/{proposal.id}">Lihat halaman etalase</a>' in flashes
    assert "Izin &lt;Kilat&gt;" in flashes and "<Kilat>" not in flashes  # the title stays text


def test_an_htmx_publication_announces_and_links_to_the_showcase_page(client, make, login_as, cycle):
    proposal = submitted_days_ago(2, "approved", title="Izin Kilat")
    login_as("admin")
    response = client.post(f"/proposals/{proposal.id}/publish", headers=HX, data={"published": "1"})
    assert response.status_code == 200
    assert json.loads(response.headers["HX-Trigger"])["announce"] == "\"Izin Kilat\" kini tampil di etalase publik."
    html = response.get_data(as_text=True)
    done = html[position(html, f'id="decision-done-{proposal.id}"'):]
    assert f'href="/innovations/{proposal.id}"' in done[:done.index("</div>")]


def test_an_htmx_decision_says_what_happened_in_the_panel(client, make, login_as, cycle):
    proposal = submitted_days_ago(2, "in_review", title="Izin Kilat")
    login_as("admin")
    response = client.post(f"/proposals/{proposal.id}/decision", headers=HX,
                           data=decision_form(proposal.id, "rejected", "Sudah ada layanan serupa."))
    message = json.loads(response.headers["HX-Trigger"])["announce"]
    assert message == "\"Izin Kilat\" ditolak. Alasannya tampil di bagian atas halaman usulan."
    html = response.get_data(as_text=True)
    assert "ditolak. Alasannya tampil" in html[position(html, f'id="decision-done-{proposal.id}"'):]
    assert "/innovations/" not in html


def test_unpublishing_says_so_without_a_showcase_link(client, make, login_as, cycle):
    proposal = submitted_days_ago(2, "approved", title="Izin Kilat", published=True)
    login_as("admin")
    response = client.post(f"/proposals/{proposal.id}/publish", data={"published": "0"})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    flashes = html[position(html, 'id="flash-messages"'):position(html, 'id="live-region"')]
    assert "ditarik dari etalase publik." in flashes and "/innovations/" not in flashes


# --- the rejection banner -----------------------------------------------------------------

@pytest.mark.parametrize("viewer", ["owner", "admin", "reviewer"])
def test_a_rejections_reason_is_a_banner_at_the_top(client, make, cycle, viewer):
    proposal = submitted_days_ago(2, "in_review")
    admin = make.user(role="admin", name="Admin Lab")
    factories.status_change(proposal, "rejected", from_status="in_review", actor=admin,
                            note="Layanan serupa sudah berjalan di kecamatan.")
    proposal.status = "rejected"
    people = {"owner": proposal.author, "admin": admin, "reviewer": make.user(role="reviewer")}
    db.session.commit()
    login(client, people[viewer])

    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)

    banner = position(html, 'id="status-note"')
    assert banner < position(html, "<h2>Ringkasan</h2>")
    note = html[html.rindex("<div", 0, banner):html.index("</div>", banner)]
    assert "Alasan penolakan" in note and "Layanan serupa sudah berjalan di kecamatan." in note
    assert "notice--error" in note and "Admin Lab" in note


def test_a_revision_request_keeps_its_banner(client, make, cycle):
    proposal = submitted_days_ago(2, "in_review")
    factories.status_change(proposal, "revision_requested", from_status="in_review",
                            note="Tambahkan data antrean.")
    proposal.status = "revision_requested"
    db.session.commit()
    login(client, proposal.author)
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    note = html[position(html, 'id="status-note"'):]
    assert "Permintaan revisi" in note[:400] and "Tambahkan data antrean." in note[:600]
    assert "Alasan penolakan" not in html


def test_no_banner_without_a_rejection_or_revision(client, make, cycle):
    proposal = submitted_days_ago(2, "approved")
    db.session.commit()
    login(client, proposal.author)
    assert 'id="status-note"' not in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)


# --- withdrawing a just-submitted proposal --------------------------------------------------

def test_withdrawing_a_just_submitted_proposal_is_the_last_and_a_warning_that_asks_again(client, make, cycle):
    proposal = factories.proposal_in("submitted")
    db.session.commit()
    login(client, proposal.author)

    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)

    panel = html[position(html, 'class="action-panel"'):position(html, f'id="review-panel-{proposal.id}"')]
    withdraw = position(panel, f'action="/proposals/{proposal.id}/withdraw"')
    assert position(panel, f'action="/proposals/{proposal.id}/attachments"') < withdraw  # after the others
    buttons = re.findall(r'<button type="submit" class="([^"]+)">([^<]+)</button>', panel)
    assert buttons[-1] == ("button button--warning", "Tarik usulan")
    assert buttons[0][1] != "Tarik usulan"
    assert '<details class="withdraw-action" id="withdraw">' in panel  # folded away, not first in sight
    form = panel[withdraw:]
    assert 'data-confirm="Tarik usulan ini?' in form


def test_a_failed_withdrawal_opens_the_fold_with_its_message(client, make, cycle):
    proposal = factories.proposal_in("submitted")
    db.session.commit()
    login(client, proposal.author)
    response = client.post(f"/proposals/{proposal.id}/withdraw", data={"note": "x" * 6000})
    assert response.status_code == 422
    assert '<details class="withdraw-action" id="withdraw" open>' in response.get_data(as_text=True)


# --- cost -------------------------------------------------------------------------------

def test_the_admin_dashboard_costs_the_same_queries_at_small_and_large_data(client, make, cycle, count_queries):
    admin = make.user(role="admin", agency_=make.agency(name="Bappeda Litbang"))
    start = week_of(city_today())[0]

    def add(awaiting: int, pending: int, events: int, agencies: int) -> None:
        for n in range(awaiting):
            proposal = submitted_days_ago(n + 1, "in_review" if n % 2 else "submitted")
            for score in range(n % 3):
                factories.review(proposal, score=score + 3)
        for n in range(pending):
            submitted_days_ago(n + 1, "approved" if n % 2 else "implemented")
        for n in range(events):
            event = make.event(starts_at=start + timedelta(hours=9 + n), ends_at=start + timedelta(hours=10 + n),
                               capacity=20 if n % 2 else None)
            for _ in range(n + 1):
                make.registration(event, make.user(role="reviewer"))
        for _ in range(agencies):
            make.agency()
        db.session.commit()

    def measure() -> int:
        with count_queries() as counter:
            response = client.get("/dashboard")
        assert response.status_code == 200
        return counter

    add(awaiting=1, pending=1, events=1, agencies=1)
    login(client, admin)
    measure()  # warm-up: templates compile on the first request
    small = measure()
    add(awaiting=25, pending=14, events=5, agencies=30)
    large = measure()
    assert large.count == small.count, large.statements
    html = client.get("/dashboard").get_data(as_text=True)
    assert "(26)" in html and "(15)" in html and "(6)" in html  # the large data is there


def test_after_an_htmx_decision_focus_lands_on_what_happened_and_after_a_conflict_on_the_support_part(
        client, make, login_as, cycle):
    proposal = submitted_days_ago(2, "in_review")
    login_as("admin")
    html = client.post(f"/proposals/{proposal.id}/decision", headers=HX,
                       data=decision_form(proposal.id, "approved")).get_data(as_text=True)
    assert html.count("autofocus") == 1
    assert re.search(rf'id="decision-done-{proposal.id}"[^>]*autofocus', html)
    other = submitted_days_ago(3, "in_review")
    html = client.post(f"/proposals/{other.id}/conflict", headers=HX,
                       data={f"c{other.id}-reason": "Saya pernah membimbing tim ini."}).get_data(as_text=True)
    assert html.count("autofocus") == 1
    assert re.search(rf'id="review-panel-title-{other.id}"[^>]*autofocus', html)
