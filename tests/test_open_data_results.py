"""Open data of an innovation's years after approval (DESIGN §8): /open-data/results.csv, and the
latest yearly status in innovations.csv and .json."""
import csv
import io

import pytest
from sqlalchemy import select

from app.core.cycles import city_today
from app.core.extensions import db
from app.models import ResultIndicator
from app.showcase.services import OPEN_DATA_FIELDS, RESULTS_FIELDS
from tests import factories
from tests.conftest import login
from tests.factories import cycle_of, result_indicator, yearly_report

THIS_YEAR = city_today().year  # the city's year (WIB), as the app counts it


def _csv(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))


@pytest.fixture
def reported(make):
    """A published innovation of two years ago with two indicators reported in two later years,
    and one published last year whose indicator has no report yet."""
    agency = make.agency(code="DPMPTSP", name="Dinas Perizinan")
    older = factories.published(agency_=agency, title="Izin Kilat", cycle_=cycle_of(THIS_YEAR - 2))
    days = result_indicator(older, name="Lama terbit izin", unit="hari", baseline=14, target=3, direction="down")
    score = result_indicator(older, name="Nilai SKM", unit="indeks", baseline=76.5, target=85.25, direction="up")
    yearly_report(older, cycle_of(THIS_YEAR - 1), "continuing", {days: 7, score: 80.75})
    yearly_report(older, cycle_of(THIS_YEAR), "developed", {days: 2.5, score: 1234.5})
    newer = factories.published(agency_=agency, title="Antre Daring", cycle_=cycle_of(THIS_YEAR - 1))
    result_indicator(newer, name="Warga terlayani sebulan", unit="orang", baseline=1200, target=2500, direction="up")
    db.session.commit()
    return {"older": older, "newer": newer}


def test_results_csv_has_one_row_per_indicator_and_reported_year(client, reported):
    rows = _csv(client, "/open-data/results.csv")
    assert tuple(rows[0].keys()) == RESULTS_FIELDS
    older = [row for row in rows if row["title"] == "Izin Kilat"]
    assert [(row["indicator"], row["year"], row["actual"], row["report_status"]) for row in older] == [
        ("Lama terbit izin", str(THIS_YEAR - 1), "7", "continuing"),
        ("Lama terbit izin", str(THIS_YEAR), "2.5", "developed"),
        ("Nilai SKM", str(THIS_YEAR - 1), "80.75", "continuing"),
        ("Nilai SKM", str(THIS_YEAR), "1234.5", "developed"),
    ]
    first = older[0]
    assert first["innovation"] == str(reported["older"].id) and first["agency"] == "DPMPTSP"
    assert (first["unit"], first["baseline"], first["target"], first["direction"]) == ("hari", "14", "3", "down")
    # An indicator not reported yet: its baseline and target, no year, no actual.
    (newer,) = [row for row in rows if row["title"] == "Antre Daring"]
    assert (newer["baseline"], newer["target"], newer["year"], newer["actual"], newer["report_status"]) == (
        "1200", "2500", "", "", "")


def test_results_csv_numbers_stay_machine_readable_in_english(app, client, reported, make):
    """Dot decimals and no thousands separators, whatever language the reader chose."""
    reader = make.user(role="innovator")
    db.session.commit()
    login(client, reader)
    client.post("/language", data={"lang": "en", "next": "/"})
    rows = _csv(client, "/open-data/results.csv")
    assert {row["actual"] for row in rows if row["indicator"] == "Nilai SKM"} == {"80.75", "1234.5"}
    assert {row["baseline"] for row in rows if row["indicator"] == "Nilai SKM"} == {"76.5"}


def test_results_csv_neutralises_formulas_in_indicator_names(client, make):
    innovation = factories.published(title="Inovasi Rumus")
    result_indicator(innovation, name="=HYPERLINK(\"http://contoh.test\")", unit="+orang", baseline=-5, target=-1,
                     direction="up")
    db.session.commit()
    (row,) = _csv(client, "/open-data/results.csv")
    assert row["indicator"] == "'=HYPERLINK(\"http://contoh.test\")" and row["unit"] == "'+orang"
    assert (row["baseline"], row["target"]) == ("-5", "-1")  # a negative number is a number, not a formula


