"""Blind review holds on every page, fragment, form, export, feed and e-mail.

One world: a blind cycle with a submitted proposal of "DINAS RAHASIA" (code
DRHS77, written by Sutarmi Wiryokusumo), a reviewer of another agency, an
admin. The reviewer walks PAGES and must never meet the agency's name, code
or the author's name; the admin (or a member of the agency) walks the same
pages and is told, where the page names a proposal's agency at all, so the
walk proves the pages do show the name when allowed.

A new page that shows proposals adds itself to PAGES.
"""
import io
import re
from dataclasses import dataclass
from typing import Callable

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.models import Agency, Cycle, Proposal, TeamMember
from app.notifications import services as notifications
from app.proposals.services import add_attachment, add_comment
from app.proposals.status import change_status
from app.proposals.visibility import shown_agency, shown_agency_sql, shown_author
from tests import factories
from tests.conftest import login
from tests.readable import text_of

AGENCY_NAME, AGENCY_CODE, AUTHOR_NAME = "DINAS RAHASIA", "DRHS77", "Sutarmi Wiryokusumo"
# The proposal's contact names its office: hidden like the agency (the proposal page's rule).
CONTACT = "Seksi Rahasia, 0335-777111"
# A video of the innovation shows the office; its address may even name it.
VIDEO = "https://video.example.org/kanal-rahasia-bank-sampah"
SECRETS = (AGENCY_NAME, AGENCY_CODE, AUTHOR_NAME, CONTACT, VIDEO)
HIDDEN_TITLE = "Bank Sampah Terpadu Kelurahan"
# A filter or form field that lists every agency (not next to a proposal): left out of the check.
AGENCY_SELECT = r'<select[^>]*\bid="agency"[^>]*>.*?</select>'


@dataclass(frozen=True)
class Page:
    method: str
    url: str  # formatted with the world's ids: {hidden}, {copy}, {draft}, {event}, {year}, {indicator}
    status: int = 200  # what the blind reviewer gets
    data: Callable[[dict], dict] | None = None
    htmx: bool = False
    # Who is told who proposed on this page ("admin" or "member" of the agency);
    # None: the page names no undecided proposal's agency to anyone (the admin
    # still fetches it, to prove the address is real).
    shown_to: str | None = "admin"
    shown_status: int = 200
    ignore: str | None = None  # a part that legitimately lists every agency


PAGES = [
    # The proposal list, its search and agency filter (page, HTMX results, page title).
    Page("GET", "/proposals/", ignore=AGENCY_SELECT),
    Page("GET", "/proposals/", htmx=True),
    Page("GET", "/proposals/?q=Sampah+Terpadu", htmx=True),
    # A stemmed search whose snippet comes from the summary (issue 22).
    Page("GET", "/proposals/?q=terpilah+kelurahan", htmx=True),
    Page("GET", "/proposals/?agency=" + AGENCY_CODE, htmx=True),
    # The proposal page (fields, timeline, discussion, replication) and its fragments.
    Page("GET", "/proposals/{hidden}"),
    Page("GET", "/proposals/{hidden}", htmx=True),
    Page("GET", "/proposals/{copy}"),
    Page("POST", "/proposals/{hidden}/comments", htmx=True, data=lambda ids: {"body": "Pertanyaan penilai."}),
    Page("POST", "/proposals/{hidden}/vote", htmx=True, data=lambda ids: {"want": "1"}, shown_to=None),
    Page("GET", "/proposals/{hidden}/maturity"),
    # The profile document (issue 18): the agency, the author and the signature block.
    Page("GET", "/proposals/{hidden}/profile.pdf"),
    Page("GET", "/proposals/{hidden}/maturity/{indicator}"),
    # Writing: the "replicates" choices and the similar innovations while typing.
    Page("GET", "/proposals/new", ignore=AGENCY_SELECT),
    Page("POST", "/proposals/new", status=422, shown_status=422, ignore=AGENCY_SELECT,
         data=lambda ids: {"title": "", "lab_stage": "drum_up"}),
    Page("GET", "/proposals/{draft}/edit"),
    Page("POST", "/proposals/{draft}/submit", status=422, shown_status=422),
    Page("GET", "/proposals/suggest?title=Bank+Sampah+Terpadu"),
    Page("GET", "/proposals/suggest?title=Bank+Sampah+Terpadu&proposal_id={draft}"),
    # Reviewing: the review page and fragment, a refused save, the queue.
    Page("GET", "/proposals/{hidden}/review"),
    Page("GET", "/proposals/{hidden}/review", htmx=True, shown_to=None),
    Page("POST", "/proposals/{hidden}/review", status=422, shown_status=422,
         data=lambda ids: factories.review_form(ids["hidden"], comment="")),
    Page("GET", "/proposals/review-queue"),
    # Home, notifications.
    Page("GET", "/dashboard", shown_to="member"),
    Page("GET", "/notifications"),
    Page("GET", "/notifications", htmx=True),
    # Events: the page that links the proposal, its HTMX fragment, the feeds.
    Page("GET", "/events", shown_to=None),
    Page("GET", "/events/{event}"),
    # An empty link form: sent back (422) with the form, whose choices name the proposals.
    Page("POST", "/events/{event}/proposals", status=422, htmx=True, data=lambda ids: {}, shown_status=422),
    Page("GET", "/events.ics", shown_to=None),
    Page("GET", "/events/{event}.ics", shown_to=None),
    # Exports and admin pages (a reviewer may download none of the admin ones).
    Page("GET", "/leaderboard/report-{year}.xlsx", status=403),
    Page("GET", "/admin/maturity/{year}.xlsx", status=403, shown_to=None),
    Page("GET", "/admin/maturity", status=403, shown_to=None),
    Page("GET", "/admin/audit", status=403, shown_to=None),
    Page("GET", "/events/{event}/attendance.csv", status=403, shown_to=None),
    Page("GET", "/events/{event}/attendance.xlsx", status=403, shown_to=None),
    # Public pages and open data hold published (so decided) innovations only.
    Page("GET", "/", shown_to=None),
    Page("GET", "/innovations/{hidden}", status=404, shown_to=None, shown_status=404),
    Page("GET", "/open-data/innovations.csv", shown_to=None),
    Page("GET", "/open-data/innovations.json", shown_to=None),
    Page("GET", "/open-data/results.csv", shown_to=None),
    Page("GET", "/feed.atom", shown_to=None),
    # Not here: /leaderboard names every agency (with counts), never a proposal.
]


