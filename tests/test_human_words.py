"""Human words (issue 16, point 8): the rubric's error summary names each criterion,
"Kesalahan:" rather than "Galat:", numbers and dates in the reader's locale and in WIB
on pages and in exports, and the attendance list as an XLSX workbook."""
import re
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook

from app.core.extensions import db
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
HX = {"HX-Request": "true"}
CRITERIA_ID = ["Latar belakang dan tujuan", "Kebaruan", "Implementasi", "Signifikansi", "Adaptabilitas",
               "Sumber daya", "Keberlanjutan"]


def summary_items(html: str) -> list[str]:
    block = html.split('class="error-summary"', 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", block, re.DOTALL)]


def test_the_rubric_summary_names_every_missing_criterion(client, login_as):
    proposal = factories.submitted()
    db.session.commit()
    login_as("reviewer")
    data = {f"r{proposal.id}-recommendation": "approve", f"r{proposal.id}-comment": "Baik."}
    response = client.post(f"/proposals/{proposal.id}/review", headers=HX, data=data)
    assert response.status_code == 422
    items = summary_items(response.get_data(as_text=True))
    assert items == [f"Beri nilai 1 sampai 5 untuk kriteria {name}." for name in CRITERIA_ID]


def test_the_rubric_summary_names_a_wrong_score_apart_from_a_missing_one(client, login_as):
    proposal = factories.submitted()
    db.session.commit()
    login_as("reviewer")
    data = factories.review_form(proposal.id)
    data[f"r{proposal.id}-score_resources"] = "9"
    data[f"r{proposal.id}-score_novelty"] = "lima"
    del data[f"r{proposal.id}-score_significance"]
    response = client.post(f"/proposals/{proposal.id}/review", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert summary_items(html) == [
        "Nilai kriteria Kebaruan harus angka 1 sampai 5.",
        "Beri nilai 1 sampai 5 untuk kriteria Signifikansi.",
        "Nilai kriteria Sumber daya harus angka 1 sampai 5.",
    ]
    assert "Not a valid choice" not in html and "could not coerce" not in html


def test_the_rubric_summary_in_english(client, login_as):
    proposal = factories.submitted()
    db.session.commit()
    login_as("reviewer")
    client.post("/language", data={"lang": "en", "next": "/"})
    data = factories.review_form(proposal.id)
    del data[f"r{proposal.id}-score_novelty"]
    response = client.post(f"/proposals/{proposal.id}/review", headers=HX, data=data)
    assert summary_items(response.get_data(as_text=True)) == ["Score the criterion Novelty from 1 to 5."]


def test_no_galat_is_left_in_templates_or_code():
    """The hidden prefix of a field's message is "Kesalahan:" everywhere."""
    places = [path for path in (ROOT / "app").rglob("*") if path.suffix in (".html", ".py", ".js")]
    assert places
    found = [str(path.relative_to(ROOT)) for path in places if "galat" in path.read_text(encoding="utf-8").lower()]
    assert found == []


def test_a_field_message_starts_with_kesalahan(client, login_as):
    proposal = factories.submitted()
    db.session.commit()
    login_as("reviewer")
    data = factories.review_form(proposal.id, comment="")
    html = client.post(f"/proposals/{proposal.id}/review", headers=HX, data=data).get_data(as_text=True)
    assert '<span class="visually-hidden">Kesalahan:</span> Tuliskan komentar' in html


def test_the_proposal_page_shows_comma_decimals_and_wib_times(client, login_as):
    proposal = factories.submitted(title="Pojok Literasi")
    factories.review(proposal, score=3)  # 60
    factories.review(proposal, score=3, background=4, novelty=4)  # 65: the mean is 62.5
    factories.attachment(proposal, data=b"%PDF-1.4\n" + b"x" * 1527)  # 1536 bytes: 1.5 KB
    # 18:30 UTC on 10 March 2026 is 01.30 on 11 March in WIB (UTC+7)
    factories.status_change(proposal, "submitted", when=datetime(2026, 3, 10, 18, 30, tzinfo=timezone.utc))
    db.session.commit()
    login_as("admin")
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert ">62,5<" in html and ">65,0<" in html
    assert "1,5 KB" in html
    assert "11 Mar 2026 01.30" in html
    client.post("/language", data={"lang": "en", "next": "/"})
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert ">62.5<" in html and "1.5 KB" in html
    assert "Mar 11, 2026" in html and "1:30" in html


def test_the_annual_report_writes_submission_times_in_wib(client, login_as):
    cycle = factories.cycle(year=2026)
    proposal = factories.proposal(cycle_=cycle, status="submitted", title="Satu",
                                  submitted_at=datetime(2026, 3, 10, 18, 30, tzinfo=timezone.utc))
    factories.review(proposal, score=3)
    factories.review(proposal, score=3, background=4, novelty=4)
    db.session.commit()
    login_as("admin")
    book = load_workbook(BytesIO(client.get("/leaderboard/report-2026.xlsx").data))
    sheet = book["Usulan"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("Diajukan (WIB)")
    assert rows[1][column] == datetime(2026, 3, 11, 1, 30)
    assert sheet.cell(row=2, column=column + 1).number_format == "dd/mm/yyyy hh:mm"
    # the mean stays a number, shown by the spreadsheet with its reader's decimal mark
    mean = rows[0].index("Rerata skor tertimbang")
    assert rows[1][mean] == 62.5 and sheet.cell(row=2, column=mean + 1).number_format == "#,##0.00"


def test_numbers_in_templates_follow_the_locale(app):
    from flask import render_template_string
    from flask_babel import force_locale

    with app.test_request_context():
        assert render_template_string("{{ 1234.5|decimal }} {{ 80.25|score }}") == "1.234,5 80,2"
        with force_locale("en"):
            assert render_template_string("{{ 1234.5|decimal }} {{ 80.25|score }}") == "1,234.5 80.2"


def test_attendance_downloads_as_xlsx_with_indonesian_headers_and_rows(client, login_as):
    login_as("admin")
    agency = factories.agency(name="Dinas Pendidikan")
    event = factories.event()
    present = factories.registration(event, factories.user(name="Budi", agency_=agency), "attended")
    present.created_at = datetime(2026, 3, 1, 2, 0, tzinfo=timezone.utc)
    present.attended_at = datetime(2026, 3, 10, 18, 30, tzinfo=timezone.utc)
    factories.registration(event, factories.user(name="=HYPERLINK(\"x\")", agency_=None))
    factories.registration(event, factories.user(name="Citra"), "cancelled")  # not on the list
    db.session.commit()
    response = client.get(f"/events/{event.id}/attendance.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Cache-Control"] == "private, no-store"
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["Daftar hadir"]
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("No.", "Nama", "Email", "Perangkat daerah", "Status", "Terdaftar (WIB)", "Hadir (WIB)")
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"Budi", "=HYPERLINK(\"x\")"}
    budi = by_name["Budi"]
    assert budi[3:] == ("Dinas Pendidikan", "Hadir", datetime(2026, 3, 1, 9, 0), datetime(2026, 3, 11, 1, 30))
    assert by_name["=HYPERLINK(\"x\")"][4] == "Terdaftar"
    assert book.active.cell(row=2, column=6).number_format == "dd/mm/yyyy hh:mm"
    formula_row = next(row for row in book.active.iter_rows() if row[1].value == "=HYPERLINK(\"x\")")
    assert formula_row[1].data_type == "s"  # text, not a formula


def test_the_attendance_page_links_the_xlsx(client, login_as):
    login_as("admin")
    event = factories.event()
    db.session.commit()
    html = client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    assert f'href="/events/{event.id}/attendance.xlsx"' in html and "Unduh daftar hadir (XLSX)" in html


def test_open_data_gives_publication_times_in_wib(client):
    factories.published(title="Terbit", published_at=datetime(2026, 3, 10, 18, 30, tzinfo=timezone.utc))
    db.session.commit()
    csv_text = client.get("/open-data/innovations.csv").get_data(as_text=True)
    assert "2026-03-11T01:30:00+07:00" in csv_text
    assert client.get("/open-data/innovations.json").get_json()["innovations"][0]["published_at"] == "2026-03-11T01:30:00+07:00"


def test_counts_in_templates_are_grouped_in_the_readers_locale(app):
    """"%(num)d usulan" with 1234 reads 1.234 in Indonesian and 1,234 in English."""
    from flask_babel import force_locale

    template = app.jinja_env.from_string('{{ ngettext("%(num)d usulan", "%(num)d usulan", total) }}')
    with app.test_request_context():
        assert template.render(total=1234) == "1.234 usulan"
        with force_locale("en"):
            assert template.render(total=1234) in ("1,234 proposal", "1,234 proposals")
