"""Feedback while writing and acting (issue 16, points 4 and 6), in Chromium:
- the live word counters follow the server's rule exactly and speak without chattering;
- a button is disabled, its form marked working, while its in-page request runs;
- the main in-page actions go through without a single console, page, CSP or htmx error,
  and the numbers they change elsewhere on the page follow."""
import re
import sys

import pytest

from app.core.extensions import db
from tests.factories import KIPP_CRITERIA
from app.proposals.status import word_count
from tests import factories
from tests.e2e.conftest import log_in, mark_page, page_was_not_reloaded, screenshot, settled
from tests.factories import PASSWORD

JS_ONLY = pytest.mark.parametrize("javascript", [True], ids=["js"])

# Inputs where a naive JavaScript rule would part from Python's `\S+`.
TRICKY_TEXTS = [
    "", " ", "\n\n\t ", "satu", "  satu  dua  ", "satu\tdua\nTiga\r\nempat\fv\vw",
    "a\u00a0b", "a\u202fb", "a\u3000b", "a\u2028b\u2029c", "a\u1680b", "a\u2000b\u200ac", "a\u205fb",
    "a\ufeffb", "\ufeff", "a\u200bb", "a\u2060b", "a\u180eb", "a\x1cb\x1dc\x1ed\x1fe", "a\x85b",
    "a\x00b", "kata-kata, (dalam) kurung.", "1.234,5 rupiah / 2 000", "e\u0301 cafe\u0301",
    "👍 👍🏽 👨‍👩‍👧", "中文 字", "مرحبا بالعالم", "— – …", "\u00ad", "akhir. ",
    ("Rancang bangun " * 150).strip(),
]


def errors_watch(tab):
    """Collect every console error, page error, CSP violation and htmx error event of `tab`."""
    seen = []
    tab.on("console", lambda message: message.type == "error" and seen.append(f"console: {message.text}"))
    tab.on("pageerror", lambda error: seen.append(f"pageerror: {error}"))
    tab.add_init_script("""
      window.__feedbackErrors = [];
      ["htmx:oobErrorNoTarget", "htmx:responseError", "htmx:targetError", "htmx:swapError",
       "htmx:sendError", "htmx:onLoadError", "htmx:syntax:error", "htmx:historyCacheError"]
        .forEach(function (name) {
          document.addEventListener(name, function () { window.__feedbackErrors.push(name); });
        });
      document.addEventListener("securitypolicyviolation", function (event) {
        window.__feedbackErrors.push("csp: " + event.violatedDirective);
      });
    """)
    tab.on("dialog", lambda dialog: dialog.accept())  # "Batalkan pendaftaran Anda?" and the like

    def errors():
        return seen + (tab.evaluate("window.__feedbackErrors || []") or [])
    return errors


# --- word counters -------------------------------------------------------------------

@JS_ONLY
def test_the_javascript_word_rule_is_the_servers_on_tricky_texts_and_every_separator(page, base_url, javascript):
    page.goto(f"{base_url}/")
    counted = page.evaluate("texts => texts.map(window.apusidaWordCount)", TRICKY_TEXTS)
    assert counted == [word_count(text) for text in TRICKY_TEXTS]
    # Every code point: which ones part two words, in the browser and in Python.
    browser_separators = page.evaluate("""() => {
      const found = [];
      for (let point = 0; point <= 0x10ffff; point++) {
        if (window.apusidaWordCount("a" + String.fromCodePoint(point) + "b") === 2) found.push(point);
      }
      return found;
    }""")
    python_separators = [point for point in range(sys.maxunicode + 1)
                         if not 0xD800 <= point <= 0xDFFF and word_count(f"a{chr(point)}b") == 2]
    assert browser_separators == python_separators


@pytest.fixture
def writer(make):
    make.cycle()
    user = make.user(role="innovator", name="Wulan Penulis")
    db.session.commit()
    return user


