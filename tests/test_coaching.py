"""Coaching (issue 20, DESIGN §11): coaches per agency and cycle, sessions with action items,
the readiness self-assessment; who may see and do what; query counts that stay flat."""
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.coaching import services
from app.coaching.readiness import QUESTIONS
from app.core.cycles import city_today
from app.core.extensions import db
from app.models import (
    READINESS_QUESTIONS, ActionItem, AuditEntry, CoachAssignment, CoachingSession, Notification, ReadinessAssessment,
    User,
)
from tests import factories
from tests.conftest import login

HTMX = {"HX-Request": "true"}


@pytest.fixture
def coaching(app_ctx):
    """Agency A with two members and a submitted proposal, coached by a reviewer; agency B apart."""
    cycle = factories.cycle()
    agency_a = factories.agency(name="Dinas Kominfo")
    agency_b = factories.agency(name="Dinas Perhubungan")
    member = factories.user("innovator", agency_=agency_a, name="Agus Prasetyo")
    colleague = factories.user("innovator", agency_=agency_a, name="Wati")
    outsider = factories.user("innovator", agency_=agency_b, name="Budi")
    coach = factories.user("reviewer", name="Dr. Lina")
    other_reviewer = factories.user("reviewer", name="Dr. Joko")
    admin = factories.user("admin", name="Rina")
    proposal = factories.proposal_in("submitted", agency_=agency_a, author=member, title="Antrean daring")
    draft = factories.proposal(agency_=agency_a, author=member, title="Draf kios", lab_stage="diagnose")
    other = factories.proposal_in("submitted", agency_=agency_b, author=outsider, title="Parkir pintar")
    factories.coach_assignment(agency_a, coach, cycle)
    db.session.commit()
    return dict(cycle=cycle, a=agency_a, b=agency_b, member=member, colleague=colleague, outsider=outsider,
                coach=coach, other_reviewer=other_reviewer, admin=admin, proposal=proposal, draft=draft, other=other)


def as_(client, user):
    client.post("/auth/logout")
    login(client, user)


def session_data(w, **extra):
    today = city_today()
    data = {"held_on": today.isoformat(), "proposal_ids": [w["proposal"].id, w["draft"].id],
            "notes": "Membahas data awal.",
            "items-0-what": "Kumpulkan data antrean", "items-0-owner_id": w["member"].id,
            "items-0-due_on": (today + timedelta(days=7)).isoformat(),
            "items-1-what": "Susun rancang bangun", "items-1-owner_id": w["colleague"].id,
            "items-1-due_on": (today + timedelta(days=14)).isoformat()}
    data.update(extra)
    return data


def error_beside(html: str, field_id: str) -> str:
    found = re.search(rf'<p class="error-message" id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    assert found is not None, f"no message beside {field_id}"
    return found.group(1)


# --- coaches ---------------------------------------------------------------------------

def test_an_admin_assigns_one_coach_to_several_agencies_and_changes_and_removes_it(client, coaching):
    w = coaching
    as_(client, w["admin"])
    response = client.post("/admin/coaches", data={"coach_id": w["other_reviewer"].id,
                                                   "agency_ids": [w["a"].id, w["b"].id]})
    assert response.status_code == 302
    rows = db.session.scalars(select(CoachAssignment).where(CoachAssignment.cycle_id == w["cycle"].id)).all()
    assert {(r.agency_id, r.coach_id) for r in rows} == {(w["a"].id, w["other_reviewer"].id),
                                                          (w["b"].id, w["other_reviewer"].id)}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "coach_assigned",
                                                       AuditEntry.summary == w["a"].name))
    assert entry.details["previous"] == "Dr. Lina" and entry.details["coach"] == "Dr. Joko"
    html = client.get("/admin/coaches").get_data(as_text=True)
    row = html.split(f'id="coach-of-{w["b"].id}"', 1)[1].split("</tr>", 1)[0]
    assert "Dr. Joko" in row
    assignment_id = next(r.id for r in rows if r.agency_id == w["b"].id)
    assert client.post(f"/admin/coaches/{assignment_id}/remove").status_code == 302
    db.session.expire_all()
    assert db.session.get(CoachAssignment, assignment_id) is None
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "coach_removed")) == 1


