"""Action plans (issue 20, DESIGN §11): per proposal, milestones (what, due, done by whom and
when, evidence) at /proposals/<id>/plan, kept by its agency and admins from the Design stage on,
inline with HTMX and without JavaScript; limits on count, text and dates; an edit of an older
version refused (409) keeping what was typed; audited; shown on the proposal page and the
timelines (the public one only for published innovations, without names)."""
import io
import json
import re
from datetime import date, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from app.core.audit import describe
from app.core.cycles import city_today
from app.core.extensions import db
from app.models import MAX_MILESTONES, Attachment, AuditEntry, Milestone
from app.plans.services import overdue_milestones
from tests.conftest import login
from tests.factories import milestone


@pytest.fixture
def planned(make):
    """A submitted proposal at the Design stage, its innovator, another agency's innovator, an admin."""
    agency = make.agency(name="Dinas Lingkungan Uji")
    innovator = make.user(role="innovator", agency_=agency, name="Sari Perencana")
    other = make.user(role="innovator", name="Orang Lain")
    admin = make.user(role="admin", name="Admin Lab")
    proposal = make.proposal_in("submitted", agency_=agency, author=innovator, title="Bank Sampah Digital",
                                lab_stage="design")
    db.session.commit()
    return {"proposal": proposal, "innovator": innovator, "other": other, "admin": admin}


def _new(what="SK tim inovasi terbit", due=None):
    return {"new-what": what, "new-due_on": (due or city_today() + timedelta(days=14)).isoformat()}


def _edit(m, version=None, **values):
    data = {"what": m.what, "due_on": m.due_on.isoformat(), "version": str(m.version if version is None else version)}
    data.update(values)
    return {f"m{m.id}-{key}": value for key, value in data.items()}


def _milestones(proposal):
    db.session.expire_all()
    return db.session.scalars(select(Milestone).where(Milestone.proposal_id == proposal.id)
                              .order_by(Milestone.due_on, Milestone.id)).all()


def _error_beside(html: str, field_id: str) -> str:
    found = re.search(rf'<p class="error-message" id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    assert found is not None, f"no message beside {field_id}"
    return found.group(1)


def _audit(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


# --- adding, without and with JavaScript -----------------------------------------------------

def test_the_agency_adds_a_milestone_without_javascript(client, planned):
    p = planned["proposal"]
    login(client, planned["innovator"])
    assert "Tambah tonggak" in client.get(f"/proposals/{p.id}/plan").get_data(as_text=True)
    due = city_today() + timedelta(days=20)
    response = client.post(f"/proposals/{p.id}/plan", data=_new("  Uji   coba  di RW 3 ", due))
    assert response.status_code == 302
    (added,) = _milestones(p)
    assert (added.what, added.due_on, added.done_on) == ("Uji coba di RW 3", due, None)
    assert response.headers["Location"].endswith(f"/proposals/{p.id}/plan#milestone-{added.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tonggak “Uji coba di RW 3” ditambahkan." in page
    (entry,) = _audit("milestone_added")
    assert entry.target_id == p.id and entry.details["what"] == "Uji coba di RW 3"
    assert describe(entry) == "Sari Perencana menambahkan tonggak “Uji coba di RW 3” pada rencana aksi “Bank Sampah Digital”"


def test_with_htmx_the_region_comes_back_announced(client, planned):
    p = planned["proposal"]
    login(client, planned["innovator"])
    response = client.post(f"/proposals/{p.id}/plan", data=_new(), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="plan-region">') and "<html" not in html
    assert "SK tim inovasi terbit" in html and "is-changed" in html
    assert json.loads(response.headers["HX-Trigger"])["announce"] == "Tonggak “SK tim inovasi terbit” ditambahkan."


def test_the_list_is_ordered_by_due_date(client, planned):
    p = planned["proposal"]
    today = city_today()
    milestone(p, "Ketiga", today + timedelta(days=90))
    milestone(p, "Pertama", today + timedelta(days=3))
    milestone(p, "Kedua", today + timedelta(days=40))
    db.session.commit()
    login(client, planned["other"])
    html = client.get(f"/proposals/{p.id}/plan").get_data(as_text=True)
    assert html.index("Pertama") < html.index("Kedua") < html.index("Ketiga")


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"new-what": "   "}, "new-what", "Isi apa yang akan dikerjakan."),
    ({"new-what": "x" * 201}, "new-what", "200"),
    ({"new-due_on": ""}, "new-due_on", "Isi tanggal target."),
    ({"new-due_on": "2024-13-45"}, "new-due_on", ""),
    ({"new-due_on": "9999-01-01"}, "new-due_on", "1900"),
])
def test_a_bad_field_is_refused_beside_it_without_and_with_javascript(client, planned, values, field, message):
    p = planned["proposal"]
    login(client, planned["innovator"])
    data = {**_new(), **values}
    response = client.post(f"/proposals/{p.id}/plan", data=data)
    assert response.status_code == 422
    assert message in _error_beside(response.get_data(as_text=True), field)
    response = client.post(f"/proposals/{p.id}/plan", data=data, headers={"HX-Request": "true"})
    assert response.status_code == 422 and message in _error_beside(response.get_data(as_text=True), field)
    assert _milestones(p) == []