@JS_ONLY
def test_the_word_counters_follow_typing_and_speak_after_a_pause_or_at_the_limit(page, base_url, writer, javascript):
    errors = errors_watch(page)
    log_in(page, base_url, writer.email, PASSWORD)
    page.goto(f"{base_url}/proposals/new")
    status = page.locator("#summary-word-count")
    assert status.inner_text() == "Jumlah kata: 0 dari paling banyak 200."
    assert "summary-word-count" in page.locator("#summary").get_attribute("aria-describedby")
    assert page.locator("#summary-hint").inner_text().startswith("Paling banyak 200 kata")

    page.locator("#summary").press_sequentially("Antrean  puskesmas daring")
    assert status.inner_text() == "Jumlah kata: 3 dari paling banyak 200."
    # The live copy speaks after the typing pauses, not at each key.
    live = page.locator("[data-word-count-for=summary] .word-count__live")
    live.get_by_text("Jumlah kata: 3 dari paling banyak 200.", exact=True).wait_for(state="attached")

    # One key press within the same task: the visible count changes, the live copy waits.
    said = page.evaluate("""() => {
      const field = document.getElementById("summary");
      const live = document.querySelector("[data-word-count-for=summary] .word-count__live");
      field.value += " lagi";
      field.dispatchEvent(new Event("input", { bubbles: true }));
      const quiet = live.textContent;
      field.value = Array(202).join("kata ").trim();   // 201 words: over the limit
      field.dispatchEvent(new Event("input", { bubbles: true }));
      return [quiet, live.textContent];
    }""")
    assert said[0] == "Jumlah kata: 3 dari paling banyak 200."  # not yet 4
    # Crossing the limit is said at once.
    assert said[1] == "Jumlah kata: 201, melebihi batas 200. Kata yang perlu dikurangi: 1."
    assert status.inner_text() == said[1]
    assert "word-count--problem" in page.locator("[data-word-count-for=summary]").get_attribute("class")
    page.locator("#summary").scroll_into_view_if_needed()
    screenshot(page, "word-counter-over-limit", full_page=False)

    design = page.locator("#design")
    design.fill(" ".join(["kata"] * 290))
    assert page.locator("#design-word-count").inner_text() == (
        "Jumlah kata: 290 dari paling sedikit 300. Kata yang masih kurang: 10.")
    design.press("End")
    design.press_sequentially(" " + " ".join(["lagi"] * 10))
    assert page.locator("#design-word-count").inner_text() == (
        "Jumlah kata: 300; batas paling sedikit 300 kata sudah tercapai.")
    assert errors() == []
    # What the counter said is what the server counts when the proposal is submitted
    # (the form comes back 422, which Chromium logs as a failed load: no error check after it).
    page.get_by_label("Judul inovasi").fill("Antrean Puskesmas Daring")
    page.get_by_role("button", name="Simpan dan ajukan").click()
    page.wait_for_load_state()
    page.get_by_text("Ringkasan paling banyak 200 kata; sekarang 201 kata.").first.wait_for()
    assert page.locator("#summary-word-count").inner_text().startswith("Jumlah kata: 201,")
    assert page.locator(".error-message").filter(has_text="Ringkasan paling banyak").count() == 1
    assert page.locator(".error-message").filter(has_text="Rancang bangun paling sedikit").count() == 0


def test_without_javascript_the_counter_stays_hidden_and_the_hint_says_the_limit(new_tab, base_url, writer):
    tab = new_tab(js=False)
    log_in(tab, base_url, writer.email, PASSWORD)
    tab.goto(f"{base_url}/proposals/new")
    assert not tab.locator("#summary-word-count").is_visible()
    assert tab.get_by_text("Paling banyak 200 kata").is_visible()
    assert tab.get_by_text("Paling sedikit 300 kata").is_visible()


# --- working state --------------------------------------------------------------------

@pytest.fixture
def world(make):
    make.cycle()
    home = make.agency(name="Dinas Kesehatan", code="DINKES")
    other = make.agency(name="Kecamatan Kanigaran", code="KANIGARAN", kind="kecamatan")
    proposal = factories.submitted(agency_=home, title="Antrean Puskesmas Daring")
    admin = make.user(role="admin", agency_=home, name="Sari Admin")  # hears about her agency's proposals
    voter = make.user(role="innovator", agency_=other, name="Dewi Kanigaran")
    own = factories.submitted(agency_=other, author=voter, title="Taman Baca Kelurahan")
    reviewer = make.user(role="reviewer", name="Bima Penilai")
    event = factories.event(title="Lokakarya Diagnose", capacity=2)
    db.session.commit()
    return dict(proposal=proposal, admin=admin, voter=voter, own=own, reviewer=reviewer, event=event)


