"""English complete (issue 16, point 9): every page, for each role, rendered in English
with demo-like data, holds no Indonesian text of the catalogue (tests/english.py);
the XLSX reports follow the language too, while open data keeps its field codes.

The pages are every GET route of the app (so a page added tomorrow is checked
without a word here), with its arguments from the security world
(tests.factories.security.url_for_rule), plus EXTRA_PAGES: the same routes with
a query string that shows more. To check another page, add it to EXTRA_PAGES;
to give a new route's argument a value, add it to url_for_rule.
"""
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.core.extensions import db
from app.models import Indicator
from tests import factories
from tests.conftest import login
from tests.english import normalise, page_texts, typed_texts, untranslated, untranslated_in_html
from tests.factories import decision_form, url_for_rule, world

ROLES = ("anonymous", "innovator_a", "reviewer", "admin")
# Paths with a query string (on top of every GET route): filters, searches, other views.
EXTRA_PAGES = (
    "/?q=sampah", "/?type=digital", "/proposals?status=submitted", "/proposals?q=posyandu",
    "/leaderboard?kind=kelurahan", "/leaderboard/trend?kind=opd", "/events?kind=drum_up", "/auth/login?next=/dashboard",
)
# Files, not pages: checked apart (exports) or holding no text of the catalogue.
FILE_ENDINGS = (".csv", ".json", ".ics", ".xlsx", ".pdf", ".zip", ".txt", ".xml")
SKIPPED_PATHS = {"/healthz"}


@pytest.fixture
def demo(app, make):
    """The security world, lived in for a while: reviews, a decision with its
    notifications (made in Indonesian), comments, events past and to come,
    agencies that have not submitted yet."""
    from app.maturity import services as maturity

    w = world()
    users = w["users"]
    maturity.load_indicators()  # the 20 shipped indicators beside the world's own
    sdm, budget = (db.session.scalar(select(Indicator).where(Indicator.code == code)) for code in ("sdm", "anggaran"))
    factories.claim(w["approved"], sdm, level=3, status="accepted", verified_level=3, verified_points=3)
    factories.claim(w["approved"], budget, level=2, status="downgraded", verified_level=1, verified_points=1,
                    reason="Baru satu tahun anggaran.")
    factories.review(w["submitted"], reviewer=users["reviewer"], score=4)
    factories.comment(w["submitted"], "Mohon lengkapi data dasar.", author=users["admin"])
    factories.vote(w["submitted"], voter=users["reviewer"])
    factories.registration(w["event"], users["innovator_a"])
    past = factories.event(title="Drum-up Lalu", capacity=30, days_ahead=-30)
    factories.registration(past, users["innovator_a"], status="attended")
    # Its close report, and a milestone done of the world's plan (issue 20): their sections in English.
    from app.models import EventIdea, EventReport

    past_report = EventReport(event_id=past.id, minutes="Notulen.", public_summary="Ringkasan.")
    past_report.ideas = [EventIdea(position=1, title="Ide antrean")]
    db.session.add(past_report)
    factories.milestone(w["designed"], what="Sosialisasi", done_on=past.starts_at.date())
    for n in range(3):
        make.agency(name=f"Kelurahan Contoh {n}", kind="kelurahan")
    revise = factories.proposal_in("submitted", agency_=w["agency_a"], author=users["innovator_a"],
                                   title="Antrean Daring Puskesmas")
    db.session.commit()
    # A decision made in Indonesian: its notifications are read below in English.
    admin_client = app.test_client()
    login(admin_client, users["admin"])
    response = admin_client.post(f"/proposals/{revise.id}/decision",
                                 data=decision_form(revise.id, "revision_requested", "Tambahkan data pengguna."))
    assert response.status_code == 302
    return w


def _client_in_english(app, w, role):
    """A client of `role` that chose English first (as a person who reads English
    would, so the welcome flashed at login is in English too)."""
    client = app.test_client()
    client.post("/language", data={"lang": "en", "next": "/"})
    if role != "anonymous":
        login(client, w["users"][role])
    return client


def page_paths(app, w) -> list[str]:
    """Every GET page of the app with its arguments filled, and the EXTRA_PAGES."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or rule.rule in SKIPPED_PATHS:
            continue
        if rule.rule.endswith(FILE_ENDINGS):
            continue
        try:
            paths.append(url_for_rule(rule, w))
        except KeyError as missing:  # a new argument: give it a value in url_for_rule
            pytest.fail(f"{rule.rule}: no value for {missing} in tests.factories.security.url_for_rule")
    return sorted(set(paths)) + list(EXTRA_PAGES)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_in_english(app, demo, role):
    client = _client_in_english(app, demo, role)
    typed = typed_texts(db.session, db.metadata)
    checked, problems = 0, []
    for path in page_paths(app, demo):
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        checked += 1
        html = response.get_data(as_text=True)
        assert '<html lang="en">' in html or "<html" not in html, path
        problems.extend(f"{path}: “{found}” (msgid “{msgid}”)" for found, msgid in untranslated_in_html(html, typed))
    assert checked >= 5, f"only {checked} pages answered 200 for {role}"
    assert not problems, f"{len(problems)} Indonesian texts on English pages for {role}:\n" + "\n".join(problems)


def test_the_notifications_page_reads_in_english(app, demo):
    """The bell's page, with a decision made in Indonesian (the sweep above covers it too; this says so plainly)."""
    client = _client_in_english(app, demo, "innovator_a")
    html = client.get("/notifications").get_data(as_text=True)
    assert "needs revision: Tambahkan data pengguna." in html
    assert not untranslated_in_html(html)


