"""A small world for the security sweep: two agencies, every role, a proposal in each useful state,
an event with a linked idea, an attachment, a notification."""
import re

from app.core.extensions import db
from app.models import Notification
from tests.factories import coaching, competitions, core, events, maturity, plans, proposals, results, showcase

ROLES = ("anonymous", "innovator_b", "reviewer", "innovator_a", "admin")


def world() -> dict:
    cycle = core.cycle()
    agency_a = core.agency(code="DINKES", name="Dinas Kesehatan")
    agency_b = core.agency(code="DISHUB", name="Dinas Perhubungan")
    users = {
        "innovator_a": core.user("innovator", agency_=agency_a),
        "innovator_b": core.user("innovator", agency_=agency_b),
        "reviewer": core.user("reviewer"),
        "admin": core.user("admin"),
    }
    draft = proposals.proposal_in("draft", agency_=agency_a, author=users["innovator_a"])
    submitted = proposals.proposal_in("submitted", agency_=agency_a, author=users["innovator_a"])
    approved = proposals.proposal_in("approved", agency_=agency_a, author=users["innovator_a"])
    public = showcase.published(agency_=agency_a, author=users["innovator_a"])
    # Approved last year: it owes this year's cycle a yearly report.
    earlier = results.earlier_innovation(agency_=agency_a, author=users["innovator_a"])
    result_indicator = results.result_indicator(earlier, name="Lama penerbitan izin")
    evidence = proposals.attachment(submitted)
    # At the Design stage, with an action plan of one milestone (issue 20).
    designed = proposals.proposal_in("submitted", agency_=agency_a, author=users["innovator_a"], lab_stage="design")
    milestone = plans.milestone(designed)
    event = events.event(capacity=20, declaration_text="Kami berkomitmen berinovasi.")
    submitted.event_id = event.id
    indicator = maturity.indicator(name="Regulasi inovasi daerah")
    maturity.levels(cycle, indicator)
    maturity.claim(approved, indicator, level=2)
    # The region's own evidence for the national index, claimed by the admin (so another admin verifies it).
    region_indicator = maturity.indicator(name="Tim inovasi daerah", aspect="region")
    maturity.region_claim(cycle, region_indicator, 2, users["admin"])
    # The city contest: the submitted proposal of A entered, a reviewer assigned to it.
    contest = competitions.competition(cycle_=cycle)
    contest_entry = competitions.entry(contest, submitted)
    assignment = competitions.assignment(contest_entry, users["reviewer"])
    # The reviewer coaches agency A (issue 20): a session with one action item; A filled its readiness.
    coach = coaching.coach_assignment(agency_a, users["reviewer"], cycle)
    session = coaching.coaching_session(agency_a, users["reviewer"], cycle, proposals=[submitted])
    action_item = coaching.action_item(session, users["innovator_a"])
    coaching.readiness(agency_a, users["innovator_a"], cycle)
    note = Notification(user_id=users["innovator_a"].id, message="Usulan Anda dinilai.", link=f"/proposals/{submitted.id}")
    db.session.add(note)
    db.session.commit()
    return dict(cycle=cycle, agency_a=agency_a, agency_b=agency_b, users=users, draft=draft, submitted=submitted,
                approved=approved, public=public, designed=designed, milestone=milestone, earlier=earlier, attachment=evidence, event=event, notification=note,
                indicator=indicator, result_indicator=result_indicator, region_indicator=region_indicator,
                competition=contest, entry=contest_entry, assignment=assignment,
                coach=coach, session=session, action_item=action_item)


# Which object each URL argument names, per endpoint (default: the submitted proposal of agency A).
PROPOSAL_FOR = {
    "proposals.edit": "draft", "proposals.submit": "draft", "proposals.withdraw": "draft",
    "reviews.publish": "approved", "showcase.detail": "public",
    "maturity.proposal": "approved", "maturity.indicator": "approved", "maturity.claim": "approved", "maturity.verify": "approved",
    "maturity.publish": "approved", "maturity.profile": "approved", "maturity.public_profile": "public",
    "results.reports": "earlier", "results.report": "earlier", "results.indicators": "earlier",
    "results.indicator_edit": "earlier", "results.indicator_delete": "earlier",
    "plans.plan": "designed", "plans.milestone_edit": "designed", "plans.milestone_done": "designed",
    "plans.milestone_delete": "designed",
}


def url_for_rule(rule, w: dict) -> str:
    """The rule's path with its arguments filled from the world."""
    values = {
        "proposal_id": w[PROPOSAL_FOR.get(rule.endpoint, "submitted")].id,
        "attachment_id": w["attachment"].id,
        "event_id": w["event"].id,
        "notification_id": w["notification"].id,
        "user_id": w["users"]["innovator_a"].id,
        "agency_id": w["agency_a"].id,
        "indicator_id": w["region_indicator" if rule.endpoint.startswith("maturity.region_") else "indicator"].id,
        "result_indicator_id": w["result_indicator"].id,
        "milestone_id": w["milestone"].id,
        "cycle_id": w["cycle"].id,
        "competition_id": w["competition"].id,
        "entry_id": w["entry"].id,
        "assignment_id": w["coach" if rule.endpoint.startswith("coaching.") else "assignment"].id,
        "track_id": w["competition"].tracks[0].id,
        "year": w["cycle"].year,
        "filename": "css/apusida.css",
        "token": "not-a-token",
        "session_id": w["session"].id,
        "item_id": w["action_item"].id,
    }
    url = rule.rule
    for argument in rule.arguments:
        url = re.sub(rf"<(?:[^:>]+:)?{argument}>", str(values[argument]), url)
    if rule.endpoint == "coaching.session_new":
        url += f"?agency={w['agency_a'].id}"
    return url
