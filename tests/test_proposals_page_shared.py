"""The proposal page's main part (fields, evidence, maturity box, timeline) is
rendered once per data version for each audience (role and agency) and shared
within it; the heading, discussion and actions are the person's own, and access
is checked on every request."""
import io

from app.core.extensions import db
from tests import factories
from tests.conftest import clients_of, login
from tests.factories import PDF_BYTES, proposal_in

SECRETS = ("Dinas Rahasia Sekali", "Penulis Tersembunyi")


def test_colleagues_share_the_main_part_and_read_less_the_second_time(app, make, count_queries):
    agency = make.agency(name="Dinas Bersama")
    first = factories.user("innovator", agency_=agency, name="Pegawai Pertama")
    second = factories.user("innovator", agency_=agency, name="Pegawai Kedua")
    proposal = proposal_in("submitted", agency_=agency, author=first, title="Usulan Bersama",
                           design="Rancang bangun yang panjang.")
    db.session.commit()
    one, two = clients_of(app, first, second)
    with count_queries() as rendered:
        html_one = one.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    with count_queries() as shared:
        html_two = two.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    for html in (html_one, html_two):
        assert "Rancang bangun yang panjang." in html and "Perjalanan inovasi" in html
    assert "Pegawai Kedua" in html_two.split("</nav>")[0] and "Pegawai Kedua" not in html_one.split("</nav>")[0]
    # The shared part's evidence, timeline and replications were not read again.
    assert shared.count < rendered.count
    assert not [s for s in shared.statements if "FROM attachment" in s or "FROM status_change" in s]


def test_a_blind_reviewer_after_an_admin_still_sees_no_identity(app, make):
    cycle = make.cycle(blind_review=True)
    agency = make.agency(code="RAHASIA", name="Dinas Rahasia Sekali")
    author = make.user(agency_=agency, name="Penulis Tersembunyi")
    proposal = factories.submitted(author=author, cycle_=cycle, title="Inovasi Buta")
    admin, reviewer = make.user(role="admin"), make.user(role="reviewer")
    db.session.commit()
    admin_client, reviewer_client = clients_of(app, admin, reviewer)
    assert all(secret in admin_client.get(f"/proposals/{proposal.id}").get_data(as_text=True) for secret in SECRETS)
    html = reviewer_client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Inovasi Buta" in html
    assert not any(secret in html for secret in SECRETS)


def test_access_is_checked_even_when_the_main_part_is_kept(app, make):
    agency = make.agency()
    author = factories.user("innovator", agency_=agency)
    draft = proposal_in("draft", agency_=agency, author=author, title="Draf Dinas")
    admin = make.user(role="admin")
    reviewer = make.user(role="reviewer")
    other_reviewer = make.user(role="reviewer")
    db.session.commit()
    owner_client, admin_client = clients_of(app, author, admin)
    assert owner_client.get(f"/proposals/{draft.id}").status_code == 200
    assert admin_client.get(f"/proposals/{draft.id}").status_code == 200
    for outsider in (reviewer, other_reviewer):  # the second finds no kept part either
        (outsider_client,) = clients_of(app, outsider)
        assert outsider_client.get(f"/proposals/{draft.id}").status_code == 403


def test_new_evidence_a_status_move_and_a_renamed_author_show_at_once(client, make):
    agency = make.agency()
    admin = make.user(role="admin", agency_=agency)
    author = factories.user("innovator", agency_=agency, name="Nama Lama")
    proposal = proposal_in("submitted", agency_=agency, author=author, title="Usulan Berubah")
    db.session.commit()
    login(client, admin)
    page = f"/proposals/{proposal.id}"
    assert "download>bukti-baru.pdf</a>" not in client.get(page).get_data(as_text=True)
    response = client.post(f"{page}/attachments", data={"file": (io.BytesIO(PDF_BYTES), "bukti-baru.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    client.get(page)  # the flash message also names the file: read the list on the next visit
    assert "download>bukti-baru.pdf</a>" in client.get(page).get_data(as_text=True)

    response = client.post(f"/admin/users/{author.id}/edit", data={
        "email": author.email, "name": "Nama Baru", "role": "innovator", "agency_id": agency.id, "active": "y"})
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "Nama Baru" in html and "Nama Lama" not in html

    response = client.post(f"{page}/decision", data=factories.decision_form(proposal.id, "revision_requested",
                                                                      "Tambahkan data dukung."))
    assert response.status_code == 302
    timeline = client.get(page).get_data(as_text=True).split('id="timeline"')[1]
    assert "Perlu revisi" in timeline and "Tambahkan data dukung." in timeline