@JS_ONLY
def test_a_button_is_disabled_and_its_form_marked_working_while_the_request_runs(new_tab, base_url, world, javascript):
    tab = new_tab()
    errors = errors_watch(tab)
    log_in(tab, base_url, world["voter"].email, PASSWORD)
    proposal_id = world["proposal"].id
    tab.goto(f"{base_url}/proposals/{proposal_id}")
    held = []
    tab.route(f"**/proposals/{proposal_id}/vote", lambda route: held.append(route))
    button = tab.locator(f"#vote-button-{proposal_id}")
    button.click()
    tab.locator(f"#vote-{proposal_id}.htmx-request").wait_for()
    assert button.is_disabled()
    assert button.get_attribute("data-disabled-by-htmx") == ""
    assert tab.locator(f"#vote-{proposal_id}").get_attribute("aria-busy") == "true"
    assert held, "the vote request is held"
    held[0].continue_()
    tab.locator(f"#vote-button-{proposal_id}[aria-pressed='true']").wait_for()
    settled(tab)
    assert button.is_enabled()
    assert tab.locator(".htmx-request").count() == 0 and tab.locator("[aria-busy]").count() == 0
    # Focus came back to the button, though disabling it had taken it away.
    tab.locator(f"#vote-button-{proposal_id}:focus").wait_for()
    assert errors() == []


# --- the main in-page actions, without an error, the numbers following -------------------

def fill_rubric(tab, proposal_id):
    for name in KIPP_CRITERIA:
        tab.locator(f"#r{proposal_id}-score_{name}-3").check()
    tab.locator(f"#r{proposal_id}-recommendation-0").check()
    tab.get_by_label("Komentar untuk tim lab").fill("Jelas manfaatnya bagi warga.")