@pytest.fixture
def world(app, make, monkeypatch):
    """The blind cycle, its people and proposals; e-mails are kept in world["mails"]."""
    mails = []
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.invalid")
    monkeypatch.setattr(notifications, "deliver", lambda mail: mails.append(mail) or True)

    cycle = make.cycle(blind_review=True)
    secret = make.agency(code=AGENCY_CODE, name=AGENCY_NAME)
    author = make.user(agency_=secret, name=AUTHOR_NAME)
    admin = make.user(role="admin", name="Admin Laboratorium")
    own = make.agency(code="NETRAL", name="Dinas Penilai Netral")
    reviewer = make.user(role="reviewer", agency_=own, name="Penilai Netral")

    hidden = make.proposal(agency_=secret, author=author, cycle_=cycle, title=HIDDEN_TITLE, contact=CONTACT, video_url=VIDEO,
                           summary="Warga menabung sampah terpilah di kelurahan.")
    # The team names the author and the agency, and so does the decree naming it (issue 19).
    hidden.team_members = [TeamMember(position=1, name=AUTHOR_NAME, role="Ketua tim"),
                           TeamMember(position=2, name="Wakil " + AUTHOR_NAME, role="Sekretaris " + AGENCY_NAME)]
    add_attachment(hidden, author, f"SK tim {AGENCY_CODE}.pdf", io.BytesIO(factories.PDF_BYTES), kind="team_decree")
    change_status(hidden, "submitted", author)  # recorded, notified to the admins
    add_comment(hidden, author, "Tim kami siap mempresentasikan.")
    # The reviewer's own agency writes a similar idea (a draft not ready to submit).
    draft = make.proposal(agency_=own, author=reviewer, cycle_=cycle, title="Bank Sampah Sekolah", design="")
    # Another agency replicates the hidden proposal.
    copy = factories.submitted(agency_=make.agency(name="Dinas Peniru"), cycle_=cycle, title="Pojok Daur Ulang",
                        replicates_id=hidden.id)
    indicator = factories.indicator(name="Regulasi inovasi daerah")
    event = factories.event(title="Lokakarya Diagnose Sampah")
    hidden.event_id = event.id
    db.session.commit()
    return {
        "ids": {"hidden": hidden.id, "copy": copy.id, "draft": draft.id, "event": event.id, "year": cycle.year,
                "indicator": indicator.id},
        "reviewer": reviewer, "admin": admin, "member": author, "mails": mails,
    }


def fetch(client, page: Page, ids: dict):
    headers = {"HX-Request": "true"} if page.htmx else {}
    url = page.url.format(**ids)
    if page.method == "GET":
        response = client.get(url, headers=headers)
    else:
        response = client.post(url, headers=headers, data=page.data(ids) if page.data else {})
    text = text_of(response)
    if page.ignore:
        text = re.sub(page.ignore, "", text, flags=re.S)
    return response, text


def label(page: Page) -> str:
    return f"{page.method} {page.url}{' (HTMX)' if page.htmx else ''}"


def test_a_blind_reviewer_is_never_told_who_proposed(client, world):
    login(client, world["reviewer"])
    leaks = []
    for page in PAGES:
        response, text = fetch(client, page, world["ids"])
        assert response.status_code == page.status, (label(page), response.status_code)
        leaks += [f"{label(page)}: {secret}" for secret in SECRETS if secret in text]
    assert not leaks, "\n".join(leaks)
    # Nothing was mailed to the reviewer, and what was mailed to others is theirs to read.
    assert all(world["reviewer"].email not in mail.recipients for mail in world["mails"])


