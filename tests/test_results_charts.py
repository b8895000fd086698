"""A chart per result indicator (issue 17 point 4, DESIGN §8): baseline, target and the actual
value of each reported year as server-rendered SVG, its numbers in a table beside it, on the
proposal page and on the public page of a published innovation."""
import re

import pytest

from app.core.cycles import city_today
from app.core.extensions import db
from app.results.charts import Series, chart_svg, nice_ticks
from tests.conftest import login

THIS_YEAR = city_today().year  # the city's year (WIB), as the app counts it


@pytest.fixture
def innovation(make):
    """Published two years ago, reported last year and this year, with two indicators."""
    agency = make.agency(name="Dinas Perizinan Uji")
    innovator = make.user(role="innovator", agency_=agency)
    proposal = make.earlier_innovation(years_ago=2, agency_=agency, author=innovator, title="Izin Kilat")
    days = make.result_indicator(proposal, name="Lama terbit izin", unit="hari", baseline=14, target=3)
    served = make.result_indicator(proposal, name="Pemohon dilayani", unit="orang/bulan", baseline=120, target=300,
                                   direction="up")
    make.yearly_report(proposal, make.cycle_of(THIS_YEAR - 1), values={days: 6, served: 180})
    make.yearly_report(proposal, make.cycle_of(THIS_YEAR), values={days: 4.5})
    proposal.published = True
    db.session.commit()
    return {"proposal": proposal, "innovator": innovator, "days": days, "served": served}


def _figure(html: str, indicator) -> str:
    found = re.search(rf'<figure class="result-chart-figure" id="[a-z-]+-{indicator.id}">(.*?)</figure>', html, re.S)
    assert found is not None, f"no chart of {indicator.name}"
    return found.group(1)


def test_nice_ticks_cover_the_values_in_round_steps():
    assert nice_ticks(3, 14) == [0, 5, 10, 15]
    assert nice_ticks(120, 300) == [100, 150, 200, 250, 300]
    assert nice_ticks(7, 7) == [6, 6.5, 7, 7.5, 8]  # one value: a little either side


def test_the_svg_draws_baseline_target_and_a_point_per_reported_year(app_ctx, innovation):
    days = innovation["days"]
    svg = chart_svg(Series(days, THIS_YEAR - 2, {THIS_YEAR - 1: 6, THIS_YEAR: 4.5}), "c1")
    assert svg.startswith('<svg class="result-chart"') and 'role="img"' in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg and '<title id="c1-title">Lama terbit izin (hari)</title>' in svg
    assert "Baseline 14, target 3. Nilai: " in svg and f"{THIS_YEAR - 1}: 6; {THIS_YEAR}: 4,5" in svg
    assert svg.count("<circle") == 2 and 'stroke-dasharray="8 5"' in svg
    assert [int(y) for y in re.findall(r'class="result-chart__year"[^>]*>(\d{4})<', svg)] == [
        THIS_YEAR - 2, THIS_YEAR - 1, THIS_YEAR]
    # The actual line starts at the baseline in the innovation's own year and falls with the values.
    points = re.search(r'<polyline class="result-chart__actual" points="([^"]+)"', svg).group(1).split()
    heights = [float(point.split(",")[1]) for point in points]
    assert len(heights) == 3 and heights[0] < heights[1] < heights[2]  # SVG's y grows downwards


def test_a_chart_before_any_report_has_the_lines_and_no_points(app_ctx, innovation):
    svg = chart_svg(Series(innovation["days"], THIS_YEAR, {}), "c2")
    assert "<circle" not in svg and "<polyline" not in svg and "belum ada laporan" in svg
    assert "result-chart__baseline" in svg and "result-chart__target" in svg


def test_every_text_in_the_drawing_is_escaped(app_ctx, make, innovation):
    evil = make.result_indicator(innovation["proposal"], name='<script>x</script>"', unit="<b>")
    svg = chart_svg(Series(evil, THIS_YEAR - 2, {THIS_YEAR: 1}), 'c3"><script>')
    assert "<script>" not in svg and "&lt;script&gt;x&lt;/script&gt;&#34;" in svg and "&lt;b&gt;" in svg


def test_the_proposal_page_shows_each_chart_with_its_table(client, innovation):
    p, days, served = innovation["proposal"], innovation["days"], innovation["served"]
    login(client, innovation["innovator"])
    html = client.get(f"/proposals/{p.id}").get_data(as_text=True)
    days_figure, served_figure = _figure(html, days), _figure(html, served)
    assert "<svg" in days_figure and "<table" in days_figure
    cells = re.findall(r'<td class="numeric">([^<]*)</td>', days_figure)
    assert cells == ["14", "6", "4,5", "3"]  # baseline, last year, this year, target
    assert re.findall(r'<td class="numeric">([^<]*)</td>', served_figure) == ["120", "180", "—", "300"]


def test_the_public_page_shows_the_charts_in_the_readers_language(client, innovation):
    p, days = innovation["proposal"], innovation["days"]
    html = client.get(f"/innovations/{p.id}").get_data(as_text=True)
    assert "Hasil dari tahun ke tahun" in html and "4,5" in _figure(html, days)
    client.post("/language", data={"lang": "en"})
    english = client.get(f"/innovations/{p.id}").get_data(as_text=True)
    assert "Results year by year" in english and "4.5" in _figure(english, days)
    assert "Lower is better" in english


def test_no_charts_before_approval(client, make):
    agency = make.agency(name="Dinas Uji Lain")
    innovator = make.user(role="innovator", agency_=agency)
    submitted = make.proposal_in("submitted", agency_=agency, author=innovator)
    make.result_indicator(submitted, name="Dari masa usulan")
    db.session.commit()
    login(client, innovator)
    assert "result-chart" not in client.get(f"/proposals/{submitted.id}").get_data(as_text=True)