@JS_ONLY
def test_main_in_page_actions_raise_no_console_or_htmx_error_and_update_their_numbers(new_tab, base_url, world,
                                                                                     javascript):
    proposal_id, event_id = world["proposal"].id, world["event"].id

    # Vote and comment (an innovator of another agency).
    voter = new_tab()
    voter_errors = errors_watch(voter)
    log_in(voter, base_url, world["voter"].email, PASSWORD)
    voter.goto(f"{base_url}/proposals/{proposal_id}")
    mark_page(voter)
    voter.locator(f"#vote-button-{proposal_id}").click()
    voter.locator(f"#vote-button-{proposal_id}[aria-pressed='true']").wait_for()
    settled(voter)
    voter.locator(f"#vote-button-{proposal_id}").click()
    voter.locator(f"#vote-button-{proposal_id}[aria-pressed='false']").wait_for()
    voter.get_by_label("Komentar", exact=True).fill("Kami ingin mereplikasi ini.")
    voter.get_by_role("button", name="Kirim komentar").click()
    voter.locator("#comments-title").filter(has_text="(1)").wait_for()
    assert page_was_not_reloaded(voter)

    # Register for the event, cancel, register again: seats and agencies follow.
    voter.goto(f"{base_url}/events/{event_id}")
    mark_page(voter)
    assert voter.locator("#event-seats").inner_text().strip() == "2 dari 2 kursi tersisa"
    voter.get_by_role("button", name="Daftar", exact=True).click()
    voter.locator("#event-seats").filter(has_text="1 dari 2 kursi tersisa").wait_for()
    voter.locator("#event-agencies").get_by_text("Kecamatan Kanigaran").wait_for()
    settled(voter)
    voter.get_by_role("button", name="Batalkan pendaftaran saya").click()
    voter.locator("#event-seats").filter(has_text="2 dari 2 kursi tersisa").wait_for()
    voter.locator("#event-agencies").get_by_text("Kecamatan Kanigaran").wait_for(state="detached")
    settled(voter)

    # Link the agency's own proposal to the event, then unlink it.
    voter.get_by_label("Hubungkan usulan yang lahir di kegiatan ini").select_option(str(world["own"].id))
    voter.get_by_role("button", name="Hubungkan usulan").click()
    voter.locator("#proposals-region").get_by_role("link", name="Taman Baca Kelurahan").wait_for()
    settled(voter)
    voter.locator("#proposals-region").get_by_role("button", name=re.compile(r"^Lepaskan")).click()
    voter.locator("#proposals-region").get_by_role("link", name="Taman Baca Kelurahan").wait_for(state="detached")
    assert page_was_not_reloaded(voter)
    assert voter_errors() == []

    # The first review moves the proposal into review: the heading's badge follows.
    scorer = new_tab()
    scorer_errors = errors_watch(scorer)
    log_in(scorer, base_url, world["reviewer"].email, PASSWORD)
    scorer.goto(f"{base_url}/proposals/{proposal_id}")
    mark_page(scorer)
    assert scorer.locator(f"#proposal-status-{proposal_id}").inner_text() == "Diajukan"
    fill_rubric(scorer, proposal_id)
    scorer.get_by_role("button", name="Simpan penilaian").click()
    scorer.get_by_text("Penilaian Anda tersimpan.").wait_for()
    scorer.locator(f"#proposal-status-{proposal_id}").get_by_text("Dinilai").wait_for()
    scorer.locator("#timeline-region .timeline__item").last.get_by_text("Dinilai").wait_for()
    settled(scorer)
    assert page_was_not_reloaded(scorer)
    assert scorer_errors() == []

    # The admin decides and publishes; she belongs to the agency, so her bell rings too.
    boss = new_tab()
    boss_errors = errors_watch(boss)
    log_in(boss, base_url, world["admin"].email, PASSWORD)
    boss.goto(f"{base_url}/proposals/{proposal_id}")
    mark_page(boss)
    # The review just saved told her agency (her too): one unread.
    assert boss.locator("#notification-count .badge").inner_text() == "1"
    panel = boss.locator(f"#decision-panel-{proposal_id}")
    panel.get_by_label("Setujui", exact=True).check()
    panel.get_by_role("button", name="Simpan keputusan").click()
    boss.locator(f"#proposal-status-{proposal_id}").get_by_text("Disetujui").wait_for()
    boss.locator("#notification-count .badge").filter(has_text="2").wait_for()
    settled(boss)
    boss.get_by_role("button", name="Publikasikan ke etalase").click()
    boss.locator(f"#proposal-showcase-{proposal_id}").get_by_text("Tampil di etalase").wait_for()
    boss.locator("#notification-count .badge").filter(has_text="3").wait_for()
    settled(boss)
    assert page_was_not_reloaded(boss)
    assert boss_errors() == []


@JS_ONLY
def test_reviewing_from_the_queue_updates_its_counts_and_the_status_without_an_error(new_tab, base_url, world,
                                                                                    javascript):
    proposal_id = world["proposal"].id
    tab = new_tab()
    errors = errors_watch(tab)
    log_in(tab, base_url, world["reviewer"].email, PASSWORD)
    tab.goto(f"{base_url}/proposals/review-queue")
    mark_page(tab)
    stats = tab.locator("#queue-stats .stat__number")
    assert stats.all_inner_texts() == ["2", "0"]  # both submitted proposals wait for this reviewer
    tab.locator(f"#queue-item-{proposal_id}").get_by_role("link", name="Nilai usulan ini").click()
    tab.locator(f"#review-{proposal_id}").wait_for()
    settled(tab)
    fill_rubric(tab, proposal_id)
    tab.locator(f"#review-{proposal_id}").get_by_role("button", name="Simpan penilaian").click()
    tab.get_by_text("Penilaian Anda tersimpan.").wait_for()
    tab.locator(f"#queue-item-{proposal_id} .proposal-status-{proposal_id}").get_by_text("Dinilai").wait_for()
    tab.locator("#queue-stats .stat__number").first.filter(has_text="1").wait_for()
    assert tab.locator("#queue-stats .stat__number").all_inner_texts() == ["1", "1"]
    settled(tab)
    assert page_was_not_reloaded(tab)
    assert errors() == []