@pytest.mark.parametrize("who", ["admin", "member"])
def test_those_allowed_are_told_who_proposed(app, world, who):
    client = app.test_client()
    login(client, world[who])
    pages = [page for page in PAGES if page.shown_to == who or (who == "admin" and page.shown_to is None)]
    silent = []
    for page in pages:
        response, text = fetch(client, page, world["ids"])
        assert response.status_code == page.shown_status, (label(page), response.status_code)
        if page.shown_to == who and not any(secret in text for secret in SECRETS):
            silent.append(label(page))
    assert not silent, "\n".join(silent)


def test_the_admins_mail_names_the_agency(world):
    mails = [mail for mail in world["mails"] if world["admin"].email in mail.recipients]
    assert mails and AGENCY_NAME in mails[0].body and AGENCY_NAME in mails[0].subject


def test_suggestions_do_not_tell_which_innovations_share_the_hidden_agency(client, make, world):
    """Naming the hidden proposal as "the one being written" must not exclude its agency's
    other innovations from the suggestions: their absence would tell who made it."""
    hidden = db.session.get(Proposal, world["ids"]["hidden"])
    sibling = factories.submitted(agency_=hidden.agency, cycle_=hidden.cycle, title="Bank Sampah Digital Terpadu")
    db.session.commit()
    login(client, world["reviewer"])
    html = client.get(f"/proposals/suggest?title=Bank+Sampah+Terpadu&proposal_id={hidden.id}").get_data(as_text=True)
    assert sibling.title in html


def test_the_sql_form_gives_what_the_python_form_gives(make, world):
    """shown_agency_sql (lists, exports) and shown_agency / shown_author (pages) are one rule."""
    hidden = db.session.get(Proposal, world["ids"]["hidden"])
    decided = factories.submitted(status="approved", agency_=hidden.agency, cycle_=hidden.cycle)
    open_cycle = make.cycle(year=hidden.cycle.year - 1)
    plain = factories.submitted(agency_=hidden.agency, cycle_=open_cycle)
    viewers = [world["reviewer"], world["admin"], world["member"], make.user(role="reviewer"),
               make.user(role="reviewer", agency_=hidden.agency), make.user(role="innovator")]
    db.session.commit()
    for viewer in viewers:
        rows = dict(db.session.execute(
            select(Proposal.id, shown_agency_sql(viewer))
            .join(Agency, Agency.id == Proposal.agency_id).join(Cycle, Cycle.id == Proposal.cycle_id)
            .where(Proposal.id.in_([hidden.id, decided.id, plain.id]))).all())
        for proposal in (hidden, decided, plain):
            assert rows[proposal.id] == shown_agency(viewer, proposal), (viewer.role, proposal.status)
    assert shown_agency(world["reviewer"], hidden) != AGENCY_NAME
    assert shown_author(world["reviewer"], hidden) != AUTHOR_NAME
    assert shown_agency(world["reviewer"], decided) == AGENCY_NAME
    assert shown_agency(world["admin"], hidden, code=True) == AGENCY_CODE


def test_a_search_by_who_proposed_finds_nothing_for_a_blind_reviewer(client, world):
    """The agency, its code, the author, the contact and the video are not searched, so a
    search cannot tell a blind reviewer which proposal they belong to; the snippets of what
    it finds hold none of them."""
    login(client, world["reviewer"])
    for secret in SECRETS:
        html = text_of(client.get("/proposals/", query_string={"q": secret}, headers={"HX-Request": "true"}))
        assert HIDDEN_TITLE not in html, secret
    html = client.get("/proposals/", query_string={"q": "menabung terpilah"},
                      headers={"HX-Request": "true"}).get_data(as_text=True)  # the results, not the agency filter
    assert '<p class="search-snippet">' in html and "<mark>terpilah</mark>" in html
    assert not [secret for secret in SECRETS if secret in html]


def test_another_agencys_draft_is_never_in_a_snippet_or_suggestion(client, make, world):
    """A draft of another agency, however well it matches, is neither found nor quoted."""
    hidden = db.session.get(Proposal, world["ids"]["hidden"])
    make.proposal(agency_=hidden.agency, cycle_=hidden.cycle, title="Bank Sampah Terpadu Rahasia Draf",
                  summary="Kalimat draf rahasia: sampah terpilah ditabung warga kelurahan.")
    db.session.commit()
    login(client, world["reviewer"])
    for url in ("/proposals/?q=sampah+terpilah", "/proposals/suggest?title=Bank+Sampah+Terpadu+Rahasia"):
        html = client.get(url).get_data(as_text=True)
        assert "Rahasia Draf" not in html and "draf rahasia" not in html, url
