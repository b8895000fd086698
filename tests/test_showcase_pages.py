"""The public showcase: filters, search, paging, innovation pages, caching."""
from datetime import datetime, timedelta, timezone

import pytest

from app.core.extensions import db
from tests import factories

HX = {"HX-Request": "true"}


@pytest.fixture
def innovations(make):
    older = make.cycle(year=2025)
    cycle = make.cycle(year=2026)
    health = make.agency(name="Dinas Kesehatan", code="DINKES")
    kel = make.agency(name="Kelurahan Jati", code="KEL-JATI", kind="kelurahan")
    now = datetime.now(timezone.utc)
    clinic = factories.published(agency_=health, cycle_=cycle, title="Posyandu Digital", summary="Jadwal imunisasi lewat WhatsApp.",
                          affair="kesehatan", lab_stage="deliver", innovation_type="digital", published_at=now)
    market = factories.published(agency_=kel, cycle_=cycle, title="Pasar Bersih", summary="Gotong royong pasar.",
                          affair="lingkungan_hidup", lab_stage="display", innovation_type="non_digital",
                          status="implemented", published_at=now - timedelta(days=1))
    old = factories.published(agency_=health, cycle_=older, title="Ambulans Desa",
                       summary="Ambulans siaga 100%.", affair="kesehatan", published_at=now - timedelta(days=400))
    hidden = make.proposal(agency_=health, cycle_=cycle, status="approved", title="Belum Tayang")
    db.session.commit()
    return {"clinic": clinic, "market": market, "old": old, "hidden": hidden}


def titles(html):
    return [t for t in ("Posyandu Digital", "Pasar Bersih", "Ambulans Desa", "Belum Tayang") if t in html]


def test_showcase_lists_only_published_innovations_as_cards(client, innovations):
    html = client.get("/").get_data(as_text=True)
    assert titles(html) == ["Posyandu Digital", "Pasar Bersih", "Ambulans Desa"]
    assert "Dinas Kesehatan" in html and "Kesehatan" in html
    assert "Tahap: Deliver" in html and "Non-digital" in html
    assert "3 inovasi ditemukan." in html


@pytest.mark.parametrize("query, expected", [
    ("year=2025", ["Ambulans Desa"]),
    ("agency=KEL-JATI", ["Pasar Bersih"]),
    ("affair=kesehatan", ["Posyandu Digital", "Ambulans Desa"]),
    ("stage=display", ["Pasar Bersih"]),
    ("type=non_digital", ["Pasar Bersih"]),
    ("q=whatsapp", ["Posyandu Digital"]),
    ("q=POSYANDU", ["Posyandu Digital"]),
    ("q=100%25", ["Ambulans Desa"]),  # % is a literal, not a wildcard
    ("q=_", []),
    ("q=tayang", []),
    ("affair=kesehatan&year=2026", ["Posyandu Digital"]),
])
def test_filters_and_search(client, innovations, query, expected):
    html = client.get(f"/?{query}").get_data(as_text=True)
    assert titles(html.split('id="results"')[1]) == expected


def test_htmx_gets_only_the_results(client, innovations):
    response = client.get("/?q=pasar", headers=HX)
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'role="search"' not in html
    assert titles(html) == ["Pasar Bersih"]
    assert 'data-announce="1 inovasi ditemukan."' in html
    assert "HX-Request" in response.headers["Vary"]


def test_filter_form_works_with_and_without_javascript(client, innovations):
    html = client.get("/").get_data(as_text=True)
    assert 'method="get" action="/"' in html and 'hx-push-url="true"' in html and 'hx-target="#results"' in html


def test_paging(client, make):
    make.cycle()
    for n in range(14):
        factories.published(title=f"Inovasi Nomor {n:02d}", published_at=datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(days=n))
    db.session.commit()
    first = client.get("/").get_data(as_text=True)
    assert first.count('class="card"') == 12 and "Halaman 1 dari 2" in first and "Inovasi Nomor 13" in first
    second = client.get("/?page=2", headers=HX).get_data(as_text=True)
    assert second.count('class="card"') == 2 and "Inovasi Nomor 00" in second
    assert 'hx-boost="true"' in second


def test_innovation_page_shows_public_fields_timeline_votes_and_open_graph(client, make, innovations):
    clinic = innovations["clinic"]
    factories.votes(clinic, 4)
    factories.status_change(clinic, "revision_requested", "submitted", note="Catatan internal rahasia")
    db.session.commit()
    html = client.get(f"/innovations/{clinic.id}").get_data(as_text=True)
    assert "Posyandu Digital" in html and "Jadwal imunisasi lewat WhatsApp." in html
    assert "4 dukungan" in html
    for milestone in ("Diajukan", "Disetujui", "Dipublikasikan di etalase"):
        assert milestone in html
    assert "Catatan internal rahasia" not in html and "Perlu revisi" not in html
    assert '<meta property="og:title" content="Posyandu Digital">' in html
    assert '<meta property="og:type" content="article">' in html
    assert f'<meta property="og:url" content="http://localhost/innovations/{clinic.id}">' in html
    assert '<meta property="og:description" content="Jadwal imunisasi lewat WhatsApp.">' in html


def test_replicated_innovation_is_linked_only_when_public(client, make, innovations):
    copy = factories.published(title="Salinan Posyandu", replicates_id=innovations["clinic"].id)
    secret_copy = factories.published(title="Salinan Rahasia", replicates_id=innovations["hidden"].id)
    db.session.commit()
    assert f'href="/innovations/{innovations["clinic"].id}"' in client.get(f"/innovations/{copy.id}").get_data(as_text=True)
    html = client.get(f"/innovations/{secret_copy.id}").get_data(as_text=True)
    assert "Belum Tayang" not in html and "Mereplikasi" not in html


@pytest.mark.parametrize("status, published", [
    ("draft", False), ("submitted", False), ("in_review", False), ("revision_requested", False),
    ("approved", False), ("implemented", False), ("rejected", False), ("withdrawn", False),
    ("rejected", True), ("withdrawn", True), ("submitted", True),
])
def test_anything_not_on_the_showcase_is_404(client, make, status, published):
    proposal = make.proposal(status=status, published=published)
    db.session.commit()
    assert client.get(f"/innovations/{proposal.id}").status_code == 404
    assert client.get("/innovations/99999").status_code == 404


def test_showcase_and_innovation_pages_answer_conditional_requests(client, innovations):
    client.get("/")  # the first visit creates the session (form token)
    first = client.get("/")
    assert first.headers["ETag"]
    assert first.headers["Cache-Control"] in ("public, max-age=60", "private, no-cache")
    assert client.get("/", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    page = client.get(f"/innovations/{innovations['clinic'].id}")
    assert client.get(f"/innovations/{innovations['clinic'].id}",
                      headers={"If-None-Match": page.headers["ETag"]}).status_code == 304
    # A new vote changes the data version.
    factories.vote(innovations["clinic"])
    db.session.commit()
    assert client.get("/", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_logged_in_pages_are_private(client, innovations, login_as):
    login_as("innovator")
    assert client.get("/").headers["Cache-Control"] == "private, no-store"


def test_showcase_query_count_does_not_grow(client, make, count_queries):
    make.cycle()
    for _ in range(5):
        factories.published()
    db.session.commit()
    with count_queries() as small:
        assert client.get("/?page=1").status_code == 200
    for _ in range(95):
        factories.published()
    db.session.commit()
    with count_queries() as large:
        assert client.get("/?page=1").status_code == 200
    assert large.count == small.count
