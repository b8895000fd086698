"""Maturity evidence as a task list (issue 16, point 5), clicked through in Chromium with and
without JavaScript: the overview, an indicator's page, a claim refused without a level and then
saved, a reviewer's downgrade, and the innovator's notification that links back to the indicator."""
import pytest

from app.core.extensions import db
from app.maturity import services
from tests import factories
from tests.e2e.conftest import (
    log_in,
    mark_page,
    page_was_not_reloaded,
    screenshot,
    settled,
)
from tests.factories import PASSWORD


@pytest.fixture
def world(make):
    cycle = make.cycle()
    indicators = [factories.indicator(name=name) for name in
                  ("Regulasi inovasi daerah", "Ketersediaan SDM", "Dukungan anggaran")]
    for indicator in indicators:
        factories.levels(cycle, indicator)
    agency = make.agency(name="Dinas Kesehatan Uji")
    innovator = make.user(role="innovator", agency_=agency, name="Siti Inovator")
    proposal = factories.proposal_in("implemented", agency_=agency, author=innovator, cycle_=cycle,
                                     title="Posyandu Digital")
    factories.attachment(proposal, name="sk-kepala-dinas.pdf")
    reviewer = make.user(role="reviewer", name="Bambang Penilai")
    db.session.commit()
    assert [i.id for i in services.scale_for(cycle).indicators] == [i.id for i in indicators]
    return {"proposal": proposal, "indicators": indicators, "innovator": innovator, "reviewer": reviewer}


def no_sideways_scroll(tab) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_claim_from_the_task_list_then_hear_of_the_downgrade(new_tab, base_url, world, javascript):
    p, first = world["proposal"], world["indicators"][0]
    tab = new_tab()
    errors = []
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    # Chromium logs every 4xx answer as a console error; the refused claim's 422 is expected.
    expected = "the server responded with a status of 422"
    log_in(tab, base_url, world["innovator"].email, PASSWORD)
    tab.goto(f"{base_url}/proposals/{p.id}/maturity")
    assert "0 dari 3 indikator selesai" in tab.locator("main").inner_text()
    item = tab.locator(f"#task-{first.id}")
    assert item.locator(".tag").inner_text() == "Belum dimulai"
    item.get_by_role("link", name="Regulasi inovasi daerah").click()
    tab.wait_for_url(f"{base_url}/proposals/{p.id}/maturity/{first.id}")
    radios = tab.locator(f"input[name='c{first.id}-level']")
    assert radios.count() == 3 and not any(radios.nth(n).is_checked() for n in range(3))

    if javascript:
        mark_page(tab)
    tab.get_by_label("Dokumen bukti dari lampiran usulan").select_option(label="sk-kepala-dinas.pdf")
    tab.get_by_role("button", name="Simpan klaim").click()
    tab.locator(f"#c{first.id}-level-error").wait_for()
    assert "Pilih level yang diklaim." in tab.locator(f"#c{first.id}-level-error").inner_text()
    if javascript:
        assert page_was_not_reloaded(tab)
        settled(tab)
    tab.locator(f"label[for='c{first.id}-level-1']").click()
    tab.get_by_label("Dokumen bukti dari lampiran usulan").select_option(label="sk-kepala-dinas.pdf")
    tab.get_by_role("button", name="Simpan klaim").click()
    if javascript:  # the panel swaps in place, the score out of band
        tab.locator(f"#indicator-{first.id}-title .tag", has_text="Menunggu verifikasi").wait_for()
        assert page_was_not_reloaded(tab)
    else:  # back to the task list, at the indicator
        tab.wait_for_url(f"{base_url}/proposals/{p.id}/maturity#task-{first.id}")
        assert tab.locator(f"#task-{first.id} .tag").inner_text() == "Menunggu verifikasi"

    reviewer = new_tab()
    log_in(reviewer, base_url, world["reviewer"].email, PASSWORD)
    reviewer.goto(f"{base_url}/proposals/{p.id}/maturity/{first.id}")
    reviewer.get_by_label("Tetapkan level lebih rendah").check()
    reviewer.get_by_label("Level yang diverifikasi (jika lebih rendah)").select_option("1")
    reviewer.get_by_label("Alasan").fill("Baru SK kepala dinas.")
    reviewer.get_by_role("button", name="Simpan verifikasi").click()
    # In place with JavaScript; back on the task list without it.
    reviewer.locator(f"#indicator-{first.id}-title .tag, #task-{first.id} .tag", has_text="Diturunkan").wait_for()

    tab.goto(f"{base_url}/notifications")
    notice = tab.locator(".notification", has_text="Regulasi inovasi daerah")
    assert "lebih rendah dari level 2" in notice.inner_text() and "Bambang" not in notice.inner_text()
    notice.get_by_role("button", name="Buka").click()
    tab.wait_for_url(f"{base_url}/proposals/{p.id}/maturity/{first.id}")
    assert "Baru SK kepala dinas." in tab.locator("main").inner_text()
    tab.goto(f"{base_url}/proposals/{p.id}/maturity")
    assert tab.locator(f"#task-{first.id} .tag").inner_text() == "Diturunkan"
    assert "1 dari 3 indikator selesai" in tab.locator("main").inner_text()
    assert [error for error in errors if expected not in error] == []


@pytest.mark.parametrize("javascript", [True], ids=["js"])
def test_the_task_list_and_an_indicator_fit_a_phone(browser, base_url, world, javascript):
    context = browser.new_context(locale="id-ID", viewport={"width": 360, "height": 800})
    tab = context.new_page()
    try:
        log_in(tab, base_url, world["innovator"].email, PASSWORD)
        p = world["proposal"]
        tab.goto(f"{base_url}/proposals/{p.id}/maturity")
        assert no_sideways_scroll(tab)
        screenshot(tab, "evidence-task-list-360")
        tab.goto(f"{base_url}/proposals/{p.id}/maturity/{world['indicators'][1].id}")
        assert no_sideways_scroll(tab)
        screenshot(tab, "evidence-indicator-360")
    finally:
        context.close()