def test_a_coach_from_the_agency_itself_is_refused_beside_the_field(client, coaching):
    w = coaching
    insider = factories.user("reviewer", agency_=w["b"], name="Penilai Dishub")
    db.session.commit()
    as_(client, w["admin"])
    response = client.post("/admin/coaches", data={"coach_id": insider.id, "agency_ids": [w["a"].id, w["b"].id]})
    assert response.status_code == 422
    message = error_beside(response.get_data(as_text=True), "coach_id")
    assert "Penilai Dishub bekerja di Dinas Perhubungan" in message
    assert db.session.scalar(select(func.count()).select_from(CoachAssignment)
                             .where(CoachAssignment.coach_id == insider.id)) == 0


def test_only_an_active_reviewer_may_coach(client, coaching):
    w = coaching
    as_(client, w["admin"])
    response = client.post("/admin/coaches", data={"coach_id": w["member"].id, "agency_ids": [w["b"].id]})
    assert response.status_code == 422  # an innovator is no choice at all
    w["other_reviewer"].active = False
    db.session.commit()
    response = client.post("/admin/coaches", data={"coach_id": w["other_reviewer"].id, "agency_ids": [w["b"].id]})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(CoachAssignment)
                             .where(CoachAssignment.agency_id == w["b"].id)) == 0


def test_one_coach_per_agency_and_cycle_in_the_database(coaching):
    w = coaching
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        factories.coach_assignment(w["a"], w["other_reviewer"], w["cycle"])
    db.session.rollback()


# --- the coach's dashboard ----------------------------------------------------------------

def test_the_coach_dashboard_shows_progress_of_each_coached_agency(client, coaching):
    w = coaching
    factories.readiness(w["a"], w["member"], w["cycle"], scores={"leadership": 5, "team": 4, "budget": 2})
    session = factories.coaching_session(w["a"], w["coach"], w["cycle"], items=[
        ("Data", w["member"], city_today() - timedelta(days=1), False),
        ("Tim", w["member"], city_today() + timedelta(days=5), False),
        ("SK", w["member"], city_today(), True)])
    assert session.id
    db.session.commit()
    as_(client, w["coach"])
    html = client.get("/coaching").get_data(as_text=True)
    row = html.split(f'id="coached-{w["a"].id}"', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r'<td class="numeric" data-label="([^"]+)">(\d+)', row)
    assert ("Drum-up", "1") in cells and ("Diagnose", "1") in cells  # the submitted proposal and the draft
    assert "Tercapai" in row and "1 diajukan, target 1" in row
    assert "rata-rata 3,4" in row  # (5 + 4 + 2 + 3 + 3) / 5
    assert ">2 <strong" in row and "1 lewat tenggat" in row
    assert w["b"].name not in html  # not coached by them


def test_another_reviewer_coaches_nothing(client, coaching):
    as_(client, coaching["other_reviewer"])
    html = client.get("/coaching").get_data(as_text=True)
    assert "belum ditugaskan" in html and coaching["a"].name not in html


def _more_coached_agencies(coach, cycle, n):
    for _ in range(n):
        agency = factories.agency()
        member = factories.user("innovator", agency_=agency)
        factories.proposal_in("submitted", agency_=agency, author=member)
        factories.coach_assignment(agency, coach, cycle)
        factories.readiness(agency, member, cycle)
        factories.coaching_session(agency, coach, cycle, items=[("Data", member, city_today(), False)])
    db.session.commit()


def test_the_coach_dashboard_costs_the_same_queries_however_many_agencies(client, coaching, count_queries):
    w = coaching
    factories.readiness(w["a"], w["member"], w["cycle"])
    factories.coaching_session(w["a"], w["coach"], w["cycle"], items=[("Data", w["member"], city_today(), False)])
    db.session.commit()
    as_(client, w["coach"])
    client.get("/coaching")
    with count_queries() as few:
        assert client.get("/coaching").status_code == 200
    _more_coached_agencies(w["coach"], w["cycle"], 6)
    with count_queries() as many:
        html = client.get("/coaching").get_data(as_text=True)
    assert html.count('id="coached-') == 7
    assert many.count == few.count


def test_the_city_readiness_view_costs_the_same_queries_however_many_agencies(client, coaching, count_queries):
    w = coaching
    factories.readiness(w["a"], w["member"], w["cycle"])
    db.session.commit()
    as_(client, w["admin"])
    with count_queries() as few:
        assert client.get("/admin/readiness").status_code == 200
    _more_coached_agencies(w["coach"], w["cycle"], 6)
    with count_queries() as many:
        html = client.get("/admin/readiness").get_data(as_text=True)
    assert html.count("<th scope=\"row\">") == 7
    assert many.count == few.count


