"""Nothing private reaches the public: every anonymous GET route, page, fragment, feed and export.

Every text field of every proposal the public must not see carries a unique
marker word, and so do comments, review comments, status notes, attachment
names, voters, reviewers and authors. The routes come from the URL map, so a
route added later is checked too.
"""
import re

import pytest

from app.core.extensions import db
from app.models import Attachment, EventIdea, EventReport
from app.models._types import utcnow
from tests import factories
from tests.readable import text_of

TEXT_FIELDS = ("title", "summary", "problem", "design", "goals", "benefits", "results", "contact")
HIDDEN_CASES = [
    ("draft", False), ("submitted", False), ("in_review", False), ("revision_requested", False),
    ("rejected", False), ("withdrawn", False), ("approved", False), ("implemented", False),
    # Inconsistent rows (published flag left on) must still stay hidden.
    ("rejected", True), ("withdrawn", True), ("draft", True),
]
# Published once, then taken off the showcase again: its publication date stays behind.
UNPUBLISHED_AGAIN = ("approved", "unpublished")


def marker(*parts) -> str:
    return "zqleak" + "".join(re.sub(r"[^a-z0-9]", "", part.lower()) for part in parts)


@pytest.fixture
def leaky_world(make):
    markers = []
    previous = make.cycle(year=2025)
    cycle = make.cycle(year=2026)
    agency = make.agency(name="Dinas Terbuka", code="TERBUKA")
    ids = []
    for status, published in [*HIDDEN_CASES, UNPUBLISHED_AGAIN]:
        for cycle_ in (cycle, previous):
            case = f"{status}{'pub' if published else ''}{cycle_.year}"
            author = make.user(role="innovator", agency_=agency, name=marker(case, "author"))
            fields = {name: marker(case, name) for name in TEXT_FIELDS}
            fields["affair"] = marker(case, "affair")[:40]
            markers += list(fields.values()) + [author.name]
            if published == "unpublished":
                fields.update(published=False, published_at=utcnow())
            else:
                fields["published"] = published
            proposal = make.proposal(agency_=agency, author=author, cycle_=cycle_, status=status, **fields)
            ids.append(proposal.id)
            # Its years after approval: an indicator and a report, each with private words.
            indicator = factories.result_indicator(proposal, name=marker(case, "indicator"),
                                                   unit=marker(case, "unit")[:60])
            factories.yearly_report(proposal, cycle, "stopped", {indicator: 4321.5}, reason=marker(case, "reason"))
            markers += [indicator.name, indicator.unit, marker(case, "reason")]
            note = marker(case, "comment")
            factories.comment(proposal, note)
            markers.append(note)
            # Its action plan (issue 20): a milestone done, still private with its proposal.
            factories.milestone(proposal, what=marker(case, "milestone"), done_on=utcnow().date())
            markers.append(marker(case, "milestone"))
    # A public innovation with private things around it.
    public = factories.published(agency_=agency, cycle_=cycle, title="Inovasi Publik Aman",
                          replicates_id=ids[0], author=make.user(role="innovator", agency_=agency, name=marker("pubauthor")))
    markers.append(marker("pubauthor"))
    public_indicator = factories.result_indicator(public, name="Indikator Publik Aman", unit="hari")
    factories.yearly_report(public, cycle, "continuing", {public_indicator: 6})
    reviewer = make.user(role="reviewer", name=marker("reviewername"))
    factories.review(public, reviewer, comment=marker("reviewcomment"))
    voter = make.user(role="reviewer", name=marker("votername"), email=f"{marker('voteremail')}@example.com")
    factories.vote(public, voter)
    factories.comment(public, marker("publiccomment"))
    factories.status_change(public, "revision_requested", "submitted", note=marker("statusnote"), actor=reviewer)
    db.session.add(Attachment(proposal_id=public.id, uploaded_by_id=voter.id, original_name=marker("attachment") + ".pdf",
                              stored_name="x" * 40, content_type="application/pdf", size=10, sha256="0" * 64))
    markers += [marker(x) for x in ("reviewername", "reviewcomment", "votername", "voteremail", "publiccomment",
                                    "statusnote", "attachment")]
    # The public innovation's plan: an open milestone stays internal, a done one shows without who marked it.
    factories.milestone(public, what=marker("openmilestone"))
    factories.milestone(public, what="Tonggak Publik Aman", done_on=utcnow().date(),
                        done_by=make.user(role="innovator", agency_=agency, name=marker("milestoneby")))
    markers += [marker("openmilestone"), marker("milestoneby")]
    # A public event that ended, with its close report (issue 20): minutes, ideas and the
    # unpublished proposals discussed there never reach the public; its summary does.
    event = factories.event(days_ahead=-2, title="Kegiatan Publik Aman")
    for proposal_id in [public.id, *ids]:
        db.session.get(type(public), proposal_id).event_id = event.id
    attendee = make.user(role="innovator", agency_=agency, name=marker("attendeename"))
    factories.registration(event, attendee, status="attended")
    report = EventReport(event_id=event.id, minutes=marker("eventminutes"), public_summary="Ringkasan Publik Aman")
    report.ideas = [EventIdea(position=1, title=marker("eventidea"))]
    db.session.add(report)
    markers += [marker(x) for x in ("attendeename", "eventminutes", "eventidea")]
    db.session.commit()
    return {"markers": markers, "public_id": public.id, "hidden_ids": ids, "years": [2025, 2026],
            "event_id": event.id}


