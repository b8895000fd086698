"""Coaching in the browser (issue 20): on the demo data the coach records a session with two
action items for the demo innovator's agency and sees them on the coaching dashboard; the
agency's member then marks one done from their dashboard in one click (HTMX swaps the item in
place; without JavaScript the small form posts and comes back)."""
from datetime import timedelta

from app.core.cycles import city_today
from app.core.extensions import db
from tests.e2e.conftest import log_in, mark_page, page_was_not_reloaded, screenshot

COACH = ("pendamping@demo.apusida.id", "pendamping-demo-2026")
INNOVATOR = ("inovator@demo.apusida.id", "inovator-demo-2026")  # Agus Prasetyo, Diskominfo
ITEMS = ("Petakan alur layanan yang sekarang", "Uji formulir daring dengan lima warga")


def test_a_coach_records_a_session_and_the_member_marks_an_item_done(new_tab, base_url, app_ctx, javascript):
    from app import demo

    demo.load()
    db.session.commit()
    today = city_today()

    coach = new_tab()
    log_in(coach, base_url, *COACH)
    coach.goto(f"{base_url}/coaching")
    coach.get_by_role("link", name="Dinas Komunikasi dan Informatika").click()
    coach.get_by_role("link", name="Catat pendampingan").click()
    coach.get_by_label("Tanggal pendampingan").fill(today.isoformat())
    coach.locator("#proposal_ids input[type=checkbox]").first.check()
    coach.get_by_label("Catatan").fill("Membahas alur layanan dan uji coba formulir daring.")
    for n, what in enumerate(ITEMS):
        coach.locator(f"#items-{n}-what").fill(what)
        coach.locator(f"#items-{n}-owner_id").select_option(label="Agus Prasetyo")
        coach.locator(f"#items-{n}-due_on").fill((today + timedelta(days=7 * (n + 1))).isoformat())
    coach.get_by_role("button", name="Simpan").click()
    coach.get_by_text("Pendampingan dicatat dengan 2 tindak lanjut.").first.wait_for()
    for what in ITEMS:
        assert coach.locator(".queue-list__item", has_text=what).count() == 1
    coach.goto(f"{base_url}/coaching")
    screenshot(coach, "coach-dashboard")

    member = new_tab()
    log_in(member, base_url, *INNOVATOR)
    item = member.locator("#action-items .queue-list__item", has_text=ITEMS[0])
    item.wait_for()
    assert member.locator("#action-items .queue-list__item", has_text=ITEMS[1]).count() == 1
    if javascript:
        mark_page(member)
    item.get_by_role("button", name="Tandai selesai").click()
    if javascript:  # swapped in place, announced, the page not reloaded
        done = member.locator("#action-items .queue-list__item", has_text=ITEMS[0])
        done.get_by_role("button", name="Buka lagi").wait_for()
        assert done.locator(".tag", has_text="Selesai").count() == 1
        assert page_was_not_reloaded(member)
    else:  # back on the dashboard, where only the open item is listed
        member.get_by_text(f"“{ITEMS[0]}” ditandai selesai.").first.wait_for()
        assert member.locator("#action-items .queue-list__item", has_text=ITEMS[0]).count() == 0
    assert member.locator("#action-items .queue-list__item", has_text=ITEMS[1]).count() == 1