# --- visibility -----------------------------------------------------------------------

def test_the_agency_page_is_for_its_coach_admins_and_members_only(client, coaching):
    w = coaching
    session = factories.coaching_session(w["a"], w["coach"], w["cycle"],
                                         items=[("Data", w["member"], city_today(), False)])
    db.session.commit()
    for user, status in ((w["coach"], 200), (w["admin"], 200), (w["member"], 200),
                         (w["outsider"], 404), (w["other_reviewer"], 404)):
        as_(client, user)
        assert client.get(f"/coaching/agencies/{w['a'].id}").status_code == status, user.name
        assert client.get(f"/coaching/sessions/{session.id}").status_code == status, user.name
        mark = client.post(f"/coaching/items/{session.items[0].id}/done", data={"done": "1"})
        assert (mark.status_code == 404) == (status == 404), user.name
    assert client.get("/coaching/agencies/999999").status_code == 404


def test_the_agency_page_shows_proposals_readiness_sessions_and_items(client, coaching):
    w = coaching
    factories.readiness(w["a"], w["member"], w["cycle"], note="Kepala dinas mendukung")
    factories.coaching_session(w["a"], w["coach"], w["cycle"], proposals=[w["proposal"]], items=[
        ("Kumpulkan data", w["member"], city_today() - timedelta(days=2), False),
        ("Bentuk tim", w["colleague"], city_today(), True)])
    db.session.commit()
    as_(client, w["coach"])
    html = client.get(f"/coaching/agencies/{w['a'].id}").get_data(as_text=True)
    assert "Antrean daring" in html and "Draf kios" in html and "Parkir pintar" not in html
    # The submitted proposal opens from here; the draft, which only its agency may open, does not.
    assert f'href="/proposals/{w["proposal"].id}"' in html
    assert re.search(r"Draf kios", html) and not re.search(r'<a href="/proposals/\d+">Draf kios', html)
    assert "Komitmen pimpinan" in html and "Kepala dinas mendukung" in html
    open_part, done_part = html.split("Sudah selesai", 1)
    assert "Kumpulkan data" in open_part and "Lewat tenggat" in open_part
    assert "Bentuk tim" in done_part


# --- sessions -------------------------------------------------------------------------

def test_the_coach_records_a_session_with_items_audited_and_notified(client, coaching):
    w = coaching
    as_(client, w["coach"])
    response = client.post(f"/coaching/sessions/new?agency={w['a'].id}", data=session_data(w))
    assert response.status_code == 302
    session = db.session.scalar(select(CoachingSession))
    assert {p.id for p in session.proposals} == {w["proposal"].id, w["draft"].id}
    assert sorted(i.what for i in session.items) == ["Kumpulkan data antrean", "Susun rancang bangun"]
    assert session.coach_id == w["coach"].id and session.cycle_id == w["cycle"].id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "coaching_session_recorded"))
    assert entry.details["items"] == 2
    notified = set(db.session.scalars(select(Notification.user_id)))
    assert notified == {w["member"].id, w["colleague"].id}  # the members (two owners among them)


def test_a_session_dated_after_today_is_refused(client, coaching):
    w = coaching
    as_(client, w["coach"])
    tomorrow = (city_today() + timedelta(days=1)).isoformat()
    response = client.post(f"/coaching/sessions/new?agency={w['a'].id}", data=session_data(w, held_on=tomorrow))
    assert response.status_code == 422
    assert "paling lambat hari ini" in error_beside(response.get_data(as_text=True), "held_on")
    assert db.session.scalar(select(func.count()).select_from(CoachingSession)) == 0


def test_another_agencys_proposal_cannot_be_discussed(client, coaching):
    w = coaching
    as_(client, w["coach"])
    response = client.post(f"/coaching/sessions/new?agency={w['a'].id}",
                           data=session_data(w, proposal_ids=[w["other"].id]))
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(CoachingSession)) == 0