@pytest.mark.parametrize("days", [-(2 * 366 + 2), 5 * 366 + 2])
def test_a_due_date_outside_the_sane_range_never_reaches_the_database(client, planned, days):
    p = planned["proposal"]
    login(client, planned["innovator"])
    response = client.post(f"/proposals/{p.id}/plan", data=_new(due=city_today() + timedelta(days=days)))
    assert response.status_code == 422
    assert "Isi tanggal target antara" in _error_beside(response.get_data(as_text=True), "new-due_on")
    assert _milestones(p) == []


def test_a_date_just_inside_the_range_is_taken(client, planned):
    p = planned["proposal"]
    login(client, planned["innovator"])
    today = city_today()
    for due in (today.replace(year=today.year - 2) + timedelta(days=2), today.replace(year=today.year + 5) - timedelta(days=2)):
        assert client.post(f"/proposals/{p.id}/plan", data=_new(due=due)).status_code == 302
    assert len(_milestones(p)) == 2


def test_at_most_twenty_milestones(client, planned):
    p = planned["proposal"]
    for n in range(MAX_MILESTONES):
        milestone(p, f"Tonggak {n}")
    db.session.commit()
    login(client, planned["innovator"])
    page = client.get(f"/proposals/{p.id}/plan").get_data(as_text=True)
    assert "Tambah tonggak" not in page and "batasnya" in page
    response = client.post(f"/proposals/{p.id}/plan", data=_new("Satu lagi"))
    assert response.status_code == 422 and "paling banyak 20 tonggak" in response.get_data(as_text=True)
    assert len(_milestones(p)) == MAX_MILESTONES


# --- who may change, who may see --------------------------------------------------------------

def test_another_agency_reads_the_plan_but_cannot_change_it(client, planned):
    p = planned["proposal"]
    m = milestone(p)
    db.session.commit()
    login(client, planned["other"])
    page = client.get(f"/proposals/{p.id}/plan").get_data(as_text=True)
    assert m.what in page and "Tambah tonggak" not in page and "Tandai selesai" not in page
    assert client.post(f"/proposals/{p.id}/plan", data=_new()).status_code == 403
    assert client.post(f"/proposals/{p.id}/plan/{m.id}", data=_edit(m, what="Diubah")).status_code == 403
    assert client.post(f"/proposals/{p.id}/plan/{m.id}/done", data={f"x{m.id}-version": "1"}).status_code == 403
    assert client.post(f"/proposals/{p.id}/plan/{m.id}/delete", data={f"d{m.id}-version": "1"}).status_code == 403
    assert [x.what for x in _milestones(p)] == [m.what]