def _xlsx_texts(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    texts = []
    for sheet in book.worksheets:
        texts.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            texts.extend(str(value) for value in row if isinstance(value, str))
    return texts


def _xlsx_paths(app, w) -> list[str]:
    return sorted(url_for_rule(rule, w) for rule in app.url_map.iter_rules()
                  if "GET" in rule.methods and rule.rule.endswith(".xlsx"))


def test_every_xlsx_report_follows_the_language(app, demo):
    paths = _xlsx_paths(app, demo)
    assert paths, "no XLSX report found"
    english = _client_in_english(app, demo, "admin")
    indonesian = app.test_client()
    login(indonesian, demo["users"]["admin"])
    typed = typed_texts(db.session, db.metadata)  # what people wrote stays as written (a rancang bangun)
    for path in paths:
        in_english = english.get(path)
        assert in_english.status_code == 200, path
        english_texts = _xlsx_texts(in_english.data)
        left = untranslated([normalise(text) for text in english_texts], typed)
        assert not left, (path, left)
        indonesian_texts = _xlsx_texts(indonesian.get(path).data)
        assert english_texts != indonesian_texts, f"{path} is the same in both languages"


def test_open_data_keeps_its_field_codes_in_english(app, demo):
    english = _client_in_english(app, demo, "anonymous")
    indonesian = app.test_client()
    for path in ("/open-data/innovations.csv", "/open-data/innovations.json", "/open-data/results.csv"):
        assert english.get(path).data == indonesian.get(path).data, path
    header = english.get("/open-data/innovations.csv").get_data(as_text=True).lstrip("\ufeff").splitlines()[0]
    assert header.startswith("id,") and "title" in header and "summary" in header


def test_english_maturity_indicators_come_from_the_english_data(app, demo):
    client = _client_in_english(app, demo, "admin")
    html = client.get(f"/admin/maturity/levels/{demo['cycle'].year}").get_data(as_text=True)
    assert "Regional innovation regulation" in html and "Governed by a regional regulation" in html
    assert "Regulasi inovasi daerah" not in html
    indonesian = app.test_client()
    login(indonesian, demo["users"]["admin"])
    assert "Regulasi inovasi daerah" in indonesian.get(f"/admin/maturity/levels/{demo['cycle'].year}").get_data(as_text=True)


def test_an_indicator_an_admin_renamed_is_shown_as_typed(app, make):
    from flask_babel import force_locale

    from app.maturity.services import indicator_text

    with app.test_request_context(), force_locale("en"):
        assert indicator_text("Regulasi inovasi daerah") == "Regional innovation regulation"
        assert indicator_text("Regulasi inovasi daerah (diubah)") == "Regulasi inovasi daerah (diubah)"
        assert indicator_text("Bukti memadai") == "Sufficient evidence"  # a generic level, from the catalogue
    with app.test_request_context(), force_locale("id"):
        assert indicator_text("Regulasi inovasi daerah") == "Regulasi inovasi daerah"


def test_every_shipped_indicator_has_its_english():
    import csv

    from app.maturity.indicator_sets import shipped_indicators, shipped_sets

    assert {(s.year, s.aspect) for s in shipped_sets()} == {(2023, "innovation"), (2023, "region")}
    for shipped in shipped_sets():
        with shipped.english_path.open(encoding="utf-8") as handle:
            english = {row["code"]: row for row in csv.DictReader(handle)}
        for row in shipped_indicators(shipped.year, shipped.aspect):
            translated = english[row.code]
            assert translated["name"] and translated["name"] != row.name, row.code
            assert translated["evidence"], row.code
            assert all(translated[f"level_{n}"] for n in range(1, len(row.levels) + 1)), row.code


# --- the checker itself must be able to fail ------------------------------------------

@pytest.mark.parametrize("html, found", [
    ("<p>Belum ada notifikasi.</p>", "Belum ada notifikasi."),  # a whole text
    ('<button aria-label="Tandai semua sudah dibaca">x</button>', "Tandai semua sudah dibaca"),  # an attribute
    ("<li>Proposal X · Kegiatan ini dibatalkan pada 1 May</li>", "Kegiatan ini dibatalkan pada"),  # a piece
    ("<td>Ditolak</td>", "Ditolak"),  # a label
])
def test_the_checker_finds_indonesian_left_in_a_page(html, found):
    assert found in [hit for hit, _msgid in untranslated_in_html(html)]


def test_the_checker_lets_english_and_shared_words_pass():
    html = ("<h1>Notifications</h1><p>Admin · Drum-up · Kota Probolinggo</p><p>Dinas Kesehatan</p>"
            '<script>var x = "Belum ada notifikasi.";</script><input type="hidden" value="Ditolak">')
    assert untranslated_in_html(html) == []
    assert page_texts("<p>a <b>b</b></p>") == ["a", "b"]