def test_an_item_owner_must_be_a_member_or_the_coach(client, coaching):
    w = coaching
    as_(client, w["coach"])
    response = client.post(f"/coaching/sessions/new?agency={w['a'].id}",
                           data=session_data(w, **{"items-1-owner_id": w["outsider"].id}))
    assert response.status_code == 422
    assert "Tindak lanjut 2" in error_beside(response.get_data(as_text=True), "items-1-owner_id")
    response = client.post(f"/coaching/sessions/new?agency={w['a'].id}",
                           data=session_data(w, **{"items-1-owner_id": w["coach"].id}))
    assert response.status_code == 302


def test_only_the_coach_and_admins_record_sessions(client, coaching):
    w = coaching
    for user, status in ((w["member"], 403), (w["other_reviewer"], 404), (w["admin"], 302)):
        as_(client, user)
        response = client.post(f"/coaching/sessions/new?agency={w['a'].id}", data=session_data(w))
        assert response.status_code == status, user.name


def test_a_session_is_edited_and_more_items_added_after(client, coaching):
    w = coaching
    session = factories.coaching_session(w["a"], w["coach"], w["cycle"])
    db.session.commit()
    as_(client, w["coach"])
    response = client.post(f"/coaching/sessions/{session.id}/edit", data={
        "held_on": (city_today() - timedelta(days=1)).isoformat(), "proposal_ids": [w["proposal"].id],
        "notes": "Diperbaiki."})
    assert response.status_code == 302
    db.session.expire_all()
    assert session.notes == "Diperbaiki." and [p.id for p in session.proposals] == [w["proposal"].id]
    response = client.post(f"/coaching/sessions/{session.id}/items", data={
        "items-0-what": "Uji coba", "items-0-owner_id": w["member"].id,
        "items-0-due_on": (city_today() + timedelta(days=3)).isoformat()})
    assert response.status_code == 302
    assert [i.what for i in db.session.get(CoachingSession, session.id).items] == ["Uji coba"]
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"coaching_session_updated", "action_item_added"} <= actions
    future = (city_today() + timedelta(days=2)).isoformat()
    response = client.post(f"/coaching/sessions/{session.id}/edit", data={"held_on": future})
    assert response.status_code == 422


def test_notes_have_a_limit(client, coaching):
    w = coaching
    as_(client, w["coach"])
    response = client.post(f"/coaching/sessions/new?agency={w['a'].id}", data=session_data(w, notes="x" * 4001))
    assert response.status_code == 422
    assert "Paling banyak" in error_beside(response.get_data(as_text=True), "notes")


# --- marking action items ---------------------------------------------------------------

def _item(w, owner=None):
    session = factories.coaching_session(w["a"], w["coach"], w["cycle"])
    item = factories.action_item(session, owner or w["member"])
    db.session.commit()
    return item


@pytest.mark.parametrize("who", ["member", "colleague", "coach", "admin"])
def test_owner_members_coach_and_admins_mark_an_item(client, coaching, who):
    w = coaching
    item = _item(w)
    as_(client, w[who])
    response = client.post(f"/coaching/items/{item.id}/done", data={"done": "1", "next": "/dashboard"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    db.session.expire_all()
    assert db.session.get(ActionItem, item.id).done


def test_an_item_owned_by_the_coach_is_marked_by_them(client, coaching):
    w = coaching
    item = _item(w, owner=w["coach"])
    as_(client, w["coach"])
    assert client.post(f"/coaching/items/{item.id}/done", data={"done": "1"}).status_code == 302


def test_others_cannot_mark_an_item(client, coaching):
    w = coaching
    item = _item(w)
    for user in (w["outsider"], w["other_reviewer"]):
        as_(client, user)
        assert client.post(f"/coaching/items/{item.id}/done", data={"done": "1"}).status_code == 404
    db.session.expire_all()
    assert not db.session.get(ActionItem, item.id).done


def test_marking_with_htmx_swaps_the_item_and_announces_it_and_reopening_too(client, coaching):
    w = coaching
    item = _item(w)
    as_(client, w["member"])
    response = client.post(f"/coaching/items/{item.id}/done", data={"done": "1", "next": "/dashboard"}, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.strip().startswith(f'<li class="queue-list__item" id="action-item-{item.id}">')
    assert "Selesai" in html and 'name="done" value="0"' in html and "<html" not in html
    assert 'value="/dashboard"' in html
    assert "ditandai selesai" in json.loads(response.headers["HX-Trigger"])["announce"]
    response = client.post(f"/coaching/items/{item.id}/done", data={"done": "0"}, headers=HTMX)
    assert "dibuka lagi" in json.loads(response.headers["HX-Trigger"])["announce"]
    db.session.expire_all()
    assert not db.session.get(ActionItem, item.id).done
    actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("action_item_%"))
                                      .order_by(AuditEntry.id)))
    assert actions == ["action_item_done", "action_item_reopened"]


