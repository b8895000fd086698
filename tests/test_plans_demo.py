"""Demo data of issue 20: milestones on demo proposals at or past the Design stage (done, open,
overdue), and a close report on a demo event that has ended with attendees; loading twice adds nothing."""
from sqlalchemy import func, select

from app import demo
from app.core.cycles import city_today
from app.core.extensions import db
from app.models import PLAN_STAGES, Event, EventIdea, EventReport, Milestone, Proposal
from tests.conftest import login


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_demo_has_plans_and_a_close_report_and_loads_once(app_ctx, client):
    demo.load()
    db.session.commit()
    milestones = db.session.scalars(select(Milestone)).all()
    today = city_today()
    planned = {m.proposal for m in milestones}
    assert 2 <= len(planned) <= 3 and all(p.lab_stage in PLAN_STAGES for p in planned)
    assert any(m.done for m in milestones) and any(m.overdue(today) for m in milestones)
    assert any(not m.done and m.due_on >= today for m in milestones)
    (report,) = db.session.scalars(select(EventReport)).all()
    event = db.session.get(Event, report.event_id)
    assert event.is_past and event.is_public and report.ideas and report.public_summary
    linked = db.session.scalars(select(Proposal).where(Proposal.event_id == event.id)).all()
    assert linked
    counts = (_count(Milestone), _count(EventReport), _count(EventIdea))
    demo.load()
    db.session.commit()
    assert (_count(Milestone), _count(EventReport), _count(EventIdea)) == counts
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Laporan penutupan" in html and "orang hadir" in html and report.public_summary[:40] in html
    assert report.minutes[:30] not in html
    login(client, "admin@demo.apusida.id", "admin-demo-2026")
    assert report.minutes[:30] in client.get(f"/events/{event.id}").get_data(as_text=True)
    proposal = next(p for p in planned if any(m.overdue(today) for m in milestones if m.proposal_id == p.id))
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "tag--milestone-overdue" in page and "Tonggak rencana aksi selesai" in page