def public_urls(app, world) -> list[str]:
    """Every GET route, with its arguments filled in every useful way."""
    values = {
        "proposal_id": [world["public_id"], *world["hidden_ids"]],
        "year": world["years"],
        "id": [world["public_id"], *world["hidden_ids"]],
        "event_id": [world.get("event_id", 1)],  # the leaky world's ended event; others have none
    }
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        variants = [rule.rule]
        for argument in rule.arguments:
            choices = values.get(argument, [1])
            variants = [re.sub(rf"<(?:[^:>]+:)?{argument}>", str(choice), url) for url in variants for choice in choices]
        urls += variants
    extra = ["/?year=2025", "/?year=2026", "/?agency=TERBUKA", "/?page=2", "/leaderboard?cycle=2025",
             "/leaderboard?cycle=2026", "/leaderboard?kind=opd", "/leaderboard?previous_order=1"]
    return urls + extra


def test_no_private_word_reaches_anonymous_visitors(app, client, leaky_world):
    markers = leaky_world["markers"]
    assert len(set(markers)) == len(markers) > 200
    public_seen = set()
    for url in public_urls(app, leaky_world):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            body = text_of(response).lower() + str(response.headers).lower()
            leaked = [m for m in markers if m in body]
            assert not leaked, f"{url} {headers} shows {leaked[:5]}"
            if response.status_code == 200:
                public_seen.add(url.split("?")[0])
    # The check above did reach the public pages (a 404 everywhere would pass it too).
    for url in ("/", f"/innovations/{leaky_world['public_id']}", f"/innovations/{leaky_world['public_id']}.pdf",
                "/leaderboard", "/open-data",
                "/open-data/innovations.csv", "/open-data/innovations.json", "/open-data/results.csv", "/feed.atom",
                f"/events/{leaky_world['event_id']}"):
        assert url in public_seen
    for hidden in leaky_world["hidden_ids"]:
        assert f"/innovations/{hidden}" not in public_seen
        assert f"/innovations/{hidden}.pdf" not in public_seen


def test_open_data_holds_the_public_innovation_only(client, leaky_world):
    """The files do carry data (an empty file would pass the test above): only the public innovation's."""
    results = client.get("/open-data/results.csv").get_data(as_text=True).splitlines()
    assert len(results) == 2 and "Indikator Publik Aman" in results[1]
    assert "4321.5" not in "".join(results)  # the hidden innovations' actual values
    innovations = client.get("/open-data/innovations.json").get_json()["innovations"]
    assert [item["id"] for item in innovations] == [leaky_world["public_id"]]
    assert innovations[0]["latest_report_status"] == "continuing"
    assert len(client.get("/open-data/innovations.csv").get_data(as_text=True).splitlines()) == 2


def test_searching_for_a_private_word_finds_nothing(client, leaky_world):
    for word in leaky_world["markers"][:40]:
        html = client.get("/", query_string={"q": word}, headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "Tidak ada inovasi yang cocok." in html


def test_a_search_snippet_quotes_the_public_innovation_only(client, make):
    """Hidden proposals that match a search better than the public one (issue 22): the
    showcase finds and quotes only the public one."""
    agency = make.agency(name="Dinas Terbuka", code="TERBUKA")
    hidden_words = []
    for status, published in HIDDEN_CASES:
        word = marker(status, "pub" if published else "", "snippet")
        hidden_words.append(word)
        make.proposal(agency_=agency, status=status, published=published, title=f"Pendaftaran Beasiswa {word}",
                      summary=f"Pendaftaran beasiswa daring, pendaftar mendaftar {word} sendiri.")
    public = factories.published(agency_=agency, title="Beasiswa Pelajar", summary="Pelajar mendaftar beasiswa.")
    db.session.commit()
    for query in ("pendaftaran beasiswa", "daftar", "beasiswa"):
        html = client.get("/", query_string={"q": query}).get_data(as_text=True)
        assert "1 inovasi ditemukan." in html and f"/innovations/{public.id}" in html
        assert "<mark>mendaftar</mark>" in html or "<mark>beasiswa</mark>" in html
        assert not [word for word in hidden_words if word in html.lower()], query


def test_public_page_of_the_safe_innovation_hides_its_private_surroundings(client, leaky_world):
    html = client.get(f"/innovations/{leaky_world['public_id']}").get_data(as_text=True)
    assert "Inovasi Publik Aman" in html and "1 dukungan" in html
    assert "Mereplikasi" not in html  # it copies a draft, which stays unnamed


def test_the_public_pages_show_the_plan_and_close_report_they_may(client, leaky_world):
    """What the public does see of the plan and the close report (hiding everything would pass the sweep)."""
    innovation = client.get(f"/innovations/{leaky_world['public_id']}").get_data(as_text=True)
    assert "Tonggak rencana aksi selesai: Tonggak Publik Aman" in innovation
    event = client.get(f"/events/{leaky_world['event_id']}").get_data(as_text=True)
    assert "Ringkasan Publik Aman" in event and "Inovasi Publik Aman" in event
    assert "<strong>1</strong> orang hadir" in event and "<strong>1</strong> ide dicatat" in event