def test_a_mark_without_a_clear_done_value_is_refused(client, coaching):
    w = coaching
    item = _item(w)
    as_(client, w["member"])
    assert client.post(f"/coaching/items/{item.id}/done", data={"done": "yes"}).status_code == 400


def test_overdue_action_items_for_the_reminders(coaching):
    w = coaching
    today = city_today()
    session = factories.coaching_session(w["a"], w["coach"], w["cycle"], items=[
        ("Lewat", w["member"], today - timedelta(days=1), False),
        ("Hari ini", w["member"], today, False),
        ("Selesai lewat", w["member"], today - timedelta(days=3), True)])
    assert session.id
    overdue = services.overdue_action_items(today)
    assert [item.what for item in overdue] == ["Lewat"]
    assert overdue[0].owner.email == w["member"].email


# --- the done-when scenario -------------------------------------------------------------

def test_done_when_a_coach_records_two_items_a_member_marks_one_the_coach_sees_one_open(client, coaching):
    w = coaching
    as_(client, w["coach"])
    assert client.post(f"/coaching/sessions/new?agency={w['a'].id}", data=session_data(w)).status_code == 302
    as_(client, w["member"])
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Kumpulkan data antrean" in dashboard and "Susun rancang bangun" in dashboard
    item = db.session.scalar(select(ActionItem).where(ActionItem.what == "Kumpulkan data antrean"))
    response = client.post(f"/coaching/items/{item.id}/done", data={"done": "1", "next": "/dashboard"}, headers=HTMX)
    assert response.status_code == 200
    as_(client, w["coach"])
    html = client.get("/coaching").get_data(as_text=True)
    row = html.split(f'id="coached-{w["a"].id}"', 1)[1].split("</tr>", 1)[0]
    assert re.search(r'data-label="Tindak lanjut terbuka">1</td>', row), row
    panel = client.get("/dashboard").get_data(as_text=True).split('id="coaching"', 1)[1].split("</section>", 1)[0]
    assert "Susun rancang bangun" in panel and "Kumpulkan data antrean" not in panel


def test_overdue_items_are_marked_on_the_members_dashboard(client, coaching):
    w = coaching
    factories.coaching_session(w["a"], w["coach"], w["cycle"], items=[
        ("Terlambat", w["member"], city_today() - timedelta(days=1), False)])
    db.session.commit()
    as_(client, w["colleague"])
    panel = client.get("/dashboard").get_data(as_text=True).split('id="action-items"', 1)[1].split("</section>", 1)[0]
    assert "Terlambat" in panel and "Lewat tenggat" in panel


# --- readiness ------------------------------------------------------------------------

def readiness_data(score="4", **extra):
    data = {f"{code}_score": score for code in READINESS_QUESTIONS}
    data.update(extra)
    return data


def test_readiness_is_one_per_cycle_per_agency_and_editable_by_its_members(client, coaching):
    w = coaching
    as_(client, w["member"])
    assert client.post("/coaching/readiness", data=readiness_data("4", data_note="Data belum rapi")).status_code == 302
    as_(client, w["colleague"])
    page = client.get("/coaching/readiness").get_data(as_text=True)
    assert "Data belum rapi" in page
    assert re.search(r'<input checked [^>]*name="team_score"[^>]*value="4"', page)
    assert client.post("/coaching/readiness", data=readiness_data("2")).status_code == 302
    assessments = db.session.scalars(select(ReadinessAssessment)).all()
    assert len(assessments) == 1 and assessments[0].mean == 2 and assessments[0].filled_by_id == w["colleague"].id
    actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("readiness_%"))
                                      .order_by(AuditEntry.id)))
    assert actions == ["readiness_assessed", "readiness_updated"]


def test_readiness_answers_are_1_to_5_with_a_limited_note(client, coaching):
    as_(client, coaching["member"])
    response = client.post("/coaching/readiness", data=readiness_data("6"))
    assert response.status_code == 422
    response = client.post("/coaching/readiness", data=readiness_data("3", team_note="x" * 501))
    assert response.status_code == 422
    assert "Paling banyak" in error_beside(response.get_data(as_text=True), "team_note")
    assert db.session.scalar(select(func.count()).select_from(ReadinessAssessment)) == 0


