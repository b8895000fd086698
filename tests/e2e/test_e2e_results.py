"""An innovation's second year (issue 17, done when): the innovator reports this year's result on an
innovation approved last year; the public page shows the new point on its chart and "Berlanjut" on
its timeline, the leaderboard adds the points, and the trend shows the agency two years running."""
from app.core.cycles import city_today
from app.core.extensions import db
from app.leaderboard.services import POINTS_CONTINUING
from app.models._types import utcnow
from tests import factories
from tests.e2e.conftest import SCREENSHOTS, log_in, mark_page, page_was_not_reloaded, screenshot
from tests.factories import PASSWORD


def _element_screenshot(locator, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    locator.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_a_second_year_report_reaches_the_chart_the_timeline_the_board_and_the_trend(
        new_tab, base_url, make, javascript):
    this_year = city_today().year
    agency = make.agency(name="Dinas Penanaman Modal dan PTSP")
    author = make.user(role="innovator", agency_=agency, name="Rina Perizinan")
    innovation = factories.earlier_innovation(agency_=agency, author=author, title="Izin Usaha Sehari Jadi",
                                              published=True)
    innovation.published_at = utcnow()  # after its approval
    indicator = factories.result_indicator(innovation, name="Lama terbit izin", unit="hari", baseline=14, target=3)
    factories.cycle_of(this_year)
    make.agency(name="Kelurahan Belum Mulai", kind="kelurahan")
    db.session.commit()

    tab = new_tab()
    log_in(tab, base_url, author.email, PASSWORD)
    tab.goto(f"{base_url}/proposals/{innovation.id}/reports")
    if javascript:
        mark_page(tab)
    tab.get_by_label("Berlanjut", exact=True).check()
    tab.get_by_label("Lama terbit izin").fill("7,5")
    tab.get_by_role("button", name=f"Kirim laporan {this_year}").click()
    tab.locator("#reports-title").filter(has_text="(1)").wait_for()
    if javascript:
        assert page_was_not_reloaded(tab)

    citizen = new_tab()
    citizen.goto(f"{base_url}/innovations/{innovation.id}")
    figure = citizen.locator(f"#public-results-{indicator.id}")
    assert figure.locator("circle.result-chart__point").count() == 1  # this year's value, the new point
    year_row = figure.locator("tbody tr").filter(has_text=str(this_year))
    assert year_row.locator("td").inner_text() == "7,5"
    timeline = citizen.locator(".timeline--story .timeline__item")
    assert "Berlanjut" in timeline.last.inner_text()

    citizen.goto(f"{base_url}/leaderboard")
    row = citizen.locator("#board tr").filter(has_text="Dinas Penanaman Modal dan PTSP")
    assert row.locator('td[data-label="Berlanjut"]').inner_text() == "1"
    assert row.locator('td[data-label="Poin"]').inner_text() == str(POINTS_CONTINUING)

    citizen.goto(f"{base_url}/leaderboard/trend")
    trend_row = citizen.locator(".heat-map tbody tr").filter(has_text="Dinas Penanaman Modal dan PTSP")
    assert trend_row.locator('td[data-label="Berturut-turut"]').inner_text() == "2 tahun berturut-turut"
    assert "+1 berlanjut" in trend_row.locator(f'td[data-label="{this_year}"]').inner_text()
    assert citizen.get_by_role("heading", name="Belum pernah berinovasi (1)").is_visible()
    if javascript:
        # The kind filter swaps the region in place and the address follows.
        mark_page(citizen)
        citizen.get_by_label("Jenis perangkat daerah", exact=True).select_option("kelurahan")
        citizen.wait_for_url("**kind=kelurahan**")
        citizen.locator(".heat-map").wait_for(state="detached")  # no kelurahan has submitted
        assert page_was_not_reloaded(citizen)


def test_the_demo_shows_an_innovations_years_and_the_citys_trend_at_once(page, base_url, app_ctx, javascript):
    """`make run`'s demo data (issue 17 point 8) in the browser, and the README's screenshots (point 9)."""
    from sqlalchemy import select

    from app import demo
    from app.models import Proposal
    from app.results.demo import TWO_REPORTS_TITLE

    demo.load()
    db.session.commit()
    innovation_id = db.session.scalar(select(Proposal.id).where(Proposal.title == TWO_REPORTS_TITLE))
    this_year = city_today().year

    page.goto(f"{base_url}/innovations/{innovation_id}")
    figure = page.locator(".result-chart-figure").first
    assert figure.locator("circle.result-chart__point").count() == 2  # a report in each of the two later years
    timeline = page.locator(".timeline--story .timeline__item")
    assert timeline.last.inner_text().startswith(f"Dikembangkan pada {this_year}, dipakai sejak {this_year - 1}")
    page.goto(f"{base_url}/leaderboard/trend")
    assert page.locator(".heat-map tbody tr").count() >= 5
    assert page.locator(".heat--continuing").count() >= 1
    if javascript:
        page.goto(f"{base_url}/innovations/{innovation_id}")
        _element_screenshot(page.locator(".result-chart-figure").first, "indicator-chart")
        _element_screenshot(page.locator(".timeline--story"), "innovation-timeline")
        page.goto(f"{base_url}/leaderboard/trend")
        screenshot(page, "trend")