def test_an_admin_keeps_the_plan_on_the_agencys_behalf(client, planned):
    p = planned["proposal"]
    login(client, planned["admin"])
    assert client.post(f"/proposals/{p.id}/plan", data=_new()).status_code == 302
    assert len(_milestones(p)) == 1


def test_a_draft_plan_is_hidden_from_other_agencies(client, make, planned):
    draft = make.proposal(agency_=planned["innovator"].agency, author=planned["innovator"], lab_stage="design")
    db.session.commit()
    login(client, planned["other"])
    assert client.get(f"/proposals/{draft.id}/plan").status_code == 403
    assert client.get("/proposals/999999/plan").status_code == 404


def test_before_the_design_stage_there_is_no_plan_to_write(client, make, planned):
    early = make.proposal_in("submitted", agency_=planned["innovator"].agency, author=planned["innovator"],
                             lab_stage="diagnose")
    db.session.commit()
    login(client, planned["innovator"])
    page = client.get(f"/proposals/{early.id}/plan").get_data(as_text=True)
    assert "sejak usulan masuk tahap Design" in page and "Tambah tonggak" not in page
    assert client.post(f"/proposals/{early.id}/plan", data=_new()).status_code == 403


# --- editing, stale edits, deleting --------------------------------------------------------------

def test_the_agency_corrects_a_milestone(client, planned):
    p = planned["proposal"]
    m = milestone(p)
    db.session.commit()
    login(client, planned["innovator"])
    due = city_today() + timedelta(days=60)
    response = client.post(f"/proposals/{p.id}/plan/{m.id}", data=_edit(m, what="Uji coba di tiga kelurahan",
                                                                         due_on=due.isoformat()))
    assert response.status_code == 302
    (changed,) = _milestones(p)
    assert (changed.what, changed.due_on, changed.version) == ("Uji coba di tiga kelurahan", due, 2)
    assert len(_audit("milestone_updated")) == 1


def test_a_stale_edit_is_refused_with_409_keeping_what_was_typed(client, planned):
    p = planned["proposal"]
    m = milestone(p, "Rapat koordinasi")
    db.session.commit()
    stale = _edit(m, what="Isian saya yang lama")
    m.what = "Rapat koordinasi camat"
    db.session.commit()
    login(client, planned["innovator"])
    for headers in ({}, {"HX-Request": "true"}):
        response = client.post(f"/proposals/{p.id}/plan/{m.id}", data=stale, headers=headers)
        assert response.status_code == 409
        html = response.get_data(as_text=True)
        assert "diubah orang lain" in html and "Isian saya yang lama" in html
        assert "Tersimpan sekarang: Rapat koordinasi camat" in html
        assert f'name="m{m.id}-version" type="hidden" value="2"' in html
    assert _milestones(p)[0].what == "Rapat koordinasi camat"


def test_an_edit_of_a_deleted_milestone_is_refused_with_409(client, planned):
    p = planned["proposal"]
    m = milestone(p)
    db.session.commit()
    data = _edit(m)
    db.session.delete(m)
    db.session.commit()
    login(client, planned["innovator"])
    assert client.post(f"/proposals/{p.id}/plan/{m.id}", data=data).status_code == 409