def test_readiness_of_a_closed_cycle_is_refused(client, coaching):
    w = coaching
    factories.readiness(w["a"], w["member"], w["cycle"])
    w["cycle"].closed = True
    db.session.commit()
    as_(client, w["member"])
    page = client.get("/coaching/readiness").get_data(as_text=True)
    assert "sudah ditutup" in page and "<form method=\"post\" novalidate>" not in page
    response = client.post("/coaching/readiness", data=readiness_data("5"))
    assert response.status_code == 422
    db.session.expire_all()
    assert {a.score for a in db.session.scalar(select(ReadinessAssessment)).answers} == {3}


def test_readiness_is_the_agencys_own(client, coaching):
    w = coaching
    as_(client, w["coach"])  # no agency
    assert client.get("/coaching/readiness").status_code == 403
    with pytest.raises(services.NotAllowed):
        services.save_readiness(w["cycle"], w["a"].id, w["outsider"], {c: (3, "") for c in READINESS_QUESTIONS})


def test_the_city_view_lists_answers_means_and_agencies_not_filled(client, coaching):
    w = coaching
    factories.readiness(w["a"], w["member"], w["cycle"], scores={"leadership": 5, "partners": 1})
    db.session.commit()
    as_(client, w["admin"])
    html = client.get("/admin/readiness").get_data(as_text=True)
    row = html.split(f"<th scope=\"row\">{w['a'].name}</th>", 1)[1].split("</tr>", 1)[0]
    assert re.findall(r">(\d)</td>", row) == ["5", "3", "3", "3", "1"] and "3,0" in row
    missing = html.split('id="missing-title"', 1)[1]
    assert w["b"].name in missing and w["a"].name not in missing


def test_the_questions_are_data_in_one_place():
    assert tuple(q.code for q in QUESTIONS) == READINESS_QUESTIONS
    assert all(q.title and q.low and q.high for q in QUESTIONS)


def test_the_pages_read_in_english(client, coaching):
    w = coaching
    factories.readiness(w["a"], w["member"], w["cycle"])
    db.session.commit()
    as_(client, w["member"])
    client.post("/language", data={"lang": "en", "next": "/dashboard"})
    html = client.get("/coaching/readiness").get_data(as_text=True)
    assert "Leadership commitment" in html and "Komitmen pimpinan" not in html


# --- demo data --------------------------------------------------------------------------

def test_the_demo_has_a_coach_with_sessions_items_and_readiness(app_ctx):
    from app import demo
    from app.coaching.demo import COACHED

    logins = demo.load()
    assert ("reviewer", "pendamping@demo.apusida.id", "pendamping-demo-2026") in logins
    coach = db.session.scalar(select(User).where(User.email == "pendamping@demo.apusida.id"))
    coached = {a.agency.code for a in db.session.scalars(select(CoachAssignment)
                                                         .where(CoachAssignment.coach_id == coach.id))}
    assert coached == set(COACHED) and "DISKOMINFO" in coached
    items = db.session.scalars(select(ActionItem)).all()
    today = city_today()
    assert any(i.done for i in items) and any(not i.done and i.due_on >= today for i in items)
    assert len(services.overdue_action_items(today)) == 1
    assert db.session.scalar(select(func.count()).select_from(CoachingSession)) == 2
    assert db.session.scalar(select(func.count()).select_from(ReadinessAssessment)) == 2
    demo.load()  # a second load adds nothing
    assert db.session.scalar(select(func.count()).select_from(CoachingSession)) == 2
    assert db.session.scalar(select(func.count()).select_from(CoachAssignment)) == len(COACHED)


def test_the_readiness_prompt_shows_until_the_agency_fills_it_in(client, coaching):
    w = coaching
    as_(client, w["member"])
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'id="readiness-due"' in html and 'id="waiting-for-you"' not in html
    factories.readiness(w["a"], w["colleague"], w["cycle"])
    db.session.commit()
    assert 'id="readiness-due"' not in client.get("/dashboard").get_data(as_text=True)


def test_the_coach_choice_opens_with_a_prompt_not_a_number(client, coaching):
    as_(client, coaching["admin"])
    html = client.get("/admin/coaches").get_data(as_text=True)
    assert '<option value="0">— pilih pendamping —</option>' in html
