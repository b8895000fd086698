"""One timeline per innovation (issue 17 point 3, DESIGN §8), collected from every feature through
signals.timeline_entries: first draft, status moves, lab stages, linked events, reviews in
summary, yearly reports and today's status in plain words, on the proposal page and, without
names, notes, scores or reasons, on the public innovation page."""
import re
from datetime import timedelta

import pytest

from app.core import signals
from app.core.cycles import city_today
from app.core.extensions import db
from app.events import services as event_services
from app.models._types import utcnow
from app.results.rules import LifeStatus, life_status
from tests.conftest import login

THIS_YEAR = city_today().year  # the city's year (WIB), as the app counts it


@pytest.fixture
def story(make):
    """An innovation approved two years ago: linked to an event where it moved a lab stage,
    reviewed twice, sent back once with a note, reported continuing in both later years."""
    agency = make.agency(name="Dinas Kesehatan Uji")
    innovator = make.user(role="innovator", agency_=agency, name="Rina Inovator")
    admin = make.user(role="admin", name="Admin Lab")
    proposal = make.earlier_innovation(years_ago=2, agency_=agency, author=innovator, title="Posyandu Digital")
    start = utcnow() - timedelta(days=700)
    proposal.created_at = start
    for offset, change in enumerate(proposal.status_changes):
        change.created_at = start + timedelta(days=10 + offset)
    make.status_change(proposal, "revision_requested", from_status="submitted", actor=admin,
                       note="Lengkapi anggaran.", when=start + timedelta(days=11, hours=1))
    workshop = make.event(days_ahead=-690, title="Klinik Inovasi Kesehatan")
    event_services.link_proposal(workshop, proposal, admin)
    event_services.advance_stage(workshop, proposal, admin)
    reviewer = make.user(role="reviewer", name="Penilai Satu")
    make.review(proposal, reviewer, score=4, comment="Rahasia penilai")
    make.review(proposal, score=5)
    days = make.result_indicator(proposal, name="Lama antre", unit="menit", baseline=60, target=15)
    make.yearly_report(proposal, make.cycle_of(THIS_YEAR - 1), values={days: 30}, reporter=innovator)
    make.yearly_report(proposal, make.cycle_of(THIS_YEAR), values={days: 20}, reporter=innovator)
    proposal.published, proposal.published_at = True, start + timedelta(days=40)
    db.session.commit()
    return {"proposal": proposal, "innovator": innovator, "admin": admin, "reviewer": reviewer, "event": workshop}


def _items(html: str) -> list[str]:
    """Each timeline item as its text, in page order."""
    section = html[html.index('class="timeline timeline--story"'):]
    section = section[:section.index("</ol>")]
    items = re.findall(r'<li class="timeline__item timeline__item--([a-z_]+)">(.*?)</li>', section, re.S)
    return [f"{kind}: " + " ".join(re.sub(r"<[^>]+>", " ", body).split()) for kind, body in items]


def test_life_status_in_plain_words_follows_the_latest_report():
    assert life_status([]) is None
    assert life_status([(2025, "continuing"), (2026, "continuing")]) == LifeStatus("continuing", 2026, 2025)
    assert life_status([(2024, "continuing"), (2025, "developed")]) == LifeStatus("developed", 2025, 2024)
    assert life_status([(2024, "continuing"), (2025, "stopped")]) == LifeStatus("stopped", 2025, None)
    # An innovation taken up again after a stop counts from its new start.
    assert life_status([(2023, "continuing"), (2024, "stopped"), (2026, "continuing")]).since == 2026


def test_the_proposal_page_tells_the_whole_story_in_order(client, story):
    login(client, story["admin"])
    items = _items(client.get(f"/proposals/{story['proposal'].id}").get_data(as_text=True))
    kinds = [item.split(":")[0] for item in items]
    assert kinds[0] == "draft" and kinds[-1] == "now"
    assert items[0].startswith("draft: Draf pertama dibuat") and "Rina Inovator" in items[0]
    sent_back = next(item for item in items if "Perlu revisi" in item)
    assert "Admin Lab" in sent_back and "Lengkapi anggaran." in sent_back
    assert any(item.startswith("event: Kegiatan “Klinik Inovasi Kesehatan”") for item in items)
    assert any(item.startswith("lab_stage: Masuk tahap") for item in items)
    reviews = next(item for item in items if item.startswith("reviews:"))
    assert "2 penilaian masuk" in reviews and "Rata-rata skor tertimbang" in reviews  # the admin is the review team
    reports = [item for item in items if item.startswith("report:")]
    assert [r.split(" ")[2] for r in reports] == [f"{THIS_YEAR - 1}:", f"{THIS_YEAR}:"]
    assert items[-1] == f"now: Berlanjut sejak {THIS_YEAR - 1} Sekarang"
    # Oldest first: the status moves before the reports, the reports before today.
    assert kinds.index("status") < kinds.index("report") < kinds.index("now")