def test_results_csv_answers_conditional_requests_and_changes_with_a_report(client, reported):
    url = "/open-data/results.csv"
    first = client.get(url)
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    etag = first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    yearly_report(reported["newer"], cycle_of(THIS_YEAR), "continuing", {_indicator_of(reported["newer"]): 1800})
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "1800" in changed.get_data(as_text=True)


def _indicator_of(proposal):
    return db.session.scalar(select(ResultIndicator).where(ResultIndicator.proposal_id == proposal.id))


def test_results_csv_is_built_in_a_constant_number_of_queries(client, make, count_queries):
    def add_innovations(count):
        for _ in range(count):
            innovation = factories.published(cycle_=cycle_of(THIS_YEAR - 1))
            indicator = result_indicator(innovation)
            yearly_report(innovation, cycle_of(THIS_YEAR), "continuing", {indicator: 5})
        db.session.commit()

    add_innovations(1)
    client.get("/open-data/results.csv")  # warm-up
    add_innovations(1)
    with count_queries() as small:
        assert client.get("/open-data/results.csv").status_code == 200
    add_innovations(15)
    with count_queries() as large:
        body = client.get("/open-data/results.csv").get_data(as_text=True)
    assert body.count("\r\n") == 1 + 17
    assert large.count == small.count, large.statements


def test_innovations_files_carry_the_latest_yearly_status(client, reported, make):
    stopped = factories.published(title="Sudah Berhenti", cycle_=cycle_of(THIS_YEAR - 2))
    yearly_report(stopped, cycle_of(THIS_YEAR - 1), "stopped", reason="Digantikan aplikasi provinsi.")
    db.session.commit()
    rows = {row["title"]: row for row in _csv(client, "/open-data/innovations.csv")}
    assert tuple(next(iter(rows.values())).keys()) == OPEN_DATA_FIELDS
    assert (rows["Izin Kilat"]["latest_report_status"], rows["Izin Kilat"]["latest_report_year"]) == (
        "developed", str(THIS_YEAR))
    assert (rows["Sudah Berhenti"]["latest_report_status"], rows["Sudah Berhenti"]["latest_report_year"]) == (
        "stopped", str(THIS_YEAR - 1))
    assert (rows["Antre Daring"]["latest_report_status"], rows["Antre Daring"]["latest_report_year"]) == ("", "")
    items = {item["title"]: item for item in client.get("/open-data/innovations.json").get_json()["innovations"]}
    assert (items["Izin Kilat"]["latest_report_status"], items["Izin Kilat"]["latest_report_year"]) == (
        "developed", THIS_YEAR)
    assert items["Antre Daring"]["latest_report_status"] is None and items["Antre Daring"]["latest_report_year"] is None


def test_innovations_files_stay_one_query_with_the_latest_status(client, make, count_queries):
    def add(count):
        for _ in range(count):
            innovation = factories.published(cycle_=cycle_of(THIS_YEAR - 2))
            yearly_report(innovation, cycle_of(THIS_YEAR - 1), "continuing")
            yearly_report(innovation, cycle_of(THIS_YEAR), "developed")
        db.session.commit()

    add(1)
    client.get("/open-data/innovations.json")
    add(1)
    with count_queries() as small:
        client.get("/open-data/innovations.json")
    add(10)
    with count_queries() as large:
        document = client.get("/open-data/innovations.json").get_json()
    assert document["count"] == 12
    assert {item["latest_report_status"] for item in document["innovations"]} == {"developed"}
    assert large.count == small.count, large.statements


@pytest.mark.parametrize("language", ["id", "en"])
def test_data_dictionary_describes_results_csv_and_the_new_columns(client, reported, language):
    if language == "en":
        client.post("/language", data={"lang": "en", "next": "/"})
    html = client.get("/open-data").get_data(as_text=True)
    assert 'href="/open-data/results.csv"' in html
    for name in (*RESULTS_FIELDS, "latest_report_status", "latest_report_year"):
        assert f"<code>{name}</code>" in html
    for code in ("continuing", "developed", "stopped", "up", "down"):
        assert f"<code>{code}</code>" in html
    words = {"id": "Nilai awal sebelum inovasi", "en": "Value before the innovation (baseline)"}
    assert words[language] in html