def test_the_agency_deletes_a_milestone_and_a_stale_delete_is_refused(client, planned):
    p = planned["proposal"]
    keep, gone = milestone(p, "Tetap"), milestone(p, "Dihapus")
    db.session.commit()
    login(client, planned["innovator"])
    assert client.post(f"/proposals/{p.id}/plan/{keep.id}/delete", data={f"d{keep.id}-version": "7"}).status_code == 409
    response = client.post(f"/proposals/{p.id}/plan/{gone.id}/delete", data={f"d{gone.id}-version": "1"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert json.loads(response.headers["HX-Trigger"])["announce"] == "Tonggak “Dihapus” dihapus."
    assert [m.what for m in _milestones(p)] == ["Tetap"]
    (entry,) = _audit("milestone_deleted")
    assert entry.details["what"] == "Dihapus"


# --- done, with evidence --------------------------------------------------------------------

def test_marking_done_records_the_day_and_the_person_and_can_be_undone(client, planned):
    p = planned["proposal"]
    m = milestone(p)
    db.session.commit()
    login(client, planned["innovator"])
    response = client.post(f"/proposals/{p.id}/plan/{m.id}/done", data={f"x{m.id}-version": "1"})
    assert response.status_code == 302
    (done,) = _milestones(p)
    assert (done.done_on, done.done_by_id) == (city_today(), planned["innovator"].id)
    page = client.get(f"/proposals/{p.id}/plan").get_data(as_text=True)
    assert "Selesai" in page and "Sari Perencana" in page and "Buka lagi" in page
    response = client.post(f"/proposals/{p.id}/plan/{m.id}/done", data={f"x{m.id}-version": "2"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and "dibuka lagi" in json.loads(response.headers["HX-Trigger"])["announce"]
    assert _milestones(p)[0].done_on is None
    assert [len(_audit(a)) for a in ("milestone_done", "milestone_reopened")] == [1, 1]


def test_a_stale_mark_is_refused(client, planned):
    p = planned["proposal"]
    m = milestone(p)
    db.session.commit()
    login(client, planned["innovator"])
    assert client.post(f"/proposals/{p.id}/plan/{m.id}/done", data={f"x{m.id}-version": "3"}).status_code == 409
    assert _milestones(p)[0].done_on is None


def test_evidence_is_an_attachment_of_the_proposal(client, make, planned):
    p = planned["proposal"]
    m = milestone(p)
    own = make.attachment(p, name="foto-uji-coba.pdf")
    foreign = make.attachment(make.proposal(), name="milik-lain.pdf")
    db.session.commit()
    login(client, planned["innovator"])
    response = client.post(f"/proposals/{p.id}/plan/{m.id}/done",
                           data={f"x{m.id}-version": "1", f"x{m.id}-attachment_id": str(foreign.id)})
    assert response.status_code == 422
    assert "lampiran usulan ini" in _error_beside(response.get_data(as_text=True), f"x{m.id}-attachment_id")
    assert _milestones(p)[0].done_on is None
    response = client.post(f"/proposals/{p.id}/plan/{m.id}/done",
                           data={f"x{m.id}-version": "1", f"x{m.id}-attachment_id": str(own.id)})
    assert response.status_code == 302
    assert _milestones(p)[0].attachment_id == own.id
    assert "foto-uji-coba.pdf" in client.get(f"/proposals/{p.id}/plan").get_data(as_text=True)


def test_an_uploaded_evidence_is_content_checked_and_joins_the_attachments(client, make, planned):
    p = planned["proposal"]
    m = milestone(p)
    db.session.commit()
    login(client, planned["innovator"])
    bad = {f"x{m.id}-version": "1", f"x{m.id}-file": (io.BytesIO(make.EXE_BYTES), "bukti.pdf")}
    response = client.post(f"/proposals/{p.id}/plan/{m.id}/done", data=bad, content_type="multipart/form-data")
    assert response.status_code == 422
    assert _milestones(p)[0].done_on is None
    assert db.session.scalars(select(Attachment).where(Attachment.proposal_id == p.id)).all() == []
    good = {f"x{m.id}-version": "1", f"x{m.id}-file": (io.BytesIO(make.PDF_BYTES), "notulen.pdf")}
    response = client.post(f"/proposals/{p.id}/plan/{m.id}/done", data=good, content_type="multipart/form-data")
    assert response.status_code == 302
    (attachment,) = db.session.scalars(select(Attachment).where(Attachment.proposal_id == p.id)).all()
    assert attachment.original_name == "notulen.pdf" and _milestones(p)[0].attachment_id == attachment.id


# --- the proposal page, the timelines, the reminders' query ----------------------------------------

def test_the_proposal_page_shows_the_plan_with_done_and_overdue_marks(client, planned):
    p = planned["proposal"]
    today = city_today()
    milestone(p, "Sudah beres", today - timedelta(days=10), done_on=today - timedelta(days=2),
              done_by=planned["innovator"])
    milestone(p, "Sudah lewat", today - timedelta(days=5))
    milestone(p, "Masih nanti", today + timedelta(days=5))
    db.session.commit()
    login(client, planned["other"])
    html = client.get(f"/proposals/{p.id}").get_data(as_text=True)
    section = html[html.index('id="plan-box-title"'):]
    section = section[:section.index("</section>")]
    assert "1 dari 3 tonggak selesai." in section and "1 terlambat" in section
    assert "tag--milestone-done" in section and "tag--milestone-overdue" in section and "tag--milestone-open" in section
    assert f'/proposals/{p.id}/plan"' in section


def test_overdue_marks_follow_the_day_on_the_shared_proposal_page(client, planned):
    p = planned["proposal"]
    milestone(p, "Besok", city_today() + timedelta(days=1))
    db.session.commit()
    login(client, planned["other"])
    assert "tag--milestone-overdue" not in client.get(f"/proposals/{p.id}").get_data(as_text=True)
    with freeze_time(city_today() + timedelta(days=3)):
        assert "tag--milestone-overdue" in client.get(f"/proposals/{p.id}").get_data(as_text=True)


def test_done_milestones_are_moments_of_the_internal_timeline_with_who(client, planned):
    p = planned["proposal"]
    milestone(p, "Sosialisasi ke RT", done_on=city_today(), done_by=planned["innovator"])
    milestone(p, "Belum selesai")
    db.session.commit()
    login(client, planned["other"])
    html = client.get(f"/proposals/{p.id}").get_data(as_text=True)
    timeline = html[html.index('id="timeline"'):]
    assert "timeline__item--milestone" in timeline
    assert "Tonggak rencana aksi selesai: Sosialisasi ke RT" in timeline and "Sari Perencana" in timeline
    assert "Belum selesai" not in timeline


def test_the_public_timeline_shows_done_milestones_of_published_innovations_without_names(client, make, planned):
    public = make.published(agency_=planned["innovator"].agency, author=planned["innovator"], lab_stage="deliver")
    milestone(public, "Peluncuran layanan", done_on=city_today(), done_by=planned["innovator"])
    milestone(public, "Evaluasi tahun pertama")
    db.session.commit()
    html = client.get(f"/innovations/{public.id}").get_data(as_text=True)
    assert "Tonggak rencana aksi selesai: Peluncuran layanan" in html
    assert "Evaluasi tahun pertama" not in html and "Sari Perencana" not in html


def test_the_public_timeline_holds_nothing_of_an_unpublished_plan(app_ctx, planned):
    from app.plans.timeline import milestone_moments

    milestone(planned["proposal"], "Rahasia internal", done_on=city_today(), done_by=planned["innovator"])
    assert milestone_moments(planned["proposal"], public=True) == []


def test_overdue_milestones_are_the_open_ones_due_before_today_with_their_proposal(app_ctx, planned, count_queries):
    p = planned["proposal"]
    today = date(2030, 6, 15)
    late = Milestone(proposal_id=p.id, what="Terlambat", due_on=today - timedelta(days=1))
    db.session.add_all([late, Milestone(proposal_id=p.id, what="Hari ini", due_on=today),
                        Milestone(proposal_id=p.id, what="Selesai", due_on=today - timedelta(days=9),
                                  done_on=today - timedelta(days=9), done_by_id=planned["innovator"].id)])
    db.session.commit()
    db.session.expire_all()
    found = overdue_milestones(today)
    assert [m.what for m in found] == ["Terlambat"]
    with count_queries() as counter:
        assert found[0].proposal.title == "Bank Sampah Digital" and found[0].proposal.agency.name
    assert counter.count == 0
