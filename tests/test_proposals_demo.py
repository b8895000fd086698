"""Demo proposals cover every status and stage, and loading twice adds nothing."""
from sqlalchemy import func, select

from app import demo
from app.core.extensions import db
from app.models import (
    LAB_STAGES,
    STATUSES,
    Attachment,
    AuditEntry,
    Proposal,
    StatusChange,
)
from app.proposals.status import word_count


def test_demo_proposals_every_status_and_stage_idempotent(app_ctx):
    demo.load()
    db.session.commit()
    proposals = db.session.scalars(select(Proposal)).all()
    assert {p.status for p in proposals} == set(STATUSES)
    assert {p.lab_stage for p in proposals} == set(LAB_STAGES)
    for proposal in proposals:
        if proposal.submitted_at is not None:
            assert word_count(proposal.design) >= 300, proposal.title
        # The timeline leads from draft to the current status.
        path = [c.to_status for c in proposal.status_changes]
        assert (path[-1] if path else "draft") == proposal.status
    assert any(p.on_showcase for p in proposals)
    assert any(p.replicates_id for p in proposals)
    # A few carry what the national competitions ask (issue 19): on the showcase too.
    entries = [p for p in proposals if p.sdg_goals and p.team and p.video_url and p.team_decree]
    assert entries and any(p.on_showcase for p in entries)
    counts = [db.session.scalar(select(func.count()).select_from(model))
              for model in (Proposal, StatusChange, Attachment, AuditEntry)]

    demo.load()
    db.session.commit()
    assert [db.session.scalar(select(func.count()).select_from(model))
            for model in (Proposal, StatusChange, Attachment, AuditEntry)] == counts