def test_the_agency_does_not_see_the_review_score(client, story):
    login(client, story["innovator"])
    items = _items(client.get(f"/proposals/{story['proposal'].id}").get_data(as_text=True))
    reviews = next(item for item in items if item.startswith("reviews:"))
    assert "2 penilaian masuk" in reviews and "skor" not in reviews.lower()


def test_the_public_page_shows_the_milestones_without_names_notes_or_scores(client, story):
    html = client.get(f"/innovations/{story['proposal'].id}").get_data(as_text=True)
    items = _items(html)
    text = " ".join(items)
    assert items[0].startswith("draft: Mulai disusun")
    assert "Disetujui" in text and "Dipublikasikan di etalase" in text
    assert "Perlu revisi" not in text and "Lengkapi anggaran." not in text  # the back-and-forth stays inside
    for private in ("Admin Lab", "Rina Inovator", "Penilai Satu", "Rahasia penilai", "skor"):
        assert private not in html, private
    assert "Dinilai oleh 2 penilai" in text and "Kegiatan “Klinik Inovasi Kesehatan”" in text
    assert f"Laporan {THIS_YEAR}: Berlanjut" in text and items[-1].startswith(f"now: Berlanjut sejak {THIS_YEAR - 1}")


def test_the_public_page_names_only_public_events_and_gives_no_reasons(client, make, story):
    story["event"].is_public = False
    stopped = make.yearly_report(story["proposal"], make.cycle_of(THIS_YEAR + 1), status="stopped",
                                 reason="Anggaran dialihkan oleh kepala dinas.")
    db.session.commit()
    assert stopped.id
    html = client.get(f"/innovations/{story['proposal'].id}").get_data(as_text=True)
    text = " ".join(_items(html))
    assert "Klinik Inovasi Kesehatan" not in html and "Sebuah kegiatan laboratorium" in text
    assert "Anggaran dialihkan" not in html and f"Dihentikan pada {THIS_YEAR + 1}" in text


def test_in_english_the_timeline_reads_in_english(client, story):
    client.post("/language", data={"lang": "en"})
    text = " ".join(_items(client.get(f"/innovations/{story['proposal'].id}").get_data(as_text=True)))
    assert "Drafting began" in text and "Reviewed by 2 reviewers" in text
    assert f"Continuing since {THIS_YEAR - 1}" in text and "Now" in text


def test_blind_review_hides_who_and_the_event_on_the_timeline(client, make):
    cycle = make.cycle_of(THIS_YEAR, blind_review=True)
    agency = make.agency(name="Dinas Rahasia Uji")
    author = make.user(role="innovator", agency_=agency, name="Budi Pengusul")
    proposal = make.proposal_in("submitted", agency_=agency, author=author, cycle_=cycle)
    admin = make.user(role="admin")
    event = make.event(title="Coaching Dinas Rahasia Uji")
    event_services.link_proposal(event, proposal, admin)
    reviewer = make.user(role="reviewer")
    db.session.commit()
    login(client, reviewer)
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    text = " ".join(_items(html))
    assert "Budi Pengusul" not in text and "Tim pengusul" in text  # the author's submission
    assert "Coaching Dinas Rahasia Uji" not in html and "Sebuah kegiatan laboratorium" in text


def test_each_feature_adds_its_part_through_the_signal(app_ctx, story):
    kinds = {entry.kind for entry in signals.collect_timeline(story["proposal"], public=True)}
    assert kinds == {"draft", "status", "event", "lab_stage", "reviews", "report", "now"}


def test_a_status_decision_still_refreshes_the_timeline_in_place(client, story):
    login(client, story["admin"])
    html = client.get(f"/proposals/{story['proposal'].id}").get_data(as_text=True)
    region = re.search(r'<div id="timeline-region"([^>]*)>', html).group(1)
    assert 'hx-trigger="proposal-status-changed from:body"' in region and 'hx-select="#timeline-region"' in region
