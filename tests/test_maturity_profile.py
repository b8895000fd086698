"""The innovation profile document (issue 18 point 6, DESIGN §9): an A4 PDF with the national
profile's fields in order, the indicators and their levels, the result indicators by year and a
signature block; for whoever may see the proposal, and in public for published innovations."""
import io
from datetime import date

from pypdf import PdfReader

from app.core.extensions import db
from tests import factories
from tests.conftest import login


def _pdf_text(response) -> tuple[str, PdfReader]:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.get_data()))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def _words(text: str) -> str:
    """The text with its line breaks as spaces: a long field wraps in the document."""
    return " ".join(text.split())


def _innovation(make, **fields):
    agency = make.agency(name="Dinas Penanaman Modal dan PTSP")
    innovation = factories.published(
        agency_=agency, title="Izin <b>Sehari</b> & Jadi", summary="Izin usaha terbit dalam sehari.",
        problem="Warga menunggu dua minggu.", goals="Mempercepat izin usaha.", benefits="Pelaku usaha hemat waktu.",
        results="Izin terbit rata-rata 1,5 hari.", maturity="penerapan", initiator="opd", innovation_type="digital",
        form="pelayanan_publik", affair="penanaman_modal", trial_date=date(2025, 5, 2),
        implementation_date=date(2025, 8, 15), contact="0335-421000", **fields)
    factories.result_indicator(innovation, name="Lama terbit izin", unit="hari", baseline=14, target=3)
    db.session.commit()
    return innovation


def test_the_public_profile_holds_every_filled_field_in_order(client, make):
    innovation = _innovation(make)
    text, reader = _pdf_text(client.get(f"/innovations/{innovation.id}.pdf"))
    words = _words(text)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert "Izin <b>Sehari</b> & Jadi" in words  # the title as typed, escaped for the PDF's markup
    expected = ["Dinas Penanaman Modal dan PTSP", "Penerapan", "Digital", "Inovasi pelayanan publik",
                "Penanaman Modal", "2 Mei 2025", "15 Agustus 2025", "Izin usaha terbit dalam sehari.",
                "Warga menunggu dua minggu.", "Mempercepat izin usaha.", "Pelaku usaha hemat waktu.",
                "Izin terbit rata-rata 1,5 hari.", "Lama terbit izin", "0335-421000"]
    missing = [value for value in expected if value not in words]
    assert not missing
    # In the national profile's order: the fields, then the texts, the indicators, the signature.
    positions = [words.index(value) for value in ("Tahapan inovasi", "Waktu penerapan", "Rancang bangun",
                                                  "Hasil inovasi", "Indikator satuan inovasi daerah",
                                                  "Indikator hasil", "Kepala Dinas Penanaman Modal dan PTSP")]
    assert positions == sorted(positions)
    assert f"Halaman 1 dari {len(reader.pages)}" in words


def test_the_pages_link_to_their_profile(client, make):
    innovation = _innovation(make)
    html = client.get(f"/innovations/{innovation.id}").get_data(as_text=True)
    assert f'href="/innovations/{innovation.id}.pdf"' in html
    login(client, make.user(role="admin"))
    html = client.get(f"/proposals/{innovation.id}/maturity").get_data(as_text=True)
    assert f'href="/proposals/{innovation.id}/profile.pdf"' in html


def test_the_public_profile_is_for_published_innovations_only(client, make):
    draft = factories.proposal(title="Masih Draf")
    db.session.commit()
    assert client.get(f"/innovations/{draft.id}.pdf").status_code == 404


def test_the_proposal_profile_follows_who_may_see_the_proposal(app, client, make):
    innovation = _innovation(make)
    indicator = factories.indicator(name="Regulasi inovasi daerah")
    factories.levels(innovation.cycle, indicator)
    factories.claim(innovation, indicator, level=2)
    member = make.user(role="innovator", agency_=innovation.agency)
    stranger = make.user(role="innovator", agency_=make.agency(name="Dinas Lain"))
    db.session.commit()
    path = f"/proposals/{innovation.id}/profile.pdf"
    assert client.get(path).status_code == 302  # to the login page
    login(client, member)
    text, _reader = _pdf_text(client.get(path))
    # The internal profile lists every indicator with its claim, waiting for verification.
    assert "Regulasi inovasi daerah" in text and "Level 2" in _words(text)

    draft = factories.proposal(agency_=member.agency, author=member, title="Draf Kami")
    db.session.commit()
    other = app.test_client()
    login(other, stranger)
    assert other.get(f"/proposals/{draft.id}/profile.pdf").status_code == 403
